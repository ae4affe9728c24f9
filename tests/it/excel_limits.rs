//! Values Excel cannot hold never stop the outputs: a 40,000-character cell, `1e400` typed as
//! text, a date of 10000-01-01 and a 320-character unit name (files written by openpyxl, see
//! tests/fixtures/anomalies/make.py). Each is a located finding; every workbook is written, reads
//! back, and opens in LibreOffice. And when one workbook cannot be written, the others still are.

use crate::common::luoshi;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook_auto, Data, Reader};

fn anomalies() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/anomalies")
}

const MARK: &str = "…（超长，已截断）";

fn long_unit() -> String {
    format!("海城市{}督查办公室", "超长名称测试单位".repeat(39))
}

fn batch() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("2021-06");
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["腾鳌镇_2021-06.xlsx", "长名单位_2021-06.xlsx"] {
        std::fs::copy(anomalies().join(name), dir.join(name)).unwrap();
    }
    (t, dir)
}

fn with_units(cmd: &mut Command) -> &mut Command {
    cmd.arg("--units").arg(anomalies().join("units.toml"))
}

fn strings(path: &Path, sheet: &str) -> Vec<String> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range.rows().flat_map(|r| r.iter().filter_map(|c| if let Data::String(s) = c { Some(s.clone()) } else { None })).collect()
}

#[test]
fn each_value_excel_cannot_hold_is_a_located_finding() {
    let (_t, dir) = batch();
    let out = with_units(&mut luoshi()).args(["validate", "--format", "jsonl", "--fail-on", "never", "--period", "2021-06"]).arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let findings: Vec<serde_json::Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let at = |rule: &str, cell: &str| findings.iter().find(|f| f["rule"] == rule && f["cell"] == cell && f["unit"] == "腾鳌镇").cloned();
    let c09 = at("C09", "U5").expect("C09 at U5: the 40,000-character 进展情况");
    assert_eq!(c09["severity"], "warning");
    assert_eq!(c09["task_id"], "4.1.2");
    assert!(c09["message"].as_str().unwrap().contains("40006"), "{c09}");
    let c10 = at("C10", "K6").expect("C10 at K6: 累计完成 1e400");
    assert_eq!(c10["value"], "1e400");
    let c11 = at("C11", "T7").expect("C11 at T7: 完成时限 10000-01-01");
    assert!(c11["message"].as_str().unwrap().contains("10000-01-01"), "{c11}");
    // The long name is on the roster: recognised, not F05; its own slip is found at its cell.
    let long = long_unit();
    assert!(findings.iter().all(|f| f["rule"] != "F05"), "no F05");
    assert!(findings.iter().any(|f| f["rule"] == "C02" && f["unit"] == long.as_str() && f["cell"] == "G5"));
}

#[test]
fn every_output_is_written_and_opens() {
    let (t, dir) = batch();
    let out = t.path().join("out");
    let o = with_units(&mut luoshi()).arg("run").arg(&dir).arg("-o").arg(&out).args(["--period", "2021-06"]).output().unwrap();
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let summary = out.join("2021-06/汇总表_2021-06.xlsx");
    let report = out.join("2021-06/校验报告_2021-06.xlsx");
    let returns: Vec<PathBuf> = std::fs::read_dir(out.join("2021-06/退回")).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(summary.exists() && report.exists());
    assert_eq!(returns.len(), 2, "{returns:?}");
    // The long unit's return file has a name the file system takes, from the unit's name.
    let long_return = returns.iter().find(|p| !p.ends_with("腾鳌镇.xlsx")).unwrap();
    let stem = long_return.file_stem().unwrap().to_string_lossy().to_string();
    assert!(stem.starts_with("海城市超长名称测试单位") && stem.len() < 250, "{stem}");

    // The long text is in the 明细, cut within Excel's limit and marked.
    let detail = strings(&summary, "明细");
    let cut = detail.iter().find(|s| s.ends_with(MARK)).expect("the cut 进展情况 in 明细");
    assert!(cut.starts_with("推进情况良好。"));
    assert!(cut.encode_utf16().count() <= 32_767);
    // 1e400 is not summed, and written nowhere as a number Excel cannot hold.
    let mut wb = open_workbook_auto(&summary).unwrap();
    for sheet in wb.sheet_names() {
        let range = wb.worksheet_range(&sheet).unwrap();
        assert!(range.used_cells().all(|(_, _, c)| !matches!(c, Data::Float(f) if !f.is_finite() || f.abs() > 1e308)), "{sheet}");
    }
    // The report lists the three, with the cell.
    let problems = strings(&report, "问题清单");
    for rule in ["C09", "C10", "C11"] {
        assert!(problems.iter().any(|s| s == rule), "{rule} in 问题清单");
    }
    // 腾鳌镇's return file marks the cut cell and keeps the mark.
    let back = strings(&out.join("2021-06/退回/腾鳌镇.xlsx"), "任务分解表");
    assert!(back.iter().any(|s| s.ends_with(MARK)));

    if crate::common::have_soffice("every_output_is_written_and_opens (LibreOffice part)") {
        let books: Vec<PathBuf> = [summary, report].into_iter().chain(returns).collect();
        let csv = t.path().join("csv");
        crate::common::soffice_convert(&books, "csv", &csv, t.path());
        assert_eq!(std::fs::read_dir(&csv).unwrap().count(), books.len(), "LibreOffice opened every workbook");
    }
}

#[test]
fn a_workbook_that_cannot_be_written_costs_only_itself() {
    let (t, dir) = batch();
    let out = t.path().join("out");
    // A file where the 退回 folder should be: no return can be saved, the rest can.
    std::fs::create_dir_all(out.join("2021-06")).unwrap();
    std::fs::write(out.join("2021-06/退回"), "").unwrap();
    let o = with_units(&mut luoshi()).arg("run").arg(&dir).arg("-o").arg(&out).args(["--period", "2021-06"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("未能写出 2 个文件"), "{stdout}");
    assert!(stdout.contains("退回/腾鳌镇.xlsx：无法创建输出目录") && stdout.contains("退回：同名文件已存在"), "{stdout}");
    assert!(out.join("2021-06/校验报告_2021-06.xlsx").is_file());
    assert!(out.join("2021-06/汇总表_2021-06.xlsx").is_file());
    let leftovers: Vec<_> =
        std::fs::read_dir(out.join("2021-06")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).filter(|n| n.ends_with(".tmp")).collect();
    assert!(leftovers.is_empty(), "no half-written file: {leftovers:?}");
}

#[test]
fn a_folder_where_a_workbook_goes_is_kept_and_the_workbook_written_beside_it() {
    let (t, dir) = batch();
    let out = t.path().join("out");
    std::fs::create_dir_all(out.join("2021-06/汇总表_2021-06.xlsx")).unwrap();
    let o = with_units(&mut luoshi()).arg("run").arg(&dir).arg("-o").arg(&out).args(["--period", "2021-06"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("汇总表_2021-06.xlsx 不是 luoshi 写出的，保留原文件，新稿写为 汇总表_2021-06（新）.xlsx"), "{stdout}");
    assert!(out.join("2021-06/汇总表_2021-06.xlsx").is_dir());
    assert!(out.join("2021-06/汇总表_2021-06（新）.xlsx").is_file());
}
