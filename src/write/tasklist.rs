//! The task list as the office's Excel workbook (设置 / 任务清单 / 单位名单): what `luoshi tasks
//! --format xlsx` writes for the office to edit, and what `--tasks` reads back as the same list.
//! Not marked as luoshi's output: it is an input the office keeps.

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{Format, Workbook};

use super::save_atomic;
use super::style::{print_setup, Paper};
use crate::plan::{ListCell, Plan, TASK_COLUMNS, UNIT_COLUMNS};

pub fn write_task_list(path: &Path, plan: &Plan) -> Result<()> {
    let mut wb = Workbook::new();
    let head = Format::new().set_bold().set_background_color("D9E1F2").set_border(rust_xlsxwriter::FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top);

    let ws = wb.add_worksheet();
    ws.set_name("设置")?;
    ws.write_row_with_format(0, 0, ["项目", "内容"], &head)?;
    ws.write_string(1, 0, "年度")?;
    ws.write_number(1, 1, plan.year as f64)?;
    let areas = plan.areas.join("、");
    let groups = plan.roster.groups.all().iter().map(|g| g.label()).collect::<Vec<_>>().join("、");
    let words = [
        ("地区", &plan.city),
        ("发文机关", &plan.issuer),
        ("督查机构", &plan.office),
        ("范围", &plan.scope),
        ("层级", &plan.level),
        ("专项行动", &plan.title),
        ("单位类别", &groups),
        ("工作方面", &areas),
    ];
    for (r, (key, value)) in words.into_iter().enumerate() {
        ws.write_string(r as u32 + 2, 0, key)?;
        ws.write_string(r as u32 + 2, 1, crate::excel::clamp_text(value, crate::excel::MAX_CELL_TEXT).as_ref())?;
    }
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 50)?;

    let ws = wb.add_worksheet();
    ws.set_name("任务清单")?;
    ws.write_row_with_format(0, 0, TASK_COLUMNS, &head)?;
    for (r, t) in plan.tasks.iter().enumerate() {
        for (c, cell) in t.list_cells().into_iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match cell {
                ListCell::Text(s) => ws.write_string_with_format(r, c, crate::excel::clamp_text(&s, crate::excel::MAX_CELL_TEXT).as_ref(), &wrap)?,
                ListCell::Number(v) if crate::excel::number_fits(v) => ws.write_number(r, c, v)?,
                ListCell::Number(v) => ws.write_string(r, c, crate::values::fmt_num(v))?,
                ListCell::Empty => ws,
            };
        }
    }
    for (c, w) in [8, 12, 28, 14, 8, 8, 9, 9, 7, 7, 7, 11, 11, 30].into_iter().enumerate() {
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_freeze_panes(1, 1)?;
    // Printed for the meeting that adopts it: A3, one page wide at about full size, header on every page.
    print_setup(ws, Paper::A3, 0)?;
    ws.autofilter(0, 0, plan.tasks.len() as u32, TASK_COLUMNS.len() as u16 - 1)?;

    let ws = wb.add_worksheet();
    ws.set_name("单位名单")?;
    ws.write_row_with_format(0, 0, UNIT_COLUMNS, &head)?;
    for (r, u) in plan.roster.units.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, &u.name)?;
        ws.write_string(r, 1, u.group.label())?;
        ws.write_string(r, 2, u.aliases.join("、"))?;
    }
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 10)?;
    ws.set_column_width(2, 50)?;
    ws.set_freeze_panes(1, 0)?;
    print_setup(ws, Paper::A4, 0)?;
    save_atomic(&mut wb, path)
}
