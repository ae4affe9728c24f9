//! 绩效对账: every unit's reported figures against the verified ones (核定数据), a verdict per
//! unit × task, the accepted value, and the unit's score and rank within its group, by the
//! scoring rules of `templates/scoring.toml`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::batch::Batch;
use crate::fields::squash;
use crate::finding::{Finding, Rule};
use crate::ingest::{read_grids, Limits, Raw};
use crate::period::Period;
use crate::plan::{Group, Kind, Plan};
use crate::validate::meets;
use crate::values::{clean_text, convert, fmt_num, parse_number_text, DeadlineValue, Status};

pub const DEFAULT_SCORING: &str = include_str!("../templates/scoring.toml");

/// Scoring rules; every field has the documented default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// 总分最低分: deductions never take a total below it (none: a total may be negative).
    #[serde(default)]
    pub floor: Option<f64>,
    pub tolerance: f64,
    pub late_after_days: i64,
    pub weights: BTreeMap<String, f64>,
    pub count: CountRules,
    pub milestone: MilestoneRules,
    pub status: BTreeMap<String, f64>,
    pub deductions: Deductions,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountRules {
    pub cap: f64,
    pub bonus_cap: f64,
    pub stretch_bonus: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneRules {
    pub pending: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deductions {
    pub late: f64,
    pub missing_task: f64,
    pub not_submitted: f64,
    pub overstated: f64,
    pub error_finding: f64,
    pub error_cap: f64,
}

impl Scoring {
    pub fn builtin() -> Scoring {
        toml::from_str(DEFAULT_SCORING).expect("templates/scoring.toml is valid")
    }

    /// A user's file over the defaults: only what it sets changes.
    pub fn load(path: Option<&Path>) -> Result<Scoring> {
        let Some(p) = path else { return Ok(Scoring::builtin()) };
        let text = std::fs::read_to_string(p).with_context(|| format!("读不了计分办法 {}", p.display()))?;
        let mut base: toml::Table = toml::from_str(DEFAULT_SCORING)?;
        let user: toml::Table = toml::from_str(&text).map_err(|e| {
            let at = crate::reason::toml_line(&text, &e).map(|l| format!("第{l}行：")).unwrap_or_default();
            anyhow::anyhow!("计分办法 {} {at}{}", p.display(), crate::reason::toml_reason(&e, ""))
        })?;
        merge(&mut base, user);
        // Only the English of serde would say which item: the file is named, with where to look.
        toml::Value::Table(base)
            .try_into()
            .map_err(|_: toml::de::Error| anyhow::anyhow!("计分办法 {} 中有不认识的项或类型不对（参照 luoshi init 写出的 计分办法.toml）", p.display()))
    }

    pub fn weight(&self, task: &crate::plan::Task) -> f64 {
        self.weights.get(&task.id).or_else(|| self.weights.get(&task.area)).copied().unwrap_or(1.0)
    }
}

fn merge(base: &mut toml::Table, user: toml::Table) {
    for (k, v) in user {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(u)) => merge(b, u),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// One verified figure (核定值) from the data departments.
#[derive(Debug, Clone)]
pub struct Verified {
    pub unit: String,
    pub task_id: String,
    pub value: f64,
    pub source: String,
    pub note: String,
}

const VERIFIED_HEADERS: [(&str, &[&str]); 5] = [
    ("单位", &["单位", "责任单位", "填报单位", "单位名称"]),
    ("任务编号", &["任务编号", "编号", "任务代码"]),
    ("核定值", &["核定值", "核定数", "核实值", "认定值", "统计值", "核定完成值"]),
    ("数据来源", &["数据来源", "来源", "核定单位"]),
    ("备注", &["备注", "说明"]),
];

/// Read the verified-figures workbook (单位, 任务编号, 核定值, 数据来源, 备注) with the same sniffing,
/// limits and value rules as submissions. Problems are findings on the file.
/// What a 核定数据 file holds.
pub struct VerifiedFile {
    pub figures: Vec<Verified>,
    pub findings: Vec<Finding>,
    /// Whether a sheet has the 核定数据 header at all (a unit's submission has not).
    pub has_header: bool,
    /// The period its title names (`2022年6月 绩效对账核定数据`), if any.
    pub period: Option<Period>,
}

pub fn read_verified(plan: &Plan, path: &Path, display: &str) -> VerifiedFile {
    let mut findings = Vec::new();
    let grids = match read_grids(path, &Limits::default()) {
        Ok(g) => g,
        Err(e) => {
            findings.push(Finding::new(Rule::F01, format!("核定数据文件无法读取：{}", e.message)).file(display));
            return VerifiedFile { figures: Vec::new(), findings, has_header: false, period: None };
        }
    };
    for (sheet, grid) in grids {
        let Some((hr, cols)) = grid.iter().take(15).find_map(|(r, cells)| {
            let mut cols: [Option<u32>; 5] = [None; 5];
            for (c, raw) in cells {
                if let Raw::Text(t) = raw {
                    let t = squash(t);
                    if let Some(i) = VERIFIED_HEADERS.iter().position(|(_, names)| names.contains(&t.as_str())) {
                        cols[i].get_or_insert(*c);
                    }
                }
            }
            (cols[0].is_some() && cols[1].is_some() && cols[2].is_some()).then_some((*r, cols))
        }) else {
            continue;
        };
        // The title above the header names the period.
        let period = grid.range(..hr).flat_map(|(_, cells)| cells.values()).find_map(|v| match v {
            Raw::Text(t) => Period::find_in(t),
            _ => None,
        });
        let mut out = Vec::new();
        for (&r, cells) in grid.range(hr + 1..) {
            let get = |i: usize| cols[i].and_then(|c| cells.get(&c));
            let text = |i: usize| get(i).map(|v| clean_text(&v.display())).unwrap_or_default();
            let (unit_text, task_id) = (text(0), squash(&text(1)));
            if unit_text.is_empty() && task_id.is_empty() {
                continue;
            }
            let at = |code: Rule, i: usize, msg: String| {
                let col = cols[i].unwrap_or(0);
                Finding::new(code, msg).file(display).sheet(&sheet).at(r, col, VERIFIED_HEADERS[i].0).task(&task_id)
            };
            let Some(unit) = plan.roster.resolve(&unit_text).map(str::to_string) else {
                findings.push(at(Rule::F05, 0, format!("核定数据第{}行的单位“{}”不在单位名单中", r + 1, unit_text)).value(&unit_text));
                continue;
            };
            let Some(task) = plan.task(&task_id) else {
                findings.push(at(Rule::L01, 1, format!("核定数据中的任务编号{}不在任务清单中", task_id)).unit(Some(&unit)).value(&task_id));
                continue;
            };
            let value = match get(2) {
                None => continue, // not verified yet
                Some(Raw::Number(v)) => Some(*v),
                Some(Raw::Percent(v)) => Some(v * 100.0),
                Some(Raw::Text(s)) => parse_number_text(s).and_then(|n| match (n.unit, &task.uom) {
                    (Some(u), Some(m)) => convert(n.value, &u, m),
                    _ => Some(n.value),
                }),
                Some(_) => None,
            };
            let Some(value) = value else {
                let shown = get(2).map(|v| v.display()).unwrap_or_default();
                findings.push(at(Rule::C02, 2, format!("核定值不是数字：{}", shown)).unit(Some(&unit)).value(&shown));
                continue;
            };
            out.push(Verified { unit, task_id, value, source: text(3), note: text(4) });
        }
        return VerifiedFile { figures: out, findings, has_header: true, period };
    }
    findings.push(Finding::new(Rule::F02, "核定数据文件中没有找到含“单位”“任务编号”“核定值”三列的表头").file(display));
    VerifiedFile { figures: Vec::new(), findings, has_header: false, period: None }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Qualitative and milestone tasks: judged by the stated status, nothing to verify.
    Qualitative,
    Agree,
    Beyond,
    Unverified,
    NotReported,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Qualitative => "无需核定",
            Verdict::Agree => "一致",
            Verdict::Beyond => "差异超限",
            Verdict::Unverified => "未核定",
            Verdict::NotReported => "未报",
        }
    }
}

/// One unit × task line of the reconciliation.
#[derive(Debug, Clone)]
pub struct Line {
    pub unit: String,
    pub task_id: String,
    pub target: Option<f64>,
    pub reported: Option<f64>,
    pub verified: Option<f64>,
    pub source: String,
    pub verdict: Verdict,
    /// Verified where present, else reported.
    pub accepted: Option<f64>,
    pub status: Option<Status>,
    pub weight: f64,
    /// 0–1 before bonus.
    pub score: f64,
    pub bonus: f64,
    /// Why the line reads as it does, where that is not plain (a figure not used, the target used).
    pub note: String,
    /// How this line was scored, in words (the rule of its task kind, applied).
    pub rule: String,
}

impl Line {
    pub fn difference(&self) -> Option<f64> {
        Some(self.reported? - self.verified?)
    }
    pub fn difference_rate(&self) -> Option<f64> {
        let v = self.verified?;
        if v.abs() < 1e-12 {
            return None;
        }
        Some(self.difference()? / v.abs())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Deducted {
    pub late: f64,
    pub missing: f64,
    pub not_submitted: f64,
    pub overstated: f64,
    pub errors: f64,
}

impl Deducted {
    pub fn total(&self) -> f64 {
        self.late + self.missing + self.not_submitted + self.overstated + self.errors
    }
}

#[derive(Debug, Clone)]
pub struct UnitScore {
    pub unit: String,
    pub group: Group,
    pub task_score: f64,
    pub bonus: f64,
    pub deducted: Deducted,
    pub total: f64,
    pub rank: usize,
    /// Why each deduction was made, in the clerk's words.
    pub reasons: Vec<String>,
}

pub struct Reconciliation {
    pub period: Period,
    pub lines: Vec<Line>,
    pub scores: Vec<UnitScore>,
    pub findings: Vec<Finding>,
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn task_score(
    s: &Scoring,
    task: &crate::plan::Task,
    accepted: Option<f64>,
    target: Option<f64>,
    status: Option<Status>,
    deadline: DeadlineValue,
    period: Period,
) -> (f64, f64) {
    match task.kind {
        Kind::Count | Kind::Stretch | Kind::LowerBound => {
            let (Some(a), Some(t)) = (accepted, target) else { return (0.0, 0.0) };
            if t <= 0.0 {
                return (0.0, 0.0);
            }
            let rate = a / t;
            let mut bonus = (rate - 1.0).clamp(0.0, s.count.bonus_cap);
            if let (Some(stretch), Some(city)) = (task.stretch, task.target) {
                // The unit reaches 力争 in proportion to its share of the city's target.
                if a >= stretch * t / city - 1e-9 {
                    bonus += s.count.stretch_bonus;
                }
            }
            (rate.clamp(0.0, s.count.cap), bonus)
        }
        Kind::Growth | Kind::UpperBound => match (accepted, target) {
            (Some(a), Some(t)) if meets(task.kind, a, t) => (1.0, 0.0),
            _ => (0.0, 0.0),
        },
        Kind::Milestone => match (status, deadline) {
            (Some(Status::Done), _) => (1.0, 0.0),
            (_, DeadlineValue::Date(d)) if d < period.end() => (0.0, 0.0),
            _ => (s.milestone.pending, 0.0),
        },
        Kind::Qualitative => (status.and_then(|st| s.status.get(st.label()).copied()).unwrap_or(0.0), 0.0),
    }
}

/// The scoring rule a line was scored by, in words: printed beside the score, so that a growth
/// figure on track in the 汇总表 and scoring 0 here is explained on the sheet.
fn scoring_rule(s: &Scoring, task: &crate::plan::Task, status: Option<Status>, deadline: DeadlineValue, period: Period) -> String {
    match task.kind {
        Kind::Count | Kind::Stretch | Kind::LowerBound => format!("按完成率计分：采信值÷分配目标，最高{}分", fmt_num(s.count.cap)),
        Kind::Growth | Kind::UpperBound => "按是否达到全年目标计分：达到1分，未达到0分（不看序时进度）".into(),
        Kind::Milestone => match (status, deadline) {
            (Some(Status::Done), _) => "节点性工作：已完成，得1分".into(),
            (_, DeadlineValue::Date(d)) if d < period.end() => "节点性工作：已过完成时限未完成，得0分".into(),
            _ => format!("节点性工作：未到完成时限，按规则得{}分", fmt_num(s.milestone.pending)),
        },
        Kind::Qualitative => format!("定性工作：按填报状态“{}”计分", status.map(|st| st.label()).unwrap_or("未填")),
    }
}

/// The date a submission was made: its 报送日期, else the document's modified time.
fn reported_on(sub: &crate::normalise::Submission) -> Option<NaiveDate> {
    sub.reported_on.or_else(|| sub.modified.as_deref().and_then(|m| m.get(..10)).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()))
}

/// Reconcile a batch against verified figures. `findings` are those about the verified file itself.
pub fn reconcile(plan: &Plan, batch: &Batch, verified: &[Verified], findings: Vec<Finding>, scoring: &Scoring) -> Reconciliation {
    let period = batch.period;
    let counted: Vec<&crate::normalise::Submission> = crate::consolidate::counted(&batch.submissions).collect();
    let mut reported: HashMap<(&str, &str), &crate::normalise::TaskRow> = HashMap::new();
    // A figure the unit wrote but luoshi could not use is 未报 for that task, with the finding cited.
    let mut unusable: HashMap<(&str, &str), String> = HashMap::new();
    for s in &counted {
        let unit = s.unit.as_deref().unwrap_or("");
        for r in s.rows.iter().filter(|r| !r.duplicate) {
            if r.actual_unusable() {
                let cited = batch
                    .findings
                    .iter()
                    .find(|f| {
                        f.file.as_deref() == Some(s.file.as_str())
                            && f.row == Some(r.row + 1)
                            && matches!(f.rule, Rule::C02 | Rule::C06 | Rule::C10 | Rule::L09)
                    })
                    .map(|f| format!("{} {}", f.rule, f.located_message()))
                    .unwrap_or_default();
                unusable.insert((unit, r.task_id()), format!("自报值“{}”无法采用，按未报处理（{}）", r.get(crate::fields::Field::Actual), cited));
                continue;
            }
            reported.entry((unit, r.task_id())).or_insert(r);
        }
    }
    let ver: HashMap<(&str, &str), &Verified> = verified.iter().map(|v| ((v.unit.as_str(), v.task_id.as_str()), v)).collect();
    let mut verified_of: HashMap<&str, Vec<&Verified>> = HashMap::new();
    for v in verified {
        verified_of.entry(v.task_id.as_str()).or_default().push(v);
    }
    let mut lines = Vec::new();
    for t in &plan.tasks {
        let mut units: Vec<&str> = t.units.iter().map(|a| a.unit.as_str()).collect();
        for v in verified_of.get(t.id.as_str()).into_iter().flatten() {
            if !units.contains(&v.unit.as_str()) {
                units.push(&v.unit);
            }
        }
        for unit in units {
            let row = reported.get(&(unit, t.id.as_str())).copied();
            let v = ver.get(&(unit, t.id.as_str())).copied();
            let reported_value = row.filter(|r| r.uom_ok).and_then(|r| r.actual);
            let verdict = match (row, v) {
                (None, _) => Verdict::NotReported,
                (Some(_), None) if !t.kind.quantified() => Verdict::Qualitative,
                (Some(_), None) => Verdict::Unverified,
                (Some(_), Some(v)) => {
                    let agree = match reported_value {
                        Some(rep) => (rep - v.value).abs() <= scoring.tolerance * v.value.abs().max(1e-9),
                        None => !t.kind.quantified(),
                    };
                    if agree {
                        Verdict::Agree
                    } else {
                        Verdict::Beyond
                    }
                }
            };
            // Scored against what the master list gives the unit: understating one's own target
            // never raises a score.
            let own = row.and_then(|r| r.target);
            let target = t.allocation(unit).or_else(|| t.row_target(unit, own));
            let mut note = unusable.get(&(unit, t.id.as_str())).cloned().unwrap_or_default();
            if let (Some(a), Some(o)) = (t.allocation(unit), own) {
                if (a - o).abs() > 1e-9 * a.abs().max(1.0) && note.is_empty() {
                    note = format!("按任务清单分配的目标{}计分（本单位填报{}）", crate::values::fmt_num(a), crate::values::fmt_num(o));
                }
            }
            let accepted = v.map(|v| v.value).or(reported_value);
            let status = row.and_then(|r| r.status);
            let deadline = row.and_then(|r| r.deadline).unwrap_or(t.deadline);
            // Nothing reported and nothing verified: 0, and the rule printed beside it says so.
            let (score, bonus, rule) = if row.is_none() && v.is_none() {
                (0.0, 0.0, "本期未报送，得0分".to_string())
            } else {
                let (score, bonus) = task_score(scoring, t, accepted, target, status, deadline, period);
                (score, bonus, scoring_rule(scoring, t, status, deadline, period))
            };
            lines.push(Line {
                rule,
                unit: unit.to_string(),
                task_id: t.id.clone(),
                target,
                reported: reported_value,
                verified: v.map(|v| v.value),
                source: v.map(|v| v.source.clone()).unwrap_or_default(),
                verdict,
                accepted,
                status,
                weight: scoring.weight(t),
                score,
                bonus,
                note,
            });
        }
    }
    let scores = score_units(plan, batch, &lines, scoring);
    Reconciliation { period, lines, scores, findings }
}

fn score_units(plan: &Plan, batch: &Batch, lines: &[Line], s: &Scoring) -> Vec<UnitScore> {
    let period = batch.period;
    let due = period.end() + chrono::Duration::days(s.late_after_days);
    // Grouped by unit once: a province has a thousand units and tens of thousands of lines.
    let mut lines_of: HashMap<&str, Vec<&Line>> = HashMap::new();
    for l in lines {
        lines_of.entry(l.unit.as_str()).or_default().push(l);
    }
    let mut subs: HashMap<&str, &crate::normalise::Submission> = HashMap::new();
    for x in crate::consolidate::counted(&batch.submissions) {
        if let Some(u) = &x.unit {
            subs.entry(u.as_str()).or_insert(x);
        }
    }
    let errors_of = crate::finding::Counts::per(batch.findings.iter().filter(|f| f.rule != Rule::V01), |f| f.unit.as_deref());
    let mut out: Vec<UnitScore> = plan
        .expected_units()
        .iter()
        .map(|u| {
            let mine: &[&Line] = lines_of.get(u.name.as_str()).map_or(&[], Vec::as_slice);
            let wsum: f64 = mine.iter().map(|l| l.weight).sum();
            let task_score = if wsum > 0.0 { 100.0 * mine.iter().map(|l| l.weight * l.score).sum::<f64>() / wsum } else { 0.0 };
            let bonus = if wsum > 0.0 { 100.0 * mine.iter().map(|l| l.weight * l.bonus).sum::<f64>() / wsum } else { 0.0 };
            let sub = subs.get(u.name.as_str()).copied();
            let mut d = Deducted::default();
            let mut reasons = Vec::new();
            match sub {
                None => {
                    d.not_submitted = s.deductions.not_submitted;
                    reasons.push(format!("本期未报送，扣{}分", fmt_num(d.not_submitted)));
                }
                Some(sub) => {
                    if let Some(day) = reported_on(sub).filter(|day| *day > due) {
                        d.late = s.deductions.late;
                        reasons.push(format!("{}报送，晚于{}，迟报扣{}分", day.format("%Y-%m-%d"), due.format("%Y-%m-%d"), fmt_num(d.late)));
                    }
                    let missing = mine.iter().filter(|l| l.verdict == Verdict::NotReported).count();
                    if missing > 0 {
                        d.missing = missing as f64 * s.deductions.missing_task;
                        reasons.push(format!("漏报{}项任务，扣{}分", missing, fmt_num(d.missing)));
                    }
                }
            }
            let over = mine.iter().filter(|l| l.verdict == Verdict::Beyond && l.reported.zip(l.verified).is_some_and(|(r, v)| r > v)).count();
            if over > 0 {
                d.overstated = over as f64 * s.deductions.overstated;
                reasons.push(format!("{}项自报值高于核定值且超出容差（差异，待督查机构核实），扣{}分", over, fmt_num(d.overstated)));
            }
            let errors = errors_of.get(u.name.as_str()).map_or(0, |c| c.errors);
            if errors > 0 {
                d.errors = (errors as f64 * s.deductions.error_finding).min(s.deductions.error_cap);
                reasons.push(format!("{}条错误级问题未整改，扣{}分", errors, fmt_num(d.errors)));
            }
            let (task_score, bonus) = (round2(task_score), round2(bonus));
            // The floor is the 计分办法's; either way the 对账单 says how the total was reached.
            let raw = round2(task_score + bonus - d.total());
            let total = match s.floor {
                Some(f) if raw < f => {
                    reasons.push(format!(
                        "扣分{}分多于任务得分与加分之和{}分，按计分办法总分最低计{}分",
                        fmt_num(round2(d.total())),
                        fmt_num(round2(task_score + bonus)),
                        fmt_num(f)
                    ));
                    f
                }
                _ => {
                    if raw < 0.0 {
                        reasons.push(format!("扣分多于任务得分与加分之和，总分为{}分", fmt_num(raw)));
                    }
                    raw
                }
            };
            UnitScore { unit: u.name.clone(), group: u.group.clone(), task_score, bonus, deducted: d, total, rank: 0, reasons }
        })
        .collect();
    // Rank within each group; equal totals share a rank (1, 1, 3).
    for g in plan.roster.groups.all() {
        let mut totals: Vec<f64> = out.iter().filter(|u| u.group == *g).map(|u| u.total).collect();
        totals.sort_by(|a, b| b.partial_cmp(a).unwrap_or(std::cmp::Ordering::Equal));
        for u in out.iter_mut().filter(|u| u.group == *g) {
            u.rank = 1 + totals.iter().filter(|t| **t > u.total).count();
        }
    }
    out.sort_by(|a, b| (&a.group, a.rank, &a.unit).cmp(&(&b.group, b.rank, &b.unit)));
    out
}
