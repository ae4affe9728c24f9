//! Validate: the rules one submission can judge on its own (F03–F05, F07, C01, C05, L01–L08, V03),
//! and the choice between resubmissions (F06). Cross-file rules live in `consolidate`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::fields::{Field, Need, FIELDS};
use crate::finding::{Finding, Rule};
use crate::normalise::{Submission, TaskRow};
use crate::period::Period;
use crate::plan::{Kind, Plan, Task};
use crate::values::{fmt_num, phone_ok, DeadlineValue, Status};

/// Whether `a` becomes `b` by one character changed, added, removed, or two neighbours swapped
/// (4.5.3 typed as 4.53, 4.5.8 or 4.3.5).
/// Below this, a row's task text is not the list's task of that number.
const UNLIKE: f64 = 0.2;
/// At or above this, a row's task text is that task's.
const ALIKE: f64 = 0.6;

/// How alike two texts are: the share of the shorter one's character pairs (bigrams) found in
/// the other, 0–1. Units shorten and reword task names (“5G基站” for “新建5G基站222个”): a
/// shortened name is still wholly inside the long one.
pub fn likeness(a: &str, b: &str) -> f64 {
    let pairs = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (x, y) = (pairs(a), pairs(b));
    let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    if short.is_empty() {
        return 1.0;
    }
    let long: HashSet<(char, char)> = long.into_iter().collect();
    short.iter().filter(|p| long.contains(p)).count() as f64 / short.len() as f64
}

/// How alike a row's task text is to a task of the list (its name or its indicator); an empty text
/// is taken as alike (nothing written, nothing contradicted).
fn task_likeness(task: &Task, written: &str) -> f64 {
    if written.trim().is_empty() {
        return 1.0;
    }
    let by_indicator = task.indicator.as_deref().map_or(0.0, |i| likeness(written, i));
    likeness(written, &task.name).max(by_indicator)
}

/// The wrong task list: most rows' task text is not the list's task of the same number (a 2022
/// batch checked against the built-in 2021 list). Said once for the batch, with two examples.
pub fn wrong_list(plan: &Plan, subs: &[Submission]) -> Option<Finding> {
    let mut rows = 0;
    let mut unlike = Vec::new();
    for s in subs.iter().filter(|s| s.superseded_by.is_none()) {
        for r in &s.rows {
            let written = r.get(Field::Task);
            let Some(task) = plan.task(r.task_id()).filter(|_| !written.trim().is_empty()) else { continue };
            rows += 1;
            if task_likeness(task, written) < UNLIKE {
                unlike.push((s.unit.clone().unwrap_or_else(|| s.file.clone()), task, written.to_string()));
            }
        }
    }
    if rows < 3 || unlike.len() * 2 <= rows {
        return None;
    }
    let examples: Vec<String> = unlike.iter().take(2).map(|(who, t, w)| format!("{who} {} 写“{w}”，清单中是“{}”", t.id, t.name)).collect();
    let msg = format!(
        "报送的任务与任务清单对不上：{rows}行中有{}行的任务名称与清单中同一编号的任务不同（如 {}）；是否用错了任务清单？请用 --tasks 指定本期下发的任务清单",
        unlike.len(),
        examples.join("；")
    );
    Some(Finding::new(Rule::V06, msg))
}

/// Whether `a` and `b` differ by one character added, dropped, changed or two swapped.
pub fn one_edit_apart(a: &str, b: &str) -> bool {
    let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if x == y {
        return false;
    }
    let prefix = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
    let (xs, ys) = (&x[prefix..], &y[prefix..]);
    match (xs.len(), ys.len()) {
        (n, m) if n == m => xs[1..] == ys[1..] || (n >= 2 && xs[0] == ys[1] && xs[1] == ys[0] && xs[2..] == ys[2..]),
        (n, m) if n == m + 1 => xs[1..] == *ys,
        (n, m) if m == n + 1 => *xs == ys[1..],
        _ => false,
    }
}

/// Every rule on one submission. `unit_written` is the best guess at the unit when it is not on the roster.
pub fn check_submission(plan: &Plan, period: Period, sub: &Submission, unit_written: Option<&str>) -> Vec<Finding> {
    let mut out = Vec::new();
    if sub.unit.is_none() {
        let msg = match unit_written {
            Some(u) => format!("无法确定报送单位：“{}”不在单位名单中", u),
            None => "无法确定报送单位：表中没有“填报单位”，文件名和责任单位也对不上单位名单".to_string(),
        };
        out.push(sub.file_finding(Rule::F05, msg).unit(unit_written));
    }
    let any_quantified = sub.rows.iter().any(|r| plan.task(r.task_id()).is_some_and(|t| t.kind.quantified()));
    for def in FIELDS {
        let required = match def.need {
            Need::Always => true,
            Need::Quantified => any_quantified,
            Need::No | Need::Derivable => false,
        };
        if required && !sub.has(def.field) {
            out.push(sub.file_finding(Rule::F03, format!("缺少必填列“{}”", def.header)));
        }
    }
    if let Some((y, m)) = sub.period {
        if (y, m) != (period.year, period.month) {
            let written = sub.period_text.clone().unwrap_or_else(|| format!("{y}年{m}月"));
            out.push(sub.file_finding(Rule::F07, format!("报送期次写“{}”，本期应为{}", written, period.chinese())));
        }
    }
    let mut seen: HashMap<&str, u32> = HashMap::new();
    for row in &sub.rows {
        check_row(plan, period, sub, row, &mut seen, &mut out);
    }
    if !sub.lower.is_empty() {
        check_lower(plan, sub, &mut out);
    }
    out
}

/// A level's return seen through (穿透): its figures against the rows of its level below that it
/// sent with them (下级明细) — L14 a hand-edited total, L15 targets cut below the allocation
/// (减码; more is a note), L16 a 下级 row feeding a task not allocated to the unit.
fn check_lower(plan: &Plan, sub: &Submission, out: &mut Vec<Finding>) {
    let Some(unit) = sub.unit.as_deref() else { return };
    let at_lower = |rule: Rule, msg: String, row: u32| {
        let col = crate::normalise::LOWER_COLUMNS.iter().position(|c| *c == "上级任务编号").unwrap_or(2) as u32;
        Finding::new(rule, msg).file(&sub.file).sheet(crate::normalise::LOWER_SHEET).unit(Some(unit)).at(row.saturating_sub(1), col, "上级任务编号")
    };
    for l in &sub.lower {
        let Some(id) = &l.upper_id else { continue };
        if !plan.task(id).is_some_and(|t| t.responsible(unit) || t.lead_unit == unit) {
            out.push(
                at_lower(
                    Rule::L16,
                    format!("下级明细第{}行（{} {}）的上级任务编号 {} 不是分配给{}的任务", l.sheet_row, l.unit, l.task_id, id, unit),
                    l.sheet_row,
                )
                .task(id),
            );
        }
    }
    for row in sub.rows.iter().filter(|r| !r.duplicate) {
        let Some(task) = plan.task(row.task_id()) else { continue };
        let below: Vec<&crate::normalise::LowerRow> = sub.lower.iter().filter(|l| l.upper_id.as_deref() == Some(task.id.as_str())).collect();
        if below.is_empty() || !task.kind.sums() {
            continue;
        }
        let uom = task.uom.as_deref().unwrap_or("");
        let units: Vec<&str> = below.iter().map(|l| l.unit.as_str()).collect();
        let who = if units.len() > 4 { format!("{}等{}个下级单位", units[..4].join("、"), units.len()) } else { units.join("、") };
        let sum: f64 = below.iter().filter_map(|l| l.actual).sum();
        if let Some(actual) = row.actual.filter(|_| row.usable()) {
            if !close(actual, sum) {
                let msg = format!("累计完成{}{}，下级明细（{}）合计{}{}，相差{}{}", fmt_num(actual), uom, who, fmt_num(sum), uom, fmt_num(actual - sum), uom);
                out.push(sub.at(Rule::L14, msg, row, Field::Actual));
            }
        }
        let Some(allocated) = task.row_target(unit, None) else { continue };
        if below.iter().any(|l| l.target.is_none()) {
            continue;
        }
        let targets: f64 = below.iter().filter_map(|l| l.target).sum();
        if !close(targets, allocated) {
            let cut = targets < allocated;
            let msg = if cut {
                format!(
                    "减码：分配给{unit}的全年目标{}{}，下级明细各行全年目标合计{}{}，少了{}{}",
                    fmt_num(allocated),
                    uom,
                    fmt_num(targets),
                    uom,
                    fmt_num(allocated - targets),
                    uom
                )
            } else {
                format!("加码：分配给{unit}的全年目标{}{}，下级明细各行全年目标合计{}{}", fmt_num(allocated), uom, fmt_num(targets), uom)
            };
            let mut f = sub.at(Rule::L15, msg, row, Field::Target);
            if !cut {
                f.severity = crate::finding::Severity::Info;
            }
            out.push(f);
        }
    }
}

fn check_row<'a>(plan: &Plan, period: Period, sub: &Submission, row: &'a TaskRow, seen: &mut HashMap<&'a str, u32>, out: &mut Vec<Finding>) {
    let id = row.task_id();
    let task = plan.task(id);
    let quantified = task.is_some_and(|t| t.kind.quantified());
    // C01: required values.
    for def in FIELDS {
        let needed = match def.need {
            Need::Always => true,
            Need::Quantified => quantified,
            _ => false,
        };
        if needed && sub.has(def.field) && row.get(def.field).is_empty() && !has_cell_error(row, def.field) {
            out.push(sub.at(Rule::C01, format!("{}为空", sub.headers[def.field.index()]), row, def.field));
        }
    }
    let phone = row.get(Field::Phone);
    if !phone.is_empty() && !phone_ok(phone) {
        let digits = phone.chars().filter(|c| c.is_ascii_digit()).count();
        let msg = format!("联系电话“{}”格式不对（{}位数字），应为11位手机号或带区号的固定电话", phone, digits);
        out.push(sub.at(Rule::C05, msg, row, Field::Phone));
    }
    if id.is_empty() {
        return;
    }
    if let (Some(task), Some(_)) = (task, &row.read_as) {
        // Counted under the task its words name, and said so: the unit still corrects its form.
        let w = row.get(Field::TaskId);
        let msg = format!("任务编号{w}不在任务清单中；本行写的是{}“{}”的任务，应为{}（本期已按{}计入）", task.id, task.name, task.id, task.id);
        out.push(sub.at(Rule::L01, msg, row, Field::TaskId).task(w).advise(format!("把任务编号改为{}", task.id)));
    }
    let Some(task) = task else {
        // The task whose text the row carries, word for word or nearly: the number is the slip
        // (4.5.9 beside 4.5.3's words). Else a suggestion only when one task id alone is a slip
        // away (2.9 is as near 2.1 as 2.8).
        let written = row.get(Field::Task);
        let by_text = plan.tasks.iter().map(|t| (task_likeness(t, written), t)).max_by(|a, b| a.0.total_cmp(&b.0)).filter(|(l, _)| *l >= ALIKE);
        let near: Vec<&str> = plan.tasks.iter().map(|t| t.id.as_str()).filter(|t| one_edit_apart(t, id)).take(2).collect();
        let f = match (by_text, near.as_slice()) {
            (Some((_, t)), _) => sub
                .at(Rule::L01, format!("任务编号{id}不在任务清单中；本行写的是{}“{}”的任务，应为{}", t.id, t.name, t.id), row, Field::TaskId)
                .advise(format!("把任务编号改为{}", t.id)),
            (None, [t]) => sub.at(Rule::L01, format!("任务编号{id}不在任务清单中，疑似{t}"), row, Field::TaskId).advise(format!("核对后把任务编号改为{t}")),
            _ => sub.at(Rule::L01, format!("任务编号{id}不在任务清单中"), row, Field::TaskId),
        };
        out.push(f);
        return;
    };
    // A number of the list beside the text of another of its tasks: the number is the slip.
    let written = row.get(Field::Task);
    if task_likeness(task, written) < UNLIKE {
        let other = plan.tasks.iter().filter(|t| t.id != task.id).map(|t| (task_likeness(t, written), t)).max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, other)) = other.filter(|(l, _)| *l >= ALIKE) {
            let msg = format!("任务编号{id}在任务清单中是“{}”，本行写的却是“{}”，疑似{}", task.name, written, other.id);
            out.push(sub.at(Rule::L01, msg, row, Field::TaskId).advise(format!("核对后把任务编号改为{}", other.id)));
            return;
        }
    }
    if let Some(first) = seen.get(id) {
        let msg = format!("任务编号{}重复出现（第{}行已填过）", id, first + 1);
        out.push(sub.at(Rule::L02, msg, row, Field::TaskId));
        return;
    }
    seen.insert(id, row.row);
    if task.kind.quantified() {
        check_figures(period, sub, row, task, out);
        if row.nodes.iter().all(Option::is_none) {
            let at = if sub.has(Field::Q1) { Field::Q1 } else { Field::TaskId };
            out.push(sub.at(Rule::V03, format!("{}是量化任务，本行没有填节点目标（一、二、三季度）", task_label(task)), row, at));
        }
    }
    if let (Some(DeadlineValue::Date(d)), status) = (row.deadline, row.status) {
        if d < period.end() && status != Some(Status::Done) {
            let state = status.map(|s| format!("状态仍为“{}”", s.label())).unwrap_or_else(|| "尚未完成".into());
            let msg = format!("完成时限{}已过，{}", d.format("%Y-%m-%d"), state);
            out.push(sub.at(Rule::L07, msg, row, Field::Deadline));
        }
    }
}

fn has_cell_error(row: &TaskRow, f: Field) -> bool {
    row.get(f).starts_with('#')
}

fn task_label(task: &Task) -> String {
    task.indicator.clone().unwrap_or_else(|| task.id.clone())
}

/// Whether `actual` meets `target` by the task's kind (SPEC §1).
pub fn meets(kind: Kind, actual: f64, target: f64) -> bool {
    match kind {
        Kind::UpperBound => actual <= target + 1e-9,
        Kind::LowerBound => actual > target - 1e-9,
        _ => actual >= target - 1e-9,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

fn check_figures(period: Period, sub: &Submission, row: &TaskRow, task: &Task, out: &mut Vec<Finding>) {
    let uom = task.uom.clone().unwrap_or_default();
    let unit = sub.unit.as_deref().unwrap_or("");
    let target = task.row_target(unit, row.target);
    // L03: cumulative node targets never go down.
    if task.kind.sums() && row.uom_ok {
        let nodes = [(Field::Q1, row.nodes[0]), (Field::Q2, row.nodes[1]), (Field::Q3, row.nodes[2]), (Field::Target, row.target)];
        let names = ["一季度节点", "二季度节点", "三季度节点", "全年目标"];
        'outer: for i in 0..3 {
            let Some(a) = nodes[i].1 else { continue };
            for j in i + 1..4 {
                if let Some(b) = nodes[j].1 {
                    if a > b + 1e-9 {
                        let msg = format!("{}{}大于{}{}，节点目标应逐季累计、不减少", names[i], fmt_num(a), names[j], fmt_num(b));
                        out.push(sub.at(Rule::L03, msg, row, nodes[i].0));
                        break 'outer;
                    }
                    break;
                }
            }
        }
    }
    let (Some(actual), Some(target)) = (row.actual, target) else { return };
    if !row.uom_ok {
        return;
    }
    // L04: far beyond the target — often a 万/亿 or 亩/万亩 slip.
    if task.kind.sums() && target > 0.0 && actual > target * 1.5 {
        let msg = format!(
            "累计完成{}{}是全年目标{}{}的{}倍，请核对数值和计量单位（万/亿、亩/万亩）",
            fmt_num(actual),
            uom,
            fmt_num(target),
            uom,
            fmt_num((actual / target * 10.0).round() / 10.0)
        );
        out.push(sub.at(Rule::L04, msg, row, Field::Actual));
    }
    // L05: stated rate against actual/target.
    // Judged against the allocated target where there is one: when the unit's own target is wrong
    // (L08), the advice on 完成率 must not contradict the advice on the target.
    let alloc = task.allocation(unit);
    let basis = alloc.unwrap_or(target);
    if let Some(rate) = row.rate {
        if task.kind != Kind::UpperBound && basis != 0.0 {
            let computed = actual / basis * 100.0;
            if (rate - computed).abs() > 1.0 {
                let which = if alloc.is_some_and(|a| !close(a, target)) { "任务清单分配给本单位的全年目标" } else { "全年目标" };
                let msg = format!(
                    "完成率填{}%，按 累计完成{}÷{}{} 应为{}%",
                    fmt_num((rate * 10.0).round() / 10.0),
                    fmt_num(actual),
                    which,
                    fmt_num(basis),
                    fmt_num((computed * 10.0).round() / 10.0)
                );
                out.push(sub.at(Rule::L05, msg, row, Field::Rate));
            }
        }
    }
    // L06: the stated status contradicts the figures — said in the words of the task's kind: a
    // cap is exceeded (超过控制目标), a rate falls short (增长), a count is not yet reached (累计完成).
    let short = |figure: f64, goal: f64, of: &str| match task.kind {
        Kind::UpperBound => format!("{}{}超过{}控制目标{}{}", fmt_num(figure), uom, of, fmt_num(goal), uom),
        Kind::Growth => format!("增长{}{}低于{}目标{}{}", fmt_num(figure), uom, of, fmt_num(goal), uom),
        _ => format!("累计完成{}{}未达到{}目标{}{}", fmt_num(figure), uom, of, fmt_num(goal), uom),
    };
    match row.status {
        Some(Status::Done) if !meets(task.kind, actual, target) => {
            out.push(sub.at(Rule::L06, format!("状态填“已完成”，但{}", short(actual, target, "全年")), row, Field::Status));
        }
        Some(Status::OnTrack) => {
            let node = period.due_node().and_then(|i| task.row_node(unit, i, row.nodes[i]).map(|v| (i, v)));
            if let Some((i, node)) = node {
                if !meets(task.kind, actual, node) {
                    let q = ["一季度", "二季度", "三季度"][i];
                    out.push(sub.at(Rule::L06, format!("状态填“正常推进”，但{}", short(actual, node, &format!("{q}节点"))), row, Field::Status));
                }
            }
        }
        _ => {}
    }
    // L08: the unit's target differs from its allocation.
    if let (Some(own), Some(alloc)) = (row.target, task.allocation(unit)) {
        if !close(own, alloc) {
            let msg = format!(
                "全年目标写{}{}，任务清单分配给本单位{}{}（完成进度、亮灯按分配的{}{}计）",
                fmt_num(own),
                uom,
                fmt_num(alloc),
                uom,
                fmt_num(alloc),
                uom
            );
            out.push(sub.at(Rule::L08, msg, row, Field::Target).advise(format!("把全年目标改为{}", fmt_num(alloc))));
        }
    }
}

/// 累计完成 per unit and task: what L10 and 较上期变化 compare against.
pub type Figures = HashMap<String, HashMap<String, f64>>;

/// Last period's figures from its submissions (`--previous`): the first usable row of each task.
/// Submissions that are last period's file sent again: the 报送期次 says last month and every
/// figure equals what the unit reported last month. Their indices, each with its F08.
pub fn resent_last_period(subs: &[Submission], period: Period, last: &Figures) -> Vec<(usize, Finding)> {
    let before = period.previous();
    subs.iter()
        .enumerate()
        .filter(|(_, s)| s.superseded_by.is_none() && s.period == Some((before.year, before.month)))
        .filter_map(|(i, s)| {
            let own = last.get(s.unit.as_deref()?)?;
            let figures: Vec<(&str, f64)> = s.rows.iter().filter(|r| r.uom_ok).filter_map(|r| Some((r.task_id(), r.actual?))).collect();
            let same = !figures.is_empty() && figures.iter().all(|(id, a)| own.get(*id).is_some_and(|b| (a - b).abs() <= 1e-9 * b.abs().max(1.0)));
            same.then(|| {
                let written = s.period_text.clone().unwrap_or_else(|| before.chinese());
                let msg = format!(
                    "报送期次写“{written}”，{}项累计完成与本单位上期报送的完全相同：这是上期的文件，本期未采用，数据不计入{}汇总",
                    figures.len(),
                    period.chinese()
                );
                (i, s.file_finding(Rule::F08, msg))
            })
        })
        .collect()
}

pub fn figures_of(previous: &[Submission]) -> Figures {
    let mut last: Figures = HashMap::new();
    for s in previous.iter().filter(|s| s.superseded_by.is_none()) {
        let Some(unit) = s.unit.as_deref() else { continue };
        for r in s.rows.iter().filter(|r| r.uom_ok) {
            if let Some(a) = r.actual {
                last.entry(unit.to_string()).or_default().entry(r.task_id().to_string()).or_insert(a);
            }
        }
    }
    last
}

/// Give every row last period's 累计完成 and flag changes of more than 30 % (L10).
pub fn compare_with_previous(subs: &mut [Submission], last: &Figures) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in subs.iter_mut().filter(|s| s.superseded_by.is_none()) {
        let Some(unit) = s.unit.clone() else { continue };
        let mut found = Vec::new();
        for (i, r) in s.rows.iter().enumerate() {
            let Some(&prev) = last.get(unit.as_str()).and_then(|m| m.get(r.task_id())) else { continue };
            found.push((i, prev));
        }
        for (i, prev) in found {
            s.rows[i].previous = Some(prev);
            let r = &s.rows[i];
            if let Some(now) = r.actual.filter(|_| r.uom_ok) {
                let change = if prev.abs() > 1e-9 {
                    (now - prev) / prev.abs()
                } else if now.abs() > 1e-9 {
                    f64::INFINITY
                } else {
                    0.0
                };
                if change.abs() > 0.30 {
                    let pct = if change.is_finite() { format!("{}%", fmt_num((change * 1000.0).round() / 10.0)) } else { "从0起".into() };
                    let msg = format!("累计完成由上期{}变为{}（变化{}），超过30%，请附说明", fmt_num(prev), fmt_num(now), pct);
                    out.push(s.at(Rule::L10, msg, r, Field::Actual));
                }
            }
        }
    }
    out
}

/// How recent a submission is, for choosing between resubmissions (F06): a 更正版 name, then
/// the 报送日期 it states, then the document's modified time, then the file's time.
fn recency(sub: &Submission) -> (bool, Option<NaiveDate>, Option<String>, Option<std::time::SystemTime>) {
    let name = sub.file.to_lowercase();
    let corrected = ["更正", "修正", "修改", "最新", "终版", "定稿"].iter().any(|w| name.contains(w));
    let mtime = std::fs::metadata(&sub.path).and_then(|m| m.modified()).ok();
    (corrected, sub.reported_on, sub.modified.clone(), mtime)
}

/// Mark superseded resubmissions and report each unit that sent more than one file (F06).
pub fn resolve_resubmissions(subs: &mut [Submission]) -> Vec<Finding> {
    let mut by_unit: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in subs.iter().enumerate() {
        if let Some(u) = &s.unit {
            by_unit.entry(u.clone()).or_default().push(i);
        }
    }
    let mut units: Vec<_> = by_unit.into_iter().filter(|(_, v)| v.len() > 1).collect();
    units.sort();
    let mut out = Vec::new();
    for (unit, idx) in units {
        let newest = *idx.iter().max_by_key(|&&i| recency(&subs[i])).unwrap_or(&idx[0]);
        let newest_file = subs[newest].file.clone();
        let others: Vec<String> = idx.iter().filter(|&&i| i != newest).map(|&i| subs[i].file.clone()).collect();
        for &i in &idx {
            if i != newest {
                subs[i].superseded_by = Some(newest_file.clone());
            }
        }
        let msg = format!("{}本期报送了{}份：采用最新的“{}”，未采用“{}”", unit, idx.len(), newest_file, others.join("”“"));
        out.push(Finding::new(Rule::F06, msg).file(&newest_file).unit(Some(&unit)));
    }
    out
}

/// Findings about a superseded file's rows are dropped: only the file that counts is judged.
pub fn drop_superseded(findings: &mut Vec<Finding>, subs: &[Submission]) {
    let superseded: HashSet<&str> = subs.iter().filter(|s| s.superseded_by.is_some()).map(|s| s.file.as_str()).collect();
    findings.retain(|f| f.rule == Rule::F06 || !f.file.as_deref().is_some_and(|file| superseded.contains(file)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let p = Period::parse("2021-06").unwrap();
        assert_eq!(p.end(), NaiveDate::from_ymd_opt(2021, 6, 30).unwrap());
        assert_eq!(p.due_node(), Some(1));
        assert!(Period::parse("2021-13").is_none());
        assert!(super::one_edit_apart("4.5.3", "4.53"));
        assert!(super::one_edit_apart("4.5.3", "4.5.8"));
        assert!(!super::one_edit_apart("4.5.3", "4.3.5"));
        assert!(super::one_edit_apart("2.9", "2.8"));
        assert!(!super::one_edit_apart("2.9", "2.9"));
        for written in ["2021-6", "2021年6月", "2021.6", "2021/06", "202106", "２０２１－０６"] {
            assert_eq!(Period::parse(written), Some(p), "{written}");
        }
        assert_eq!(Period::find_in("2021年6月报送"), Some(p));
        assert_eq!(Period::find_in("东四街道_2021-06.xlsx"), Some(p));
        assert_eq!(Period::find_in("202106"), Some(p));
        assert_eq!(Period::find_in("6月份任务分解表.xlsx"), None);
        assert_eq!(Period::find_in("13941266830"), None);
        assert!(Period::parse("六月").is_none());
    }

    #[test]
    fn meeting_by_kind() {
        assert!(meets(Kind::Growth, 7.9, 6.5));
        assert!(!meets(Kind::Growth, 5.1, 6.0));
        assert!(meets(Kind::UpperBound, 2.9, 3.0));
        assert!(!meets(Kind::UpperBound, 3.1, 3.0));
        assert!(!meets(Kind::LowerBound, 75.0 - 0.1, 75.0));
    }
}
