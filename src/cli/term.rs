//! What luoshi prints on the terminal: findings as text or JSON lines, the run summary, the task list.

use std::fmt::Write as _;
use std::io::IsTerminal;

use unicode_width::UnicodeWidthStr;

use crate::cli::commands::Outputs;
use luoshi::batch::{Batch, FileState};
use luoshi::finding::{sorted, Counts, Finding, Rule, Severity};
use luoshi::ledger::Ledger;
use luoshi::plan::Plan;
use luoshi::values::fmt_num;

fn colour(s: &str, sev: Severity, on: bool) -> String {
    if !on {
        return s.to_string();
    }
    let code = match sev {
        Severity::Error => "31",
        Severity::Warning => "33",
        Severity::Info => "36",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

pub fn use_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The earlier periods read (历史期次：2022-04、2022-05), what was passed over, and the measures
/// the streaks call for.
fn history_lines(batch: &Batch, out: &mut String) {
    for n in &batch.notes {
        let _ = writeln!(out, "{n}");
    }
    if let Some(l) = &batch.ledger {
        let _ = writeln!(out, "{}", measures(l));
    }
}

/// 督办措施 by count over the unit rows, e.g. 督办措施：约谈 1 行、专函督办 2 行.
fn measures(l: &Ledger) -> String {
    let counts = l.row_measures();
    if counts.is_empty() {
        "督办措施：无（没有连续滞后的单位任务行）".to_string()
    } else {
        format!("督办措施（单位任务行）：{}", counts.iter().map(|(m, n)| format!("{m} {n} 行")).collect::<Vec<_>>().join("、"))
    }
}

/// `luoshi remind`: the units to chase, as a table, then the messages.
pub fn remind_summary(r: &luoshi::remind::Reminders) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "报送期次：{}　报送截止：{}", r.period.chinese(), r.due.format("%Y年%-m月%-d日"));
    for n in &r.notes {
        let _ = writeln!(out, "{n}");
    }
    if r.list.is_empty() {
        let _ = writeln!(out, "各单位都已报送，无需催报。");
    } else {
        let _ = writeln!(out, "需催报 {} 个单位：\n", r.list.len());
        let header = ["单位", "情况", "填报人", "联系电话", "应报任务"];
        let rows: Vec<[String; 5]> = r
            .list
            .iter()
            .map(|m| {
                let c = m.contact.clone().unwrap_or_default();
                let person = if m.contact.is_some() { c.person } else { "（往期无报送记录，请查通讯录）".into() };
                [m.unit.clone(), m.state.label().to_string(), person, c.phone, format!("{}项", m.tasks.len())]
            })
            .collect();
        let widths: Vec<usize> = (0..5).map(|i| rows.iter().map(|r| r[i].width()).chain([header[i].width()]).max().unwrap_or(0)).collect();
        let line =
            |cells: [&str; 5]| -> String { cells.iter().zip(&widths).map(|(c, w)| format!("{c}{}", " ".repeat(w - c.width()))).collect::<Vec<_>>().join("  ") };
        let _ = writeln!(out, "  {}", line(header));
        for row in &rows {
            let _ = writeln!(out, "  {}", line([&row[0], &row[1], &row[2], &row[3], &row[4]]).trim_end());
        }
        let _ = writeln!(out, "\n催报短信：");
        for m in &r.list {
            let _ = writeln!(out, "  {}", m.message);
        }
    }
    let _ = writeln!(out, "已写出：{}", r.path.display());
    out
}

/// `notice`: what the 通报 says in one line, and where it is.
pub fn notice_summary(plan: &Plan, batch: &Batch, path: &std::path::Path) -> String {
    let mut out = String::new();
    for n in &batch.notes {
        let _ = writeln!(out, "{n}");
    }
    let c = luoshi::papers::facts::Counts::of_tasks(&batch.consolidated);
    let rep = batch.reporting(plan);
    let _ = writeln!(
        out,
        "截至{}底，{}{}项任务中，{}；应报{}个单位，已报{}个{}，未报{}个。",
        batch.period.chinese(),
        plan.scope,
        c.total,
        c.tally(),
        rep.due.len(),
        rep.reported.len(),
        if rep.unusable.is_empty() { String::new() } else { format!("，已报但无法使用{}个", rep.unusable.len()) },
        rep.missing.len()
    );
    let _ = writeln!(out, "已写出：{}（通报初稿，请核改后印发）", path.display());
    out
}

/// What `luoshi ledger` did.
pub fn ledger_summary(l: &Ledger, notes: &[String], path: &std::path::Path) -> String {
    let mut out = String::new();
    for n in notes {
        let _ = writeln!(out, "{n}");
    }
    let _ = writeln!(
        out,
        "任务 {} 项，单位任务行 {} 行；季度节点 {} 行（未完成 {} 行）；销号 {} 行（反复 {} 行）",
        l.tasks.len(),
        l.rows.len(),
        l.nodes.len(),
        l.nodes.iter().filter(|n| !n.met).count(),
        l.closures.len(),
        l.closures.iter().filter(|c| c.reopened.is_some()).count()
    );
    if let Some(a) = &l.assessment {
        let _ = writeln!(out, "预评估：有风险 {} 行（共 {} 行）", a.iter().filter(|a| a.at_risk).count(), a.len());
    }
    let _ = writeln!(out, "{}", measures(l));
    let _ = writeln!(out, "已写出：{}", path.display());
    out
}

/// One JSON object per line, exactly the keys of SPEC §3.
pub fn jsonl(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in sorted(findings) {
        out.push_str(&serde_json::to_string(f).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// Findings grouped by unit, most severe first, with a one-line total.
pub fn text(batch: &Batch, colour_on: bool) -> String {
    let (findings, files) = (&batch.findings, batch.files.len());
    let mut out = String::new();
    let _ = writeln!(out, "报送期次：{}（依据：{}）", batch.period.chinese(), batch.period_basis);
    history_lines(batch, &mut out);
    let mut current: Option<String> = None;
    let per_owner = Counts::per(findings, |f| Some(owner(f)));
    for f in sorted(findings) {
        let name = owner(f);
        if current.as_ref() != Some(&name) {
            let c = per_owner.get(&name).copied().unwrap_or_default();
            let _ = writeln!(out, "\n【{}】错误 {}，警告 {}，提示 {}", name, c.errors, c.warnings, c.infos);
            current = Some(name);
        }
        let tag = colour(&format!("{}{}", f.severity.label(), f.rule), f.severity, colour_on);
        let _ = writeln!(out, "  {} {}", tag, f.located_message());
        let _ = writeln!(out, "      改法：{}", f.fix());
    }
    let c = Counts::of(findings);
    let _ = writeln!(out, "\n共检查 {} 个文件：错误 {} 条，警告 {} 条，提示 {} 条", files, c.errors, c.warnings, c.infos);
    out
}

/// The run summary: files read and skipped, units, rows, findings by severity, where the outputs are.
pub fn run_summary(plan: &Plan, batch: &Batch, outputs: &Outputs, colour_on: bool) -> String {
    let mut out = String::new();
    let superseded = batch.superseded();
    // A file read but whose unit is unknown is of no use either: counted and named with the rest.
    let why = |file: &str, state: &'static str| -> String {
        let f = batch.findings.iter().find(|f| f.file.as_deref() == Some(file) && f.severity == Severity::Error && f.rule.is_file_rule());
        f.map(|f| f.message.clone()).unwrap_or_else(|| state.to_string())
    };
    let unusable: Vec<(&str, String)> = batch
        .files
        .iter()
        .filter_map(|f| match (&f.state, f.unit.is_empty()) {
            (FileState::Read, true) => Some((f.file.as_str(), why(&f.file, "认不出是哪个单位的：请在表中填写“填报单位”，或用单位名称命名文件"))),
            (s, _) if s.unusable() => Some((f.file.as_str(), why(&f.file, "无法读取"))),
            _ => None,
        })
        .collect();
    let read = batch.files.iter().filter(|f| f.state == FileState::Read && !f.unit.is_empty()).count();
    let unreadable = unusable.len();
    // Task rows as 分单位, 文件清单 and 校验报告 count them: a task's second row in one sheet (L02)
    // is said apart, not as a task row.
    let repeats = luoshi::consolidate::counted(&batch.submissions).flat_map(|s| &s.rows).filter(|r| r.duplicate).count();
    let rows = batch.consolidated.detail.height() - repeats;
    let c = Counts::of(&batch.findings);
    let _ = writeln!(out, "报送期次：{}（依据：{}）", batch.period.chinese(), batch.period_basis);
    // The wrong task list is said before anything else: every figure below stands on it.
    for f in batch.findings.iter().filter(|f| f.rule == Rule::V06) {
        let _ = writeln!(out, "{}", colour(&format!("{}{} {}", f.severity.label(), f.rule, f.message), f.severity, colour_on));
    }
    history_lines(batch, &mut out);
    let _ = writeln!(out, "文件：读取 {} 个，被更正版取代 {} 个，无法使用 {} 个，跳过 {} 个", read, superseded.len(), unreadable, batch.skipped.len());
    for (old, new) in &superseded {
        let _ = writeln!(out, "  未采用：{old}（以“{new}”为准）");
    }
    for (file, why) in &unusable {
        let _ = writeln!(out, "  无法使用：{file}（{why}）");
    }
    for (file, why) in &batch.skipped {
        let _ = writeln!(out, "  已跳过：{file}（{why}）");
    }
    let r = batch.reporting(plan);
    let _ = writeln!(
        out,
        "单位：应报 {} 个 = 已报 {} 个 + 已报但无法使用 {} 个 + 未报 {} 个；任务行 {} 行",
        r.due.len(),
        r.reported.len(),
        r.unusable.len(),
        r.missing.len(),
        rows
    );
    if repeats > 0 {
        let _ = writeln!(out, "  另有同一任务重复填报的行 {repeats} 行，未计入（见校验报告 L02）");
    }
    if !r.unusable.is_empty() {
        let _ = writeln!(out, "  已报但无法使用：{}", some(&r.unusable));
    }
    if !r.missing.is_empty() {
        let _ = writeln!(out, "  未报：{}", some(&r.missing));
    }
    let _ = writeln!(
        out,
        "问题：{}，{}，{}",
        colour(&format!("错误 {} 条", c.errors), Severity::Error, colour_on),
        colour(&format!("警告 {} 条", c.warnings), Severity::Warning, colour_on),
        colour(&format!("提示 {} 条", c.infos), Severity::Info, colour_on)
    );
    let mut per_unit: Vec<(String, Counts)> = Counts::per(&batch.findings, |f| Some(owner(f))).into_iter().collect();
    per_unit.sort_by(|a, b| (b.1.errors, b.1.warnings, &a.0).cmp(&(a.1.errors, a.1.warnings, &b.0)));
    if !per_unit.is_empty() {
        let _ = writeln!(out, "\n  {}  错误  警告", pad("单位", 16));
        for (name, c) in &per_unit {
            let _ = writeln!(out, "  {}  {:>4}  {:>4}", pad(name, 16), c.errors, c.warnings);
        }
    }
    let _ = writeln!(out, "\n已写出（{}）：", outputs.folder.display());
    for p in &outputs.workbooks {
        let _ = writeln!(out, "  {}", p.display());
    }
    let returns: Vec<String> = outputs.returns.iter().filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().to_string())).collect();
    if let Some(dir) = outputs.returns.first().and_then(|p| p.parent()) {
        let _ = writeln!(out, "  {}/（退回文件 {} 个：{}）", dir.display(), returns.len(), some(&returns));
    }
    if let Some(dir) = outputs.letters.first().and_then(|p| p.parent()) {
        let names: Vec<String> = outputs.letters.iter().filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().to_string())).collect();
        let _ = writeln!(out, "  {}/（督办函 {} 份：{}）", dir.display(), names.len(), some(&names));
    }
    let shown = |p: &std::path::Path| p.strip_prefix(&outputs.folder).unwrap_or(p).display().to_string();
    if !outputs.removed.is_empty() {
        let names: Vec<String> = outputs.removed.iter().map(|p| shown(p)).collect();
        let _ = writeln!(out, "  已删除本期上次生成、本次已不适用（且没有改动过）的文件 {} 个：{}", names.len(), some(&names));
    }
    if !outputs.kept_stale.is_empty() {
        let names: Vec<String> = outputs.kept_stale.iter().map(|p| shown(p)).collect();
        let _ = writeln!(out, "  本期上次生成、本次已不适用但已被修改的文件，予以保留 {} 个：{}", names.len(), some(&names));
    }
    for k in &outputs.kept {
        let _ = writeln!(out, "  {}", k.said());
    }
    if !outputs.failed.is_empty() {
        let _ = writeln!(out, "\n{}", colour(&format!("未能写出 {} 个文件（其余文件已写出）：", outputs.failed.len()), Severity::Error, colour_on));
        for (p, why) in &outputs.failed {
            let _ = writeln!(out, "  {}：{}", p.display(), why);
        }
    }
    out
}

/// Names on one terminal line: all of a city's, the first 30 of a province's (the files and
/// sheets have them all).
fn some(names: &[String]) -> String {
    const SHOWN: usize = 30;
    if names.len() <= SHOWN {
        names.join("、")
    } else {
        format!("{} 等（共 {} 个，全部见输出文件）", names[..SHOWN].join("、"), names.len())
    }
}

/// Who a finding belongs to, for grouping: the unit, else the file, else the whole city.
fn owner(f: &Finding) -> String {
    match (&f.unit, &f.file) {
        (Some(u), _) => u.clone(),
        (None, Some(_)) => "未识别单位".into(),
        (None, None) => "（跨单位）".into(),
    }
}

/// The task list as a terminal table; long texts wrap within their column, nothing is cut.
pub fn tasks_table(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}{}年{}任务清单：{} 项任务，{} 个单位", plan.city, plan.year, plan.level, plan.tasks.len(), plan.roster.units.len());
    let widths = [7, 14, 40, 12, 18, 12, 36];
    let header = ["编号", "工作方面", "任务", "类型", "目标", "牵头单位", "责任单位"].map(String::from);
    put_wrapped(&mut out, &header, &widths);
    for t in &plan.tasks {
        put_wrapped(&mut out, &task_cells(t), &widths);
    }
    out
}

/// The first line of every command: which task list it uses, and from where.
pub fn which_list(plan: &Plan, file: Option<&std::path::Path>, settings: Option<&std::path::Path>) -> String {
    let of = format!("{}年{}{}", plan.year, if plan.city.is_empty() { "" } else { "，" }, plan.city);
    match (file, settings) {
        (Some(f), Some(s)) => format!("任务清单：{}（{of}；由 {} 指定）", f.display(), s.display()),
        (Some(f), None) => format!("任务清单：{}（{of}）", f.display()),
        (None, _) => format!("任务清单：内置的样例清单（{of}）；本单位的清单请用 luoshi init 生成后修改"),
    }
}

/// The task list as tab-separated values, one task a line, in the Excel list's columns: pasted
/// into a sheet 任务清单, it is a list `--tasks` reads.
pub fn tasks_tsv(plan: &Plan) -> String {
    use luoshi::plan::{ListCell, TASK_COLUMNS};
    let mut out = TASK_COLUMNS.join("\t") + "\n";
    for t in &plan.tasks {
        let cells: Vec<String> = t
            .list_cells()
            .into_iter()
            .map(|c| match c {
                ListCell::Text(s) => s.replace(['\t', '\n'], " "),
                ListCell::Number(v) => fmt_num(v),
                ListCell::Empty => String::new(),
            })
            .collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

fn task_cells(t: &luoshi::plan::Task) -> [String; 7] {
    let target = match (t.target, &t.uom) {
        (Some(v), Some(u)) => format!("{}{}{}", if t.at_most { "≤" } else { "" }, fmt_num(v), u),
        _ => String::new(),
    };
    let target = match t.stretch {
        Some(s) => format!("{target}（力争{}）", fmt_num(s)),
        None => target,
    };
    let units: Vec<String> = t
        .units
        .iter()
        .map(|a| match a.target {
            Some(v) => format!("{}{}", a.unit, fmt_num(v)),
            None => a.unit.clone(),
        })
        .collect();
    [t.id.clone(), t.area.clone(), t.name.clone(), t.kind.label().to_string(), target, t.lead_unit.clone(), units.join("、")]
}

/// One table row; each cell wrapped to its column's display width, lines side by side.
fn put_wrapped(out: &mut String, cells: &[String], widths: &[usize]) {
    let wrapped: Vec<Vec<String>> = cells.iter().zip(widths).map(|(c, w)| wrap(c, *w)).collect();
    let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    for i in 0..lines {
        let mut line = String::new();
        for (cell, w) in wrapped.iter().zip(widths) {
            line.push_str(&pad(cell.get(i).map(String::as_str).unwrap_or(""), *w));
            line.push(' ');
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// Text broken into lines of at most `width` display columns (a CJK character takes two).
fn wrap(s: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let mut lines = vec![String::new()];
    let mut used = 0;
    for ch in s.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > width && used > 0 {
            lines.push(String::new());
            used = 0;
        }
        if let Some(l) = lines.last_mut() {
            l.push(ch);
        }
        used += w;
    }
    lines
}

/// After `reconcile`: verdicts, the top of each group, where the workbook is.
pub fn reconcile_summary(rec: &luoshi::reconcile::Reconciliation, path: &std::path::Path) -> String {
    use luoshi::reconcile::Verdict;
    let mut out = String::new();
    let count = |v: Verdict| rec.lines.iter().filter(|l| l.verdict == v).count();
    let _ = writeln!(out, "对账期次：{}", rec.period.chinese());
    let _ = writeln!(
        out,
        "对账 {} 项：一致 {}，差异超限 {}，未核定 {}，未报 {}；定性、节点性任务 {} 项无需核定（按状态、时限计分）",
        rec.lines.len(),
        count(Verdict::Agree),
        count(Verdict::Beyond),
        count(Verdict::Unverified),
        count(Verdict::NotReported),
        count(Verdict::Qualitative)
    );
    for f in &rec.findings {
        let _ = writeln!(out, "  {}{} {}", f.severity.label(), f.rule, f.located_message());
    }
    let mut group = None;
    for s in &rec.scores {
        if group != Some(&s.group) {
            let _ = writeln!(out, "\n【{}】", s.group.label());
            group = Some(&s.group);
        }
        if s.rank <= 3 {
            let _ = writeln!(out, "  第{}名 {} {:.2}分", s.rank, pad(&s.unit, 14), s.total);
        }
    }
    let _ = writeln!(out, "\n已写出：{}", path.display());
    out
}

/// A 成文日期 far from the period it reports on (today's date on June's papers, half a year on):
/// said once, with the date to give instead.
pub fn date_far_from_period(date: chrono::NaiveDate, period: luoshi::period::Period) -> Option<String> {
    let end = period.end();
    let days = (date - end).num_days();
    (days > 61).then(|| {
        let suggested = end + chrono::Duration::days(5);
        format!(
            "注意：通报、督办函的成文日期是{}，距{}已过{}天；按月调度会的日期成文请用 --date 指定，如 --date {}",
            luoshi::papers::facts::chinese_date(date),
            period.chinese(),
            days,
            suggested.format("%Y-%m-%d")
        )
    })
}

/// After `derive`: what the unit's list holds and the next steps.
pub fn derive_summary(upper: &Plan, plan: &Plan, path: &std::path::Path) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}分配给{}的任务 {} 项，已写成{}自己的任务清单：{}", upper.city, plan.city, plan.tasks.len(), plan.city, path.display());
    let _ = writeln!(out, "接下来：");
    let _ = writeln!(out, "  1. 在“单位名单”填写下级单位（村、社区、站所或科室）及类别；");
    let _ = writeln!(out, "  2. 在“任务清单”的“责任单位”把各项目标分解到下级（如 东村:600、西村:400，合计不低于全年目标），");
    let _ = writeln!(
        out,
        "     填写具体措施、责任领导、责任科室、责任人、联系电话（报给上级时照此填写）；可拆分任务（4.1.2-1、4.1.2-2，上级任务编号不变），可加本级自己的任务；"
    );
    let _ = writeln!(out, "  3. 用 --tasks 指定它：luoshi --tasks {} template --all-units 给下级下发任务分解表；", path.display());
    let _ = writeln!(
        out,
        "  4. 收齐下级报送后 luoshi --tasks {} run 下级报送文件夹，再 report-up 同一文件夹，写出报给{}的任务分解表。",
        path.display(),
        upper.city
    );
    out
}

/// After `report-up`: each upper task's figure, what was not used, where the return is.
pub fn report_up_summary(ret: &luoshi::upward::UpReturn, path: Option<&std::path::Path>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "报送期次：{}　填报单位：{}　上级任务 {} 项，下级明细 {} 行", ret.period.chinese(), ret.unit, ret.rows.len(), ret.lower.len());
    for r in &ret.rows {
        let uom = r.task.uom.as_deref().unwrap_or("");
        let figure = match r.actual {
            Some(v) => format!("{}{}", luoshi::values::fmt_num(v), uom),
            None if r.own_missing => "（留空，待本级填写）".into(),
            None => "—".into(),
        };
        let _ =
            writeln!(out, "  {} {} {} {}", pad(&r.task.id, 8), pad(&r.task.name.chars().take(18).collect::<String>(), 38), pad(&figure, 16), r.light.short());
    }
    let gaps = ret.gaps();
    if !gaps.is_empty() {
        let _ = writeln!(out, "\n需要注意（表中“存在问题”已注明）：");
        for g in &gaps {
            let _ = writeln!(out, "  {g}");
        }
    }
    match path {
        Some(p) => {
            let _ = writeln!(out, "\n已写出：{}（报给上级；“下级明细”工作表附每一行的来源）", p.display());
        }
        None => {
            let _ = writeln!(out, "\n没有写出：有下级数据未能采用。请让上述单位补报（或改正）后重新运行；确认照此上报的，加 --force 写出（表中逐项注明）");
        }
    }
    out
}

/// Pad to a display width (a CJK character is two columns wide).
pub fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{}{}", s, " ".repeat(width - w))
    }
}
