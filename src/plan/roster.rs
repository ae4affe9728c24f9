//! The roster (单位名单): every unit, its group, and every way units write its name.

use crate::fields::squash;

/// A group of units (开发区 / 镇（街道）/ 部门 for a city, 村 / 社区 / 站所 for a 镇): its name as the
/// task list writes it and its place in the list's order, which is the order of 分单位, 排名 and
/// the papers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Group {
    rank: u16,
    name: std::sync::Arc<str>,
}

impl Group {
    pub fn label(&self) -> &str {
        &self.name
    }
}

/// The groups a list without `groups` and without 类别 has: a city's.
const DEFAULT_GROUPS: &[&str] = &["开发区", "镇（街道）", "部门"];

/// Words of the administrative system, not of one place: other ways a group is written (a 类别
/// cell, `各镇街`), the name endings that put an unclassified unit in it, and how a 通报 addresses
/// its units (`{gov}` is 市政府 / 县政府 / 区政府 where the list is a city's, county's or district's).
struct GroupWords {
    name: &'static str,
    /// The groups of the level below, for the list a unit of this group derives.
    below: &'static [&'static str],
    also: &'static [&'static str],
    endings: &'static [&'static str],
    addressee: &'static str,
}

const GROUP_WORDS: &[GroupWords] = &[
    GroupWords {
        name: "开发区", below: &["村（社区）", "科室"], also: &["园区"], endings: &["开发区", "园区"], addressee: "各开发区管委会"
    },
    GroupWords {
        name: "镇（街道）",
        below: &["村", "社区", "站所"],
        also: &["镇街", "镇(街道)", "镇", "街道", "乡镇", "乡镇(街道)"],
        endings: &["镇", "街道", "管理区", "乡"],
        addressee: "各镇人民政府、街道办事处",
    },
    GroupWords {
        name: "部门",
        below: &["科室", "下属单位"],
        also: &["市直部门", "县直部门", "区直部门", "有关部门"],
        endings: &["局", "委", "办", "中心"],
        addressee: "{gov}各部门",
    },
    GroupWords {
        name: "县（市、区）",
        below: &["开发区", "镇（街道）", "部门"],
        also: &["县(市、区)", "县市区", "县区", "区县"],
        endings: &["县", "市", "区"],
        addressee: "各县（市、区）人民政府",
    },
    GroupWords { name: "村", below: &[], also: &["行政村"], endings: &["村"], addressee: "各村民委员会" },
    GroupWords { name: "社区", below: &[], also: &[], endings: &["社区"], addressee: "各社区居民委员会" },
    GroupWords { name: "村（社区）", below: &[], also: &["村(社区)", "村居"], endings: &["村", "社区"], addressee: "各村（社区）" },
    GroupWords { name: "站所", below: &[], also: &["站", "所"], endings: &["站", "所"], addressee: "各站所" },
    GroupWords { name: "科室", below: &[], also: &["科", "室"], endings: &["科", "室", "股"], addressee: "各科室" },
    GroupWords { name: "下属单位", below: &[], also: &["直属单位"], endings: &[], addressee: "各下属单位" },
];

fn words_of(group: &str) -> Option<&'static GroupWords> {
    let s = squash(group);
    GROUP_WORDS.iter().find(|w| squash(w.name) == s || w.also.iter().any(|a| squash(a) == s))
}

/// The list's groups in order, with what each is also called and the endings of its units.
#[derive(Debug, Clone)]
pub struct Groups {
    list: Vec<Group>,
}

impl Default for Groups {
    fn default() -> Groups {
        Groups::new(DEFAULT_GROUPS.iter().map(|s| s.to_string()))
    }
}

impl Groups {
    pub fn new(names: impl IntoIterator<Item = String>) -> Groups {
        let mut list: Vec<Group> = Vec::new();
        for name in names {
            if !list.iter().any(|g| *g.name == *name) {
                list.push(Group { rank: list.len() as u16, name: name.into() });
            }
        }
        Groups { list }
    }
    pub fn all(&self) -> &[Group] {
        &self.list
    }
    /// The group named so, added last if the list does not have it.
    pub fn push(&mut self, name: &str) -> Group {
        if let Some(g) = self.list.iter().find(|g| *g.name == *name) {
            return g.clone();
        }
        let g = Group { rank: self.list.len() as u16, name: name.into() };
        self.list.push(g.clone());
        g
    }
    /// The groups of the level below a unit of this group (村, 社区, 站所 below a 镇), for the
    /// list it derives; a city's where none are known.
    pub fn below(group: &Group) -> Vec<String> {
        match words_of(&group.name).map(|w| w.below).filter(|b| !b.is_empty()) {
            Some(b) => b.iter().map(|s| s.to_string()).collect(),
            None => DEFAULT_GROUPS.iter().map(|s| s.to_string()).collect(),
        }
    }
    /// The group a 类别 cell names: the name itself, or another way of writing it (`镇街`).
    pub fn parse(&self, written: &str) -> Option<Group> {
        let s = squash(written);
        if let Some(g) = self.list.iter().find(|g| squash(&g.name) == s) {
            return Some(g.clone());
        }
        let canonical = words_of(written)?.name;
        self.list.iter().find(|g| *g.name == *canonical).cloned()
    }
    /// The canonical name for a group written another way, for lists that name no groups.
    pub fn canonical(written: &str) -> String {
        words_of(written).map(|w| w.name.to_string()).unwrap_or_else(|| written.trim().to_string())
    }
    /// By the name's ending, for units the roster does not classify; else the last group.
    pub fn infer(&self, name: &str) -> Group {
        let fits = |g: &Group| -> bool {
            let endings = words_of(&g.name).map(|w| w.endings).unwrap_or_default();
            // A word stands anywhere in a name (某某经济开发区管委会, 东四街道办事处); one character ends it.
            name.ends_with(&*g.name) || endings.iter().any(|e| if e.chars().count() > 1 { name.contains(e) } else { name.ends_with(e) })
        };
        // A list always has a group (an empty `groups` is refused when read); never a panic here.
        self.list.iter().find(|g| fits(g)).or(self.list.last()).cloned().unwrap_or_else(|| Group { rank: 0, name: "其他".into() })
    }
    /// How a 通报 addresses a group's units (各开发区管委会, 市政府各部门, 各村民委员会); `gov` is the
    /// place's government where it has one (市政府).
    pub fn addressee(group: &Group, gov: &str) -> String {
        match words_of(&group.name) {
            Some(w) => w.addressee.replace("{gov}", gov),
            None => format!("各{}", group.name),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Unit {
    pub name: String,
    pub group: Group,
    pub aliases: Vec<String>,
}

/// Canonical unit names and every way units write them.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub units: Vec<Unit>,
    by_alias: foldhash::HashMap<String, usize>,
    /// What units put before their names and luoshi takes away: the place (某市, 某) and
    /// its kind (市) — `某市西柳镇` is 西柳镇.
    prefixes: Vec<String>,
    pub groups: Groups,
}

impl Roster {
    /// Names written with the place in front (`某市发改局`, `市发改局`) are the roster's too.
    pub fn set_place(&mut self, place: &str) {
        let place = squash(place);
        let kind: String = place.chars().last().filter(|c| "市县区镇乡".contains(*c)).map(String::from).unwrap_or_default();
        let short = place.strip_suffix(kind.as_str()).unwrap_or(&place).to_string();
        self.prefixes = [place.clone(), short, kind].into_iter().filter(|p| !p.is_empty()).collect();
        self.prefixes.dedup();
        // A list that names no place: 市发改局 is still 发改局.
        if self.prefixes.is_empty() {
            self.prefixes.push("市".into());
        }
    }

    pub fn add(&mut self, unit: Unit) {
        let idx = match self.units.iter().position(|u| u.name == unit.name) {
            Some(i) => {
                let u = &mut self.units[i];
                u.aliases.extend(unit.aliases.iter().cloned());
                i
            }
            None => {
                self.units.push(unit.clone());
                self.units.len() - 1
            }
        };
        for name in std::iter::once(&unit.name).chain(unit.aliases.iter()) {
            self.by_alias.entry(squash(name)).or_insert(idx);
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.units.iter().any(|u| u.name == name)
    }

    pub fn group_of(&self, name: &str) -> Group {
        self.units.iter().find(|u| u.name == name).map(|u| u.group.clone()).unwrap_or_else(|| self.groups.infer(name))
    }

    /// The canonical name for what a unit wrote: `市发改局`, `某市西柳镇人民政府`, `西柳`.
    pub fn resolve(&self, written: &str) -> Option<&str> {
        let s = squash(written);
        if s.is_empty() {
            return None;
        }
        let mut candidates = vec![s.clone()];
        let mut cur = s.clone();
        for prefix in &self.prefixes {
            if let Some(rest) = cur.strip_prefix(prefix) {
                if !rest.is_empty() {
                    cur = rest.to_string();
                    candidates.push(cur.clone());
                }
            }
        }
        for c in candidates.clone() {
            for suffix in ["人民政府", "管委会", "管理委员会", "办事处", "(盖章)"] {
                if let Some(rest) = c.strip_suffix(suffix) {
                    candidates.push(rest.to_string());
                }
            }
        }
        candidates.iter().find_map(|c| self.by_alias.get(c)).map(|&i| self.units[i].name.as_str())
    }

    /// Expand a cell naming units: `市发改局、市工信局`, `各镇（街道）`, `各开发区、镇（街道）`, `各村`.
    /// Unknown names are kept as written.
    pub fn expand(&self, cell: &str) -> Vec<String> {
        let mut out = Vec::new();
        // After `各开发区`, a bare `镇（街道）` means the group too.
        let mut after_group = false;
        for part in cell.split(['、', ',', '，', ';', '；', '/', '\n']) {
            let part = squash(part);
            if part.is_empty() {
                continue;
            }
            let named = part.strip_prefix('各').map(|p| (p, true)).unwrap_or((part.as_str(), after_group));
            let group = match named {
                (p, true) => {
                    let p = ["有关", "市直", "县直", "区直"].iter().fold(p, |p, w| p.strip_prefix(w).unwrap_or(p));
                    let p = p.strip_prefix('各').unwrap_or(p);
                    self.groups.parse(p)
                }
                _ => None,
            };
            after_group = group.is_some();
            match group {
                Some(g) => out.extend(self.units.iter().filter(|u| u.group == g).map(|u| u.name.clone())),
                None => out.push(self.resolve(&part).map(str::to_string).unwrap_or(part)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town() -> Roster {
        let mut r = Roster { groups: Groups::new(["村", "社区", "站所"].map(String::from)), ..Roster::default() };
        r.set_place("腾鳌镇");
        for (name, group) in [("东腾鳌村", "村"), ("西腾鳌村", "行政村"), ("腾鳌社区", "社区")] {
            let group = r.groups.parse(group).unwrap();
            r.add(Unit { name: name.into(), group, aliases: vec![] });
        }
        r
    }

    #[test]
    fn a_towns_groups_are_its_own() {
        let r = town();
        let names: Vec<&str> = r.groups.all().iter().map(Group::label).collect();
        assert_eq!(names, ["村", "社区", "站所"]);
        assert_eq!(r.group_of("西腾鳌村").label(), "村", "行政村 is 村");
        assert_eq!(r.groups.infer("南台社区居委会").label(), "社区");
        assert_eq!(r.groups.infer("农业站").label(), "站所");
        assert_eq!(r.groups.infer("党政办").label(), "站所", "else the last group");
        assert!(r.groups.parse("部门").is_none(), "a city's group is not a town's");
        assert_eq!(r.expand("各村"), ["东腾鳌村", "西腾鳌村"]);
        assert_eq!(r.expand("各村、社区"), ["东腾鳌村", "西腾鳌村", "腾鳌社区"]);
        assert_eq!(r.expand("腾鳌镇东腾鳌村、腾鳌社区"), ["东腾鳌村", "腾鳌社区"]);
        let to: Vec<String> = r.groups.all().iter().map(|g| Groups::addressee(g, "")).collect();
        assert_eq!(to, ["各村民委员会", "各社区居民委员会", "各站所"]);
    }

    #[test]
    fn a_city_reads_as_before() {
        let g = Groups::default();
        assert_eq!(g.infer("海城经济开发区管委会").label(), "开发区");
        assert_eq!(g.infer("东四街道").label(), "镇（街道）");
        assert_eq!(g.infer("腾鳌镇").label(), "镇（街道）");
        assert_eq!(g.infer("营商局").label(), "部门");
        assert_eq!(g.parse("镇街").unwrap().label(), "镇（街道）");
        assert_eq!(Groups::addressee(&g.parse("部门").unwrap(), "市政府"), "市政府各部门");
        assert!(g.parse("开发区").unwrap() < g.parse("部门").unwrap(), "groups sort in the list's order");
    }
}
