//! 催报清单_<period>.xlsx — the units not yet reported, whom to call, what they owe, and the
//! message to paste into SMS or WeChat.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use super::style::{write_table, ColSpec, Paper, Styles, TableSheet, Val};
use super::{new_output_workbook, save_atomic};
use crate::period::Period;
use crate::plan::Plan;
use crate::remind::{Chase, Reminder};

pub const REMIND_SHEET: &str = "催报清单";

pub fn write_reminders(path: &Path, plan: &Plan, period: Period, due: NaiveDate, list: &[Reminder], due_units: usize) -> Result<()> {
    let mut wb = new_output_workbook(&format!("{}任务分解表催报清单", period.chinese()), period);
    let rows: Vec<Vec<Val>> = list
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let c = r.contact.clone().unwrap_or_default();
            vec![
                Val::Num((i + 1) as f64, "0"),
                Val::text(&r.unit),
                Val::text(&r.group),
                Val::text(r.state.label()),
                Val::text(if r.contact.is_some() { c.person } else { "（往期无报送记录，请查通讯录）".into() }),
                Val::text(c.phone),
                Val::text(r.contact_period.clone().unwrap_or_default()),
                Val::Num(r.tasks.len() as f64, "0"),
                Val::text(r.tasks.join("、")),
                Val::text(&r.message),
            ]
        })
        .collect();
    let missing = list.iter().filter(|r| r.state == Chase::NotSent).count();
    write_table(
        &mut wb,
        &Styles::new(),
        &TableSheet {
            name: REMIND_SHEET,
            title: format!("{}{}任务分解表催报清单", plan.city, period.chinese()),
            subtitle: Some(format!(
                "报送截止：{}　　应报单位{}个，尚未报送{}个、已报但无法使用{}个（下列{}个单位）",
                due.format("%Y年%-m月%-d日"),
                due_units,
                missing,
                list.len() - missing,
                list.len()
            )),
            columns: vec![
                ColSpec::new("序号", 5.0),
                ColSpec::new("单位", 14.0),
                ColSpec::new("类别", 10.0),
                ColSpec::new("情况", 12.0),
                ColSpec::new("填报人", 9.0),
                ColSpec::new("联系电话", 14.0),
                ColSpec::new("联系人取自", 10.0),
                ColSpec::new("应报任务数", 6.0),
                ColSpec::wrap("应报任务", 24.0),
                ColSpec::wrap("催报短信", 50.0),
            ],
            rows: rows.into(),
            paper: Paper::A4,
        },
    )?;
    save_atomic(&mut wb, path)
}
