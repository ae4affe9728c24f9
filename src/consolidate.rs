//! Consolidate: every task row of every counted submission in one polars DataFrame (the single
//! source for the workbooks), per-task totals by kind with their lights, per-unit tallies, and the
//! cross-file rules V01, V02, V04, V05 as group-bys and joins over it.

use std::collections::HashSet;

// Keyed by task ids and unit names: a province has 200,000 of them, hashed many times each.
use foldhash::{HashMap, HashMapExt};

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;

use crate::fields::{Field, FIELDS};
use crate::finding::{Finding, Rule};
use crate::lights::{completion, expected_progress, light, Light, Progress, Thresholds};
use crate::normalise::{Submission, TaskRow};
use crate::period::Period;
use crate::plan::{Group, Kind, Plan, Task};
use crate::values::{fmt_num, Status};

/// Column names of the detail frame (明细) besides the field headers.
pub mod col {
    pub const UNIT: &str = "单位";
    pub const GROUP: &str = "类别";
    pub const FILE: &str = "文件";
    pub const SHEET: &str = "工作表";
    pub const ROW: &str = "行号";
    pub const LIGHT: &str = "亮灯";
    pub const EXPECTED: &str = "序时进度";
    pub const DONE: &str = "完成进度";
    /// 全年目标 as judged, where it is not the one the unit wrote (the list's allocation).
    pub const JUDGED_TARGET: &str = "按分配目标";
    pub const PREVIOUS: &str = "上期累计完成";
    pub const CHANGE: &str = "较上期变化";
    /// Figures are in the master uom, the task is on the list, the row is not a repeat and its
    /// 累计完成 is usable: the row counts in totals and as 已报.
    pub const COUNTED: &str = "计入汇总";
    /// A second row for the same task in one sheet (L02): not a task of its own.
    pub const REPEAT: &str = "重复行";
}

/// One row per master task.
#[derive(Debug, Clone)]
pub struct TaskSummary {
    pub id: String,
    /// Sum over units for count-like kinds; the lead unit's figure for rates and bounds.
    pub actual: Option<f64>,
    pub previous: Option<f64>,
    /// Completion in percent of the city target (count-like kinds only).
    pub completion: Option<f64>,
    /// 序时进度 in percent.
    pub expected: f64,
    pub light: Light,
    /// Worst status stated by the units.
    pub status: Option<Status>,
    pub units_reporting: usize,
    pub units_expected: usize,
    pub reporters: Vec<String>,
    /// Units whose row for this task was not counted: its 累计完成 could not be used.
    pub excluded: Vec<String>,
    /// `单位：内容` lines.
    pub progress: Vec<String>,
    pub problems: Vec<String>,
}

/// One row per unit on the roster (and any unit that reported without being expected).
#[derive(Debug, Clone)]
pub struct UnitSummary {
    pub unit: String,
    pub group: Group,
    pub submitted: bool,
    /// Tasks: every row reported (one per task) plus the tasks owed and not reported;
    /// always the sum of `lights` and `not_reported`.
    pub tasks: usize,
    /// Rows per light, in `Light::ALL` order; a row without a light (task not on the list,
    /// figure not usable) counts as 灰 (无数据).
    pub lights: [usize; 5],
    /// Tasks the master list gives the unit that it did not report.
    pub not_reported: usize,
    /// Mean completion of count-like rows, capped at 100 %.
    pub avg_completion: Option<f64>,
}

/// One of the plan's three coverages (三个全覆盖).
#[derive(Debug, Clone)]
pub struct Coverage {
    pub name: &'static str,
    pub covered: usize,
    pub total: usize,
    pub missing: Vec<String>,
}

impl Coverage {
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            self.covered as f64 / self.total as f64 * 100.0
        }
    }
}

pub struct Consolidated {
    /// Every task row, with provenance (单位, 文件, 工作表, 行号) and its light.
    pub detail: DataFrame,
    pub tasks: Vec<TaskSummary>,
    pub units: Vec<UnitSummary>,
    /// 目标全覆盖, 任务全覆盖, 责任全覆盖.
    pub coverage: Vec<Coverage>,
    /// V01, V02, V04, V05.
    pub findings: Vec<Finding>,
    /// The unit rows that lag, red first: the 督办清单's rows and what the 通报 and 督办函 quote.
    pub lagging: Vec<LaggingRow>,
}

/// The submissions that count: read, unit identified, not superseded.
pub fn counted(subs: &[Submission]) -> impl Iterator<Item = &Submission> {
    subs.iter().filter(|s| s.unit.is_some() && s.superseded_by.is_none())
}

/// A row's light and the figures behind it.
pub struct RowJudgement {
    pub light: Light,
    pub expected: Option<f64>,
    pub completion: Option<f64>,
    /// The 全年目标 judged against: the list's allocation where it has one (L08), else what the
    /// unit wrote, else its share.
    pub target: Option<f64>,
}

pub fn judge_row(plan: &Plan, period: Period, th: Thresholds, unit: &str, row: &TaskRow) -> Option<RowJudgement> {
    let task = plan.task(row.task_id())?;
    // A figure luoshi could not use gives no light at all: 灰 (无数据), never a guess.
    if row.actual_unusable() {
        return Some(RowJudgement { light: Light::Grey, expected: None, completion: None, target: None });
    }
    let target = task.row_target(unit, row.target);
    let node = period.due_node().and_then(|i| task.row_node(unit, i, row.nodes[i]));
    let p = Progress { actual: if row.uom_ok { row.actual } else { None }, target, node, status: row.status, deadline: row.deadline };
    Some(RowJudgement {
        light: light(task, period, &p, th),
        expected: task.kind.quantified().then(|| expected_progress(period, &p)),
        completion: completion(task.kind, &p),
        target: task.kind.quantified().then_some(target).flatten(),
    })
}

/// L17: a row whose stated 状态 says the opposite of its light — 滞后 on a green or blue row,
/// 正常推进 on a red one where no node target was due (with a node due, L06 says it). The
/// meeting sees both words.
fn stated_against_light(plan: &Plan, period: Period, th: Thresholds, subs: &[Submission]) -> Vec<Finding> {
    let rows: Vec<(&Submission, &TaskRow)> = counted(subs)
        .flat_map(|s| s.rows.iter().filter(|r| matches!(r.status, Some(Status::Behind | Status::OnTrack)) && r.usable()).map(move |r| (s, r)))
        .collect();
    rows.par_iter()
        .filter_map(|(s, r)| {
            let unit = s.unit.as_deref().unwrap_or("");
            let task = plan.task(r.task_id())?;
            let lit = judge_row(plan, period, th, unit, r)?.light;
            let node_due = period.due_node().and_then(|q| task.row_node(unit, q, r.nodes[q])).is_some();
            let said = r.status?.label();
            let contradicts = match r.status? {
                Status::Behind => matches!(lit, Light::Green | Light::Blue),
                Status::OnTrack => lit == Light::Red && !node_due,
                _ => false,
            };
            contradicts.then(|| s.at(Rule::L17, format!("状态填“{said}”，按完成情况亮灯为“{}”", lit.short()), r, Field::Status))
        })
        .collect()
}

pub fn detail_frame(plan: &Plan, period: Period, th: Thresholds, subs: &[Submission]) -> Result<DataFrame> {
    let rows: Vec<(&Submission, &TaskRow)> = counted(subs).flat_map(|s| s.rows.iter().map(move |r| (s, r))).collect();
    let judged: Vec<Option<RowJudgement>> = rows.par_iter().map(|(s, r)| judge_row(plan, period, th, s.unit.as_deref().unwrap_or(""), r)).collect();
    let n = rows.len();
    // Looked up once per unit, not once per row.
    let mut groups: HashMap<&str, crate::plan::Group> = HashMap::new();
    for (s, _) in rows.iter() {
        let unit = s.unit.as_deref().unwrap_or("");
        groups.entry(unit).or_insert_with(|| plan.roster.group_of(unit));
    }
    let mut columns: Vec<Column> = vec![
        Column::new(col::UNIT.into(), rows.iter().map(|(s, _)| s.unit.as_deref().unwrap_or_default()).collect::<Vec<_>>()),
        Column::new(col::GROUP.into(), rows.iter().map(|(s, _)| groups[s.unit.as_deref().unwrap_or("")].label()).collect::<Vec<_>>()),
        Column::new(col::FILE.into(), rows.iter().map(|(s, _)| s.file.as_str()).collect::<Vec<_>>()),
        Column::new(col::SHEET.into(), rows.iter().map(|(s, _)| s.sheet.as_str()).collect::<Vec<_>>()),
        Column::new(col::ROW.into(), rows.iter().map(|(_, r)| r.row + 1).collect::<Vec<u32>>()),
    ];
    // One column per field, built in parallel: each is a pass over every row.
    let fields: Vec<Column> = FIELDS
        .par_iter()
        .map(|def| {
            let name: PlSmallStr = def.header.into();
            match def.field {
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
                            Some(m) if r.uom_ok => m,
                            _ => r.get(Field::Uom),
                        })
                        .collect::<Vec<_>>(),
                ),
                Field::Deadline => Column::new(
                    name,
                    rows.iter().map(|(_, r)| r.deadline.map(|d| d.display()).unwrap_or_else(|| r.get(Field::Deadline).to_string())).collect::<Vec<_>>(),
                ),
                // The number counted under: a slip read as the task its words name (L01).
                Field::TaskId => Column::new(name, rows.iter().map(|(_, r)| r.task_id()).collect::<Vec<_>>()),
                f => Column::new(name, rows.iter().map(|(_, r)| r.get(f)).collect::<Vec<_>>()),
            }
        })
        .collect();
    columns.extend(fields);
    // Beside 全年目标, the target the row was judged on where it is not the one written: the 明细
    // says why its 完成进度 is not 累计完成 ÷ 全年目标.
    let judged_on: Vec<Option<f64>> =
        rows.iter().zip(&judged).map(|((_, r), j)| j.as_ref().and_then(|j| j.target).filter(|t| r.target.is_none_or(|own| (own - t).abs() > 1e-9))).collect();
    let at = columns.iter().position(|c| c.name().as_str() == Field::Target.header()).map_or(columns.len(), |i| i + 1);
    columns.insert(at, Column::new(col::JUDGED_TARGET.into(), judged_on));
    columns.push(Column::new(col::LIGHT.into(), judged.iter().map(|j| j.as_ref().map(|j| j.light.short()).unwrap_or("")).collect::<Vec<_>>()));
    columns.push(Column::new(col::EXPECTED.into(), judged.iter().map(|j| j.as_ref().and_then(|j| j.expected)).collect::<Vec<_>>()));
    columns.push(Column::new(col::DONE.into(), judged.iter().map(|j| j.as_ref().and_then(|j| j.completion)).collect::<Vec<_>>()));
    columns.push(Column::new(col::PREVIOUS.into(), rows.iter().map(|(_, r)| r.previous).collect::<Vec<_>>()));
    columns.push(Column::new(col::CHANGE.into(), rows.iter().map(|(_, r)| r.actual.zip(r.previous).map(|(a, p)| a - p)).collect::<Vec<_>>()));
    columns.push(Column::new(col::COUNTED.into(), rows.iter().map(|(_, r)| r.usable() && plan.task(r.task_id()).is_some()).collect::<Vec<bool>>()));
    columns.push(Column::new(col::REPEAT.into(), rows.iter().map(|(_, r)| r.duplicate).collect::<Vec<bool>>()));
    Ok(DataFrame::new(n, columns)?)
}

fn master_frame(plan: &Plan) -> Result<DataFrame> {
    let t = &plan.tasks;
    Ok(DataFrame::new(
        t.len(),
        vec![
            Column::new("任务编号".into(), t.iter().map(|t| t.id.as_str()).collect::<Vec<_>>()),
            Column::new("牵头单位".into(), t.iter().map(|t| t.lead_unit.as_str()).collect::<Vec<_>>()),
            Column::new("清单目标".into(), t.iter().map(|t| t.target).collect::<Vec<_>>()),
            Column::new("量化".into(), t.iter().map(|t| t.kind.quantified()).collect::<Vec<_>>()),
        ],
    )?)
}

pub fn strings(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    let s = df.column(name)?.as_materialized_series().cast(&DataType::String)?;
    Ok(s.str()?.iter().map(|v| v.unwrap_or_default().to_string()).collect())
}

pub fn floats(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let s = df.column(name)?.as_materialized_series().cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().collect())
}

pub fn bools(df: &DataFrame, name: &str) -> Result<Vec<bool>> {
    Ok(df.column(name)?.as_materialized_series().bool()?.iter().map(|v| v.unwrap_or(false)).collect())
}

/// A unit's row that lags (yellow or red): one line of the 督办清单 and of a 督办函.
#[derive(Debug, Clone)]
pub struct LaggingRow {
    pub task: String,
    pub unit: String,
    pub light: Light,
    /// The unit's own 全年目标, 累计完成, 完成进度 and 序时进度 (percent), as in the 明细.
    pub target: Option<f64>,
    pub actual: Option<f64>,
    pub done: Option<f64>,
    pub expected: Option<f64>,
    pub problems: String,
    pub next_steps: String,
    pub leader: String,
    pub person: String,
    pub phone: String,
}

/// Every lagging unit row of the detail frame (repeats left out), red first, then in the plan's
/// order and by unit: the one list the 督办清单 and the 督办函 are both made from.
fn lagging_rows(plan: &Plan, detail: &DataFrame) -> Result<Vec<LaggingRow>> {
    let lagging = col(col::LIGHT).eq(lit(Light::Red.short())).or(col(col::LIGHT).eq(lit(Light::Yellow.short())));
    let df = detail.clone().lazy().filter(lagging.and(col(col::REPEAT).not())).collect()?;
    let get = |name: &str| strings(&df, name);
    let (tasks, units, lights) = (get(Field::TaskId.header())?, get(col::UNIT)?, get(col::LIGHT)?);
    let (problems, next, leaders, persons, phones) = (
        get(Field::Problems.header())?,
        get(Field::NextSteps.header())?,
        get(Field::Leader.header())?,
        get(Field::Person.header())?,
        get(Field::Phone.header())?,
    );
    let (targets, actuals, done, expected) =
        (floats(&df, Field::Target.header())?, floats(&df, Field::Actual.header())?, floats(&df, col::DONE)?, floats(&df, col::EXPECTED)?);
    let mut rows: Vec<LaggingRow> = (0..df.height())
        .filter_map(|i| {
            Some(LaggingRow {
                light: Light::from_short(&lights[i])?,
                task: tasks[i].clone(),
                unit: units[i].clone(),
                // The yardstick the light was judged on: the allocation where the list has one.
                target: plan.task(&tasks[i]).map_or(targets[i], |t| t.row_target(&units[i], targets[i])),
                actual: actuals[i],
                done: done[i],
                expected: expected[i],
                problems: problems[i].clone(),
                next_steps: next[i].clone(),
                leader: leaders[i].clone(),
                person: persons[i].clone(),
                phone: phones[i].clone(),
            })
        })
        .collect();
    rows.sort_by_cached_key(|r| (r.light.urgency(), plan.task_position(&r.task).unwrap_or(usize::MAX), r.unit.clone()));
    Ok(rows)
}

fn worst(a: Option<Status>, b: Option<Status>) -> Option<Status> {
    let rank = |s: Option<Status>| match s {
        Some(Status::Behind) => 3,
        Some(Status::NotStarted) => 2,
        Some(Status::OnTrack) => 1,
        Some(Status::Done) => 0,
        None => -1,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// Consolidate the batch. `units_with_files` are the units that sent anything at all, readable or not.
pub fn consolidate(plan: &Plan, period: Period, th: Thresholds, subs: &[Submission], units_with_files: &HashSet<String>) -> Result<Consolidated> {
    let detail = detail_frame(plan, period, th, subs)?;
    consolidate_frame(plan, period, th, subs, units_with_files, detail)
}

/// Everything after the detail frame: per-task totals, unit tallies, coverages, V rules.
pub fn consolidate_frame(
    plan: &Plan,
    period: Period,
    th: Thresholds,
    subs: &[Submission],
    units_with_files: &HashSet<String>,
    detail: DataFrame,
) -> Result<Consolidated> {
    if std::env::var_os("LUOSHI_PROFILE").is_some() {
        eprintln!("[profile] detail frame: {} rows, {} MB", detail.height(), detail.estimated_size() / 1_000_000);
    }
    let t0 = std::time::Instant::now();
    let master = master_frame(plan)?;
    let task_id = "任务编号";
    let actual = Field::Actual.header();
    let target = Field::Target.header();

    // Per task: total of the counted rows.
    let per_task = detail
        .clone()
        .lazy()
        .filter(col(col::COUNTED))
        .group_by([col(task_id)])
        .agg([
            col(actual).sum().alias("合计"),
            col(actual).count().alias("填报数"),
            col(col::PREVIOUS).sum().alias("上期合计"),
            col(col::PREVIOUS).count().alias("上期填报数"),
            col(target).sum().alias("目标合计"),
        ])
        .collect()?;
    // Rates and bounds are never summed: the lead unit's own figure.
    let lead_rows = detail
        .clone()
        .lazy()
        .filter(col(col::COUNTED))
        .select([col(task_id), col(col::UNIT), col(actual), col(col::PREVIOUS)])
        .join(master.clone().lazy(), [col(task_id)], [col(task_id)], JoinArgs::new(JoinType::Inner))
        .filter(col(col::UNIT).eq(col("牵头单位")))
        .select([col(task_id), col(actual).alias("牵头单位值"), col(col::PREVIOUS).alias("牵头单位上期")])
        .collect()?;
    // Who reported each task: distinct (task, unit) pairs.
    let pairs_df =
        detail.clone().lazy().filter(col(col::COUNTED)).select([col(task_id), col(col::UNIT)]).unique_stable(None, UniqueKeepStrategy::First).collect()?;

    crate::profile::stage("consolidate: polars queries", t0);
    let ids = strings(&per_task, task_id)?;
    let sums = floats(&per_task, "合计")?;
    let filled = floats(&per_task, "填报数")?;
    let prev_sums = floats(&per_task, "上期合计")?;
    let prev_filled = floats(&per_task, "上期填报数")?;
    let target_sums = floats(&per_task, "目标合计")?;
    let lead_ids = strings(&lead_rows, task_id)?;
    let lead_vals = floats(&lead_rows, "牵头单位值")?;
    let lead_prev = floats(&lead_rows, "牵头单位上期")?;
    let pair_ids = strings(&pairs_df, task_id)?;
    let pair_units = strings(&pairs_df, col::UNIT)?;
    // The polars results are now plain vectors: let the frames go before the notes are gathered.
    drop((per_task, lead_rows, pairs_df));

    // Notes gathered per task, in unit order of the submissions.
    let mut notes: HashMap<&str, [Vec<String>; 2]> = HashMap::new();
    let mut statuses: HashMap<&str, Option<Status>> = HashMap::new();
    let mut excluded: HashMap<&str, Vec<String>> = HashMap::new();
    for s in counted(subs) {
        let unit = s.unit.as_deref().unwrap_or("");
        for r in s.rows.iter().filter(|r| !r.duplicate) {
            // The unit's words are kept; where its figure was not used, they say so.
            let said = if r.actual_unusable() {
                excluded.entry(r.task_id()).or_default().push(unit.to_string());
                format!("{unit}（数据未采用）")
            } else {
                unit.to_string()
            };
            let e = notes.entry(r.task_id()).or_default();
            for (i, f) in [Field::Progress, Field::Problems].into_iter().enumerate() {
                let t = r.get(f).trim();
                if !t.is_empty() && !matches!(t, "无" | "/" | "—") {
                    e[i].push(format!("{said}：{t}"));
                }
            }
            let st = statuses.entry(r.task_id()).or_insert(None);
            *st = worst(*st, r.status);
        }
    }

    crate::profile::stage("consolidate: notes", t0);
    let id_pos: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let lead_pos: HashMap<&str, usize> = lead_ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let mut reporters: HashMap<&str, Vec<String>> = HashMap::new();
    for (id, u) in pair_ids.iter().zip(&pair_units) {
        reporters.entry(id.as_str()).or_default().push(u.clone());
    }
    let mut findings = Vec::new();
    let mut tasks = Vec::new();
    for t in &plan.tasks {
        let i = id_pos.get(t.id.as_str()).copied();
        let who: Vec<String> = reporters.remove(t.id.as_str()).unwrap_or_default();
        let lead = lead_pos.get(t.id.as_str()).copied();
        let (actual, previous) = match (t.kind.sums(), i) {
            (true, Some(i)) => (sums[i].filter(|_| filled[i].unwrap_or(0.0) > 0.0), prev_sums[i].filter(|_| prev_filled[i].unwrap_or(0.0) > 0.0)),
            (false, _) => (lead.and_then(|j| lead_vals[j]), lead.and_then(|j| lead_prev[j])),
            _ => (None, None),
        };
        if let (Some(city), Some(i)) = (t.target, i) {
            if let Some(f) = check_split(t, city, target_sums[i].unwrap_or(0.0), &who, subs) {
                findings.push(f);
            }
        }
        let status = statuses.get(t.id.as_str()).copied().flatten();
        let node = period.due_node().and_then(|q| t.nodes[q]);
        let p = Progress { actual, target: t.target, node, status, deadline: Some(t.deadline) };
        let light = if who.is_empty() { Light::Grey } else { light(t, period, &p, th) };
        let [progress, problems] = notes.remove(t.id.as_str()).unwrap_or_default();
        tasks.push(TaskSummary {
            id: t.id.clone(),
            actual,
            previous,
            completion: completion(t.kind, &p),
            expected: expected_progress(period, &p),
            light,
            status,
            units_reporting: who.len(),
            units_expected: t.units.len(),
            reporters: who,
            excluded: excluded.remove(t.id.as_str()).unwrap_or_default(),
            progress,
            problems,
        });
    }

    crate::profile::stage("consolidate: task summaries", t0);
    // V02: master tasks no submitted row claims (任务全覆盖).
    let reported = detail.clone().lazy().select([col(task_id)]).unique(None, UniqueKeepStrategy::First);
    let unclaimed = master.clone().lazy().anti_join(reported, col(task_id), col(task_id)).collect()?;
    for id in strings(&unclaimed, task_id)? {
        if let Some(t) = plan.task(&id) {
            findings.push(Finding::new(Rule::V02, format!("任务{}（{}）没有任何单位报送", id, short_name(t))).task(&id));
        }
    }

    // V05: a lead unit that reported, but not on a task it leads.
    let pairs = detail.clone().lazy().select([col(col::UNIT).alias("牵头单位"), col(task_id)]);
    let keys = [col("牵头单位"), col(task_id)];
    let missing_lead = master.lazy().join(pairs, keys.clone(), keys, JoinArgs::new(JoinType::Anti)).collect()?;
    let submitted: HashSet<&str> = counted(subs).filter_map(|s| s.unit.as_deref()).collect();
    for (id, lead) in strings(&missing_lead, task_id)?.iter().zip(strings(&missing_lead, "牵头单位")?) {
        if submitted.contains(lead.as_str()) {
            let name = plan.task(id).map(short_name).unwrap_or_default();
            findings.push(Finding::new(Rule::V05, format!("{}牵头的任务{}（{}）本期未报送", lead, id, name)).task(id).unit(Some(&lead)));
        }
    }

    // V01: units on the roster that sent nothing at all.
    for u in plan.expected_units() {
        if !units_with_files.contains(&u.name) {
            findings.push(Finding::new(Rule::V01, format!("{}本期没有报送", u.name)).unit(Some(&u.name)));
        }
    }
    findings.extend(stated_against_light(plan, period, th, subs));
    crate::profile::stage("consolidate: V findings", t0);
    let units = unit_summaries(plan, &detail, &submitted)?;
    let coverage = coverage(plan, &detail)?;
    let lagging = lagging_rows(plan, &detail)?;
    Ok(Consolidated { detail, tasks, units, coverage, findings, lagging })
}

/// The three coverages of the plan, by anti-joins of what was expected against what was reported.
fn coverage(plan: &Plan, detail: &DataFrame) -> Result<Vec<Coverage>> {
    let task_id = Field::TaskId.header();
    let master = master_frame(plan)?;
    // 目标全覆盖: every quantified row has its node targets.
    let quantified = detail
        .clone()
        .lazy()
        .select([col(task_id), col(col::UNIT), col(Field::Q1.header()), col(Field::Q2.header()), col(Field::Q3.header())])
        .join(master.clone().lazy(), [col(task_id)], [col("任务编号")], JoinArgs::new(JoinType::Inner))
        .filter(col("量化"))
        .collect()?;
    let no_nodes = quantified
        .clone()
        .lazy()
        .filter(col(Field::Q1.header()).is_null().and(col(Field::Q2.header()).is_null()).and(col(Field::Q3.header()).is_null()))
        .collect()?;
    let targets = Coverage {
        name: "目标全覆盖",
        total: quantified.height(),
        covered: quantified.height() - no_nodes.height(),
        missing: strings(&no_nodes, col::UNIT)?.iter().zip(strings(&no_nodes, task_id)?).map(|(u, t)| format!("{u} {t}")).collect(),
    };
    // 任务全覆盖: every master task is claimed by a row.
    let reported = detail.clone().lazy().select([col(task_id).alias("任务编号")]).unique(None, UniqueKeepStrategy::First);
    let unclaimed = master.clone().lazy().anti_join(reported, col("任务编号"), col("任务编号")).collect()?;
    let tasks =
        Coverage {
            name: "任务全覆盖", total: plan.tasks.len(), covered: plan.tasks.len() - unclaimed.height(), missing: strings(&unclaimed, "任务编号")?
        };
    // 责任全覆盖: every responsible unit reported every task it is responsible for.
    let pairs: Vec<(&str, &str)> = plan.tasks.iter().flat_map(|t| t.units.iter().map(move |a| (t.id.as_str(), a.unit.as_str()))).collect();
    let expected = DataFrame::new(
        pairs.len(),
        vec![
            Column::new("任务编号".into(), pairs.iter().map(|p| p.0).collect::<Vec<_>>()),
            Column::new(col::UNIT.into(), pairs.iter().map(|p| p.1).collect::<Vec<_>>()),
        ],
    )?;
    let got = detail.clone().lazy().select([col(task_id).alias("任务编号"), col(col::UNIT)]);
    let keys = [col("任务编号"), col(col::UNIT)];
    let absent = expected.lazy().join(got, keys.clone(), keys, JoinArgs::new(JoinType::Anti)).collect()?;
    let duty = Coverage {
        name: "责任全覆盖",
        total: pairs.len(),
        covered: pairs.len() - absent.height(),
        missing: strings(&absent, "任务编号")?.iter().zip(strings(&absent, col::UNIT)?).map(|(t, u)| format!("{t} {u}")).collect(),
    };
    Ok(vec![targets, tasks, duty])
}

/// V04: a split task whose units' targets add up to less than the city's. Judged only when every
/// unit with an allocation reported the task (otherwise V01/V02 already say why).
fn check_split(t: &Task, city: f64, sum: f64, who: &[String], subs: &[Submission]) -> Option<Finding> {
    let all_reported = t.units.iter().filter(|a| a.target.is_some()).all(|a| who.contains(&a.unit));
    if !t.is_split() || !all_reported || t.kind == Kind::UpperBound || sum + 1e-6 * city.abs().max(1.0) >= city {
        return None;
    }
    let uom = t.uom.clone().unwrap_or_default();
    let short: Vec<String> = t
        .units
        .iter()
        .filter_map(|a| {
            let own = subs_target(subs, &a.unit, &t.id)?;
            let alloc = a.target?;
            (own + 1e-9 < alloc).then(|| format!("{}少报{}{}", a.unit, fmt_num(alloc - own), uom))
        })
        .collect();
    let why = if short.is_empty() { String::new() } else { format!("（{}）", short.join("，")) };
    let msg = format!("{}：各单位全年目标合计{}{}，低于任务清单的目标{}{}{}", short_name(t), fmt_num(sum), uom, fmt_num(city), uom, why);
    Some(Finding::new(Rule::V04, msg).task(&t.id))
}

/// Rows per light and mean completion per unit, from the detail frame.
fn unit_summaries(plan: &Plan, detail: &DataFrame, submitted: &HashSet<&str>) -> Result<Vec<UnitSummary>> {
    let rows = detail.clone().lazy().filter(col(col::REPEAT).not());
    let by_light = rows.clone().select([col(col::UNIT), col(col::LIGHT)]).group_by([col(col::UNIT), col(col::LIGHT)]).agg([len().alias("行数")]).collect()?;
    let reported_pairs = rows.clone().select([col(col::UNIT), col(Field::TaskId.header())]).collect()?;
    let by_unit = rows
        .select([col(col::UNIT), col(col::DONE)])
        .group_by([col(col::UNIT)])
        .agg([len().alias("任务数"), when(col(col::DONE).gt(lit(100.0))).then(lit(100.0)).otherwise(col(col::DONE)).mean().alias("平均完成进度")])
        .collect()?;
    let (lu, ll, ln) = (strings(&by_light, col::UNIT)?, strings(&by_light, col::LIGHT)?, floats(&by_light, "行数")?);
    let (uu, un, ua) = (strings(&by_unit, col::UNIT)?, floats(&by_unit, "任务数")?, floats(&by_unit, "平均完成进度")?);
    let mut names: Vec<String> = plan.expected_units().iter().map(|u| u.name.clone()).collect();
    let known: HashSet<String> = names.iter().cloned().collect();
    names.extend(uu.iter().filter(|u| !known.contains(*u)).cloned());
    let mut light_counts: HashMap<&str, [usize; 5]> = HashMap::new();
    let grey = Light::ALL.iter().position(|x| *x == Light::Grey).unwrap_or(4);
    for ((u, l), n) in lu.iter().zip(&ll).zip(&ln) {
        let k = Light::ALL.iter().position(|x| x.short() == l).unwrap_or(grey);
        light_counts.entry(u.as_str()).or_default()[k] += n.unwrap_or(0.0) as usize;
    }
    let pair_units = strings(&reported_pairs, col::UNIT)?;
    let mut reported: HashMap<&str, HashSet<String>> = HashMap::new();
    for (u, t) in pair_units.iter().zip(strings(&reported_pairs, Field::TaskId.header())?) {
        reported.entry(u.as_str()).or_default().insert(t);
    }
    let unit_pos: HashMap<&str, usize> = uu.iter().enumerate().map(|(i, u)| (u.as_str(), i)).collect();
    Ok(names
        .into_iter()
        .map(|name| {
            let lights = light_counts.get(name.as_str()).copied().unwrap_or_default();
            let i = unit_pos.get(name.as_str()).copied();
            let done = reported.get(name.as_str());
            let not_reported = plan.tasks_of(&name).iter().filter(|t| !done.is_some_and(|d| d.contains(&t.id))).count();
            UnitSummary {
                group: plan.roster.group_of(&name),
                submitted: submitted.contains(name.as_str()),
                tasks: i.and_then(|i| un[i]).unwrap_or(0.0) as usize + not_reported,
                not_reported,
                avg_completion: i.and_then(|i| ua[i]).map(crate::lights::percent),
                lights,
                unit: name,
            }
        })
        .collect())
}

pub fn short_name(t: &Task) -> String {
    t.indicator.clone().unwrap_or_else(|| t.name.clone())
}

fn subs_target(subs: &[Submission], unit: &str, task: &str) -> Option<f64> {
    counted(subs).filter(|s| s.unit.as_deref() == Some(unit)).flat_map(|s| s.rows.iter()).find(|r| r.task_id() == task && r.uom_ok).and_then(|r| r.target)
}
