//! The task list as the office's Excel workbook (设置 / 任务清单 / 单位名单): what `luoshi tasks
//! --format xlsx` writes for the office to edit, and what `--tasks` reads back as the same list.
//! Not marked as luoshi's output: it is an input the office keeps.

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{Format, Workbook};

use super::save_atomic;
use super::style::{print_setup, Paper};
use crate::plan::{ListCell, Plan, TASK_COLUMNS, UNIT_COLUMNS, UPPER_COLUMNS};

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
    let mut words: Vec<(&str, &str)> = words.into_iter().map(|(k, v)| (k, v.as_str())).collect();
    if let Some(u) = &plan.upper {
        words.extend([("上级", u.city.as_str()), ("上级专项行动", u.title.as_str()), ("本级名称", u.unit.as_str())]);
    }
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
    for (c, w) in [8, 12, 28, 14, 8, 8, 9, 9, 7, 7, 7, 11, 11, 30, 10, 24, 10, 10, 10, 13].into_iter().enumerate() {
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

    // A derived list: what the level above allocated, kept as it was (the checks' yardstick).
    if let Some(u) = &plan.upper {
        let ws = wb.add_worksheet();
        ws.set_name("上级任务")?;
        ws.write_row_with_format(0, 0, UPPER_COLUMNS, &head)?;
        for (r, t) in u.tasks.iter().enumerate() {
            let r = r as u32 + 1;
            let texts = [(0, &t.id), (1, &t.area), (2, &t.name), (11, &t.deadline_text), (12, &t.lead_unit)];
            for (c, v) in texts {
                ws.write_string_with_format(r, c, v, &wrap)?;
            }
            for (c, v) in [(3, &t.indicator), (4, &t.uom)] {
                if let Some(v) = v {
                    ws.write_string(r, c, v)?;
                }
            }
            ws.write_string(r, 5, t.kind.label())?;
            for (c, v) in [(6, t.target), (7, t.stretch), (8, t.nodes[0]), (9, t.nodes[1]), (10, t.nodes[2])] {
                if let Some(v) = v.filter(|v| crate::excel::number_fits(*v)) {
                    ws.write_number(r, c, v)?;
                }
            }
        }
        for (c, w) in [10, 12, 30, 14, 8, 8, 9, 9, 7, 7, 7, 11, 11].into_iter().enumerate() {
            ws.set_column_width(c as u16, w)?;
        }
        ws.set_freeze_panes(1, 1)?;
        print_setup(ws, Paper::A4, 0)?;
        // Read-only in Excel (no password): changing it would move the yardstick of 减码.
        ws.protect();
    }
    save_atomic(&mut wb, path)
}
