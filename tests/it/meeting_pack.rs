//! The 月调度 meeting pack (汇总表) and the validation report, read back like a person would.

use crate::common::root;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use calamine::{open_workbook_auto, Data, Reader};

fn run_samples(out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_luoshi")).arg("run").arg(root().join("samples/2021-06")).arg("-o").arg(out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb = open_workbook_auto(path).unwrap();
    wb.worksheet_range(name).unwrap().rows().map(|r| r.to_vec()).collect()
}

fn num(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

fn col(rows: &[Vec<Data>], name: &str) -> (usize, usize) {
    for (r, row) in rows.iter().enumerate().take(30) {
        if let Some(c) = row.iter().position(|d| *d == name) {
            return (r, c);
        }
    }
    panic!("no column {name}");
}

fn zip_part(path: &Path, part: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(part).unwrap_or_else(|_| panic!("{part}")).read_to_string(&mut s).unwrap();
    s
}

/// 累计完成 of one task summed straight from the sample files (standard layout: B 任务编号, K 累计完成).
fn sum_from_samples(task: &str) -> f64 {
    let mut total = 0.0;
    for e in std::fs::read_dir(root().join("samples/2021-06")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("~$") {
            continue;
        }
        let rows = sheet(&p, "任务分解表");
        for r in rows.iter().skip(4) {
            if r.get(1).map(|d| d.to_string()) == Some(task.to_string()) {
                total += num(&r[10]).unwrap_or_else(|| r[10].to_string().trim_end_matches(|c: char| !c.is_ascii_digit()).parse().unwrap_or(0.0));
            }
        }
    }
    total
}

#[test]
fn totals_match_the_sample_files() {
    let out = tempfile::tempdir().unwrap();
    run_samples(out.path());
    let book = out.path().join("2021-06/汇总表_2021-06.xlsx");
    let rows = sheet(&book, "任务汇总");
    let (hr, id) = col(&rows, "任务编号");
    let (_, actual) = col(&rows, "累计完成");
    let (_, light) = col(&rows, "亮灯");
    let value = |task: &str| rows[hr + 1..].iter().find(|r| r[id] == task).and_then(|r| num(&r[actual]));
    for task in ["4.1.2", "5.7.1", "4.5.4", "2.1"] {
        let expected = sum_from_samples(task);
        assert!((value(task).unwrap() - expected).abs() < 1e-6, "{task}: {:?} vs {expected}", value(task));
    }
    // Every row has a light word on a coloured cell.
    assert!(rows[hr + 1..].iter().all(|r| !r[light].to_string().is_empty()));
    let names = open_workbook_auto(&book).unwrap().sheet_names();
    assert_eq!(names, ["要情", "总览", "任务汇总", "分单位", "督办清单", "明细"]);
    // The agenda holds only red and yellow rows.
    let agenda = sheet(&book, "督办清单");
    let (ah, al) = col(&agenda, "亮灯");
    assert!(agenda.len() > ah + 1, "some task is behind in the samples");
    assert!(agenda[ah + 1..].iter().all(|r| ["严重滞后", "轻度滞后", "正常推进", "已完成", "未启动/无数据"].contains(&r[al].to_string().as_str())));
}

#[test]
fn charts_print_setup_and_frozen_panes_exist() {
    let out = tempfile::tempdir().unwrap();
    run_samples(out.path());
    let book = out.path().join("2021-06/汇总表_2021-06.xlsx");
    assert!(zip_part(&book, "xl/charts/chart1.xml").contains("barChart"));
    assert!(zip_part(&book, "xl/charts/chart2.xml").contains("barChart"), "column charts are barChart with barDir=col");
    let tasks = zip_part(&book, "xl/worksheets/sheet3.xml");
    assert!(tasks.contains(r#"orientation="landscape""#));
    assert!(tasks.contains(r#"paperSize="8""#), "A3");
    // Two pages wide at a set scale (小五 on paper), 任务编号…重点任务 repeated on the second.
    assert!(tasks.contains(r#"scale="9"#), "a scale of 90 % or more");
    assert!(zip_part(&book, "xl/workbook.xml").contains("任务汇总!$A:$C"), "the key columns on every page");
    assert!(tasks.contains(r#"state="frozen""#));
    assert!(tasks.contains("第 &amp;P 页 共 &amp;N 页"));
    assert!(tasks.contains("<autoFilter"));
    assert!(zip_part(&book, "xl/workbook.xml").contains("_xlnm.Print_Titles"));
}

#[test]
fn same_input_gives_identical_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run_samples(a.path());
    run_samples(b.path());
    for f in ["2021-06/汇总表_2021-06.xlsx", "2021-06/校验报告_2021-06.xlsx", "2021-06/退回/发改局.xlsx"] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        let y = std::fs::read(b.path().join(f)).unwrap();
        assert!(x == y, "{f} differs between two runs");
        // Written through a temporary file, but readable like any saved file, not private to its writer.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(a.path().join(f)).unwrap().permissions().mode();
            assert_eq!(mode & 0o044, 0o044, "{f} mode {mode:o}");
        }
    }
}

#[test]
fn growth_rates_are_never_summed() {
    use luoshi::fields::Field;
    use luoshi::pipeline::{process, Options};
    use luoshi::write::form::{column, prefilled_rows, write_form};
    use luoshi::write::style::{Styles, Val};
    let plan = luoshi::plan::Plan::from_toml(
        r#"
year = 2021
[[tasks]]
id = "1.1"
area = "重要指标"
name = "地区生产总值增长6.5%"
uom = "%"
target = 6.5
lead_unit = "发改局"
units = ["发改局", "腾鳌镇"]
"#,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let period = luoshi::period::Period { year: 2021, month: 6 };
    for (unit, v) in [("发改局", 7.0), ("腾鳌镇", 8.0)] {
        let mut rows = prefilled_rows(&plan, unit);
        rows[0][column(Field::Actual) as usize] = Val::Num(v, "0.0");
        let mut wb = luoshi::write::new_workbook("t", period);
        write_form(&mut wb, &Styles::new(), crate::common::FORM_TITLE, unit, period, &rows).unwrap();
        luoshi::write::save_atomic(&mut wb, &dir.path().join(format!("{unit}.xlsx"))).unwrap();
    }
    let batch = process(&plan, &[dir.path().to_path_buf()], &Options { period: Some("2021-06".into()), ..Default::default() }).unwrap();
    assert_eq!(batch.consolidated.tasks[0].actual, Some(7.0), "the lead unit's rate, not 15");
    let out = dir.path().join("汇总.xlsx");
    luoshi::write::summary::write_summary(&out, &plan, &batch).unwrap();
    let rows = sheet(&out, "任务汇总");
    let (hr, a) = col(&rows, "累计完成");
    assert_eq!(num(&rows[hr + 1][a]), Some(7.0));
}

/// A detail longer than 20,000 rows is written in constant memory on its own thread: every row
/// is still there, in order, with its provenance, figures as numbers and rates as fractions.
#[test]
fn a_long_detail_keeps_every_row_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("2021-06");
    std::fs::create_dir(&batch).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    ws.set_name("任务分解表").unwrap();
    for (c, h) in ["任务编号", "重点任务", "全年目标", "累计完成", "完成率", "进展情况", "状态"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let n = 25_000u32;
    for r in 1..=n {
        ws.write_string(r, 0, "4.1.1").unwrap();
        ws.write_string(r, 1, "加快推进项目建设").unwrap();
        ws.write_number(r, 2, 100.0).unwrap();
        ws.write_number(r, 3, r as f64).unwrap();
        ws.write_string(r, 4, "45%").unwrap();
        ws.write_string(r, 5, format!("第{r}行：截至6月底按序时推进。\n第二行说明")).unwrap();
        ws.write_string(r, 6, "正常推进").unwrap();
    }
    wb.save(batch.join("发改局.xlsx")).unwrap();
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_luoshi")).arg("run").arg(&batch).arg("-o").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let book = out.join("2021-06/汇总表_2021-06.xlsx");
    let names = open_workbook_auto(&book).unwrap().sheet_names();
    assert_eq!(names, ["要情", "总览", "任务汇总", "分单位", "督办清单", "明细"]);
    let rows = sheet(&book, "明细");
    let (hr, unit) = col(&rows, "单位");
    let (_, line) = col(&rows, "行号");
    let (_, actual) = col(&rows, "累计完成");
    let (_, rate) = col(&rows, "完成率");
    let (_, progress) = col(&rows, "进展情况");
    let (_, light) = col(&rows, "亮灯");
    let data = &rows[hr + 1..];
    assert_eq!(data.len(), n as usize, "every row read is in the detail");
    for (i, r) in data.iter().enumerate() {
        assert_eq!(num(&r[actual]), Some(i as f64 + 1.0), "row {i} out of order");
        assert_eq!(num(&r[line]), Some(i as f64 + 2.0), "sheet row number of row {i}");
    }
    let last = &data[n as usize - 1];
    assert_eq!(last[unit].to_string(), "发改局");
    assert_eq!(num(&last[rate]), Some(0.45), "rates are fractions shown as percentages");
    assert_eq!(last[progress].to_string(), format!("第{n}行：截至6月底按序时推进。\n第二行说明"));
    assert!(!last[light].to_string().is_empty());
    let xml = zip_part(&book, "xl/worksheets/sheet5.xml");
    assert!(xml.contains(r#"state="frozen""#) && xml.contains("<autoFilter"));
}
