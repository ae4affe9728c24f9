//! Walks `tests/fixtures/expected.json` — workbooks written by openpyxl, XlsxWriter, xlwt and odfpy,
//! messy as real units make them — and holds luoshi to every finding and truth it lists.

use crate::common::fixtures;
use crate::common::luoshi;
use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixtures().join("expected.json")).unwrap()).unwrap()
}

fn findings() -> Vec<Value> {
    let out = luoshi()
        .args(["validate", "--format", "jsonl", "--fail-on", "never", "--period", "2021-06", "--tasks"])
        .arg(fixtures().join("tasks.toml"))
        .arg(fixtures().join("2021-06"))
        .output()
        .unwrap();
    assert!(out.status.success(), "validate failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn norm(v: &Value) -> String {
    v.as_str().map(|s| s.nfkc().collect::<String>().trim().to_string()).unwrap_or_default()
}

fn base(v: &Value) -> String {
    v.as_str().map(|s| s.rsplit('/').next().unwrap_or(s).to_string()).unwrap_or_default()
}

fn matches(exp: &Value, got: &Value) -> bool {
    let keys: Vec<&str> = exp["match"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
    keys.iter().all(|k| match *k {
        "rule" => exp["rule"] == got["rule"],
        "file" => base(&exp["file"]) == base(&got["file"]),
        "file_any" => got["file"].is_null() || exp["file_any"].as_array().unwrap().iter().any(|f| base(f) == base(&got["file"])),
        "cell" => {
            let cell = got["cell"].as_str().unwrap_or("").to_uppercase();
            exp["cell_any"].as_array().unwrap().iter().any(|c| c.as_str().unwrap().to_uppercase() == cell)
        }
        "task_id" => norm(&exp["task_id"]) == norm(&got["task_id"]),
        "unit" => norm(&exp["unit"]) == norm(&got["unit"]),
        other => panic!("unknown match key {other}"),
    })
}

#[test]
fn every_expected_finding_is_reported() {
    let got = findings();
    let exp = expected();
    let mut missing = Vec::new();
    for e in exp["findings"].as_array().unwrap() {
        if !got.iter().any(|g| matches(e, g)) {
            missing.push(format!("{} {} {} {}", e["id"], e["rule"], e["file"], e["note"]));
        }
    }
    assert!(missing.is_empty(), "not reported:\n{}", missing.join("\n"));
}

#[test]
fn findings_have_the_spec_keys_and_say_where() {
    for g in findings() {
        let obj = g.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["cell", "column", "file", "message", "row", "rule", "severity", "sheet", "task_id", "unit", "value"]);
        let rule = g["rule"].as_str().unwrap();
        if rule.starts_with('C') || rule == "L01" || rule == "L02" {
            let cell = g["cell"].as_str().expect("cell findings name their cell");
            assert!(cell.chars().next().unwrap().is_ascii_uppercase(), "{g}");
            assert!(g["row"].as_u64().unwrap() >= 1);
        }
        assert!(g["message"].as_str().unwrap().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "message in Chinese: {g}");
    }
}

#[test]
fn clean_files_have_no_errors() {
    let got = findings();
    for m in expected()["must_not"].as_array().unwrap() {
        let file = m["file"].as_str().unwrap();
        let errors: Vec<&Value> =
            got.iter().filter(|g| base(&g["file"]) == file && g["severity"] == "error" && !g["rule"].as_str().unwrap().starts_with('V')).collect();
        assert!(errors.is_empty(), "{file} must have no error, got {errors:#?}");
    }
}

#[test]
fn broken_files_give_one_f01_each_and_the_lock_file_is_skipped() {
    let got = findings();
    for file in ["析木镇_2021-06.xlsx", "南台镇_2021-06.xlsx", "接文镇_2021-06.xlsx", "新建 XLSX 工作表.xlsx"] {
        let f01: Vec<&Value> = got.iter().filter(|g| base(&g["file"]) == file).collect();
        assert_eq!(f01.len(), 1, "{file}: {f01:#?}");
        assert_eq!(f01[0]["rule"], "F01");
    }
    let reason = |file: &str| got.iter().find(|g| base(&g["file"]) == file).unwrap()["message"].as_str().unwrap().to_string();
    assert!(reason("析木镇_2021-06.xlsx").contains("加密"));
    assert!(reason("南台镇_2021-06.xlsx").contains("损坏"));
    assert!(reason("接文镇_2021-06.xlsx").contains("文本"));
    assert!(reason("新建 XLSX 工作表.xlsx").contains("空文件"));
    assert!(!got.iter().any(|g| base(&g["file"]).starts_with("~$")));
}

fn read_sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    let (r0, c0) = range.start().unwrap();
    assert_eq!((r0, c0), (0, 0));
    range.rows().map(|r| r.to_vec()).collect()
}

fn number(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

fn header_index(rows: &[Vec<Data>], name: &str) -> (usize, usize) {
    for (r, row) in rows.iter().enumerate().take(30) {
        if let Some(c) = row.iter().position(|d| *d == name) {
            return (r, c);
        }
    }
    panic!("no header {name}");
}

#[test]
fn run_writes_the_truths_into_the_summary() {
    let out = tempfile::tempdir().unwrap();
    let st = luoshi()
        .args(["run", "--period", "2021-06", "--tasks"])
        .arg(fixtures().join("tasks.toml"))
        .arg(fixtures().join("2021-06"))
        .arg("-o")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let stdout = String::from_utf8_lossy(&st.stdout);
    assert!(stdout.contains("汇总表_2021-06.xlsx"), "{stdout}");
    let summary = out.path().join("2021-06/汇总表_2021-06.xlsx");
    assert!(out.path().join("2021-06/校验报告_2021-06.xlsx").exists());
    let rows = read_sheet(&summary, "任务汇总");
    let (hr, id_col) = header_index(&rows, "任务编号");
    let (_, actual_col) = header_index(&rows, "累计完成");
    let (_, target_col) = header_index(&rows, "全年目标");
    let exp = expected();
    for t in exp["truths"].as_array().unwrap() {
        let id = t["task_id"].as_str().unwrap();
        let row = rows[hr + 1..].iter().find(|r| r[id_col] == Data::String(id.into())).unwrap_or_else(|| panic!("row for {id}"));
        let actual = number(&row[actual_col]).unwrap_or_else(|| panic!("{id} actual is a number: {:?}", row[actual_col]));
        assert!((actual - t["actual"].as_f64().unwrap()).abs() < 1e-6, "{id}: {actual} vs {}", t["actual"]);
        let target = number(&row[target_col]).unwrap();
        assert!((target - t["target"].as_f64().unwrap()).abs() < 1e-9);
    }
    // One row per master task.
    let ids: Vec<String> = rows[hr + 1..].iter().map(|r| r[id_col].to_string()).filter(|s| !s.is_empty()).collect();
    assert_eq!(ids.len(), 20);
    // Every unit whose file was read appears in the detail sheet, and the newest 工信局 file won.
    let detail = read_sheet(&summary, "明细");
    let (dh, unit_col) = header_index(&detail, "单位");
    let (_, file_col) = header_index(&detail, "文件");
    for u in exp["units_submitted"].as_array().unwrap() {
        let u = u.as_str().unwrap();
        assert!(detail[dh + 1..].iter().any(|r| r[unit_col] == u), "{u} in 明细");
    }
    let newest = &exp["newest"];
    assert!(detail[dh + 1..].iter().all(|r| r[file_col] != newest["superseded_file"].as_str().unwrap()));
}
