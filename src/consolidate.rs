//! Consolidate: every task row of every counted submission in one polars DataFrame (the single
//! source for the workbooks), per-task totals by kind, and the cross-file rules V01, V02, V04, V05
//! as group-bys and joins over it.

use std::collections::HashSet;

use anyhow::Result;
use polars::prelude::*;

use crate::fields::{Field, FIELDS};
use crate::finding::Finding;
use crate::normalise::values::fmt_num;
use crate::normalise::Submission;
use crate::plan::{Kind, Plan};

/// Column names of the detail frame (明细) besides the field headers.
pub mod col {
    pub const UNIT: &str = "单位";
    pub const FILE: &str = "文件";
    pub const SHEET: &str = "工作表";
    pub const ROW: &str = "行号";
    /// Figures are in the master uom and the task is on the list: the row counts in totals.
    pub const COUNTED: &str = "计入汇总";
}

/// One row per master task.
#[derive(Debug, Clone)]
pub struct TaskSummary {
    pub id: String,
    /// Sum over units for count-like kinds; the lead unit's figure for rates and bounds.
    pub actual: Option<f64>,
    pub units_reporting: usize,
    pub units_expected: usize,
    pub reporters: Vec<String>,
}

pub struct Consolidated {
    /// Every task row, with provenance (单位, 文件, 工作表, 行号).
    pub detail: DataFrame,
    pub tasks: Vec<TaskSummary>,
    /// V01, V02, V04, V05.
    pub findings: Vec<Finding>,
}

/// The submissions that count: read, unit identified, not superseded.
pub fn counted(subs: &[Submission]) -> impl Iterator<Item = &Submission> {
    subs.iter().filter(|s| s.unit.is_some() && s.superseded_by.is_none())
}

pub fn detail_frame(plan: &Plan, subs: &[Submission]) -> Result<DataFrame> {
    let rows: Vec<(&Submission, &crate::normalise::TaskRow)> = counted(subs).flat_map(|s| s.rows.iter().map(move |r| (s, r))).collect();
    let n = rows.len();
    let mut columns: Vec<Column> = vec![
        Column::new(col::UNIT.into(), rows.iter().map(|(s, _)| s.unit.clone().unwrap_or_default()).collect::<Vec<_>>()),
        Column::new(col::FILE.into(), rows.iter().map(|(s, _)| s.file.as_str()).collect::<Vec<_>>()),
        Column::new(col::SHEET.into(), rows.iter().map(|(s, _)| s.sheet.as_str()).collect::<Vec<_>>()),
        Column::new(col::ROW.into(), rows.iter().map(|(_, r)| r.row + 1).collect::<Vec<u32>>()),
    ];
    for def in FIELDS {
        let name: PlSmallStr = def.header.into();
        let c = match def.field {
            Field::Target => Column::new(name, rows.iter().map(|(_, r)| r.target).collect::<Vec<_>>()),
            Field::Q1 | Field::Q2 | Field::Q3 => {
                let i = def.field as usize - Field::Q1 as usize;
                Column::new(name, rows.iter().map(|(_, r)| r.nodes[i]).collect::<Vec<_>>())
            }
            Field::Actual => Column::new(name, rows.iter().map(|(_, r)| r.actual).collect::<Vec<_>>()),
            Field::Rate => Column::new(name, rows.iter().map(|(_, r)| r.rate).collect::<Vec<_>>()),
            Field::Uom => Column::new(
                name,
                rows.iter()
                    .map(|(_, r)| match plan.task(r.task_id()).and_then(|t| t.uom.as_deref()) {
                        Some(m) if r.uom_ok => m.to_string(),
                        _ => r.get(Field::Uom).to_string(),
                    })
                    .collect::<Vec<_>>(),
            ),
            Field::Deadline => Column::new(
                name,
                rows.iter().map(|(_, r)| r.deadline.map(|d| d.display()).unwrap_or_else(|| r.get(Field::Deadline).to_string())).collect::<Vec<_>>(),
            ),
            f => Column::new(name, rows.iter().map(|(_, r)| r.get(f)).collect::<Vec<_>>()),
        };
        columns.push(c);
    }
    columns.push(Column::new(
        col::COUNTED.into(),
        rows.iter().map(|(_, r)| r.uom_ok && plan.task(r.task_id()).is_some()).collect::<Vec<bool>>(),
    ));
    Ok(DataFrame::new(n, columns)?)
}

fn master_frame(plan: &Plan) -> Result<DataFrame> {
    let t = &plan.tasks;
    Ok(DataFrame::new(
        t.len(),
        vec![
            Column::new("任务编号".into(), t.iter().map(|t| t.id.as_str()).collect::<Vec<_>>()),
            Column::new("牵头单位".into(), t.iter().map(|t| t.lead_unit.as_str()).collect::<Vec<_>>()),
            Column::new("市级目标".into(), t.iter().map(|t| t.target).collect::<Vec<_>>()),
        ],
    )?)
}

fn strings(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    let s = df.column(name)?.as_materialized_series().cast(&DataType::String)?;
    Ok(s.str()?.iter().map(|v| v.unwrap_or_default().to_string()).collect())
}

fn floats(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let s = df.column(name)?.as_materialized_series().cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().collect())
}

/// Consolidate the batch. `units_with_files` are the units that sent anything at all, readable or not.
pub fn consolidate(plan: &Plan, subs: &[Submission], units_with_files: &HashSet<String>) -> Result<Consolidated> {
    let detail = detail_frame(plan, subs)?;
    let master = master_frame(plan)?;
    let task_id = "任务编号";
    let actual = Field::Actual.header();
    let target = Field::Target.header();

    // Per task: total of the counted rows, and who reported.
    let per_task = detail
        .clone()
        .lazy()
        .filter(col(col::COUNTED))
        .group_by([col(task_id)])
        .agg([
            col(actual).sum().alias("合计"),
            col(actual).count().alias("填报数"),
            col(target).sum().alias("目标合计"),
        ])
        .collect()?;
    let lead_rows = detail
        .clone()
        .lazy()
        .filter(col(col::COUNTED))
        .join(master.clone().lazy(), [col(task_id)], [col(task_id)], JoinArgs::new(JoinType::Inner))
        .filter(col(col::UNIT).eq(col("牵头单位")))
        .select([col(task_id), col(actual).alias("牵头单位值")])
        .collect()?;

    let ids = strings(&per_task, task_id)?;
    let sums = floats(&per_task, "合计")?;
    let filled = floats(&per_task, "填报数")?;
    let target_sums = floats(&per_task, "目标合计")?;
    // Who reported each task: distinct (task, unit) pairs.
    let pairs_df = detail
        .clone()
        .lazy()
        .filter(col(col::COUNTED))
        .select([col(task_id), col(col::UNIT)])
        .unique_stable(None, UniqueKeepStrategy::First)
        .collect()?;
    let pair_ids = strings(&pairs_df, task_id)?;
    let pair_units = strings(&pairs_df, col::UNIT)?;
    let lead_ids = strings(&lead_rows, task_id)?;
    let lead_vals = floats(&lead_rows, "牵头单位值")?;

    let mut findings = Vec::new();
    let mut tasks = Vec::new();
    for t in &plan.tasks {
        let i = ids.iter().position(|x| *x == t.id);
        let who: Vec<String> = pair_ids.iter().zip(&pair_units).filter(|(id, _)| **id == t.id).map(|(_, u)| u.clone()).collect();
        let actual = match (t.kind.sums(), i) {
            (true, Some(i)) if filled[i].unwrap_or(0.0) > 0.0 => sums[i],
            (false, _) => lead_ids.iter().position(|x| *x == t.id).and_then(|j| lead_vals[j]),
            _ => None,
        };
        // V04: a split task whose units' targets add up to less than the city's.
        if let (Some(city), Some(i)) = (t.target, i) {
            let all_reported = t.units.iter().filter(|a| a.target.is_some()).all(|a| who.contains(&a.unit));
            let sum = target_sums[i].unwrap_or(0.0);
            if t.is_split() && all_reported && t.kind != Kind::UpperBound && sum + 1e-6 * city.abs().max(1.0) < city {
                let uom = t.uom.clone().unwrap_or_default();
                let short: Vec<String> = t
                    .units
                    .iter()
                    .filter_map(|a| a.target.map(|v| (a, v)))
                    .filter_map(|(a, _)| {
                        let own = subs_target(subs, &a.unit, &t.id)?;
                        let alloc = a.target?;
                        (own + 1e-9 < alloc).then(|| format!("{}少报{}{}", a.unit, fmt_num(alloc - own), uom))
                    })
                    .collect();
                let why = if short.is_empty() { String::new() } else { format!("（{}）", short.join("，")) };
                let msg = format!(
                    "{}：各单位全年目标合计{}{}，低于市级目标{}{}{}",
                    t.indicator.clone().unwrap_or_else(|| t.name.clone()),
                    fmt_num(sum),
                    uom,
                    fmt_num(city),
                    uom,
                    why
                );
                findings.push(Finding::new("V04", msg).task(&t.id));
            }
        }
        tasks.push(TaskSummary {
            id: t.id.clone(),
            actual,
            units_reporting: who.len(),
            units_expected: t.units.len(),
            reporters: who,
        });
    }

    // V02: master tasks no submitted row claims (任务全覆盖).
    let reported = detail.clone().lazy().select([col(task_id)]).unique(None, UniqueKeepStrategy::First);
    let unclaimed = master.clone().lazy().anti_join(reported, col(task_id), col(task_id)).collect()?;
    for id in strings(&unclaimed, task_id)? {
        if let Some(t) = plan.task(&id) {
            findings.push(Finding::new("V02", format!("任务{}（{}）没有任何单位报送", id, short_name(t))).task(&id));
        }
    }

    // V05: a lead unit that reported, but not on a task it leads.
    let pairs = detail.clone().lazy().select([col(col::UNIT).alias("牵头单位"), col(task_id)]);
    let keys = [col("牵头单位"), col(task_id)];
    let missing_lead = master.lazy().join(pairs, keys.clone(), keys, JoinArgs::new(JoinType::Anti)).collect()?;
    let ml_ids = strings(&missing_lead, task_id)?;
    let ml_units = strings(&missing_lead, "牵头单位")?;
    let submitted: HashSet<&str> = counted(subs).filter_map(|s| s.unit.as_deref()).collect();
    for (id, lead) in ml_ids.iter().zip(&ml_units) {
        if submitted.contains(lead.as_str()) {
            let t = plan.task(id);
            let name = t.map(short_name).unwrap_or_default();
            findings.push(Finding::new("V05", format!("{}牵头的任务{}（{}）本期未报送", lead, id, name)).task(id).unit(Some(lead)));
        }
    }

    // V01: units on the roster that sent nothing at all.
    for u in plan.expected_units() {
        if !units_with_files.contains(&u.name) {
            findings.push(Finding::new("V01", format!("{}本期没有报送", u.name)).unit(Some(&u.name)));
        }
    }
    Ok(Consolidated { detail, tasks, findings })
}

fn short_name(t: &crate::plan::Task) -> String {
    t.indicator.clone().unwrap_or_else(|| t.name.clone())
}

fn subs_target(subs: &[Submission], unit: &str, task: &str) -> Option<f64> {
    counted(subs)
        .filter(|s| s.unit.as_deref() == Some(unit))
        .flat_map(|s| s.rows.iter())
        .find(|r| r.task_id() == task && r.uom_ok)
        .and_then(|r| r.target)
}
