//! The roster (单位名单): every unit, its group, and every way units write its name.

use crate::fields::squash;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Zone,
    Town,
    Dept,
}

impl Group {
    pub fn label(self) -> &'static str {
        match self {
            Group::Zone => "开发区",
            Group::Town => "镇（街道）",
            Group::Dept => "部门",
        }
    }
    pub(super) fn parse(s: &str) -> Option<Group> {
        match squash(s).as_str() {
            "开发区" => Some(Group::Zone),
            "镇街" | "镇(街道)" | "镇" | "街道" => Some(Group::Town),
            "部门" | "市直部门" => Some(Group::Dept),
            _ => None,
        }
    }
    /// By the name's ending, for units the roster does not classify.
    pub fn infer(name: &str) -> Group {
        if name.contains("开发区") {
            Group::Zone
        } else if name.ends_with('镇') || name.ends_with("街道") || name.ends_with("管理区") {
            Group::Town
        } else {
            Group::Dept
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
    /// What units put before their names and luoshi takes away: the place (海城市, 海城) and
    /// its kind (市) — `海城市西柳镇` is 西柳镇.
    prefixes: Vec<String>,
}

impl Roster {
    /// Names written with the place in front (`海城市发改局`, `市发改局`) are the roster's too.
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
        self.units.iter().find(|u| u.name == name).map(|u| u.group).unwrap_or_else(|| Group::infer(name))
    }

    /// The canonical name for what a unit wrote: `市发改局`, `海城市西柳镇人民政府`, `西柳`.
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

    /// Expand a cell naming units: `市发改局、市工信局`, `各镇（街道）`. Unknown names are kept as written.
    pub fn expand(&self, cell: &str) -> Vec<String> {
        let mut out = Vec::new();
        for part in cell.split(['、', ',', '，', ';', '；', '/', '\n']) {
            let part = squash(part);
            if part.is_empty() {
                continue;
            }
            let group = match part.as_str() {
                "各开发区" => Some(vec![Group::Zone]),
                "各镇(街道)" | "各镇街" | "各镇" | "各街道" => Some(vec![Group::Town]),
                "各有关部门" | "市直各部门" | "各部门" => Some(vec![Group::Dept]),
                "各开发区、镇(街道)" => Some(vec![Group::Zone, Group::Town]),
                _ => None,
            };
            match group {
                Some(gs) => out.extend(self.units.iter().filter(|u| gs.contains(&u.group)).map(|u| u.name.clone())),
                None => out.push(self.resolve(&part).map(str::to_string).unwrap_or(part)),
            }
        }
        out
    }
}
