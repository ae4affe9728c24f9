//! 任务分解表 templates to hand out: the blank form, or one pre-filled per unit with its tasks
//! (and, with `--previous`, last period's figures and notes). Pre-filled and header cells are
//! locked, input cells unlocked and tinted, every column carries an input message, 状态 and
//! 工作方面 are drop-downs and the figure columns accept only numbers.

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, Note, Workbook};

use super::form::{column, prefilled_rows, write_form, FIRST_DATA_ROW};
use super::style::{safe, write_table, ColSpec, Paper, Styles, TableSheet, Val};
use super::{new_workbook, save_atomic};
use crate::fields::{Field, FIELDS, STANDARD_COLUMNS};
use crate::finding::{Finding, Severity};
use crate::normalise::Submission;
use crate::period::Period;
use crate::plan::Plan;
use crate::values::Status;

pub const INPUT_FILL: u32 = 0xFFF2CC;
pub const GUIDE_SHEET: &str = "填报说明";
/// Empty rows in the blank form.
const BLANK_ROWS: usize = 40;

/// Columns a unit fills in on a pre-filled form; everything else comes from the master list.
const UNIT_INPUTS: &[Field] = &[
    Field::Actual,
    Field::Rate,
    Field::Measures,
    Field::Leader,
    Field::Section,
    Field::Person,
    Field::Phone,
    Field::Progress,
    Field::Problems,
    Field::NextSteps,
    Field::Status,
];

/// Last period's submission of a unit, with the findings on it: what is carried forward.
pub struct Previous<'a> {
    pub submission: &'a Submission,
    pub findings: Vec<&'a Finding>,
}

/// Carry last period's figures and notes into this period's rows — only values that passed
/// validation. Each cell left empty for that reason is returned (row index, field, note).
fn carry_over(rows: &mut [Vec<Val>], previous: &Previous) -> Vec<(usize, Field, String)> {
    let mut left = Vec::new();
    for (i, row) in rows.iter_mut().enumerate() {
        let Val::Text(id) = &row[column(Field::TaskId) as usize] else { continue };
        let Some(prev) = previous.submission.rows.iter().find(|r| r.task_id() == id) else { continue };
        for f in UNIT_INPUTS {
            let t = prev.get(*f);
            if t.is_empty() {
                continue;
            }
            let rejected = previous.findings.iter().find(|x| x.row == Some(prev.row + 1) && x.field == Some(*f) && x.severity >= Severity::Warning);
            if let Some(x) = rejected {
                left.push((i, *f, format!("上期填写“{t}”未通过校验（{} {}），没有带入，请重新填写", x.rule, x.def().title)));
                continue;
            }
            row[column(*f) as usize] = match (f, prev.actual, prev.rate) {
                (Field::Actual, Some(a), _) if prev.uom_ok => Val::Num(a, "General"),
                (Field::Rate, _, Some(r)) => Val::Pct(r / 100.0),
                _ => Val::text(t),
            };
        }
    }
    left
}

/// Write one form: `unit` None gives the blank form.
pub fn write_template(path: &Path, plan: &Plan, period: Period, unit: Option<&str>, previous: Option<&Previous>, password: Option<&str>) -> Result<()> {
    let mut wb = new_workbook("任务分解表", period);
    let st = Styles::new();
    let mut rows = match unit {
        Some(u) => prefilled_rows(plan, u),
        None => vec![vec![Val::Empty; STANDARD_COLUMNS]; BLANK_ROWS],
    };
    let left = previous.map(|p| carry_over(&mut rows, p)).unwrap_or_default();
    let inputs: Vec<Field> = match unit {
        Some(_) => UNIT_INPUTS.to_vec(),
        None => FIELDS[..STANDARD_COLUMNS].iter().map(|d| d.field).collect(),
    };
    let unit_name = unit.unwrap_or("");
    let ws = write_form(&mut wb, &st, &super::form::title(plan), unit_name, period, &rows)?;
    let unlocked = |f: &Format| f.clone().set_unlocked().set_background_color(Color::RGB(INPUT_FILL));
    let last = FIRST_DATA_ROW + rows.len().max(1) as u32 - 1;
    // Input cells: rewrite them unlocked and tinted.
    for (i, row) in rows.iter().enumerate() {
        let r = FIRST_DATA_ROW + i as u32;
        for f in &inputs {
            let c = column(*f);
            let base = if f.is_long_text() { &st.wrap } else { &st.text };
            match &row[c as usize] {
                Val::Num(x, fmt) => ws.write_number_with_format(r, c, *x, &unlocked(&st.number(fmt)))?,
                Val::Pct(x) => ws.write_number_with_format(r, c, *x, &unlocked(&st.pct))?,
                Val::Text(s) | Val::Fill(s, _) => ws.write_string_with_format(r, c, &*safe(s), &unlocked(base))?,
                Val::Empty => ws.write_blank(r, c, &unlocked(base))?,
            };
        }
    }
    for (i, f, note) in &left {
        ws.insert_note(FIRST_DATA_ROW + *i as u32, column(*f), &Note::new(super::style::safe_note(note)).set_width(300).set_height(80))?;
    }
    // 填报人 and 联系电话 in the metadata row are the unit's to fill.
    let meta = st.subtitle.clone().set_unlocked().set_background_color(Color::RGB(INPUT_FILL));
    ws.write_string_with_format(1, 12, "填报人：", &meta)?;
    ws.write_string_with_format(1, 17, "联系电话：", &meta)?;
    if unit.is_none() {
        ws.write_string_with_format(1, 0, "填报单位：", &meta)?;
    }
    // One validation per column: a drop-down, a number check, or just the input message.
    for def in &FIELDS[..STANDARD_COLUMNS] {
        let c = column(def.field);
        let dv = match def.field {
            Field::Status => {
                DataValidation::new().allow_list_strings(&Status::ALLOWED)?.set_error_message("请从下拉列表中选择：已完成、正常推进、滞后、未启动")?
            }
            // Excel holds a drop-down list of at most 255 characters: a longer list is only checked by luoshi.
            Field::Area if plan.areas.iter().map(|a| a.chars().count() + 1).sum::<usize>() <= 250 => {
                DataValidation::new().allow_list_strings(&plan.areas)?.set_error_message("请从下拉列表中选择任务清单的工作方面")?
            }
            f if f.is_number() => DataValidation::new()
                .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(-1e12))
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_error_message("这里只填阿拉伯数字（可带小数点），计量单位写在“计量单位”列")?,
            _ => DataValidation::new().allow_any_value(),
        };
        let dv = dv.ignore_blank(true).set_input_title(def.header)?.set_input_message(def.help)?;
        ws.add_data_validation(FIRST_DATA_ROW, c, last, c, &dv)?;
    }
    match password {
        Some(p) => ws.protect_with_password(p),
        None => ws.protect(),
    };
    ws.set_active(true);
    guide(&mut wb, &st)?;
    save_atomic(&mut wb, path)
}

/// 填报说明: what goes in each column, the allowed words, how to write numbers and dates.
fn guide(wb: &mut Workbook, st: &Styles) -> Result<()> {
    let mut rows: Vec<Vec<Val>> = FIELDS[..STANDARD_COLUMNS]
        .iter()
        .map(|d| {
            let aliases = if d.aliases.is_empty() { String::new() } else { d.aliases.join("、") };
            vec![Val::text(d.header), Val::text(d.help), Val::text(aliases)]
        })
        .collect();
    let general = [
        ("数字", "全年目标、节点目标、累计完成只填阿拉伯数字（可带小数点），按“计量单位”列的单位填写：写 222，不写“222个”；不要写“两百”“待统计”“/”。", ""),
        ("百分数", "增速类任务（计量单位为 %）的累计完成写数字，如 7.9 表示增长 7.9%；完成率可不填，单元格为百分比格式，输入 85 即为 85%。", ""),
        ("完成率与完成进度", "“完成率”是本单位填写的 累计完成÷全年目标；汇总表中的“完成进度”是系统按同一公式计算的结果，两者不一致时提示核对。", ""),
        ("日期", "2022-12-31、2022/12/31、2022.12.31、2022年12月31日、2022年6月底、6月底、年底前、上半年、三季度末；长期工作写“长期坚持”或“常态化”。", ""),
        ("状态", "从下拉列表选择：已完成、正常推进、滞后、未启动。", ""),
        ("同上", "可以写“同上”，系统按上一行填充，但建议直接填写完整内容。", ""),
        ("不要改动", "标题、表头和带底色以外的单元格已锁定；不要增删列、不要改列名。", ""),
    ];
    for (a, b, c) in general {
        rows.push(vec![Val::text(a), Val::text(b), Val::text(c)]);
    }
    write_table(
        wb,
        st,
        &TableSheet {
            name: GUIDE_SHEET,
            title: "任务分解表填报说明".into(),
            subtitle: Some("黄色底色的单元格由本单位填写；其余内容按任务清单预填，已锁定。".into()),
            columns: vec![ColSpec::new("列名", 12.0), ColSpec::wrap("填写说明", 70.0), ColSpec::wrap("也可写作", 30.0)],
            rows: rows.into(),
            paper: Paper::A4,
        },
    )?;
    Ok(())
}
