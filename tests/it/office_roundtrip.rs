//! "Same content, another writer": the fixtures re-saved by LibreOffice as .xlsx, .xls and .ods
//! give the same findings (rule, file, cell) and the same 任务汇总 as the originals. This is where
//! merged cells in .ods and percent formats in .xls/.ods are held to what .xlsx gives.

use crate::common::fixtures;
use crate::common::luoshi;
use std::collections::BTreeSet;
use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

/// Findings as (rule, file stem, cell, unit): the extension is the one thing a re-save changes.
fn findings(dir: &Path) -> BTreeSet<(String, String, String, String)> {
    let out = luoshi()
        .args(["validate", "--format", "jsonl", "--fail-on", "never", "--period", "2021-06", "--tasks"])
        .arg(fixtures().join("tasks.toml"))
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            let stem = Path::new(&s("file")).file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            (s("rule"), stem, s("cell"), s("unit"))
        })
        .collect()
}

fn strip_ext(s: &str) -> String {
    let mut s = s.to_string();
    for ext in [".xlsx", ".xls", ".ods"] {
        s = s.replace(ext, "");
    }
    s
}

/// Every cell of the 任务汇总 sheet, as text, file extensions removed.
fn task_summary(dir: &Path, out: &Path) -> Vec<Vec<String>> {
    let o =
        luoshi().arg("consolidate").arg(dir).arg("-o").arg(out).args(["--period", "2021-06", "--tasks"]).arg(fixtures().join("tasks.toml")).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut wb = open_workbook_auto(out).unwrap();
    let range = wb.worksheet_range("任务汇总").unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => format!("{:.6}", f),
                    other => strip_ext(&other.to_string()),
                })
                .collect()
        })
        .collect()
}

#[test]
fn libreoffice_resaved_fixtures_read_the_same() {
    if !crate::common::have_soffice("libreoffice_resaved_fixtures_read_the_same") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    // The files LibreOffice can open at all (the encrypted, truncated and empty ones cannot).
    let originals = t.path().join("original");
    std::fs::create_dir_all(&originals).unwrap();
    let unopenable = ["析木镇_2021-06.xlsx", "南台镇_2021-06.xlsx", "接文镇_2021-06.xlsx", "新建 XLSX 工作表.xlsx"];
    let mut files = Vec::new();
    for e in std::fs::read_dir(fixtures().join("2021-06")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("~$") || unopenable.contains(&name.as_str()) {
            continue;
        }
        let copy = originals.join(&name);
        std::fs::copy(&p, &copy).unwrap();
        files.push(copy);
    }
    assert!(files.len() >= 14, "fixtures copied: {}", files.len());
    let want = findings(&originals);
    // The planted problems are there to be compared: .xls, .ods, merged cells, percentages.
    assert!(want.iter().any(|f| f.0 == "L08" && f.1 == "西四镇_2021-06"), "{want:?}");
    let want_summary = task_summary(&originals, &t.path().join("汇总_original.xlsx"));
    for to in ["xlsx", "xls", "ods"] {
        let dir = t.path().join(to);
        crate::common::soffice_convert(&files, to, &dir, t.path());
        let n = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(n, files.len(), "LibreOffice wrote every file as .{to}");
        let got = findings(&dir);
        let missing: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        assert!(missing.is_empty() && extra.is_empty(), ".{to}: missing {missing:?}\nextra {extra:?}");
        let summary = task_summary(&dir, &t.path().join(format!("汇总_{to}.xlsx")));
        assert_eq!(summary.len(), want_summary.len(), ".{to}: 任务汇总 rows");
        for (a, b) in want_summary.iter().zip(&summary) {
            assert_eq!(a, b, ".{to}: 任务汇总 row differs");
        }
    }
}
