//! Reporting up (层层抓落实, SPEC §6): this level's return to the level above, made from its own
//! batch — one row per upper task allocated to it, in the upper level's form, with every 下级 row
//! behind it (下级明细) so the level above can see through.
//!
//! Counts and amounts are the sum of the 下级 rows of every task that carries the upper task on
//! (split tasks rolled up). Rates, bounds and milestones are never summed: they are this level's
//! own figure, reported in its own batch as a unit of its own list. A 下级 figure that could not
//! be used is never left out silently: the row says which unit and why.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Result};

use crate::batch::Batch;
use crate::consolidate::{counted, judge_row, TaskSummary};
use crate::lights::{completion, light, Light, Progress, Thresholds};
use crate::normalise::LowerRow;
use crate::period::Period;
use crate::plan::{Allocation, Answer, Kind, Plan, Roster, Task, Upper, UpperTask};
use crate::values::{fmt_num, Status};

/// Which upper task each task of this level feeds, for a list `derive` did not make (`--map`):
/// 本级任务编号 → 上级任务编号.
#[derive(Debug, Clone, Default)]
pub struct IdMap(HashMap<String, String>);

impl IdMap {
    /// A workbook (or .csv) with columns 本级任务编号 and 上级任务编号, on any sheet.
    pub fn load(path: &Path) -> Result<IdMap> {
        let grids = crate::ingest::read_grids(path, &crate::ingest::Limits::default()).map_err(|u| anyhow::anyhow!(u.message))?;
        for (_, grid) in grids {
            let text = |raw: &crate::ingest::Raw| crate::values::clean_text(&raw.display());
            let mut rows = grid.into_iter();
            let Some((own, up)) = rows.by_ref().find_map(|(_, cells)| {
                let col = |h: &str| cells.iter().find(|(_, v)| text(v) == h).map(|(c, _)| *c);
                Some((col("本级任务编号")?, col("上级任务编号")?))
            }) else {
                continue;
            };
            let mut map = HashMap::new();
            for (_, cells) in rows {
                let (Some(a), Some(b)) = (cells.get(&own).map(text), cells.get(&up).map(text)) else { continue };
                if !a.is_empty() && !b.is_empty() {
                    map.insert(a, b);
                }
            }
            return Ok(IdMap(map));
        }
        bail!("编号对照表 {} 中找不到“本级任务编号”“上级任务编号”两列", path.display())
    }
}

/// One upper task, as this level reports it.
#[derive(Debug, Clone)]
pub struct UpRow {
    pub task: UpperTask,
    pub actual: Option<f64>,
    /// Completion in percent of the allocation (counts and amounts).
    pub completion: Option<f64>,
    pub light: Light,
    pub status: Status,
    pub progress: String,
    pub problems: String,
    pub answer: Answer,
    /// 下级 data not in `actual`: `东腾鳌村（未报送）`.
    pub unused: Vec<String>,
    /// A figure that is never summed, and this level has not given its own.
    pub own_missing: bool,
}

/// This level's return to the level above.
#[derive(Debug, Clone)]
pub struct UpReturn {
    /// This level's name in the upper list (填报单位).
    pub unit: String,
    /// The upper form's title.
    pub title: String,
    pub period: Period,
    pub rows: Vec<UpRow>,
    pub lower: Vec<LowerRow>,
    pub person: Option<String>,
    pub phone: Option<String>,
}

impl UpReturn {
    /// Every 下级 figure not used, and every own figure missing, as the terminal says them.
    pub fn gaps(&self) -> Vec<String> {
        let mut out = Vec::new();
        for r in &self.rows {
            if !r.unused.is_empty() {
                out.push(format!("{} {}：下级数据未采用：{}", r.task.id, r.task.name, r.unused.join("、")));
            }
            if r.own_missing {
                out.push(format!("{} {}：{}不能由下级相加，本级没有报送自己的数字，累计完成留空", r.task.id, r.task.name, kind_words(r.task.kind)));
            }
        }
        out
    }
}

fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Growth => "增速",
        Kind::UpperBound | Kind::LowerBound => "控制性指标",
        Kind::Milestone => "节点性工作",
        _ => "该指标",
    }
}

impl UpperTask {
    /// The upper task as a task of a one-unit list: what the upper level's form and lights use.
    pub fn as_task(&self, year: i32, unit: &str) -> Task {
        let deadline_text = if self.deadline_text.is_empty() { format!("{year}-12-31") } else { self.deadline_text.clone() };
        let deadline = crate::values::parse_deadline_text(&deadline_text, year).unwrap_or(crate::values::DeadlineValue::Ongoing);
        Task {
            id: self.id.clone(),
            area: self.area.clone(),
            name: self.name.clone(),
            indicator: self.indicator.clone(),
            uom: self.uom.clone(),
            kind: self.kind,
            target: self.target,
            stretch: self.stretch,
            at_most: self.kind == Kind::UpperBound,
            deadline,
            deadline_text,
            nodes: self.nodes,
            lead_unit: self.lead_unit.clone(),
            units: vec![Allocation { unit: unit.to_string(), target: None }],
            upper_id: None,
            answer: Answer::default(),
        }
    }
}

impl Upper {
    /// The upper level's list as far as this level knows it: its allocated tasks, this level the
    /// only unit — what the upper level's `template --unit` would hand out.
    pub fn as_plan(&self, year: i32) -> Plan {
        let mut roster = Roster::default();
        roster.set_place(&self.city);
        let group = roster.groups.infer(&self.unit);
        roster.add(crate::plan::Unit { name: self.unit.clone(), group, aliases: vec![] });
        let tasks = self.tasks.iter().map(|t| t.as_task(year, &self.unit)).collect();
        Plan::of_tasks(year, &self.city, &self.title, tasks, roster)
    }
}

/// The level above as a list that was not derived knows it: from `map` and this list's own tasks.
pub fn mapped_upper(plan: &Plan, map: Option<&IdMap>) -> Result<Upper> {
    Ok(upper_of(plan, map)?.0)
}

/// The level above for this list: as `derive` kept it, else made from `map` and this list's own
/// tasks (a list that was not derived; this level is then the list's own place).
fn upper_of(plan: &Plan, map: Option<&IdMap>) -> Result<(Upper, HashMap<String, String>)> {
    let mut links: HashMap<String, String> = plan.tasks.iter().filter_map(|t| Some((t.id.clone(), t.upper_id.clone()?))).collect();
    if let Some(m) = map {
        for (own, up) in &m.0 {
            if plan.task(own).is_none() {
                bail!("编号对照表中的本级任务编号 {own} 不在本级任务清单中");
            }
            links.insert(own.clone(), up.clone());
        }
    }
    if let Some(u) = &plan.upper {
        return Ok((u.clone(), links));
    }
    if map.is_none() {
        bail!("任务清单不是由上级清单分解而来（没有“上级任务”工作表）：请先用 luoshi derive --unit 本单位 生成本单位的清单，或用 --map 指定本级任务编号与上级任务编号的对照表");
    }
    // Not derived: each upper task as this level's tasks feeding it say (targets of counts summed).
    let mut tasks: Vec<UpperTask> = Vec::new();
    for t in &plan.tasks {
        let Some(up) = links.get(&t.id) else { continue };
        match tasks.iter_mut().find(|u| u.id == *up) {
            Some(u) if u.kind.sums() => {
                u.target = Some(u.target.unwrap_or(0.0) + t.target.unwrap_or(0.0));
                for q in 0..3 {
                    u.nodes[q] = match (u.nodes[q], t.nodes[q]) {
                        (Some(a), Some(b)) => Some(a + b),
                        (a, b) => a.or(b),
                    };
                }
            }
            Some(_) => {}
            None => tasks.push(UpperTask {
                id: up.clone(),
                area: t.area.clone(),
                name: t.name.clone(),
                indicator: t.indicator.clone(),
                uom: t.uom.clone(),
                kind: t.kind,
                target: t.target,
                stretch: t.stretch,
                nodes: t.nodes,
                deadline_text: t.deadline_text.clone(),
                lead_unit: String::new(),
            }),
        }
    }
    Ok((Upper { city: String::new(), title: plan.title.clone(), unit: plan.city.clone(), tasks }, links))
}

/// This level's return for the batch's period.
pub fn report_up(plan: &Plan, batch: &Batch, map: Option<&IdMap>, th: Thresholds) -> Result<UpReturn> {
    let (upper, links) = upper_of(plan, map)?;
    let own = upper.unit.as_str();
    let period = batch.period;
    let summary: HashMap<&str, &TaskSummary> = batch.consolidated.tasks.iter().map(|s| (s.id.as_str(), s)).collect();

    // Every 下级 row read, with its light: the 下级明细.
    let mut lower = Vec::new();
    for s in counted(&batch.submissions) {
        let unit = s.unit.as_deref().unwrap_or("");
        for r in s.rows.iter().filter(|r| !r.duplicate) {
            let id = r.task_id();
            let task = plan.task(id);
            lower.push(LowerRow {
                unit: unit.to_string(),
                task_id: id.to_string(),
                upper_id: links.get(id).cloned(),
                target: task.and_then(|t| t.row_target(unit, r.target)),
                actual: r.actual.filter(|_| r.usable()),
                status: r.status,
                light: judge_row(plan, period, th, unit, r).map(|j| j.light.short().to_string()).unwrap_or_default(),
                file: s.file.clone(),
                row: Some(r.row + 1),
                sheet_row: 0,
            });
        }
    }
    // This level's own figures: its own rows in its own batch.
    let own_rows: HashMap<&str, (Option<f64>, Option<Status>)> = counted(&batch.submissions)
        .filter(|s| s.unit.as_deref() == Some(own))
        .flat_map(|s| s.rows.iter().filter(|r| r.usable()).map(|r| (r.task_id(), (r.actual, r.status))))
        .collect();

    // The 下级 units that sent nothing, each under the task it owes, with its target: the level
    // above sees who is missing and the targets add up to what was split (L15).
    for t in plan.tasks.iter().filter(|t| links.contains_key(&t.id)) {
        for a in &t.units {
            if a.unit != own && !lower.iter().any(|l| l.unit == a.unit && l.task_id == t.id) {
                lower.push(LowerRow {
                    unit: a.unit.clone(),
                    task_id: t.id.clone(),
                    upper_id: links.get(&t.id).cloned(),
                    target: t.unit_target(&a.unit),
                    actual: None,
                    status: None,
                    light: "未报送".into(),
                    file: String::new(),
                    row: None,
                    sheet_row: 0,
                });
            }
        }
    }

    let mut rows = Vec::new();
    for u in &upper.tasks {
        let mine: Vec<&Task> = plan.tasks.iter().filter(|t| links.get(&t.id) == Some(&u.id)).collect();
        if mine.is_empty() {
            bail!("上级任务 {}（{}）在本级任务清单中没有对应的任务", u.id, u.name);
        }
        let task = u.as_task(plan.year, own);
        let sums: Vec<&TaskSummary> = mine.iter().filter_map(|t| summary.get(t.id.as_str()).copied()).collect();
        let worst_status = sums.iter().filter_map(|s| s.status).max_by_key(|s| status_rank(*s));
        let uom = u.uom.clone().unwrap_or_default();
        let mut unused = Vec::new();
        let mut progress = Vec::new();
        let (actual, status_in, own_missing) = if u.kind.sums() {
            for (t, s) in mine.iter().zip(&sums) {
                for a in &t.units {
                    if s.excluded.contains(&a.unit) {
                        unused.push(format!("{}（数据无法使用）", a.unit));
                    } else if !s.reporters.contains(&a.unit) {
                        unused.push(format!("{}（未报送）", a.unit));
                    }
                }
            }
            let parts: Vec<String> = lower
                .iter()
                .filter(|l| l.upper_id.as_deref() == Some(u.id.as_str()))
                .filter_map(|l| Some(format!("{}{}", l.unit, fmt_num(l.actual?))))
                .collect();
            let total = sums.iter().filter_map(|s| s.actual).fold(None, |acc: Option<f64>, v| Some(acc.unwrap_or(0.0) + v));
            if let Some(v) = total {
                progress.push(format!("下级合计累计完成{}{}（{}）", fmt_num(v), uom, parts.join("、")));
            }
            (total, worst_status, false)
        } else {
            // This level's own row; else its lead unit's figure, as this level's own consolidation
            // takes a rate (a list that was not derived: the city's GDP growth from its 发改局).
            let own_row = mine.iter().find_map(|t| own_rows.get(t.id.as_str()).copied());
            let (actual, status) = own_row.or_else(|| sums.first().map(|s| (s.actual, s.status))).unwrap_or((None, None));
            let missing = u.kind.quantified() && actual.is_none();
            (actual, status.or(worst_status), missing)
        };
        let p = Progress { actual, target: u.target, node: period.due_node().and_then(|q| u.nodes[q]), status: status_in, deadline: Some(task.deadline) };
        let reported = actual.is_some() || status_in.is_some();
        let lit = if reported { light(&task, period, &p, th) } else { Light::Grey };
        // As L06 reads 正常推进: the node due is met.
        let below_node = matches!((actual, p.node), (Some(a), Some(n)) if !crate::validate::meets(u.kind, a, n));
        progress.extend(sums.iter().flat_map(|s| s.progress.iter().cloned()));
        let mut problems = Vec::new();
        if !unused.is_empty() {
            problems.push(format!("下级数据未采用：{}", unused.join("、")));
        }
        if own_missing {
            problems.push(format!("{}不能由下级相加，本级尚未报送自己的数字", kind_words(u.kind)));
        }
        problems.extend(sums.iter().flat_map(|s| s.problems.iter().cloned()));
        rows.push(UpRow {
            task: u.clone(),
            actual,
            completion: completion(u.kind, &p),
            light: lit,
            status: match (u.kind.sums(), status_in) {
                // This level's own figure: as it stated it.
                (false, Some(s)) => s,
                _ => status_of(lit, status_in, below_node),
            },
            progress: progress.join("\n"),
            problems: problems.join("\n"),
            answer: Answer::merged(mine.iter().map(|t| &t.answer)),
            unused,
            own_missing,
        });
    }
    let first = |f: fn(&Answer) -> &Option<String>| rows.iter().find_map(|r| f(&r.answer).clone());
    let (person, phone) = (first(|a| &a.person), first(|a| &a.phone));
    let title = if upper.title.is_empty() { plan.title.clone() } else { upper.title.clone() };
    Ok(UpReturn { unit: own.to_string(), title: format!("{title}任务分解表"), period, rows, lower, person, phone })
}

fn status_rank(s: Status) -> u8 {
    match s {
        Status::Done => 0,
        Status::OnTrack => 1,
        Status::NotStarted => 2,
        Status::Behind => 3,
    }
}

/// The 状态 of a summed figure: from its light; 正常推进 only where the node due is met.
fn status_of(light: Light, stated: Option<Status>, below_node: bool) -> Status {
    match light {
        Light::Blue => Status::Done,
        Light::Green if below_node => Status::Behind,
        Light::Green => Status::OnTrack,
        Light::Yellow | Light::Red => Status::Behind,
        Light::Grey => stated.unwrap_or(Status::NotStarted),
    }
}
