//! The return a level sends up (`luoshi report-up`): the upper level's own 任务分解表 — its title,
//! its columns, one row per upper task allocated to this level, as the upper level's `template
//! --unit` hands it out — filled in, and a sheet 下级明细 with every row of the level below.
//! Not marked as luoshi's output: the level above reads it as an ordinary return.

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::Workbook;

use super::form::{column, prefilled_rows, write_form};
use super::save_atomic;
use super::style::{write_table, ColSpec, Paper, Rows, Styles, TableSheet, Val, WARNING_FILL};
use crate::fields::Field;
use crate::normalise::{LOWER_COLUMNS, LOWER_SHEET};
use crate::plan::Plan;
use crate::upward::UpReturn;

/// Write `ret` to `path`. `upper` is the upper level's list as this level knows it ([`crate::plan::Upper::as_plan`]).
pub fn write_return(path: &Path, upper: &Plan, ret: &UpReturn) -> Result<()> {
    let mut wb = Workbook::new();
    let st = Styles::new();
    let mut rows = prefilled_rows(upper, &ret.unit);
    for (row, r) in rows.iter_mut().zip(&ret.rows) {
        let mut set = |f: Field, v: Val| row[column(f) as usize] = v;
        let uom = r.task.uom.clone().unwrap_or_default();
        match (r.actual, r.own_missing) {
            (Some(v), _) => set(Field::Actual, Val::figure(Some(v), &uom)),
            // Left for the clerk, and shown: a rate is never a sum of the level below.
            (None, true) => set(Field::Actual, Val::Fill(String::new(), WARNING_FILL)),
            (None, false) => {}
        }
        if let Some(c) = r.completion {
            set(Field::Rate, Val::Pct(c / 100.0));
        }
        let a = &r.answer;
        for (f, v) in
            [(Field::Measures, &a.measures), (Field::Leader, &a.leader), (Field::Section, &a.office), (Field::Person, &a.person), (Field::Phone, &a.phone)]
        {
            if let Some(v) = v {
                set(f, Val::text(v));
            }
        }
        set(Field::Progress, Val::text(&r.progress));
        if !r.unused.is_empty() || r.own_missing {
            set(Field::Problems, Val::Fill(r.problems.clone(), WARNING_FILL));
        } else {
            set(Field::Problems, Val::text(&r.problems));
        }
        set(Field::Status, Val::text(r.status.label()));
    }
    let ws = write_form(&mut wb, &st, &ret.title, &ret.unit, ret.period, &rows)?;
    ws.write_string_with_format(1, 12, format!("填报人：{}", ret.person.as_deref().unwrap_or("")), &st.subtitle)?;
    ws.write_string_with_format(1, 17, format!("联系电话：{}", ret.phone.as_deref().unwrap_or("")), &st.subtitle)?;

    let lower = &ret.lower;
    let columns = LOWER_COLUMNS
        .iter()
        .map(|h| match *h {
            "单位" | "来源文件" => ColSpec::new(*h, 22.0),
            _ => ColSpec::new(*h, 12.0),
        })
        .collect();
    let table = TableSheet {
        name: LOWER_SHEET,
        title: format!("{}　{}下级明细", ret.unit, ret.period.chinese()),
        subtitle: Some("本表各行是下级报送、经校验汇总的数据（来源文件、行号可查）；数量、金额类任务的累计完成为同一上级任务编号各行之和".into()),
        columns,
        rows: Rows::Owned(
            lower
                .iter()
                .map(|l| {
                    vec![
                        Val::text(&l.unit),
                        Val::text(&l.task_id),
                        Val::text(l.upper_id.clone().unwrap_or_default()),
                        Val::num(l.target, "General"),
                        Val::num(l.actual, "General"),
                        Val::text(l.status.map(|s| s.label()).unwrap_or("")),
                        Val::text(&l.light),
                        Val::text(&l.file),
                        l.row.map_or(Val::Empty, |r| Val::Num(r as f64, "0")),
                    ]
                })
                .collect(),
        ),
        paper: Paper::A4,
    };
    write_table(&mut wb, &st, &table)?;
    save_atomic(&mut wb, path)
}
