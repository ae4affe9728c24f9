//! 退回 files: read back, the fills and notes sit at exactly the cells of the findings.

use crate::common::fixtures;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use calamine::{Reader, Xlsx};
use serde_json::Value;

fn run(out: &Path) -> Vec<Value> {
    let o = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(["run", "--period", "2021-06", "--tasks"])
        .arg(fixtures().join("tasks.toml"))
        .arg(fixtures().join("2021-06"))
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(["validate", "--format", "jsonl", "--fail-on", "never", "--period", "2021-06", "--tasks"])
        .arg(fixtures().join("tasks.toml"))
        .arg(fixtures().join("2021-06"))
        .output()
        .unwrap();
    String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// `K6` → `K7`: the fixture's data starts on row 4, the standard form's on row 5.
fn shifted(cell: &str) -> String {
    let split = cell.find(|c: char| c.is_ascii_digit()).unwrap();
    let row: u32 = cell[split..].parse().unwrap();
    format!("{}{}", &cell[..split], row + 1)
}

fn comment_refs(path: &Path) -> Vec<String> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    z.by_name("xl/comments1.xml").unwrap().read_to_string(&mut xml).unwrap();
    xml.split("<comment ref=\"").skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect()
}

fn a1(cell: &str) -> (u32, u32) {
    let split = cell.find(|c: char| c.is_ascii_digit()).unwrap();
    let col = cell[..split].bytes().fold(0u32, |n, b| n * 26 + (b - b'A' + 1) as u32) - 1;
    (cell[split..].parse::<u32>().unwrap() - 1, col)
}

#[test]
fn return_files_mark_exactly_the_problem_cells() {
    let out = tempfile::tempdir().unwrap();
    let findings = run(out.path());
    let path = out.path().join("2021-06/退回/发改局.xlsx");
    let mine: Vec<&Value> = findings.iter().filter(|f| f["file"] == "发改局_2021-06.xlsx" && f["cell"].is_string() && f["severity"] != "info").collect();
    assert!(mine.len() >= 4);
    let mut expected: Vec<String> = mine.iter().map(|f| shifted(f["cell"].as_str().unwrap())).collect();
    expected.sort();
    expected.dedup();
    let mut notes = comment_refs(&path);
    notes.sort();
    assert_eq!(notes, expected, "a note on every problem cell and nowhere else");

    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["退回意见", "任务分解表"]);
    let styles = wb.worksheet_style("任务分解表").unwrap();
    for f in &mine {
        let cell = shifted(f["cell"].as_str().unwrap());
        let fill = styles.get(a1(&cell)).and_then(|s| s.fill.as_ref()).and_then(|f| f.get_color()).map(|c| c.to_argb() & 0xFFFFFF);
        let want = if f["severity"] == "error" { 0xFFC7CE } else { 0xFFEB9C };
        assert_eq!(fill, Some(want), "{cell} filled for {}", f["rule"]);
    }
    // The values come back as the unit wrote them, and the form reads back as a submission.
    let form = wb.worksheet_range("任务分解表").unwrap();
    assert_eq!(form.get_value(a1("K7")).map(|d| d.to_string()), Some("一千一百亿".into()));
    let notice = wb.worksheet_range("退回意见").unwrap();
    let text: Vec<String> = notice.rows().flat_map(|r| r.iter().map(|d| d.to_string())).collect();
    assert!(text.iter().any(|t| t.contains("一千一百亿")));
}

#[test]
fn units_whose_file_failed_get_a_prefilled_form_and_clean_units_none() {
    let out = tempfile::tempdir().unwrap();
    run(out.path());
    let dir = out.path().join("2021-06/退回");
    let mut wb: Xlsx<_> = calamine::open_workbook(dir.join("析木镇.xlsx")).unwrap();
    let form = wb.worksheet_range("任务分解表").unwrap();
    let ids: Vec<String> = form.rows().skip(4).map(|r| r[1].to_string()).collect();
    assert_eq!(ids, ["4.6.6"], "析木镇's tasks pre-filled");
    assert!(!dir.join("腾鳌镇.xlsx").exists(), "a clean unit gets nothing back");
    assert!(!dir.join("市场监管局.xlsx").exists(), "only roster names become file names");
}

#[test]
fn the_return_says_where_by_task_and_column_and_the_fix_in_figures() {
    let t = tempfile::tempdir().unwrap();
    let o = crate::common::luoshi().arg("run").arg(crate::common::samples()).arg("-o").arg(t.path()).args(["--date", "2021-07-05"]).output().unwrap();
    assert!(o.status.success());
    let advice = |unit: &str| -> Vec<Vec<String>> { crate::common::sheet(&t.path().join(format!("2021-06/退回/{unit}.xlsx")), "退回意见") };
    // 住建局 wrote 4.5.3's words under 4.5.9: the number to write is said.
    let zj = advice("住建局");
    let row = zj.iter().find(|r| r.get(2).is_some_and(|c| c.contains("4.5.9"))).unwrap_or_else(|| panic!("{zj:?}"));
    assert_eq!(row[2], "任务4.5.9的“任务编号”", "a place that can be found on paper");
    assert!(row[3].contains("应为4.5.3") && row[4] == "把任务编号改为4.5.3", "{row:?}");
    // 自然资源局's target: the figure to write.
    let zr = advice("自然资源局");
    assert!(zr.iter().any(|r| r.get(2).is_some_and(|c| c == "任务4.7.2的“全年目标”") && r[4] == "把全年目标改为600"), "{zr:?}");
}
