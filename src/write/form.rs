//! The standard 任务分解表 layout (SPEC §2): merged title, 填报单位/报送期次 row, a two-row header
//! with 节点目标 and 责任落实 over their sub-columns, then one row per task. The sample batch,
//! the templates and the 退回 files all write it, so what luoshi hands out it reads back.

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::style::{heading_span, merge_or_write, print_readable, row_height, safe, text_units, wrapped_lines, Paper, Styles, Val, MEETING_SCALE};
use crate::fields::{Field, FIELDS, STANDARD_COLUMNS};
use crate::period::Period;

pub const SHEET: &str = "任务分解表";
/// 0-based row of the first data row (Excel row 5).
pub const FIRST_DATA_ROW: u32 = 4;

/// Sheet column of a field in the standard layout.
pub fn column(f: Field) -> u16 {
    f.index() as u16
}

/// The form's title: the action's, as the task list names it (某市政府系统抓落实专项行动任务分解表).
pub fn title(plan: &crate::plan::Plan) -> String {
    format!("{}任务分解表", plan.title)
}

/// Write the standard sheet under `title` ([`title`]): `rows` hold one value per standard column (序号 … 状态).
pub fn write_form<'w>(wb: &'w mut Workbook, st: &Styles, title: &str, unit: &str, period: Period, rows: &[Vec<Val>]) -> Result<&'w mut Worksheet, XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    // Printed several A3 pages wide with 任务编号…重点任务 on each: the title and the unit stand
    // there when they fit (whole on every page), never across a page edge.
    let widths: Vec<f64> = FIELDS[..STANDARD_COLUMNS].iter().map(|d| d.width).collect();
    let key = (column(Field::TaskId) as usize, column(Field::Task) as usize);
    let (a, b) = heading_span(&widths, key, Paper::A3, MEETING_SCALE, text_units(title, 16.0));
    merge_or_write(ws, 0, (a, b), title, if a == key.0 as u16 { &st.title_left } else { &st.title })?;
    ws.set_row_height(0, 30)?;
    let who = format!("填报单位：{unit}");
    let (a, _) = heading_span(&widths, key, Paper::A3, MEETING_SCALE, text_units(&who, 10.0));
    ws.write_string_with_format(1, if a == key.0 as u16 { a } else { 0 }, &*safe(&who), &st.subtitle)?;
    ws.write_string_with_format(1, 5, format!("报送期次：{}", period.chinese()), &st.subtitle)?;
    ws.write_string_with_format(1, 12, "填报人：", &st.subtitle)?;
    ws.write_string_with_format(1, 17, "联系电话：", &st.subtitle)?;
    for def in &FIELDS[..STANDARD_COLUMNS] {
        let c = column(def.field);
        match def.field.group() {
            Some(_) => ws.write_string_with_format(3, c, def.header, &st.header)?,
            None => ws.merge_range(2, c, 3, c, def.header, &st.header)?,
        };
        ws.set_column_width(c, def.width)?;
    }
    ws.merge_range(2, column(Field::Q1), 2, column(Field::Q3), "节点目标", &st.header)?;
    ws.merge_range(2, column(Field::Leader), 2, column(Field::Person), "责任落实", &st.header)?;
    for (i, row) in rows.iter().enumerate() {
        let r = FIRST_DATA_ROW + i as u32;
        // Viewers do not grow a row for wrapped text: size it to its tallest cell, with a line to spare.
        let lines = row
            .iter()
            .enumerate()
            .take(STANDARD_COLUMNS)
            .filter(|(c, _)| FIELDS[*c].field.is_long_text() || FIELDS[*c].field == Field::Task)
            .map(|(c, v)| wrapped_lines(v, FIELDS[c].width))
            .max()
            .unwrap_or(1);
        if lines > 1 {
            ws.set_row_height(r, row_height(lines))?;
        }
        for (c, v) in row.iter().enumerate().take(STANDARD_COLUMNS) {
            let wrap = FIELDS[c].field.is_long_text() || FIELDS[c].field == Field::Task;
            let fmt = if wrap { &st.wrap } else { &st.text };
            match v {
                Val::Empty => ws.write_blank(r, c as u16, fmt)?,
                Val::Text(s) => ws.write_string_with_format(r, c as u16, &*safe(s), fmt)?,
                Val::Num(x, f) => ws.write_number_with_format(r, c as u16, *x, &st.number(f))?,
                Val::Pct(x) => ws.write_number_with_format(r, c as u16, *x, &st.pct)?,
                Val::Fill(s, rgb) => ws.write_string_with_format(r, c as u16, &*safe(s), &st.fill(fmt, *rgb))?,
            };
        }
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, column(Field::Task) + 1)?;
    // As many A3 pages wide as 小五 needs, 任务编号…重点任务 on each: one page would print at 5 pt.
    print_readable(ws, Paper::A3, 3, &widths, key, MEETING_SCALE)?;
    Ok(ws)
}

/// A unit's tasks from the master list, pre-filled as the office hands them out: 任务编号, 工作方面,
/// 重点任务, 指标名称, 计量单位, the unit's share of the target, node targets, 牵头单位, 责任单位, 完成时限.
pub fn prefilled_rows(plan: &crate::plan::Plan, unit: &str) -> Vec<Vec<Val>> {
    plan.tasks_of(unit)
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let mut row = vec![Val::Empty; STANDARD_COLUMNS];
            let mut set = |f: Field, v: Val| row[column(f) as usize] = v;
            let uom = t.uom.clone().unwrap_or_default();
            set(Field::Seq, Val::Num((i + 1) as f64, "0"));
            set(Field::TaskId, Val::text(&t.id));
            set(Field::Area, Val::text(&t.area));
            set(Field::Task, Val::text(&t.name));
            set(Field::Indicator, Val::text(t.indicator.clone().unwrap_or_default()));
            if t.kind.quantified() {
                set(Field::Uom, Val::text(&uom));
                set(Field::Target, Val::figure(t.unit_target(unit), &uom));
                let nodes = t.unit_nodes(unit);
                for (q, f) in [Field::Q1, Field::Q2, Field::Q3].into_iter().enumerate() {
                    set(f, Val::figure(nodes[q], &uom));
                }
            }
            set(Field::LeadUnit, Val::text(&t.lead_unit));
            set(Field::RespUnit, Val::text(unit));
            set(Field::Deadline, Val::text(&t.deadline_text));
            row
        })
        .collect()
}

/// A submission's rows as the unit wrote them, in the standard column order.
pub fn submitted_rows(sub: &crate::normalise::Submission) -> Vec<Vec<Val>> {
    sub.rows
        .iter()
        .map(|r| {
            FIELDS[..STANDARD_COLUMNS]
                .iter()
                .map(|d| {
                    let t = r.get(d.field);
                    match (d.field, r.rate) {
                        // A percentage is a number with a % format, never text glued to its neighbour.
                        (Field::Rate, Some(rate)) => Val::Pct(rate / 100.0),
                        _ => match t.parse::<f64>() {
                            // A whole 序号 centred, as on the handed-out form: never "14.5.1" beside 任务编号.
                            Ok(v) if d.field == Field::Seq && v.fract() == 0.0 => Val::Num(v, "0"),
                            Ok(v) if d.field.is_number() || d.field == Field::Seq => Val::Num(v, "General"),
                            _ => Val::text(t),
                        },
                    }
                })
                .collect()
        })
        .collect()
}
