//! The columns of the 任务分解表 (SPEC §2): canonical headers, aliases, and how a header cell
//! is recognised however a unit decorated it.

use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Seq,
    TaskId,
    Area,
    Task,
    Indicator,
    Uom,
    Target,
    Q1,
    Q2,
    Q3,
    Actual,
    Rate,
    Measures,
    LeadUnit,
    RespUnit,
    Leader,
    Section,
    Person,
    Phone,
    Deadline,
    Progress,
    Problems,
    NextSteps,
    Status,
    LeadLeader,
    Partners,
}

/// When a column must be present and filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Optional column.
    No,
    /// Column required; value required on every row.
    Always,
    /// Column required; value required on quantified tasks only (SPEC fixtures README, convention 2).
    Quantified,
    /// Column may be missing (derivable); value checked when present.
    Derivable,
}

pub struct FieldDef {
    pub field: Field,
    pub key: &'static str,
    pub header: &'static str,
    pub aliases: &'static [&'static str],
    pub need: Need,
    /// What goes in the column, in the clerk's words (填报说明, input messages).
    pub help: &'static str,
    /// Width in the standard layout, in characters.
    pub width: f64,
}

use Field::*;

/// The standard layout, in the standard column order (A 序号 … X 状态), then the optional extras.
pub const FIELDS: &[FieldDef] = &[
    FieldDef { field: Seq, key: "seq", header: "序号", aliases: &["编号", "序"], need: Need::No, help: "顺序号，可不填", width: 5.0 },
    FieldDef {
        field: TaskId,
        key: "task_id",
        header: "任务编号",
        aliases: &["任务代码", "编码", "任务编码", "任务序号"],
        need: Need::Always,
        help: "按任务清单填写，如 4.1.2，不要自行编号",
        width: 8.0,
    },
    FieldDef {
        field: Area,
        key: "area",
        header: "工作方面",
        aliases: &["类别", "任务类别", "方面", "工作类别"],
        need: Need::Derivable,
        help: "六个工作方面之一：重要指标、重大项目建设、营商环境建设、重点攻坚任务、重点民生保障、重大制度性创新",
        width: 12.0,
    },
    FieldDef {
        field: Task,
        key: "task",
        header: "重点任务",
        aliases: &["任务名称", "工作任务", "重点工作", "任务内容", "工作内容", "具体任务"],
        need: Need::Always,
        help: "按任务清单填写任务名称",
        width: 30.0,
    },
    FieldDef {
        field: Indicator,
        key: "indicator",
        header: "指标名称",
        aliases: &["量化指标", "考核指标"],
        need: Need::No,
        help: "量化任务的指标名称，如 新建5G基站",
        width: 16.0,
    },
    FieldDef {
        field: Uom,
        key: "uom",
        header: "计量单位",
        aliases: &["单位(计量)", "计量"],
        need: Need::Quantified,
        help: "按任务清单的计量单位填写，如 个、万亩、亿元、%",
        width: 8.0,
    },
    FieldDef {
        field: Target,
        key: "target",
        header: "全年目标",
        aliases: &["年度目标", "目标值", "目标任务", "全年目标值", "年度目标值", "预期目标", "计划数"],
        need: Need::Quantified,
        help: "本单位全年目标，只填数字；按清单计量单位（万/亿）",
        width: 10.0,
    },
    FieldDef {
        field: Q1,
        key: "q1",
        header: "一季度",
        aliases: &["一季度目标", "3月底", "一季度末", "第一季度"],
        need: Need::No,
        help: "一季度末应累计完成的值，只填数字",
        width: 8.0,
    },
    FieldDef {
        field: Q2,
        key: "q2",
        header: "二季度",
        aliases: &["二季度目标", "上半年", "6月底", "二季度末", "第二季度"],
        need: Need::No,
        help: "二季度末（6月底）应累计完成的值，只填数字",
        width: 8.0,
    },
    FieldDef {
        field: Q3,
        key: "q3",
        header: "三季度",
        aliases: &["三季度目标", "9月底", "三季度末", "第三季度"],
        need: Need::No,
        help: "三季度末（9月底）应累计完成的值，只填数字",
        width: 8.0,
    },
    FieldDef {
        field: Actual,
        key: "actual",
        header: "累计完成",
        aliases: &["累计完成值", "完成值", "实际完成", "完成数", "累计完成数"],
        need: Need::Quantified,
        help: "1月至本月的累计完成数，只填阿拉伯数字，不写汉字；增速类填百分数数字，如 6.5",
        width: 10.0,
    },
    FieldDef {
        field: Rate,
        key: "rate",
        header: "完成率",
        aliases: &["完成进度", "进度", "完成比例", "完成率(%)"],
        need: Need::No,
        help: "累计完成÷全年目标，可不填（系统自动计算并核对）",
        width: 8.0,
    },
    FieldDef {
        field: Measures,
        key: "measures",
        header: "具体措施",
        aliases: &["工作措施", "推进措施", "主要措施"],
        need: Need::Always,
        help: "推进本任务的具体措施、路径、办法",
        width: 36.0,
    },
    FieldDef {
        field: LeadUnit,
        key: "lead_unit",
        header: "牵头单位",
        aliases: &["牵头部门", "主责单位", "牵头责任单位"],
        need: Need::Always,
        help: "任务清单确定的牵头单位",
        width: 12.0,
    },
    FieldDef {
        field: RespUnit,
        key: "resp_unit",
        header: "责任单位",
        aliases: &["责任部门", "落实单位", "责任主体"],
        need: Need::Always,
        help: "本单位名称",
        width: 12.0,
    },
    FieldDef {
        field: Leader, key: "leader", header: "责任领导", aliases: &["分管领导"], need: Need::Always, help: "本单位分管领导姓名", width: 9.0
    },
    FieldDef {
        field: Section,
        key: "section",
        header: "责任科室",
        aliases: &["责任股室", "承办科室", "具体责任科室"],
        need: Need::Always,
        help: "具体承办的科室（股室、办）",
        width: 12.0,
    },
    FieldDef {
        field: Person,
        key: "person",
        header: "责任人",
        aliases: &["具体负责人", "经办人", "责任人员"],
        need: Need::Always,
        help: "具体负责人姓名",
        width: 9.0,
    },
    FieldDef {
        field: Phone,
        key: "phone",
        header: "联系电话",
        aliases: &["电话", "手机", "联系方式", "手机号"],
        need: Need::Always,
        help: "11位手机号，或带区号的固定电话，如 0412-3123456",
        width: 14.0,
    },
    FieldDef {
        field: Deadline,
        key: "deadline",
        header: "完成时限",
        aliases: &["时间节点", "完成时间", "截止时间", "完成期限", "时限要求"],
        need: Need::Always,
        help: "日期（如 2022-12-31、2022年6月底）或 年底前、长期坚持",
        width: 12.0,
    },
    FieldDef {
        field: Progress,
        key: "progress",
        header: "进展情况",
        aliases: &["推进情况", "工作进展", "完成情况", "落实情况", "目前进展"],
        need: Need::Always,
        help: "截至本月底的进展，写明完成了什么、完成多少",
        width: 40.0,
    },
    FieldDef {
        field: Problems,
        key: "problems",
        header: "存在问题",
        aliases: &["困难问题", "存在的问题", "问题和困难"],
        need: Need::No,
        help: "推进中遇到的困难和问题，没有可不填",
        width: 22.0,
    },
    FieldDef {
        field: NextSteps,
        key: "next_steps",
        header: "下步措施",
        aliases: &["下步计划", "下一步工作", "下步工作计划", "下一步工作打算"],
        need: Need::No,
        help: "下一步工作安排",
        width: 28.0,
    },
    FieldDef {
        field: Status,
        key: "status",
        header: "状态",
        aliases: &["推进状态", "完成状态", "亮灯情况"],
        need: Need::Always,
        help: "从下拉列表选择：已完成、正常推进、滞后、未启动",
        width: 10.0,
    },
    FieldDef {
        field: LeadLeader,
        key: "lead_leader",
        header: "牵头领导",
        aliases: &["包保领导", "市级领导"],
        need: Need::No,
        help: "包保领导，可不填",
        width: 9.0,
    },
    FieldDef {
        field: Partners,
        key: "partners",
        header: "配合单位",
        aliases: &["协办单位", "协同责任单位", "其他责任单位"],
        need: Need::No,
        help: "配合单位，可不填",
        width: 12.0,
    },
];

/// Number of standard columns (序号 … 状态), the layout luoshi writes and hands out.
pub const STANDARD_COLUMNS: usize = 24;

pub const N_FIELDS: usize = 26;

impl Field {
    pub fn def(self) -> &'static FieldDef {
        &FIELDS[self as usize]
    }
    pub fn header(self) -> &'static str {
        self.def().header
    }
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn all() -> impl Iterator<Item = Field> {
        FIELDS.iter().map(|d| d.field)
    }
    pub fn is_number(self) -> bool {
        matches!(self, Target | Q1 | Q2 | Q3 | Actual | Rate)
    }
    /// Sentences rather than words: written in wrapped cells.
    pub fn is_long_text(self) -> bool {
        matches!(self, Task | Measures | Progress | Problems | NextSteps)
    }
    /// Group header that stands over this column in a two-row header.
    pub fn group(self) -> Option<&'static str> {
        match self {
            Q1 | Q2 | Q3 => Some("节点目标"),
            Leader | Section | Person => Some("责任落实"),
            _ => None,
        }
    }
}

/// Headers that stand over sub-headers in a two-row header; never a column of their own.
pub const GROUP_HEADERS: &[&str] = &["节点目标", "责任落实", "阶段目标", "季度目标", "形象进度"];

/// NFKC, no whitespace at all (units write `完 成 时 限`, `完成\n时限`).
pub fn squash(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace() && !is_invisible(*c)).collect()
}

pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{2060}')
}

/// Strip a bracketed decoration: `目标值(万亩)` → (`目标值`, Some(`万亩`)).
fn strip_brackets(s: &str) -> (String, Option<String>) {
    let mut base = String::new();
    let mut inner = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = (depth - 1).max(0),
            _ if depth > 0 => inner.push(c),
            _ => base.push(c),
        }
    }
    (base, if inner.is_empty() { None } else { Some(inner) })
}

/// What a header cell says: a field, the bare word 单位 (decided by its neighbours), or nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderMatch {
    Field(Field),
    /// `单位` alone: 计量单位 next to a number column, otherwise 责任单位.
    BareUnit,
    Group,
}

/// Recognise one header cell. Returns the match and a hint in brackets (e.g. a uom: `目标值（万亩）`).
pub fn match_header(text: &str) -> Option<(HeaderMatch, Option<String>)> {
    let s = squash(text);
    if s.is_empty() || s.chars().count() > 30 {
        return None;
    }
    if let Some(f) = lookup(&s) {
        return Some((HeaderMatch::Field(f), None));
    }
    let (base, hint) = strip_brackets(&s);
    let base = base.trim_end_matches([':', '：', '*']).trim_start_matches('*');
    if let Some(f) = lookup(base) {
        return Some((HeaderMatch::Field(f), hint));
    }
    if base == "单位" {
        return Some((HeaderMatch::BareUnit, hint));
    }
    if GROUP_HEADERS.contains(&base) {
        return Some((HeaderMatch::Group, None));
    }
    // `截至5月底进展情况`, `1-6月累计完成`: a known header at the end after a period prefix.
    for def in FIELDS {
        for name in std::iter::once(&def.header).chain(def.aliases.iter()) {
            if name.chars().count() >= 3 && base.ends_with(name) && base.contains('月') {
                return Some((HeaderMatch::Field(def.field), None));
            }
        }
    }
    None
}

fn lookup(s: &str) -> Option<Field> {
    FIELDS.iter().find(|d| d.header == s || d.aliases.contains(&s)).map(|d| d.field)
}

/// The sheet a level's return carries with the rows of the level below (`report-up`).
pub const LOWER_SHEET: &str = "下级明细";

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Option<Field> {
        match match_header(s)?.0 {
            HeaderMatch::Field(f) => Some(f),
            _ => None,
        }
    }

    #[test]
    fn table_is_indexed_by_field() {
        for (i, d) in FIELDS.iter().enumerate() {
            assert_eq!(d.field as usize, i, "{}", d.header);
        }
        assert_eq!(FIELDS.len(), N_FIELDS);
        assert_eq!(FIELDS[STANDARD_COLUMNS - 1].field, Status);
    }

    #[test]
    fn decorated_headers() {
        assert_eq!(f("完成\n时限"), Some(Deadline));
        assert_eq!(f("完 成 时 限"), Some(Deadline));
        assert_eq!(f("责 任 人"), Some(Person));
        assert_eq!(f("进展情况(截至5月底)"), Some(Progress));
        assert_eq!(f("进展情况（截至5月底）"), Some(Progress));
        let (m, hint) = match_header("目标值（万亩）").unwrap();
        assert_eq!(m, HeaderMatch::Field(Target));
        assert_eq!(hint.as_deref(), Some("万亩"));
        assert_eq!(f("单位（计量）"), Some(Uom));
        assert_eq!(match_header("单位").unwrap().0, HeaderMatch::BareUnit);
        assert_eq!(match_header("节点目标").unwrap().0, HeaderMatch::Group);
        assert_eq!(f("手机"), Some(Phone));
        assert_eq!(f("工作事项"), None);
        assert_eq!(f("备注"), None);
    }
}
