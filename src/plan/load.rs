//! Reading a task list: the built-in one, a TOML file, or the office's own Excel workbook
//! (任务清单, 单位名单), each checked as it is read; and writing one back as TOML.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use super::{Allocation, Answer, Group, Groups, Kind, Plan, Roster, Task, Unit, Upper, UpperTask};
use crate::fields::squash;
use crate::values::parse_deadline_text;

/// The Excel list's 任务清单 columns, in order: what `--tasks` reads, and what `tasks --format
/// xlsx` and `--format tsv` write.
pub const TASK_COLUMNS: [&str; 20] = [
    "任务编号",
    "工作方面",
    "重点任务",
    "指标名称",
    "计量单位",
    "类型",
    "全年目标",
    "力争目标",
    "一季度",
    "二季度",
    "三季度",
    "完成时限",
    "牵头单位",
    "责任单位",
    // A list `derive` made: the upper task a row carries on, and this level's own answer on it.
    "上级任务编号",
    "具体措施",
    "责任领导",
    "责任科室",
    "责任人",
    "联系电话",
];

/// The 单位名单 columns.
pub const UNIT_COLUMNS: [&str; 3] = ["单位", "类别", "别名"];

/// One cell of the Excel list.
#[derive(Debug, Clone, PartialEq)]
pub enum ListCell {
    Text(String),
    Number(f64),
    Empty,
}

impl Task {
    /// The task as a row of the Excel list ([`TASK_COLUMNS`]); read back by `--tasks`, it is the same task.
    pub fn list_cells(&self) -> [ListCell; 20] {
        let text = |s: &str| if s.is_empty() { ListCell::Empty } else { ListCell::Text(s.to_string()) };
        let num = |v: Option<f64>| v.map_or(ListCell::Empty, ListCell::Number);
        let shares: Vec<String> = self
            .units
            .iter()
            .map(|a| match a.target {
                Some(v) => format!("{}:{}", a.unit, crate::values::fmt_num(v)),
                None => a.unit.clone(),
            })
            .collect();
        [
            text(&self.id),
            text(&self.area),
            text(&self.name),
            text(self.indicator.as_deref().unwrap_or("")),
            text(self.uom.as_deref().unwrap_or("")),
            text(self.kind.label()),
            num(self.target),
            num(self.stretch),
            num(self.nodes[0]),
            num(self.nodes[1]),
            num(self.nodes[2]),
            text(&self.deadline_text),
            text(&self.lead_unit),
            text(&shares.join("、")),
            text(self.upper_id.as_deref().unwrap_or("")),
            text(self.answer.measures.as_deref().unwrap_or("")),
            text(self.answer.leader.as_deref().unwrap_or("")),
            text(self.answer.office.as_deref().unwrap_or("")),
            text(self.answer.person.as_deref().unwrap_or("")),
            text(self.answer.phone.as_deref().unwrap_or("")),
        ]
    }
}

impl Plan {
    /// `--tasks FILE` (TOML or xlsx) or the built-in list, plus `--units FILE`.
    pub fn load(tasks: Option<&Path>, units: Option<&Path>) -> Result<Plan> {
        let mut plan = match tasks {
            None => Plan::builtin(),
            Some(p) => {
                let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
                if ext == "toml" {
                    let text = std::fs::read_to_string(p)
                        .map_err(|e| anyhow::anyhow!(crate::ingest::sniff::io_reason(&e)))
                        .with_context(|| format!("读不了任务清单 {}", p.display()))?;
                    Plan::from_toml(&text).with_context(|| format!("任务清单 {} 格式有误", p.display()))?
                } else if ["xlsx", "xlsm", "xls", "ods"].contains(&ext.as_str()) {
                    Plan::from_xlsx(p).with_context(|| format!("任务清单 {} 格式有误", p.display()))?
                } else {
                    bail!("任务清单 {} 应为 .toml 或 .xlsx 文件（luoshi init 写出的 任务清单.xlsx、任务清单.toml 可作样式）", p.display())
                }
            }
        };
        if let Some(p) = units {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            if ext != "toml" {
                bail!(
                    "--units 需要 TOML 文件（[[units]] 列表：name、group、aliases），{} 不是；单位名单也可以放在 --tasks 的 Excel 的“单位名单”工作表里",
                    p.display()
                );
            }
            let text = std::fs::read(p)
                .map_err(|e| anyhow::anyhow!(crate::ingest::sniff::io_reason(&e)))
                .with_context(|| format!("读不了单位名单 {}", p.display()))?;
            let text = String::from_utf8(text)
                .map_err(|_| anyhow::anyhow!("不是 UTF-8 文本"))
                .with_context(|| format!("单位名单 {} 应为 TOML 文本文件", p.display()))?;
            let extra: UnitsFile = toml::from_str(&text)
                .map_err(|e| anyhow::anyhow!(toml_error(&text, &e, "单位名单")))
                .with_context(|| format!("单位名单 {} 格式有误（应为 [[units]] 列表）", p.display()))?;
            for u in extra.units {
                let unit = u.into_unit(&plan.roster.groups)?;
                plan.roster.add(unit);
            }
        }
        Ok(plan)
    }

    pub fn from_toml(text: &str) -> Result<Plan> {
        let file: PlanFile = toml::from_str(text).map_err(|e| anyhow::anyhow!(toml_error(text, &e, "任务清单")))?;
        // Where a unit is named: the first line that quotes it.
        let where_is = |name: &str| {
            let quoted = format!("\"{name}");
            text.lines().position(|l| l.contains(&quoted)).map(|i| format!("任务清单第{}行：", i + 1)).unwrap_or_default()
        };
        Plan::from_file_at(file, &where_is)
    }

    /// The office's own Excel list: sheet 任务清单 (one task a row) and optional sheet 单位名单.
    pub fn from_xlsx(path: &Path) -> Result<Plan> {
        // Through ingest, as every submission is: sniffed, within limits, a panic is an error.
        let mut grids = crate::ingest::read_grids(path, &crate::ingest::Limits::default()).map_err(|u| anyhow::anyhow!(u.message))?;
        // Rows of a sheet as header → text, each with its Excel row number for messages. Each
        // sheet's cells are let go once made into rows: a province's list is as big as a batch.
        type Rows = Vec<(usize, HashMap<String, String>)>;
        let mut table = |name: &str, heads: &[&str]| -> Result<Option<Rows>> {
            let Some(i) = grids.iter().position(|(n, _)| squash(n) == name) else { return Ok(None) };
            let (_, grid) = grids.swap_remove(i);
            let text = |raw: &crate::ingest::Raw| crate::values::clean_text(&raw.display());
            let mut rows = grid.into_iter();
            let header: HashMap<u32, String> = loop {
                match rows.next() {
                    Some((_, cells)) if cells.values().any(|c| heads.contains(&text(c).as_str())) => {
                        break cells.iter().map(|(c, v)| (*c, squash(&text(v)))).collect()
                    }
                    Some(_) => continue,
                    None => bail!("工作表“{}”中找不到表头（应有“{}”列）", name, heads.join("”或“")),
                }
            };
            Ok(Some(
                rows.map(|(r, cells)| {
                    let values =
                        cells.iter().filter_map(|(c, v)| Some((header.get(c)?.clone(), text(v)))).filter(|(_, v)| !v.is_empty()).collect::<HashMap<_, _>>();
                    (r as usize + 1, values)
                })
                .filter(|(_, r)| !r.is_empty())
                .collect(),
            ))
        };
        let Some(task_rows) = table("任务清单", &["任务编号"])? else { bail!("没有名为“任务清单”的工作表") };
        let unit_rows = table("单位名单", &["单位"])?;
        let no_roster_sheet = unit_rows.is_none();
        let unit_rows = unit_rows.unwrap_or_default();
        let mut tasks = Vec::new();
        for (n, r) in &task_rows {
            let get = |k: &str| r.get(k).cloned();
            let id = get("任务编号").with_context(|| format!("任务清单第{n}行没有任务编号"))?;
            let at = |what: String| format!("任务清单第{n}行（任务 {id}）：{what}");
            let num = |k: &str| -> Result<Option<f64>> {
                match r.get(k) {
                    None => Ok(None),
                    Some(v) => crate::values::parse_number_text(v).map(|n| Some(n.value)).with_context(|| at(format!("“{k}”不是数字：{v}"))),
                }
            };
            let kind = match get("类型").as_deref() {
                None => None,
                Some(k) => Some(Kind::parse(k).with_context(|| at(format!("类型“{k}”不认识")))?),
            };
            let units = get("责任单位")
                .unwrap_or_default()
                .split(['、', ',', '，'])
                .filter(|s| !s.trim().is_empty())
                .map(|part| match part.split_once([':', '：']) {
                    Some((name, v)) => Ok(UnitRef::Share {
                        name: name.trim().to_string(),
                        target: Some(crate::values::parse_number_text(v).with_context(|| at(format!("份额“{v}”不是数字")))?.value),
                    }),
                    None => Ok(UnitRef::Name(part.trim().to_string())),
                })
                .collect::<Result<Vec<_>>>()?;
            tasks.push(TaskEntry {
                area: get("工作方面").with_context(|| at("没有工作方面".into()))?,
                name: get("重点任务").with_context(|| at("没有重点任务".into()))?,
                indicator: get("指标名称"),
                uom: get("计量单位"),
                kind,
                target: num("全年目标")?,
                stretch: num("力争目标")?,
                direction: None,
                deadline: get("完成时限"),
                q1: num("一季度")?,
                q2: num("二季度")?,
                q3: num("三季度")?,
                lead_unit: get("牵头单位"),
                units,
                parts: Vec::new(),
                upper_id: get("上级任务编号"),
                measures: get("具体措施"),
                leader: get("责任领导"),
                office: get("责任科室"),
                person: get("责任人"),
                phone: get("联系电话"),
                id,
            });
        }
        let units = unit_rows
            .iter()
            .filter_map(|(_, r)| {
                Some(UnitEntry {
                    name: r.get("单位")?.clone(),
                    group: r.get("类别").cloned(),
                    aliases: r
                        .get("别名")
                        .map(|a| a.split(['、', ',', '，']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
                        .unwrap_or_default(),
                })
            })
            .collect();
        // 设置 (项目 / 内容): the list's year and place; optional.
        let settings: HashMap<String, String> =
            table("设置", &["项目"])?.unwrap_or_default().into_iter().filter_map(|(_, r)| Some((squash(r.get("项目")?), r.get("内容")?.clone()))).collect();
        let setting = |keys: &[&str]| keys.iter().find_map(|k| settings.get(*k)).cloned();
        let year = match setting(&["年度", "year"]) {
            Some(y) => y.trim().trim_end_matches('年').parse().map_err(|_| anyhow::anyhow!("“设置”工作表的年度“{y}”不是年份，应写如 2022"))?,
            // Without 设置, the year the deadlines are in.
            None => task_rows
                .iter()
                .filter_map(|(_, r)| r.get("完成时限"))
                .find_map(|d| crate::values::find_year_month(d).map(|(y, _)| y).or_else(|| d.get(..4).and_then(|y| y.parse().ok())))
                .context("任务清单没有写年度：请加一张“设置”工作表，写一行 项目“年度”、内容如 2022；或在完成时限中写明年份")?,
        };
        let city = setting(&["地区", "city"]).unwrap_or_default();
        let (issuer, office, scope, level, title) = (
            setting(&["发文机关", "issuer"]),
            setting(&["督查机构", "office"]),
            setting(&["范围", "scope"]),
            setting(&["层级", "level"]),
            setting(&["专项行动", "title"]),
        );
        let list = |keys: &[&str]| -> Option<Vec<String>> {
            setting(keys).map(|a| a.split(['、', ',', '，']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
        };
        let (areas, groups) = (list(&["工作方面", "areas"]), list(&["单位类别", "groups"]));
        // A list `derive` made: the level above and what it allocated (sheet 上级任务).
        let upper = match (setting(&["本级名称", "上级中的本级名称"]), table("上级任务", &["上级任务编号"])?) {
            (None, None) => None,
            (None, Some(_)) => bail!("任务清单有“上级任务”工作表，但“设置”中没有“本级名称”（本级在上级清单中的名称，如 腾鳌镇）"),
            (Some(unit), rows) => Some(UpperFile {
                city: setting(&["上级", "上级地区"]).unwrap_or_default(),
                title: setting(&["上级专项行动"]).unwrap_or_default(),
                unit,
                tasks: rows
                    .unwrap_or_default()
                    .iter()
                    .map(|(n, r)| {
                        let at = |what: String| format!("“上级任务”第{n}行：{what}");
                        let get = |k: &str| r.get(k).cloned();
                        let num = |k: &str| -> Result<Option<f64>> {
                            match r.get(k) {
                                None => Ok(None),
                                Some(v) => crate::values::parse_number_text(v).map(|n| Some(n.value)).with_context(|| at(format!("“{k}”不是数字：{v}"))),
                            }
                        };
                        let kind = get("类型").with_context(|| at("没有类型".into()))?;
                        Ok(UpperTaskEntry {
                            id: get("上级任务编号").with_context(|| at("没有上级任务编号".into()))?,
                            area: get("工作方面").unwrap_or_default(),
                            name: get("重点任务").with_context(|| at("没有重点任务".into()))?,
                            indicator: get("指标名称"),
                            uom: get("计量单位"),
                            kind: Kind::parse(&kind).with_context(|| at(format!("类型“{kind}”不认识")))?,
                            target: num("分配目标")?,
                            stretch: num("力争目标")?,
                            q1: num("一季度")?,
                            q2: num("二季度")?,
                            q3: num("三季度")?,
                            deadline: get("完成时限").unwrap_or_default(),
                            lead_unit: get("上级牵头单位").unwrap_or_default(),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
            }),
        };
        let where_is = |name: &str| {
            task_rows
                .iter()
                .find(|(_, r)| ["牵头单位", "责任单位"].iter().any(|k| r.get(*k).is_some_and(|v| v.contains(name))))
                .map(|(n, _)| format!("任务清单第{n}行："))
                .unwrap_or_default()
        };
        let mut plan = Plan::from_file_at(PlanFile { year, city, issuer, office, scope, level, title, groups, areas, units, tasks, upper }, &where_is)?;
        if settings.is_empty() {
            plan.notes.push("任务清单文件中没有“设置”工作表：没有写地区和发文机关，各表的标题、通报的落款里会缺少单位名称；请加一张“设置”工作表（项目、内容两列，luoshi tasks --format xlsx 写出的清单里有样式）".into());
        }
        if no_roster_sheet {
            plan.notes.retain(|n| !n.starts_with("任务清单中没有单位名单"));
            plan.notes.insert(0, "任务清单文件中没有“单位名单”工作表：单位按任务中出现的名称，类别按名称推断，不认识别名".into());
        }
        Ok(plan)
    }

    /// `where_is(name)` says where the list names a unit (`第12行`), for messages.
    fn from_file_at(file: PlanFile, where_is: &dyn Fn(&str) -> String) -> Result<Plan> {
        let mut roster = Roster::default();
        roster.set_place(&file.city);
        // The groups as the list names them, else as its units' 类别 first name them, else a city's.
        roster.groups = match &file.groups {
            Some(names) if !names.is_empty() => Groups::new(names.iter().map(|n| n.trim().to_string())),
            Some(_) => bail!("任务清单的单位类别（groups）是空的：请写出各类单位的名称，如 [\"村\", \"社区\"]，或删去这一项"),
            None => {
                let met: Vec<String> = file.units.iter().filter_map(|u| u.group.as_deref()).map(Groups::canonical).collect();
                if met.is_empty() {
                    Groups::default()
                } else {
                    Groups::new(met)
                }
            }
        };
        // A name or alias that means two units would send one unit's rows to the other.
        let mut owner: HashMap<String, (String, Group)> = HashMap::new();
        for u in file.units {
            let unit = u.into_unit(&roster.groups)?;
            for (k, name) in std::iter::once(&unit.name).chain(&unit.aliases).enumerate() {
                let key = squash(name);
                match owner.get(&key) {
                    Some((other, _)) if *other != unit.name => {
                        let what = if k == 0 { "名称" } else { "别名" };
                        bail!("单位名单中“{name}”既是单位 {other} 的名称或别名，又是单位 {} 的{what}：同一个名称只能指一个单位，请删去其中一个", unit.name);
                    }
                    Some((_, group)) if k == 0 && *group != unit.group => {
                        bail!("单位 {} 在单位名单中出现两次，类别不同（{}、{}）：请只保留一行", unit.name, group.label(), unit.group.label());
                    }
                    _ => {
                        owner.insert(key, (unit.name.clone(), unit.group.clone()));
                    }
                }
            }
            roster.add(unit);
        }
        let upper = file.upper.map(UpperFile::into_upper);
        let own = upper.as_ref().map(|u| u.unit.clone());
        let mut tasks = Vec::new();
        let mut index = foldhash::HashMap::default();
        for (k, t) in file.tasks.into_iter().enumerate() {
            if t.id.trim().is_empty() {
                bail!("任务清单的第{}项任务（{}）没有任务编号：每项任务都要有编号，各单位按编号报送", k + 1, t.name);
            }
            if let Some(areas) = &file.areas {
                if !areas.contains(&t.area) {
                    bail!("任务 {} 的工作方面“{}”不在清单的工作方面中（{}）", t.id, t.area, areas.join("、"));
                }
            }
            let task = t.into_task(&roster, file.year, own.as_deref())?;
            if index.insert(task.id.clone(), tasks.len()).is_some() {
                bail!("任务编号 {} 在清单中出现两次", task.id);
            }
            tasks.push(task);
        }
        // With a roster, every unit a task names must be on it: a misspelt 牵头单位 would otherwise
        // become a unit of its own that never reports. Without one, the tasks make the roster.
        let has_roster = !roster.units.is_empty();
        for t in &tasks {
            let named = std::iter::once(("牵头单位", &t.lead_unit)).chain(t.units.iter().map(|a| ("责任单位", &a.unit)));
            for (role, name) in named {
                if roster.contains(name) {
                    continue;
                }
                // This level itself (a derived list's blank 牵头单位, its own figures): a group of its own.
                if Some(name) == own.as_ref() {
                    let group = roster.groups.push("本级");
                    roster.add(Unit { name: name.clone(), group, aliases: vec![] });
                    continue;
                }
                if has_roster {
                    bail!("{}任务 {} 的{}“{}”不在单位名单中；请改为名单上的名称，或把它加入单位名单", where_is(name), t.id, role, name);
                }
                let group = roster.groups.infer(name);
                roster.add(Unit { name: name.clone(), group, aliases: vec![] });
            }
        }
        let mut notes = Vec::new();
        if !has_roster {
            notes.push("任务清单中没有单位名单（TOML 的 [[units]]、Excel 的“单位名单”工作表）：单位按任务中出现的名称，类别按名称推断，不认识别名".to_string());
        }
        // Tasks carried on from the level above are checked against it instead (减码 is an error).
        for t in tasks.iter().filter(|t| t.upper_id.is_none() || upper.is_none()) {
            let shares: Vec<f64> = t.units.iter().filter_map(|a| a.target).collect();
            if let (Some(target), false) = (t.target, shares.is_empty()) {
                let sum: f64 = shares.iter().sum();
                if shares.len() == t.units.len() && (sum - target).abs() > 1e-6 * target.abs().max(1.0) {
                    let parts: Vec<String> = shares.iter().map(|v| crate::values::fmt_num(*v)).collect();
                    notes.push(format!(
                        "任务 {} 各责任单位的份额合计 {}（{}），与全年目标 {} 不符",
                        t.id,
                        crate::values::fmt_num(sum),
                        parts.join("+"),
                        crate::values::fmt_num(target)
                    ));
                }
            }
        }
        let words = LevelWords::of(&file.city);
        let mut areas = file.areas.unwrap_or_default();
        for t in &tasks {
            if !areas.contains(&t.area) {
                areas.push(t.area.clone());
            }
        }
        let base = Plan {
            year: file.year,
            city: file.city,
            issuer: file.issuer.unwrap_or(words.issuer),
            office: file.office.unwrap_or(words.office),
            scope: file.scope.unwrap_or(words.scope),
            level: file.level.unwrap_or(words.level),
            title: file.title.unwrap_or(words.title),
            areas,
            notes,
            ..Plan::empty()
        };
        drop(index);
        let mut plan = Plan::assemble(base, tasks, roster, upper);
        let more = plan.check_upper()?;
        plan.notes.extend(more);
        Ok(plan)
    }

    /// The whole list as a TOML task list (`luoshi tasks --format toml`), readable again by `--tasks`.
    pub fn to_toml(&self) -> String {
        use std::fmt::Write as _;
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let n = |v: f64| toml::Value::Float(v).to_string().trim_end_matches(".0").to_string();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# {}{}年{}任务清单（luoshi tasks --format toml 导出）\nyear = {}\ncity = {}",
            self.city,
            self.year,
            self.level,
            self.year,
            q(&self.city)
        );
        let _ = writeln!(
            out,
            "issuer = {}\noffice = {}\nscope = {}\nlevel = {}\ntitle = {}\ngroups = [{}]\nareas = [{}]",
            q(&self.issuer),
            q(&self.office),
            q(&self.scope),
            q(&self.level),
            q(&self.title),
            self.roster.groups.all().iter().map(|g| q(g.label())).collect::<Vec<_>>().join(", "),
            self.areas.iter().map(|a| q(a)).collect::<Vec<_>>().join(", ")
        );
        for u in &self.roster.units {
            let aliases: Vec<String> = u.aliases.iter().map(|a| q(a)).collect();
            let _ = writeln!(out, "\n[[units]]\nname = {}\ngroup = {}\naliases = [{}]", q(&u.name), q(u.group.label()), aliases.join(", "));
        }
        for t in &self.tasks {
            let _ = writeln!(out, "\n[[tasks]]\nid = {}\narea = {}\nname = {}", q(&t.id), q(&t.area), q(&t.name));
            for (k, v) in [("indicator", &t.indicator), ("uom", &t.uom)] {
                if let Some(v) = v {
                    let _ = writeln!(out, "{k} = {}", q(v));
                }
            }
            let _ = writeln!(out, "kind = {}", q(t.kind.key()));
            for (k, v) in [("target", t.target), ("stretch", t.stretch), ("q1", t.nodes[0]), ("q2", t.nodes[1]), ("q3", t.nodes[2])] {
                if let Some(v) = v {
                    let _ = writeln!(out, "{k} = {}", n(v));
                }
            }
            let _ =
                writeln!(out, "direction = {}\ndeadline = {}\nlead_unit = {}", q(if t.at_most { "<=" } else { ">=" }), q(&t.deadline_text), q(&t.lead_unit));
            let units: Vec<String> = t
                .units
                .iter()
                .map(|a| match a.target {
                    Some(v) => format!("{{ name = {}, target = {} }}", q(&a.unit), n(v)),
                    None => q(&a.unit),
                })
                .collect();
            let _ = writeln!(out, "units = [{}]", units.join(", "));
            let a = &t.answer;
            let given = [
                ("upper_id", &t.upper_id),
                ("measures", &a.measures),
                ("leader", &a.leader),
                ("office", &a.office),
                ("person", &a.person),
                ("phone", &a.phone),
            ];
            for (k, v) in given {
                if let Some(v) = v {
                    let _ = writeln!(out, "{k} = {}", q(v));
                }
            }
        }
        if let Some(u) = &self.upper {
            let _ = writeln!(
                out,
                "\n# 上级：本清单由上级清单分解而来（luoshi derive）\n[upper]\ncity = {}\ntitle = {}\nunit = {}",
                q(&u.city),
                q(&u.title),
                q(&u.unit)
            );
            for t in &u.tasks {
                let _ = writeln!(out, "\n[[upper.tasks]]\nid = {}\narea = {}\nname = {}\nkind = {}", q(&t.id), q(&t.area), q(&t.name), q(t.kind.key()));
                for (k, v) in [("indicator", &t.indicator), ("uom", &t.uom)] {
                    if let Some(v) = v {
                        let _ = writeln!(out, "{k} = {}", q(v));
                    }
                }
                for (k, v) in [("target", t.target), ("stretch", t.stretch), ("q1", t.nodes[0]), ("q2", t.nodes[1]), ("q3", t.nodes[2])] {
                    if let Some(v) = v {
                        let _ = writeln!(out, "{k} = {}", n(v));
                    }
                }
                let _ = writeln!(out, "deadline = {}\nlead_unit = {}", q(&t.deadline_text), q(&t.lead_unit));
            }
        }
        out
    }
}

/// A level's own words, from its place's last character where the list does not give them:
/// 某市 → 全市, 市级, 某市人民政府, 某市政府督查室; 腾鳌镇 → 全镇, 镇级, 腾鳌镇党政办; 市发改局 → 全局, 局级.
pub(super) struct LevelWords {
    pub scope: String,
    pub level: String,
    pub issuer: String,
    pub office: String,
    pub title: String,
}

impl LevelWords {
    pub fn of(city: &str) -> LevelWords {
        let kind = city.chars().last().filter(|c| "市县区镇乡局".contains(*c)).map(String::from).unwrap_or_default();
        LevelWords {
            scope: format!("全{}", if kind.is_empty() { "部" } else { &kind }),
            level: if kind.is_empty() { "本级".into() } else { format!("{kind}级") },
            issuer: if matches!(kind.as_str(), "市" | "县" | "区" | "镇" | "乡") { format!("{city}人民政府") } else { city.to_string() },
            office: match kind.as_str() {
                "市" | "县" | "区" => format!("{city}政府督查室"),
                "镇" | "乡" => format!("{city}党政办"),
                _ => format!("{city}办公室"),
            },
            title: format!("{city}政府系统抓落实专项行动"),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    year: i32,
    #[serde(default)]
    city: String,
    issuer: Option<String>,
    office: Option<String>,
    scope: Option<String>,
    level: Option<String>,
    title: Option<String>,
    groups: Option<Vec<String>>,
    areas: Option<Vec<String>>,
    #[serde(default)]
    units: Vec<UnitEntry>,
    #[serde(default)]
    tasks: Vec<TaskEntry>,
    upper: Option<UpperFile>,
}

/// `[upper]`: the level above, as `derive` wrote it (the Excel list's 设置 and 上级任务).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpperFile {
    #[serde(default)]
    city: String,
    #[serde(default)]
    title: String,
    unit: String,
    #[serde(default)]
    tasks: Vec<UpperTaskEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpperTaskEntry {
    id: String,
    #[serde(default)]
    area: String,
    name: String,
    indicator: Option<String>,
    uom: Option<String>,
    kind: Kind,
    target: Option<f64>,
    stretch: Option<f64>,
    q1: Option<f64>,
    q2: Option<f64>,
    q3: Option<f64>,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    lead_unit: String,
}

impl UpperFile {
    fn into_upper(self) -> Upper {
        let tasks = self
            .tasks
            .into_iter()
            .map(|t| UpperTask {
                id: t.id.trim().to_string(),
                area: t.area,
                name: t.name,
                indicator: t.indicator,
                uom: t.uom,
                kind: t.kind,
                target: t.target,
                stretch: t.stretch,
                nodes: [t.q1, t.q2, t.q3],
                deadline_text: t.deadline,
                lead_unit: t.lead_unit,
            })
            .collect();
        Upper { city: self.city, title: self.title, unit: self.unit.trim().to_string(), tasks }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    #[serde(default)]
    units: Vec<UnitEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitEntry {
    name: String,
    group: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

impl UnitEntry {
    fn into_unit(self, groups: &Groups) -> Result<Unit> {
        let group = match &self.group {
            None => groups.infer(&self.name),
            Some(g) => match groups.parse(g) {
                Some(g) => g,
                None => {
                    let names: Vec<&str> = groups.all().iter().map(Group::label).collect();
                    bail!(
                        "单位 {} 的类别“{}”不是清单的单位类别之一（{}）：请改为其中之一，或在清单的单位类别（groups）中加上它",
                        self.name,
                        g,
                        names.join("、")
                    )
                }
            },
        };
        Ok(Unit { name: self.name, group, aliases: self.aliases })
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum UnitRef {
    Name(String),
    Share { name: String, target: Option<f64> },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Part {
    #[allow(dead_code)]
    name: String,
    #[allow(dead_code)]
    target: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskEntry {
    id: String,
    area: String,
    name: String,
    indicator: Option<String>,
    uom: Option<String>,
    kind: Option<Kind>,
    target: Option<f64>,
    stretch: Option<f64>,
    direction: Option<String>,
    deadline: Option<String>,
    q1: Option<f64>,
    q2: Option<f64>,
    q3: Option<f64>,
    /// Blank in a derived list: this level itself leads.
    lead_unit: Option<String>,
    #[serde(default)]
    units: Vec<UnitRef>,
    upper_id: Option<String>,
    measures: Option<String>,
    leader: Option<String>,
    office: Option<String>,
    person: Option<String>,
    phone: Option<String>,
    /// Composite targets keep their parts (新增雏鹰3户和瞪羚1户).
    #[serde(default)]
    #[allow(dead_code)]
    parts: Vec<Part>,
}

impl TaskEntry {
    /// The task as the list gives it; dates without a year (6月底, 年底前) and the default deadline
    /// (the year's end) are in the list's `year`.
    fn into_task(self, roster: &Roster, year: i32, own: Option<&str>) -> Result<Task> {
        let at_most = match self.direction.as_deref() {
            None | Some(">=") | Some("≥") => false,
            Some("<=") | Some("≤") => true,
            Some(d) => bail!("任务 {} 的 direction “{}” 应为 \">=\" 或 \"<=\"", self.id, d),
        };
        let target = self.target.or(self.stretch);
        let kind = self.kind.unwrap_or(if target.is_none() {
            Kind::Qualitative
        } else if at_most {
            Kind::UpperBound
        } else if self.uom.as_deref() == Some("%") {
            Kind::Growth
        } else {
            Kind::Count
        });
        let at_most = at_most || kind == Kind::UpperBound;
        if kind.quantified() && target.is_none() {
            bail!("任务 {} 是量化任务（{}），但没有 target", self.id, kind.label());
        }
        let deadline_text = self.deadline.unwrap_or_else(|| format!("{year}-12-31"));
        let deadline = parse_deadline_text(&deadline_text, year).with_context(|| format!("任务 {} 的完成时限“{}”无法识别", self.id, deadline_text))?;
        let canon = |n: &str| roster.resolve(n).map(str::to_string).unwrap_or_else(|| n.trim().to_string());
        let units = self
            .units
            .into_iter()
            .map(|u| match u {
                UnitRef::Name(n) => Allocation { unit: canon(&n), target: None },
                UnitRef::Share { name, target } => Allocation { unit: canon(&name), target },
            })
            .collect();
        let lead_unit = match (self.lead_unit.as_deref().map(str::trim).filter(|l| !l.is_empty()), own) {
            (Some(l), _) => canon(l),
            (None, Some(own)) => own.to_string(),
            (None, None) => bail!("任务 {}（{}）没有牵头单位", self.id, self.name),
        };
        Ok(Task {
            id: self.id.trim().to_string(),
            area: self.area,
            name: self.name,
            indicator: self.indicator,
            uom: self.uom,
            kind,
            target,
            stretch: if self.target.is_some() { self.stretch } else { None },
            at_most,
            deadline,
            deadline_text,
            nodes: [self.q1, self.q2, self.q3],
            lead_unit,
            units,
            upper_id: self.upper_id.map(|u| u.trim().to_string()).filter(|u| !u.is_empty()),
            answer: Answer { measures: self.measures, leader: self.leader, office: self.office, person: self.person, phone: self.phone },
        })
    }
}

/// A TOML error as a clerk reads it: the line, what is wrong, in Chinese
/// (`任务清单第12行：任务缺少“id”`). The parser's own words are English.
fn toml_error(text: &str, e: &toml::de::Error, what: &str) -> String {
    let line = crate::reason::toml_line(text, e);
    // The table the line belongs to: the nearest [[tasks]] or [[units]] above it.
    let section = line
        .and_then(|l| text.lines().take(l).collect::<Vec<_>>().into_iter().rev().find(|t| t.trim_start().starts_with('[')).map(|t| t.trim().to_string()))
        .map(|h| match h.as_str() {
            "[[tasks]]" => "任务",
            "[[units]]" => "单位",
            _ => "",
        })
        .unwrap_or("");
    let said = crate::reason::toml_reason(e, section);
    match line {
        Some(l) => format!("{what}第{l}行：{said}"),
        None => format!("{what}：{said}"),
    }
}
