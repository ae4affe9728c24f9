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
        let group = self.roster.group_of(&unit);
        let mut roster = super::Roster::default();
        roster.groups = Groups::new(Groups::below(&group));
        roster.set_place(&unit);
        // The list's own order of 工作方面, kept for the areas the unit has.
        let areas = self.areas.iter().filter(|a| tasks.iter().any(|t| t.area == **a)).cloned().collect();
        let upper = Upper { city: self.city.clone(), title: self.title.clone(), unit: unit.clone(), tasks: upper_tasks };
        let mut plan = Plan::of_tasks(self.year, &unit, &title, tasks, roster);
        plan.areas = areas;
        plan.upper = Some(upper);
        Ok(plan)
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
                    if cut(target, shares) {
                        notes.push(format!("加码：任务 {} 全年目标{}{}，各责任单位份额合计{}{}", t.id, fmt_num(target), uom, fmt_num(shares), uom));
                    }
                }
            }
        }
        Ok(notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CITY: &str = r#"
year = 2022
city = "海城市"
[[units]]
name = "腾鳌镇"
group = "镇街"
[[units]]
name = "工信局"
group = "部门"
[[tasks]]
id = "2.1"
area = "重大项目建设"
name = "新建5G基站200个"
uom = "个"
target = 200
q2 = 100
lead_unit = "工信局"
units = [{ name = "工信局", target = 160 }, { name = "腾鳌镇", target = 40 }]
[[tasks]]
id = "1.1"
area = "重要指标"
name = "地区生产总值增长6.5%"
uom = "%"
target = 6.5
lead_unit = "工信局"
units = ["工信局", "腾鳌镇"]
"#;

    /// 腾鳌镇's list derived from CITY, with 2.1's 责任单位 as given.
    fn town(shares: &str) -> String {
        let plan = Plan::from_toml(CITY).unwrap().derive("海城市腾鳌镇").unwrap();
        plan.to_toml().replacen("units = []", &format!("units = [{shares}]"), 1)
    }

    #[test]
    fn a_town_derives_its_allocation_and_keeps_the_level_above() {
        let plan = Plan::from_toml(CITY).unwrap().derive("腾鳌镇").unwrap();
        assert_eq!((plan.city.as_str(), plan.office.as_str(), plan.scope.as_str()), ("腾鳌镇", "腾鳌镇党政办", "全镇"));
        let t = plan.task("2.1").unwrap();
        assert_eq!((t.target, t.nodes[1], t.upper_id.as_deref()), (Some(40.0), Some(20.0), Some("2.1")));
        assert!(t.units.is_empty(), "left for the 镇 to split");
        assert_eq!(plan.task("1.1").unwrap().units[0].unit, "腾鳌镇", "a rate is the 镇's own figure");
        let up = plan.upper.as_ref().unwrap();
        assert_eq!((up.city.as_str(), up.unit.as_str(), up.tasks.len()), ("海城市", "腾鳌镇", 2));
        assert_eq!(up.tasks[0].lead_unit, "工信局");
        let names: Vec<&str> = plan.roster.groups.all().iter().map(|g| g.label()).collect();
        assert_eq!(names, ["村", "社区", "站所"]);
    }

    #[test]
    fn a_filled_town_list_reads_back_and_says_what_it_adds() {
        let text = town(r#"{ name = "东村", target = 25 }, { name = "西村", target = 25 }"#);
        let plan = Plan::from_toml(&text).unwrap();
        assert!(plan.notes.iter().any(|n| n.starts_with("加码") && n.contains("50")), "{:?}", plan.notes);
        assert_eq!(plan.roster.group_of("东村").label(), "村");
        assert_eq!(Plan::from_toml(&plan.to_toml()).unwrap().to_toml(), plan.to_toml(), "the TOML list round-trips");
        assert!(!plan.expected_units().iter().any(|u| u.name == "腾鳌镇" && !plan.tasks.iter().any(|t| t.responsible("腾鳌镇"))));
    }

    #[test]
    fn a_town_list_that_cuts_or_drops_an_upper_task_is_refused() {
        let e = Plan::from_toml(&town(r#"{ name = "东村", target = 15 }, { name = "西村", target = 15 }"#)).unwrap_err().to_string();
        assert!(e.contains("减码") && e.contains("少了10个"), "{e}");
        let e = Plan::from_toml(&town("")).unwrap_err().to_string();
        assert!(e.contains("还没有分解到下级"), "{e}");
        // Split into two rows of 20, then one row dropped.
        let split = town(r#"{ name = "东村", target = 40 }"#).replacen("id = \"2.1\"", "id = \"2.1-1\"", 1);
        assert!(Plan::from_toml(&split).is_ok());
        let dropped = split.replacen("upper_id = \"2.1\"", "", 1);
        let e = Plan::from_toml(&dropped).unwrap_err().to_string();
        assert!(e.contains("上级任务 2.1") && e.contains("不能删去"), "{e}");
        let wrong = split.replacen("upper_id = \"2.1\"", "upper_id = \"9.9\"", 1);
        let e = Plan::from_toml(&wrong).unwrap_err().to_string();
        assert!(e.contains("9.9") && e.contains("不是上级分配给腾鳌镇的任务"), "{e}");
    }
}
