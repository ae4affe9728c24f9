//! Findings (校验结果) and the rule table every stage draws its codes from.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

/// A rule's code (SPEC §3). The compiler knows every one; [`RULES`] says what each means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    F01,
    F02,
    F03,
    F04,
    F05,
    F06,
    F07,
    F08,
    C01,
    C02,
    C03,
    C04,
    C05,
    C06,
    C07,
    C08,
    C09,
    C10,
    C11,
    L01,
    L02,
    L03,
    L04,
    L05,
    L06,
    L07,
    L08,
    L09,
    V01,
    V02,
    V03,
    V04,
    V05,
    L10,
    L11,
    L12,
    L13,
    V06,
    L14,
    L15,
    L16,
    L17,
}

impl Rule {
    /// `F01`, as the reports, the JSON lines and the terminal write it.
    pub fn code(self) -> &'static str {
        self.def().code
    }

    /// The rule's row of [`RULES`] (the table is in the enum's order; a unit test says so).
    pub fn def(self) -> &'static RuleDef {
        &RULES[self as usize]
    }

    /// Rules about a whole file (F01–F08): the file could not be used as it is.
    pub fn is_file_rule(self) -> bool {
        self.code().starts_with('F')
    }

    /// Rules about the whole batch rather than one file: only meaningful when the batch is all there.
    pub fn is_batch_rule(self) -> bool {
        matches!(self, Rule::V01 | Rule::V02 | Rule::V04 | Rule::V05 | Rule::V06)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// So that a test may write `f.rule == "F06"`.
impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.code() == *other
    }
}

/// One row of the rule table: the code, how serious it is, and what the clerk should do.
#[derive(Debug)]
pub struct RuleDef {
    pub rule: Rule,
    pub code: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub fix: &'static str,
}

use Severity::{Error as E, Info as I, Warning as W};

/// SPEC §3. Every finding refers to one of these by code.
pub const RULES: &[RuleDef] = &[
    RuleDef {
        rule: Rule::F01, code: "F01", severity: E, title: "文件无法读取", fix: "请用 Excel 或 WPS 打开确认，另存为 .xlsx 后重新报送"
    },
    RuleDef { rule: Rule::F02, code: "F02", severity: E, title: "找不到任务分解表", fix: "请使用统一下发的《任务分解表》模板填报" },
    RuleDef { rule: Rule::F03, code: "F03", severity: E, title: "缺少必填列", fix: "请按模板补上该列，不要删除模板中的列" },
    RuleDef { rule: Rule::F04, code: "F04", severity: W, title: "列重复", fix: "请删除重复的列，只保留一列" },
    RuleDef {
        rule: Rule::F05, code: "F05", severity: E, title: "无法识别报送单位", fix: "请在第2行填写“填报单位：单位全称”，单位名称须在单位名单中"
    },
    RuleDef {
        rule: Rule::F06, code: "F06", severity: W, title: "同一单位报送多份", fix: "已采用最新一份；如有误请重新报送并删除旧版"
    },
    RuleDef { rule: Rule::F07, code: "F07", severity: W, title: "报送期次不符", fix: "请核对“报送期次”，填写本期的年月" },
    RuleDef {
        rule: Rule::F08,
        code: "F08",
        severity: E,
        title: "重复报送上期文件",
        fix: "这是上期的文件，本期未采用；请按本期进展更新数据、改填本期的报送期次后重新报送",
    },
    RuleDef { rule: Rule::C01, code: "C01", severity: E, title: "必填项为空", fix: "请补填该项" },
    RuleDef {
        rule: Rule::C02, code: "C02", severity: E, title: "不是数字", fix: "请只填阿拉伯数字（可带小数点），不要写汉字或文字说明"
    },
    RuleDef {
        rule: Rule::C03, code: "C03", severity: E, title: "日期无法识别", fix: "请填写日期（如 2022-12-31、2022年6月底）或“长期坚持”"
    },
    RuleDef { rule: Rule::C04, code: "C04", severity: E, title: "取值不在允许范围", fix: "请从下拉列表中选择规定的值" },
    RuleDef {
        rule: Rule::C05, code: "C05", severity: W, title: "电话号码格式不对", fix: "请填写11位手机号或带区号的固定电话（如 0412-3123456）"
    },
    RuleDef { rule: Rule::C06, code: "C06", severity: E, title: "公式错误", fix: "请检查公式，或直接填写数值" },
    RuleDef { rule: Rule::C07, code: "C07", severity: I, title: "“同上”已按上一行填充", fix: "建议直接填写完整内容" },
    RuleDef {
        rule: Rule::C08, code: "C08", severity: W, title: "疑似日期写成了数字", fix: "请把单元格设为文本或日期格式后重新填写日期"
    },
    RuleDef {
        rule: Rule::C09, code: "C09", severity: W, title: "文字超长，已截断", fix: "单元格文字超过 Excel 上限 32,767 字；请精简内容，详细材料另附"
    },
    RuleDef {
        rule: Rule::C10, code: "C10", severity: E, title: "数值超出范围", fix: "数字大得 Excel 无法保存（或不是有限数值），请核实后重新填写"
    },
    RuleDef {
        rule: Rule::C11, code: "C11", severity: E, title: "日期超出范围", fix: "Excel 只能保存 1900 年至 9999 年的日期，请核实年份后重新填写"
    },
    RuleDef { rule: Rule::L01, code: "L01", severity: E, title: "任务编号不在任务清单", fix: "请核对任务编号，按任务清单填写" },
    RuleDef { rule: Rule::L02, code: "L02", severity: E, title: "任务编号重复", fix: "同一任务只填一行，请合并重复的行" },
    RuleDef {
        rule: Rule::L03, code: "L03", severity: W, title: "节点目标倒挂", fix: "节点目标为累计值，应一季度≤二季度≤三季度≤全年目标"
    },
    RuleDef { rule: Rule::L04, code: "L04", severity: W, title: "完成值远超目标", fix: "请核对数值和计量单位（万/亿、亩/万亩）" },
    RuleDef { rule: Rule::L05, code: "L05", severity: W, title: "完成率与数值不符", fix: "完成率应为 累计完成÷全年目标，请核对" },
    RuleDef { rule: Rule::L06, code: "L06", severity: W, title: "状态与数值矛盾", fix: "请按实际进度填写状态，或核对数值" },
    RuleDef {
        rule: Rule::L07, code: "L07", severity: W, title: "已过完成时限仍未完成", fix: "请说明滞后原因和整改时限，或更新状态"
    },
    RuleDef { rule: Rule::L08, code: "L08", severity: W, title: "全年目标与分配不符", fix: "请按任务清单分配的目标填写" },
    RuleDef { rule: Rule::L09, code: "L09", severity: E, title: "计量单位与清单不符", fix: "请按任务清单的计量单位填写" },
    RuleDef { rule: Rule::V01, code: "V01", severity: E, title: "单位未报送", fix: "请督促该单位尽快报送" },
    RuleDef { rule: Rule::V02, code: "V02", severity: E, title: "任务无人报送", fix: "请督促责任单位报送该任务" },
    RuleDef { rule: Rule::V03, code: "V03", severity: W, title: "缺少节点目标", fix: "量化任务请填写一、二、三季度节点目标" },
    RuleDef {
        rule: Rule::V04, code: "V04", severity: E, title: "分解目标合计不足", fix: "各责任单位目标之和应不低于任务清单的目标，请核对分解"
    },
    RuleDef { rule: Rule::V05, code: "V05", severity: W, title: "牵头单位未报送牵头任务", fix: "请牵头单位报送该任务的进展" },
    RuleDef { rule: Rule::L10, code: "L10", severity: W, title: "与上期相比变化过大", fix: "累计完成较上期变化超过30%，请附说明" },
    RuleDef {
        rule: Rule::L11, code: "L11", severity: W, title: "累计完成比上期减少", fix: "累计完成是1月至本月的累计数，只增不减；请核对本期或上期数据"
    },
    RuleDef {
        rule: Rule::L12, code: "L12", severity: W, title: "已销号任务又报为未完成", fix: "已销号的任务如确需重新推进，请说明原因；否则状态填“已完成”"
    },
    RuleDef {
        rule: Rule::L13,
        code: "L13",
        severity: W,
        title: "目标与上期报送的不同",
        fix: "全年目标和节点目标年初确定，调整须经任务下达单位同意；未经同意请改回原目标",
    },
    RuleDef {
        rule: Rule::V06,
        code: "V06",
        severity: E,
        title: "报送的任务与任务清单对不上",
        fix: "多数行的任务名称与清单中同一编号的任务不同，多半是用错了任务清单：请用 --tasks 指定本期下发的任务清单",
    },
    RuleDef {
        rule: Rule::L14,
        code: "L14",
        severity: W,
        title: "累计完成与下级明细合计不符",
        fix: "数量、金额类任务的累计完成应等于下级明细各行之和；请核对是否手工改过合计，或下级明细是否完整",
    },
    RuleDef {
        rule: Rule::L15,
        code: "L15",
        severity: E,
        title: "下级目标合计少于本单位目标（减码）",
        fix: "分解到下级的全年目标合计应不低于上级分配给本单位的目标；请补足分解",
    },
    RuleDef {
        rule: Rule::L16,
        code: "L16",
        severity: W,
        title: "下级明细的上级任务编号不对",
        fix: "下级明细的“上级任务编号”应为上级分配给本单位的任务；请核对编号",
    },
    RuleDef {
        rule: Rule::L17, code: "L17", severity: W, title: "所填状态与亮灯矛盾", fix: "状态应与完成进度相符：按实际进度填写状态，或核对累计完成、目标"
    },
];

/// One problem, located as precisely as we can. Serialises to exactly the JSON keys of SPEC §3.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    pub rule: Rule,
    pub unit: Option<String>,
    pub file: Option<String>,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    pub row: Option<u32>,
    pub column: Option<String>,
    pub task_id: Option<String>,
    pub value: Option<String>,
    pub message: String,
    /// The column as a field, so the finding can be placed on the standard layout (退回 files).
    #[serde(skip)]
    pub field: Option<crate::fields::Field>,
    /// The fix for this one finding where luoshi knows it (把全年目标改为600); else the rule's.
    #[serde(skip)]
    pub advice: Option<String>,
}

impl Finding {
    /// A finding with only its rule and message; add the location with the builder methods.
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Finding {
            severity: rule.def().severity,
            rule,
            unit: None,
            file: None,
            sheet: None,
            cell: None,
            row: None,
            column: None,
            task_id: None,
            value: None,
            message: message.into(),
            field: None,
            advice: None,
        }
    }
    /// The concrete fix for this finding (把任务编号改为4.5.3).
    pub fn advise(mut self, fix: impl Into<String>) -> Self {
        self.advice = Some(fix.into());
        self
    }
    /// What to do: the concrete fix where known, else the rule's.
    pub fn fix(&self) -> &str {
        self.advice.as_deref().unwrap_or(self.def().fix)
    }
    pub fn file(mut self, file: &str) -> Self {
        self.file = Some(file.to_string());
        self
    }
    pub fn sheet(mut self, sheet: &str) -> Self {
        self.sheet = Some(sheet.to_string());
        self
    }
    pub fn unit(mut self, unit: Option<&str>) -> Self {
        self.unit = unit.map(str::to_string);
        self
    }
    pub fn task(mut self, task_id: &str) -> Self {
        if !task_id.is_empty() {
            self.task_id = Some(task_id.to_string());
        }
        self
    }
    /// Point at a cell: 0-based row and column, header text of the column.
    pub fn at(mut self, row0: u32, col0: u32, column: &str) -> Self {
        self.row = Some(row0 + 1);
        self.cell = Some(cell_ref(row0, col0));
        self.column = Some(column.to_string());
        self
    }
    pub fn row(mut self, row0: u32) -> Self {
        self.row = Some(row0 + 1);
        self
    }
    pub fn value(mut self, value: &str) -> Self {
        self.value = Some(value.to_string());
        self
    }
    pub fn def(&self) -> &'static RuleDef {
        self.rule.def()
    }
    /// `腾鳌镇.xlsx · 任务分解表 · H12：全年目标不是数字：两百`
    pub fn located_message(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if let Some(f) = &self.file {
            parts.push(f);
        }
        if let Some(s) = &self.sheet {
            parts.push(s);
        }
        if let Some(c) = &self.cell {
            parts.push(c);
        }
        if parts.is_empty() {
            self.message.clone()
        } else {
            format!("{}：{}", parts.join(" · "), self.message)
        }
    }
}

/// `(0, 0)` → `A1`.
pub fn cell_ref(row0: u32, col0: u32) -> String {
    format!("{}{}", col_letters(col0), row0 + 1)
}

pub fn col_letters(col0: u32) -> String {
    let mut n = col0 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            c.add(f.severity);
        }
        c
    }
    /// Counts per key (file, unit …) in one pass; findings without a key are left out.
    pub fn per<'a, K: std::hash::Hash + Eq>(
        findings: impl IntoIterator<Item = &'a Finding>,
        key: impl Fn(&'a Finding) -> Option<K>,
    ) -> std::collections::HashMap<K, Counts> {
        let mut out: std::collections::HashMap<K, Counts> = std::collections::HashMap::new();
        for f in findings {
            if let Some(k) = key(f) {
                out.entry(k).or_default().add(f.severity);
            }
        }
        out
    }
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_refs() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(11, 7), "H12");
        assert_eq!(col_letters(25), "Z");
        assert_eq!(col_letters(26), "AA");
        assert_eq!(col_letters(16383), "XFD");
    }

    #[test]
    fn every_rule_code_is_unique() {
        let mut codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        codes.sort();
        let n = codes.len();
        codes.dedup();
        assert_eq!(n, codes.len());
    }

    #[test]
    fn json_has_exactly_the_spec_keys() {
        let f = Finding::new(Rule::C02, "全年目标不是数字：两百").file("a.xlsx").at(11, 7, "全年目标");
        let v: serde_json::Value = serde_json::to_value(&f).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.len(), 11);
        assert_eq!(v["cell"], "H12");
        assert_eq!(v["row"], 12);
        assert_eq!(v["severity"], "error");
    }
}

/// Findings in report order, one order for the 校验报告 and the terminal: by unit (batch-level
/// first), then most severe first, then place.
pub fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    // One key for both sides: a comparison that is not a total order may panic in `sort`.
    v.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    v
}

/// Located or not, unit, most severe first, file, row, cell, rule.
type OrderKey<'a> = (bool, &'a Option<String>, std::cmp::Reverse<Severity>, &'a Option<String>, Option<u32>, &'a Option<String>, Rule);

fn order_key(f: &Finding) -> OrderKey<'_> {
    (f.unit.is_some() || f.file.is_some(), &f.unit, std::cmp::Reverse(f.severity), &f.file, f.row, &f.cell, f.rule)
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_enums_order() {
        for (i, def) in RULES.iter().enumerate() {
            assert_eq!(def.rule as usize, i, "{}", def.code);
            assert_eq!(format!("{:?}", def.rule), def.code);
        }
    }
}
