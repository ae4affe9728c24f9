//! The master task list (市级任务清单) and the unit roster (单位名单), SPEC §1.
//!
//! The default list ships inside the binary (`templates/tasks.toml`); `--tasks FILE` replaces it
//! and `--units FILE` adds units and aliases.

use serde::Deserialize;

use crate::fields::squash;
use crate::values::DeadlineValue;

mod load;
mod roster;
mod upper;

pub use load::{ListCell, TASK_COLUMNS, UNIT_COLUMNS};
pub use roster::{Group, Groups, Roster, Unit};
pub use upper::{Answer, Upper, UpperTask, UPPER_COLUMNS};

pub const DEFAULT_TASKS: &str = include_str!("../../templates/tasks.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Growth,
    Count,
    LowerBound,
    UpperBound,
    Stretch,
    Milestone,
    Qualitative,
}

impl Kind {
    /// English key or Chinese label.
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match squash(s).as_str() {
            "growth" | "增速" => Kind::Growth,
            "count" | "数量" => Kind::Count,
            "lower_bound" | "下限" | "下限(超)" => Kind::LowerBound,
            "upper_bound" | "上限" | "上限(以内)" => Kind::UpperBound,
            "stretch" | "力争" => Kind::Stretch,
            "milestone" | "节点性" | "里程碑" => Kind::Milestone,
            "qualitative" | "定性" => Kind::Qualitative,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Growth => "增速",
            Kind::Count => "数量",
            Kind::LowerBound => "下限（超）",
            Kind::UpperBound => "上限（以内）",
            Kind::Stretch => "力争",
            Kind::Milestone => "节点性",
            Kind::Qualitative => "定性",
        }
    }
    /// The key a TOML task list writes (`kind = "growth"`).
    pub fn key(self) -> &'static str {
        match self {
            Kind::Growth => "growth",
            Kind::Count => "count",
            Kind::LowerBound => "lower_bound",
            Kind::UpperBound => "upper_bound",
            Kind::Stretch => "stretch",
            Kind::Milestone => "milestone",
            Kind::Qualitative => "qualitative",
        }
    }
    /// Units' figures add up to the city's (counts and amounts); rates and bounds never do.
    pub fn sums(self) -> bool {
        matches!(self, Kind::Count | Kind::Stretch | Kind::LowerBound)
    }
    pub fn quantified(self) -> bool {
        !matches!(self, Kind::Milestone | Kind::Qualitative)
    }
}

#[derive(Debug, Clone)]
pub struct Allocation {
    pub unit: String,
    pub target: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub id: String,
    pub area: String,
    pub name: String,
    pub indicator: Option<String>,
    pub uom: Option<String>,
    pub kind: Kind,
    /// The figure judged against; for a stretch-only task, the 力争 value.
    pub target: Option<f64>,
    pub stretch: Option<f64>,
    /// `true` for `<=` (upper bounds).
    pub at_most: bool,
    pub deadline: DeadlineValue,
    pub deadline_text: String,
    pub nodes: [Option<f64>; 3],
    pub lead_unit: String,
    pub units: Vec<Allocation>,
    /// 上级任务编号: the upper level's task this one carries on (a list `derive` made).
    pub upper_id: Option<String>,
    /// This level's own answer on the task, sent up with every return (the 五个一).
    pub answer: Answer,
}

impl Task {
    pub fn allocation(&self, unit: &str) -> Option<f64> {
        self.units.iter().find(|a| a.unit == unit).and_then(|a| a.target)
    }
    pub fn is_split(&self) -> bool {
        self.units.iter().any(|a| a.target.is_some())
    }
    pub fn responsible(&self, unit: &str) -> bool {
        self.units.iter().any(|a| a.unit == unit)
    }

    /// The unit's own target: its allocation, or the task's when the task is not split.
    pub fn unit_target(&self, unit: &str) -> Option<f64> {
        self.allocation(unit).or(if self.is_split() { None } else { self.target })
    }

    /// The target a unit's row is judged against — the one rule for the form handed out, the
    /// rules, the lights, the 督办清单, the letters, the ledger and reconcile: its allocation in
    /// the list where it has one (a different figure in its row is L08, never the yardstick),
    /// else what the unit wrote in its row (`own`), else the task's target.
    pub fn row_target(&self, unit: &str, own: Option<f64>) -> Option<f64> {
        self.allocation(unit).or(own).or_else(|| self.unit_target(unit))
    }

    /// The node target `q` (0–2) a unit's row is judged against: what the unit wrote, else its
    /// share of the task's node ([`Task::unit_nodes`]).
    pub fn row_node(&self, unit: &str, q: usize, own: Option<f64>) -> Option<f64> {
        own.or_else(|| self.unit_nodes(unit).get(q).copied().flatten())
    }

    /// Whether the task counts whole things (个 5G基站, 座, 家…): no node of it can be 2.7.
    pub fn counts_whole(&self) -> bool {
        self.uom.as_deref().is_some_and(|u| WHOLE_UNITS.contains(&u.trim()))
    }

    /// The unit's node targets: for a summed task, the city's nodes in proportion to the unit's
    /// share of the target — whole numbers for things counted whole (rounding keeps them rising
    /// and within the share), else to two decimals.
    pub fn unit_nodes(&self, unit: &str) -> [Option<f64>; 3] {
        let own = self.unit_target(unit);
        let city = self.target.unwrap_or(0.0);
        self.nodes.map(|n| match (n, own) {
            (Some(n), Some(o)) if self.kind.sums() && city > 0.0 && o != city => {
                let v = n * o / city;
                Some(if self.counts_whole() { v.round() } else { (v * 100.0).round() / 100.0 })
            }
            (n, _) => n,
        })
    }
}

/// Units of measure that count whole things.
const WHOLE_UNITS: &[&str] = &["个", "座", "家", "户", "项", "处", "所", "台", "辆", "栋", "间", "条", "次", "人", "名", "件", "套", "宗", "批"];

#[derive(Debug, Clone)]
pub struct Plan {
    pub year: i32,
    /// 地区: the place the list is for (某市, 腾鳌镇, 市发改局).
    pub city: String,
    /// 发文机关: who issues the list (the 通报's sender, the titles).
    pub issuer: String,
    /// 督查机构: who runs luoshi (notes on returns, 催报, 督办函).
    pub office: String,
    /// The level's own words: 全市 / 全镇 / 全局 (the whole of the place) …
    pub scope: String,
    /// … and 市级 / 镇级 / 局级 (of its own level).
    pub level: String,
    /// The action's title, heading every workbook (某市政府系统抓落实专项行动).
    pub title: String,
    /// The 工作方面 in order: as the list names them (`areas`, 设置 工作方面), else as first met in
    /// its tasks. The first is the one whose tasks are the 主要指标 of the 总览 and the 通报.
    pub areas: Vec<String>,
    pub tasks: Vec<Task>,
    pub roster: Roster,
    /// The level above, for a list `derive` made: what it allocated and what this level is called there.
    pub upper: Option<Upper>,
    /// What loading the list noticed that does not stop it (shares that do not add up, no roster
    /// sheet): said on the terminal before anything is read.
    pub notes: Vec<String>,
    /// Task id → position in `tasks`: looked up for every row read.
    index: foldhash::HashMap<String, usize>,
}

impl Plan {
    pub fn task(&self, id: &str) -> Option<&Task> {
        self.index.get(id).map(|&i| &self.tasks[i])
    }
    /// The one task whose name a text is, word for word (spaces and punctuation aside): a row
    /// carrying 4.5.3's words under a number of no list is 4.5.3's row.
    pub fn task_worded(&self, text: &str) -> Option<&Task> {
        let words = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
        let written = words(text);
        if written.is_empty() {
            return None;
        }
        let mut same = self.tasks.iter().filter(|t| words(&t.name) == written);
        same.next().filter(|_| same.next().is_none())
    }
    /// Where a task stands in the list (the order of the meeting pack).
    pub fn task_position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The built-in list of the 2021 plan.
    pub fn builtin() -> Plan {
        // The embedded list is tested; failing here is a build defect, not bad user input.
        Plan::from_toml(DEFAULT_TASKS).expect("templates/tasks.toml is valid")
    }

    /// A list with nothing in it yet, for [`Plan::assemble`].
    fn empty() -> Plan {
        Plan {
            year: 0,
            city: String::new(),
            issuer: String::new(),
            office: String::new(),
            scope: String::new(),
            level: String::new(),
            title: String::new(),
            areas: Vec::new(),
            tasks: Vec::new(),
            roster: Roster::default(),
            upper: None,
            notes: Vec::new(),
            index: Default::default(),
        }
    }

    /// A list of these tasks for a place, in that place's words (the upper level's list as a
    /// lower level knows it).
    pub fn of_tasks(year: i32, city: &str, title: &str, tasks: Vec<Task>, roster: Roster) -> Plan {
        let words = load::LevelWords::of(city);
        let mut areas: Vec<String> = Vec::new();
        for t in &tasks {
            if !areas.contains(&t.area) {
                areas.push(t.area.clone());
            }
        }
        let title = if title.is_empty() { words.title } else { title.to_string() };
        let base = Plan {
            year,
            city: city.to_string(),
            issuer: words.issuer,
            office: words.office,
            scope: words.scope,
            level: words.level,
            title,
            areas,
            ..Plan::empty()
        };
        Plan::assemble(base, tasks, roster, None)
    }

    /// `base`'s words with these tasks, roster and level above, indexed.
    fn assemble(base: Plan, tasks: Vec<Task>, roster: Roster, upper: Option<Upper>) -> Plan {
        let index = tasks.iter().enumerate().map(|(i, t)| (t.id.clone(), i)).collect();
        Plan { tasks, roster, upper, index, ..base }
    }

    /// Units expected to report: every unit named in a task (responsible or leading) — except
    /// this level itself where it only leads by default (a derived list's blank 牵头单位).
    pub fn expected_units(&self) -> Vec<&Unit> {
        let own = self.upper.as_ref().map(|u| u.unit.as_str());
        let named: std::collections::HashSet<&str> = self
            .tasks
            .iter()
            .flat_map(|t| std::iter::once(t.lead_unit.as_str()).filter(|l| Some(*l) != own).chain(t.units.iter().map(|a| a.unit.as_str())))
            .collect();
        self.roster.units.iter().filter(|u| named.contains(u.name.as_str())).collect()
    }

    /// The 通报's 主送 line: each group that has units to report, as the group is addressed
    /// (各开发区管委会，各镇人民政府、街道办事处，市政府各部门).
    pub fn recipients(&self) -> String {
        let gov = match self.city.chars().last() {
            Some(k @ ('市' | '县' | '区')) => format!("{k}政府"),
            _ => String::new(),
        };
        let expected = self.expected_units();
        let groups = self.roster.groups.all().iter().filter(|g| expected.iter().any(|u| u.group == **g));
        groups.map(|g| Groups::addressee(g, &gov)).collect::<Vec<_>>().join("，")
    }

    pub fn tasks_of(&self, unit: &str) -> Vec<&Task> {
        self.tasks.iter().filter(|t| t.responsible(unit)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list_holds_the_plan() {
        let plan = Plan::builtin();
        let t = plan.task("1.1").unwrap();
        assert_eq!((t.kind, t.target, t.uom.as_deref()), (Kind::Growth, Some(6.5), Some("%")));
        let t = plan.task("2.1").unwrap();
        assert_eq!((t.kind, t.target, t.stretch), (Kind::LowerBound, Some(75.0), Some(230.0)));
        let t = plan.task("5.1.1").unwrap();
        assert_eq!(t.kind, Kind::UpperBound);
        assert!(t.at_most);
        let t = plan.task("4.6.1").unwrap();
        assert_eq!(t.uom.as_deref(), Some("万亩"));
        let sum: f64 = t.units.iter().filter_map(|a| a.target).sum();
        assert!((sum - 5.88).abs() < 1e-9);
        for id in ["4.1.2", "4.6.1", "4.5.4", "4.7.2", "5.7.1"] {
            let t = plan.task(id).unwrap();
            assert!(t.is_split(), "{id} is split among units");
            let sum: f64 = t.units.iter().filter_map(|a| a.target).sum();
            assert!((sum - t.target.unwrap()).abs() < 1e-9, "{id} allocations add up");
        }
        let t = plan.task("4.4.1").unwrap();
        assert_eq!((t.kind, t.target), (Kind::Stretch, Some(1240.0)));
        assert!(plan.tasks.iter().any(|t| t.kind == Kind::Qualitative && t.area == "营商环境建设"));
        for t in &plan.tasks {
            assert!(plan.roster.contains(&t.lead_unit), "lead unit {} on roster", t.lead_unit);
            for a in &t.units {
                assert!(plan.roster.contains(&a.unit), "{} on roster", a.unit);
            }
        }
    }

    #[test]
    fn aliases_resolve() {
        let plan = Plan::builtin();
        let r = &plan.roster;
        assert_eq!(r.resolve("市发改局"), Some("发改局"));
        assert_eq!(r.resolve("海城市发展和改革局"), Some("发改局"));
        assert_eq!(r.resolve("西柳"), Some("西柳镇"));
        assert_eq!(r.resolve("西柳镇人民政府"), Some("西柳镇"));
        assert_eq!(r.resolve("海城市西柳镇"), Some("西柳镇"));
        assert_eq!(r.resolve("海州管理区"), Some("海州街道"));
        assert_eq!(r.resolve("不存在局"), None);
        assert_eq!(r.group_of("腾鳌镇").label(), "镇（街道）");
        assert!(r.expand("各开发区").contains(&"腾鳌经济开发区".to_string()));
        assert_eq!(r.expand("市发改局、市工信局"), vec!["发改局", "工信局"]);
    }

    #[test]
    fn the_list_written_as_toml_reads_back_the_same() {
        let plan = Plan::builtin();
        let again = Plan::from_toml(&plan.to_toml()).unwrap();
        assert_eq!(again.tasks.len(), plan.tasks.len());
        for (a, b) in plan.tasks.iter().zip(&again.tasks) {
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
        assert_eq!(again.roster.units.len(), plan.roster.units.len());
        assert_eq!(again.roster.resolve("海城市发展和改革局"), Some("发改局"));
    }

    #[test]
    fn xlsx_task_list() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("清单.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("任务清单").unwrap();
        let head = TASK_COLUMNS;
        let row = [
            "4.1.2",
            "重点攻坚任务",
            "新建5G基站222个",
            "新建5G基站",
            "个",
            "数量",
            "222",
            "",
            "40",
            "100",
            "170",
            "2021-12-31",
            "工信局",
            "工信局:150、海城经济开发区:72",
        ];
        let row2 = ["6.2", "重大制度性创新", "形成一批制度性创新成果", "", "", "", "", "", "", "", "", "长期坚持", "发改局", "发改局"];
        for (c, (h, (v, v2))) in head.iter().zip(row.iter().zip(row2.iter())).enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
            ws.write_string(1, c as u16, *v).unwrap();
            ws.write_string(2, c as u16, *v2).unwrap();
        }
        let ws = wb.add_worksheet();
        ws.set_name("单位名单").unwrap();
        for (r, cells) in
            [["单位", "类别", "别名"], ["工信局", "部门", "市工信局、海城市工业和信息化局"], ["海城经济开发区", "开发区", "开发区"], ["发改局", "部门", ""]]
                .iter()
                .enumerate()
        {
            for (c, v) in cells.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        wb.save(&path).unwrap();
        let plan = Plan::from_xlsx(&path).unwrap();
        let t = plan.task("4.1.2").unwrap();
        assert_eq!((t.kind, t.target, t.nodes[1]), (Kind::Count, Some(222.0), Some(100.0)));
        assert_eq!(t.allocation("海城经济开发区"), Some(72.0));
        assert_eq!(plan.task("6.2").unwrap().kind, Kind::Qualitative);
        assert_eq!(plan.roster.resolve("海城市工业和信息化局"), Some("工信局"));
        assert_eq!(plan.roster.group_of("海城经济开发区").label(), "开发区");
    }
}
