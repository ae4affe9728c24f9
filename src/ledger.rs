//! The year's ledger (台账): every period's figures side by side — 月调度、季推进、半年评估 — with
//! how long a task or a unit's row has been lagging and the measure that calls for (督办措施),
//! closures (销号) and their reopening, quarter-end nodes, the pace projection; and the rules only
//! history can judge (L11, L12, L13).
//!
//! Each period is kept as a [`PeriodRecord`] made from that period's consolidated batch, so a
//! figure in the ledger is the very figure that period's 汇总表 showed.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::consolidate::{bools, col, floats, strings, Consolidated};
use crate::fields::Field;
use crate::finding::{Finding, Rule};
use crate::lights::Light;
use crate::normalise::Submission;
use crate::period::Period;
use crate::plan::{Plan, Task};
use crate::validate::meets;
use crate::values::{fmt_num, parse_status, Status};

pub const DEFAULT_ESCALATION: &str = include_str!("../templates/escalation.toml");

/// One unit's row for one task in one period, as that period's 汇总表 judged it.
#[derive(Debug, Clone, Copy)]
pub struct RowMark {
    pub target: Option<f64>,
    pub nodes: [Option<f64>; 3],
    /// 累计完成, only when it could be used (counted in the period's totals).
    pub actual: Option<f64>,
    pub status: Option<Status>,
    pub light: Light,
    /// 销号: 已完成 and the target met.
    pub closed: bool,
}

/// A master task in one period: the city's figure and light.
#[derive(Debug, Clone, Copy)]
pub struct TaskMark {
    pub actual: Option<f64>,
    pub light: Light,
    /// 序时进度 in percent (quantified tasks).
    pub expected: f64,
}

/// What one period's batch said, kept for the ledger.
#[derive(Debug, Clone)]
pub struct PeriodRecord {
    pub period: Period,
    /// unit → task id → mark.
    pub rows: HashMap<String, HashMap<String, RowMark>>,
    pub tasks: HashMap<String, TaskMark>,
    /// unit → whom to call about its form (催报), when its submission says.
    pub contacts: HashMap<String, Contact>,
}

/// 填报人 and 联系电话 of a unit's submission (the metadata row, else its first task row's 责任人).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contact {
    pub person: String,
    pub phone: String,
}

impl Contact {
    pub fn of(sub: &Submission) -> Option<Contact> {
        let first = sub.rows.first();
        let pick = |meta: &Option<String>, f: Field| {
            meta.clone().filter(|s| !s.trim().is_empty()).or_else(|| first.map(|r| r.get(f).to_string()).filter(|s| !s.trim().is_empty()))
        };
        let c = Contact { person: pick(&sub.reporter, Field::Person).unwrap_or_default(), phone: pick(&sub.reporter_phone, Field::Phone).unwrap_or_default() };
        (!c.person.is_empty() || !c.phone.is_empty()).then_some(c)
    }
}

impl PeriodRecord {
    /// The period's rows and tasks, read off its consolidated batch: the detail frame's own lights.
    pub fn from_consolidated(plan: &Plan, period: Period, cons: &Consolidated) -> Result<PeriodRecord> {
        let df = &cons.detail;
        let (units, ids, lights, statuses) =
            (strings(df, col::UNIT)?, strings(df, Field::TaskId.header())?, strings(df, col::LIGHT)?, strings(df, Field::Status.header())?);
        let (targets, actuals) = (floats(df, Field::Target.header())?, floats(df, Field::Actual.header())?);
        let nodes = [floats(df, Field::Q1.header())?, floats(df, Field::Q2.header())?, floats(df, Field::Q3.header())?];
        let (counted, repeats) = (bools(df, col::COUNTED)?, bools(df, col::REPEAT)?);
        let mut rows: HashMap<String, HashMap<String, RowMark>> = HashMap::new();
        for i in 0..df.height() {
            let (Some(task), Some(light)) = (plan.task(&ids[i]), Light::from_short(&lights[i])) else { continue };
            if repeats[i] {
                continue;
            }
            let actual = actuals[i].filter(|_| counted[i]);
            let status = parse_status(&statuses[i]);
            let target = task.row_target(&units[i], targets[i]);
            let met = match (actual, target) {
                (Some(a), Some(t)) => meets(task.kind, a, t),
                _ => !task.kind.quantified(),
            };
            let mark = RowMark {
                target: targets[i],
                nodes: [nodes[0][i], nodes[1][i], nodes[2][i]],
                actual,
                status,
                light,
                closed: status == Some(Status::Done) && met,
            };
            rows.entry(units[i].clone()).or_default().entry(ids[i].clone()).or_insert(mark);
        }
        let tasks = cons.tasks.iter().map(|s| (s.id.clone(), TaskMark { actual: s.actual, light: s.light, expected: s.expected })).collect();
        Ok(PeriodRecord { period, rows, tasks, contacts: HashMap::new() })
    }

    /// The record with each unit's contact from the period's submissions.
    pub fn with_contacts(mut self, subs: &[Submission]) -> PeriodRecord {
        for s in crate::consolidate::counted(subs) {
            if let (Some(unit), Some(c)) = (&s.unit, Contact::of(s)) {
                self.contacts.insert(unit.clone(), c);
            }
        }
        self
    }

    pub fn row(&self, unit: &str, task: &str) -> Option<&RowMark> {
        self.rows.get(unit)?.get(task)
    }
}

/// The escalation ladder: which streak calls for which measure (督办措施).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    #[serde(rename = "rule", default)]
    pub rules: Vec<EscalationRule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationRule {
    pub measure: String,
    /// At least this many red periods in a row.
    pub red: Option<usize>,
    /// At least this many yellow-or-red periods in a row.
    pub lagging: Option<usize>,
}

impl Default for Escalation {
    fn default() -> Self {
        Escalation::builtin()
    }
}

impl Escalation {
    pub fn builtin() -> Escalation {
        // Embedded at build time and tested: failing here is a build defect, not bad input.
        Escalation::parse(DEFAULT_ESCALATION, "templates/escalation.toml").expect("templates/escalation.toml is valid")
    }

    pub fn load(path: &Path) -> Result<Escalation> {
        let text = std::fs::read_to_string(path).with_context(|| format!("无法读取督办措施设置 {}", path.display()))?;
        Escalation::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, name: &str) -> Result<Escalation> {
        let e: Escalation = toml::from_str(text).map_err(|e| {
            let at = crate::reason::toml_line(text, &e).map(|l| format!("第{l}行：")).unwrap_or_default();
            anyhow::anyhow!(
                "督办措施设置 {name} {at}{}（每条规则写 measure = \"措施\"，以及 red = 期数 或 lagging = 期数）",
                crate::reason::toml_reason(&e, "规则")
            )
        })?;
        for (i, r) in e.rules.iter().enumerate() {
            if r.measure.trim().is_empty() || (r.red.is_none() && r.lagging.is_none()) || r.red == Some(0) || r.lagging == Some(0) {
                anyhow::bail!("督办措施设置 {name} 第{}条规则不完整：须有 measure（措施名称）和 red 或 lagging（至少1期）", i + 1);
            }
        }
        Ok(e)
    }

    /// The first rule the streak meets, top down.
    pub fn measure(&self, lagging: usize, red: usize) -> Option<&str> {
        self.rules.iter().find(|r| r.red.is_none_or(|n| red >= n) && r.lagging.is_none_or(|n| lagging >= n)).map(|r| r.measure.as_str())
    }
}

/// How many periods in a row, up to the current one, a light has been lagging.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Streak {
    /// 连续滞后: yellow or red.
    pub lagging: usize,
    /// 连续红灯.
    pub red: usize,
    pub measure: Option<String>,
}

impl Streak {
    /// Lights per period, oldest first; a period without a light (not reported) keeps the last one.
    fn of(lights: impl Iterator<Item = Option<Light>>, ladder: &Escalation) -> Streak {
        let mut last = None;
        let filled: Vec<Option<Light>> = lights
            .map(|l| {
                if l.is_some() {
                    last = l;
                }
                last
            })
            .collect();
        let run = |hit: fn(Light) -> bool| filled.iter().rev().take_while(|l| l.is_some_and(hit)).count();
        let lagging = run(|l| matches!(l, Light::Yellow | Light::Red));
        let red = run(|l| l == Light::Red);
        Streak { lagging, red, measure: ladder.measure(lagging, red).map(str::to_string) }
    }
}

/// A master task across the periods.
#[derive(Debug, Clone)]
pub struct TaskLine {
    pub id: String,
    pub marks: Vec<Option<TaskMark>>,
    pub streak: Streak,
}

/// A unit's row for a task across the periods.
#[derive(Debug, Clone)]
pub struct RowLine {
    pub unit: String,
    pub task_id: String,
    pub marks: Vec<Option<RowMark>>,
    pub streak: Streak,
}

/// A node target due at a quarter's end (季推进), and whether it was met.
#[derive(Debug, Clone)]
pub struct NodeCheck {
    pub unit: String,
    pub task_id: String,
    pub period: Period,
    /// 0..=3: 一季度 … 四季度 (the year's target).
    pub quarter: usize,
    pub node: f64,
    pub actual: Option<f64>,
    pub met: bool,
}

pub const QUARTERS: [&str; 4] = ["一季度", "二季度", "三季度", "四季度（全年）"];

/// 半年评估: where the current pace leads by the deadline.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// `None` for the city's figure of the task.
    pub unit: Option<String>,
    pub task_id: String,
    pub target: Option<f64>,
    pub actual: Option<f64>,
    pub projected: Option<f64>,
    pub at_risk: bool,
    /// How the projection was made, in words.
    pub basis: String,
}

/// A unit's task row closed (销号), and reopened where it was reported open later (L12).
#[derive(Debug, Clone)]
pub struct Closure {
    pub unit: String,
    pub task_id: String,
    pub closed_in: Period,
    /// The period it was reported open again, and what it said.
    pub reopened: Option<(Period, String)>,
}

/// The year's ledger: every period found, oldest first, the last being the current one.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub year: i32,
    pub periods: Vec<Period>,
    pub tasks: Vec<TaskLine>,
    pub rows: Vec<RowLine>,
    pub nodes: Vec<NodeCheck>,
    /// From 6月 on, or when asked.
    pub assessment: Option<Vec<Assessment>>,
    pub closures: Vec<Closure>,
    /// (unit, task) → index into `rows`.
    index: HashMap<(String, String), usize>,
}

impl Ledger {
    /// The ledger of `records` (any order; one per period). `assess` asks for 预评估 before 6月.
    pub fn build(plan: &Plan, mut records: Vec<PeriodRecord>, ladder: &Escalation, assess: bool) -> Ledger {
        records.sort_by_key(|r| r.period);
        let periods: Vec<Period> = records.iter().map(|r| r.period).collect();
        let current = periods.last().copied().unwrap_or(Period { year: plan.year, month: 12 });
        let tasks = plan
            .tasks
            .iter()
            .map(|t| {
                let marks: Vec<Option<TaskMark>> = records.iter().map(|r| r.tasks.get(&t.id).copied()).collect();
                let streak = Streak::of(marks.iter().map(|m| m.map(|m| m.light)), ladder);
                TaskLine { id: t.id.clone(), marks, streak }
            })
            .collect();
        // Every unit × task seen in any period, by unit then the plan's order.
        let mut keys: Vec<(String, String)> =
            records.iter().flat_map(|r| r.rows.iter().flat_map(|(u, m)| m.keys().map(move |t| (u.clone(), t.clone())))).collect();
        keys.sort_by_cached_key(|(u, t)| (u.clone(), plan.task_position(t).unwrap_or(usize::MAX)));
        keys.dedup();
        let rows: Vec<RowLine> = keys
            .into_iter()
            .map(|(unit, task_id)| {
                let marks: Vec<Option<RowMark>> = records.iter().map(|r| r.row(&unit, &task_id).copied()).collect();
                let streak = Streak::of(marks.iter().map(|m| m.map(|m| m.light)), ladder);
                RowLine { unit, task_id, marks, streak }
            })
            .collect();
        let index = rows.iter().enumerate().map(|(i, r)| ((r.unit.clone(), r.task_id.clone()), i)).collect();
        let mut ledger = Ledger { year: current.year, periods, tasks, rows, nodes: Vec::new(), assessment: None, closures: Vec::new(), index };
        ledger.nodes = ledger.node_checks(plan);
        ledger.closures = ledger.find_closures();
        if assess || current.month >= 6 {
            ledger.assessment = Some(ledger.assess(plan, current));
        }
        ledger
    }

    pub fn current(&self) -> Option<Period> {
        self.periods.last().copied()
    }

    /// The streak of a unit's row for a task, if the ledger has it.
    pub fn row_streak(&self, unit: &str, task: &str) -> Option<&Streak> {
        self.index.get(&(unit.to_string(), task.to_string())).map(|&i| &self.rows[i].streak)
    }

    /// How many streaks call for each 督办措施, in the order first met.
    pub fn measure_counts<'a>(streaks: impl Iterator<Item = &'a Streak>) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for m in streaks.filter_map(|s| s.measure.as_deref()) {
            match counts.iter_mut().find(|(k, _)| k == m) {
                Some((_, n)) => *n += 1,
                None => counts.push((m.to_string(), 1)),
            }
        }
        counts
    }

    /// [`Ledger::measure_counts`] over the unit rows: what the terminal and the 单位台账 quote.
    pub fn row_measures(&self) -> Vec<(String, usize)> {
        Ledger::measure_counts(self.rows.iter().map(|r| &r.streak))
    }

    fn node_checks(&self, plan: &Plan) -> Vec<NodeCheck> {
        let mut out = Vec::new();
        for (k, p) in self.periods.iter().enumerate() {
            if p.month % 3 != 0 {
                continue;
            }
            let quarter = (p.month / 3 - 1) as usize;
            for r in &self.rows {
                let (Some(task), Some(mark)) = (plan.task(&r.task_id), r.marks[k]) else { continue };
                if !task.kind.quantified() {
                    continue;
                }
                let node = if quarter < 3 { task.row_node(&r.unit, quarter, mark.nodes[quarter]) } else { task.row_target(&r.unit, mark.target) };
                let Some(node) = node else { continue };
                let met = mark.actual.is_some_and(|a| meets(task.kind, a, node));
                out.push(NodeCheck { unit: r.unit.clone(), task_id: r.task_id.clone(), period: *p, quarter, node, actual: mark.actual, met });
            }
        }
        out
    }

    fn find_closures(&self) -> Vec<Closure> {
        let mut out = Vec::new();
        for r in &self.rows {
            let Some(k) = r.marks.iter().position(|m| m.is_some_and(|m| m.closed)) else { continue };
            let reopened = r.marks.iter().enumerate().skip(k + 1).find_map(|(j, m)| {
                let m = (*m)?;
                match m.status {
                    Some(s) if s != Status::Done => Some((self.periods[j], s.label().to_string())),
                    _ => None,
                }
            });
            out.push(Closure { unit: r.unit.clone(), task_id: r.task_id.clone(), closed_in: self.periods[k], reopened });
        }
        out
    }

    fn assess(&self, plan: &Plan, current: Period) -> Vec<Assessment> {
        let k = self.periods.len().saturating_sub(1);
        let mut out = Vec::new();
        for t in &self.tasks {
            let Some(task) = plan.task(&t.id).filter(|t| t.kind.quantified()) else { continue };
            let actual = t.marks.get(k).copied().flatten().and_then(|m| m.actual);
            out.push(project(task, current, None, task.target, actual));
        }
        for r in &self.rows {
            let (Some(task), Some(mark)) = (plan.task(&r.task_id), r.marks.get(k).copied().flatten()) else { continue };
            if !task.kind.quantified() {
                continue;
            }
            out.push(project(task, current, Some(r.unit.clone()), task.row_target(&r.unit, mark.target), mark.actual));
        }
        out
    }
}

/// Share of a task's time elapsed at the period's end (1 January to its deadline): the
/// lights' 序时进度 without a node target.
pub fn elapsed_share(task: &Task, period: Period) -> f64 {
    let p = crate::lights::Progress { actual: None, target: None, node: None, status: None, deadline: Some(task.deadline) };
    crate::lights::expected_progress(period, &p) / 100.0
}

fn project(task: &Task, period: Period, unit: Option<String>, target: Option<f64>, actual: Option<f64>) -> Assessment {
    let task_id = task.id.clone();
    let (projected, basis) = match actual {
        None => (None, "未报累计完成，无法预计".to_string()),
        Some(a) if task.kind.sums() => {
            let share = elapsed_share(task, period);
            (Some(a / share), format!("累计完成{} ÷ 已过时间{}%", fmt_num(a), fmt_num((share * 1000.0).round() / 10.0)))
        }
        // Rates and bounds: the latest figure is the best estimate of the year's.
        Some(a) => (Some(a), "增速、上下限类按最新数值判断".to_string()),
    };
    let at_risk = match (projected, target) {
        (Some(p), Some(t)) => !meets(task.kind, p, t),
        (None, Some(_)) => true,
        _ => false,
    };
    Assessment { unit, task_id, target, actual, projected, at_risk, basis }
}

/// L11, L12, L13 for this period's rows against the earlier periods (`history`, any order).
pub fn check_against_history(plan: &Plan, subs: &[Submission], history: &[PeriodRecord]) -> Vec<Finding> {
    let mut history: Vec<&PeriodRecord> = history.iter().collect();
    history.sort_by_key(|r| std::cmp::Reverse(r.period));
    let mut out = Vec::new();
    for s in crate::consolidate::counted(subs) {
        let Some(unit) = s.unit.as_deref() else { continue };
        for row in s.rows.iter().filter(|r| !r.duplicate && r.uom_ok) {
            let Some(task) = plan.task(row.task_id()) else { continue };
            let last = history.iter().find_map(|r| Some((r.period, r.row(unit, &task.id)?)));
            if let Some((p, m)) = last {
                // L11: cumulative figures never fall.
                if let (true, Some(now), Some(before)) = (task.kind.sums(), row.actual, m.actual) {
                    if now < before - 1e-9 * before.abs().max(1.0) {
                        let msg = format!("累计完成{}低于{}报送的{}；累计值只增不减，请核对", fmt_num(now), p.chinese(), fmt_num(before));
                        out.push(s.at(Rule::L11, msg, row, Field::Actual));
                    }
                }
                // L13: targets are set at the start of the year.
                let cells = [
                    (Field::Target, "全年目标", row.target, m.target),
                    (Field::Q1, "一季度节点目标", row.nodes[0], m.nodes[0]),
                    (Field::Q2, "二季度节点目标", row.nodes[1], m.nodes[1]),
                    (Field::Q3, "三季度节点目标", row.nodes[2], m.nodes[2]),
                ];
                for (field, name, now, before) in cells {
                    if let (Some(now), Some(before)) = (now, before) {
                        if (now - before).abs() > 1e-6 * now.abs().max(before.abs()).max(1.0) {
                            let msg = format!("{name}由{}报送的{}改为{}；目标年初确定，调整须经任务下达单位同意", p.chinese(), fmt_num(before), fmt_num(now));
                            out.push(s.at(Rule::L13, msg, row, field));
                        }
                    }
                }
            }
            // L12: a closed task reported open again.
            if let Some(now) = row.status.filter(|s| *s != Status::Done) {
                let closed = history.iter().rev().find(|r| r.row(unit, &task.id).is_some_and(|m| m.closed));
                if let Some(r) = closed {
                    let msg = format!("该任务已于{}销号（已完成并达到目标），本期又报为“{}”；请核实", r.period.chinese(), now.label());
                    out.push(s.at(Rule::L12, msg, row, Field::Status));
                }
            }
        }
    }
    out
}

/// 累计完成 of every unit's task in `record`: last period's figures for L10 and 较上期变化.
pub fn previous_figures(record: &PeriodRecord) -> crate::validate::Figures {
    record.rows.iter().map(|(u, m)| (u.clone(), m.iter().filter_map(|(t, mark)| Some((t.clone(), mark.actual?))).collect())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_ladder() {
        let l = Escalation::builtin();
        assert_eq!(l.measure(2, 0), Some("提醒督办"));
        assert_eq!(l.measure(2, 2), Some("专函督办"));
        assert_eq!(l.measure(3, 3), Some("约谈"));
        assert_eq!(l.measure(5, 4), Some("约谈"));
        assert_eq!(l.measure(1, 1), None);
    }

    #[test]
    fn a_missing_period_keeps_the_last_light() {
        let l = Escalation::builtin();
        let s = Streak::of([Some(Light::Red), None, Some(Light::Red)].into_iter(), &l);
        assert_eq!((s.lagging, s.red, s.measure.as_deref()), (3, 3, Some("约谈")));
        let s = Streak::of([Some(Light::Red), Some(Light::Yellow), Some(Light::Red)].into_iter(), &l);
        assert_eq!((s.lagging, s.red, s.measure.as_deref()), (3, 1, Some("提醒督办")));
        let s = Streak::of([Some(Light::Red), Some(Light::Green)].into_iter(), &l);
        assert_eq!((s.lagging, s.red, s.measure), (0, 0, None));
    }

    #[test]
    fn a_bad_ladder_names_the_line() {
        let e = Escalation::parse("[[rule]]\nmeasure = \"约谈\"\nred = \"三\"\n", "x.toml").unwrap_err().to_string();
        assert!(e.contains("第3行"), "{e}");
        let e = Escalation::parse("[[rule]]\nmeasure = \"约谈\"\n", "x.toml").unwrap_err().to_string();
        assert!(e.contains("第1条规则不完整"), "{e}");
    }
}
