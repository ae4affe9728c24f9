//! Where a list sits under the level above (层层抓落实, SPEC §6): the tasks the upper level
//! allocated to this one, kept as `derive` wrote them, and this level's own answer on each (the
//! 五个一). A 镇's list made by `luoshi derive --unit 腾鳌镇` carries them; `report-up` writes the
//! 镇's return in the upper level's form from them; loading the list checks that every upper task
//! is carried on and none is cut (减码).

use anyhow::{bail, Result};

use super::{Allocation, Groups, Kind, Plan, Task};
use crate::values::fmt_num;

/// The unit's own answer on a task, filled once in its list and carried into every return it
/// sends up: 具体措施, 责任领导, 责任科室, 责任人, 联系电话.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    pub measures: Option<String>,
    pub leader: Option<String>,
    pub office: Option<String>,
    pub person: Option<String>,
    pub phone: Option<String>,
}

impl Answer {
    pub fn is_empty(&self) -> bool {
        *self == Answer::default()
    }
    /// The first answer given among several rows (a task split into 4.1.2-1, 4.1.2-2), field by field.
    pub fn merged<'a>(answers: impl Iterator<Item = &'a Answer>) -> Answer {
        let mut out = Answer::default();
        for a in answers {
            for (mine, theirs) in [
                (&mut out.measures, &a.measures),
                (&mut out.leader, &a.leader),
                (&mut out.office, &a.office),
                (&mut out.person, &a.person),
                (&mut out.phone, &a.phone),
            ] {
                if mine.is_none() {
                    mine.clone_from(theirs);
                }
            }
        }
        out
    }
}

/// The level above, as this list keeps it.
#[derive(Debug, Clone)]
pub struct Upper {
    /// 上级: the upper list's place (海城市).
    pub city: String,
    /// 上级专项行动: the upper list's title, which heads the form this level reports in.
    pub title: String,
    /// 本级名称: this level's name in the upper list (腾鳌镇).
    pub unit: String,
    /// The upper tasks allocated to this level.
    pub tasks: Vec<UpperTask>,
}

/// An upper task as allocated to this level: what the upper level's form asks of it.
#[derive(Debug, Clone, PartialEq)]
pub struct UpperTask {
    pub id: String,
    pub area: String,
    pub name: String,
    pub indicator: Option<String>,
    pub uom: Option<String>,
    pub kind: Kind,
    /// This level's allocation (the upper target where the task is not split).
    pub target: Option<f64>,
    pub stretch: Option<f64>,
    /// This level's node targets.
    pub nodes: [Option<f64>; 3],
    pub deadline_text: String,
    /// The upper level's 牵头单位.
    pub lead_unit: String,
}

/// The 上级任务 sheet's columns, in order.
pub const UPPER_COLUMNS: [&str; 13] =
    ["上级任务编号", "工作方面", "重点任务", "指标名称", "计量单位", "类型", "分配目标", "力争目标", "一季度", "二季度", "三季度", "完成时限", "上级牵头单位"];

impl Plan {
    /// The list a unit of this one starts its own from (`luoshi derive --unit 腾鳌镇`): every task
    /// allocated to the unit (responsible or leading), numbered as here and kept as 上级任务编号,
    /// its allocation as 全年目标, its node targets; 责任单位 left for the unit to fill, except
    /// where the unit's own figure is what counts (rates, bounds, milestones, qualitative work).
    pub fn derive(&self, unit: &str) -> Result<Plan> {
        let Some(unit) = self.roster.resolve(unit).map(str::to_string) else {
            bail!("{} 不在任务清单的单位名单中；请写名单上的名称（luoshi tasks 可列出）", unit)
        };
        let mine: Vec<&Task> = self.tasks.iter().filter(|t| t.responsible(&unit) || t.lead_unit == unit).collect();
        if mine.is_empty() {
            bail!("任务清单中没有分配给 {unit} 的任务（既不是责任单位，也不是牵头单位）");
        }
        let upper_tasks: Vec<UpperTask> = mine
            .iter()
            .map(|t| UpperTask {
                id: t.id.clone(),
                area: t.area.clone(),
                name: t.name.clone(),
                indicator: t.indicator.clone(),
                uom: t.uom.clone(),
                kind: t.kind,
                target: t.unit_target(&unit).or(t.target),
                stretch: if t.is_split() { None } else { t.stretch },
                nodes: t.unit_nodes(&unit),
                deadline_text: t.deadline_text.clone(),
                lead_unit: t.lead_unit.clone(),
            })
            .collect();
        let tasks: Vec<Task> = mine
            .iter()
            .zip(&upper_tasks)
            .map(|(t, u)| Task {
                id: t.id.clone(),
                target: u.target,
                stretch: u.stretch,
                nodes: u.nodes,
                lead_unit: unit.clone(),
                units: if t.kind.sums() { Vec::new() } else { vec![Allocation { unit: unit.clone(), target: None }] },
                upper_id: Some(t.id.clone()),
                answer: Answer::default(),
                ..(*t).clone()
            })
            .collect();
        let title =
            if self.title.contains(&self.city) && !self.city.is_empty() { self.title.replacen(&self.city, &unit, 1) } else { format!("{unit}{}", self.title) };
        let words = super::load::LevelWords::of(&unit);
        let group = self.roster.group_of(&unit);
        let mut roster = super::Roster::default();
        roster.groups = Groups::new(Groups::below(&group));
        roster.set_place(&unit);
        let areas = self.areas.iter().filter(|a| tasks.iter().any(|t| t.area == **a)).cloned().collect();
        let upper = Upper { city: self.city.clone(), title: self.title.clone(), unit: unit.clone(), tasks: upper_tasks };
        Ok(Plan::assemble(
            Plan {
                year: self.year,
                city: unit,
                issuer: words.issuer,
                office: words.office,
                scope: words.scope,
                level: words.level,
                title,
                areas,
                ..Plan::empty()
            },
            tasks,
            roster,
            Some(upper),
        ))
    }

    /// The checks of a list against the level above, as it is loaded: every upper task carried on
    /// (it may be split: 4.1.2-1, 4.1.2-2), none cut below its allocation (减码, an error naming the
    /// task); more than allocated (加码) is a note.
    pub(super) fn check_upper(&self) -> Result<Vec<String>> {
        let Some(upper) = &self.upper else { return Ok(Vec::new()) };
        let mut notes = Vec::new();
        for t in &self.tasks {
            if let Some(id) = &t.upper_id {
                if !upper.tasks.iter().any(|u| u.id == *id) {
                    bail!(
                        "任务 {}（{}）的上级任务编号 {} 不是上级分配给{}的任务（见“上级任务”工作表）；本级自己的任务请把上级任务编号留空",
                        t.id,
                        t.name,
                        id,
                        upper.unit
                    );
                }
            }
        }
        for u in &upper.tasks {
            let rows: Vec<&Task> = self.tasks.iter().filter(|t| t.upper_id.as_deref() == Some(u.id.as_str())).collect();
            if rows.is_empty() {
                bail!(
                    "上级任务 {}（{}）在任务清单中没有对应的任务：上级分配的任务都要落实，可以拆分为几项（上级任务编号都写 {}），不能删去",
                    u.id,
                    u.name,
                    u.id
                );
            }
            let (Some(allocated), true) = (u.target, u.kind.sums()) else { continue };
            let ids = rows.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join("、");
            let uom = u.uom.as_deref().unwrap_or("");
            let sum: f64 = rows.iter().filter_map(|t| t.target).sum();
            let cut = |have: f64, want: f64| have < want - 1e-6 * want.abs().max(1.0);
            if cut(sum, allocated) {
                bail!(
                    "减码：上级任务 {}（{}）分配给{}{}{}，任务清单中 {} 的全年目标合计{}{}，少了{}{}；分解后的目标合计应不低于上级分配的目标",
                    u.id,
                    u.name,
                    upper.unit,
                    fmt_num(allocated),
                    uom,
                    ids,
                    fmt_num(sum),
                    uom,
                    fmt_num(allocated - sum),
                    uom
                );
            }
            if cut(allocated, sum) {
                notes.push(format!("加码：上级任务 {} 分配给{}{}{}，本级分解为{}{}（{}）", u.id, upper.unit, fmt_num(allocated), uom, fmt_num(sum), uom, ids));
            }
            for t in rows {
                let Some(target) = t.target else { continue };
                if t.units.is_empty() {
                    bail!(
                        "任务 {}（{}）还没有分解到下级：请在“责任单位”写出各下级单位及其份额（如 东村:600、西村:400），合计不低于全年目标{}{}",
                        t.id,
                        t.name,
                        fmt_num(target),
                        uom
                    );
                }
                if t.units.iter().all(|a| a.target.is_some()) {
                    let shares: f64 = t.units.iter().filter_map(|a| a.target).sum();
                    if cut(shares, target) {
                        let parts: Vec<String> = t.units.iter().map(|a| format!("{}{}", a.unit, fmt_num(a.target.unwrap_or(0.0)))).collect();
                        bail!(
                            "减码：任务 {}（{}）全年目标{}{}，各责任单位份额合计{}{}（{}），少了{}{}；份额合计应不低于全年目标",
                            t.id,
                            t.name,
                            fmt_num(target),
                            uom,
                            fmt_num(shares),
                            uom,
                            parts.join("、"),
                            fmt_num(target - shares),
                            uom
                        );
                    }
                }
            }
        }
        Ok(notes)
    }
}
