//! Templates: what luoshi hands out comes back readable, locked where it should be.

use crate::common::luoshi;
use crate::common::root;
use std::io::Read;
use std::path::Path;

use calamine::{Reader, Xlsx};
use serde_json::Value;

fn findings_for(path: &Path) -> Vec<Value> {
    let o = luoshi().args(["validate", "--format", "jsonl", "--fail-on", "never", "--period", "2021-06"]).arg(path).output().unwrap();
    let file = path.display().to_string();
    String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str::<Value>(l).unwrap()).filter(|f| f["file"] == file.as_str()).collect()
}

fn part(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn a_fresh_unit_form_gives_only_c01_for_what_is_not_yet_filled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("腾鳌镇_2021-06.xlsx");
    let o = luoshi().args(["template", "--unit", "腾鳌镇", "--period", "2021-06", "-o"]).arg(&path).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let f = findings_for(&path);
    assert!(!f.is_empty());
    assert!(f.iter().all(|f| f["rule"] == "C01"), "{f:#?}");
    assert!(f.iter().all(|f| f["unit"] == "腾鳌镇"));
}

#[test]
fn a_form_filled_by_openpyxl_validates_clean_and_its_values_come_back() {
    let path = root().join("tests/fixtures/template/腾鳌镇_2021-06.xlsx");
    let f = findings_for(&path);
    assert!(f.is_empty(), "{f:#?}");
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(root().join("tests/fixtures/template/filled_values.json")).unwrap()).unwrap();
    let plan = luoshi::plan::Plan::builtin();
    let batch = luoshi::pipeline::process(&plan, &[path], &luoshi::pipeline::Options { period: Some("2021-06".into()), ..Default::default() }).unwrap();
    let sub = &batch.submissions[0];
    assert_eq!(sub.unit.as_deref(), Some("腾鳌镇"));
    for (id, v) in expected.as_object().unwrap() {
        let row = sub.rows.iter().find(|r| r.task_id() == id).unwrap();
        assert_eq!(row.actual, v.as_f64(), "{id}");
        assert_eq!(row.get(luoshi::fields::Field::Person), "李海波");
        assert_eq!(row.get(luoshi::fields::Field::Progress), "1.已完成年度计划的一半；\n2.正在推进剩余工作。");
    }
}

#[test]
fn protection_unlocked_inputs_lists_and_input_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    assert!(luoshi().args(["template", "--unit", "西柳镇", "--password", "hc2021", "--period", "2021-07", "-o"]).arg(&path).status().unwrap().success());
    let sheet = part(&path, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<sheetProtection"), "sheet protected");
    assert!(sheet.contains("password="), "with the password given");
    assert!(sheet.contains(r#"type="list""#) && sheet.contains("已完成,正常推进,滞后,未启动"));
    assert!(sheet.contains("重要指标,重大项目建设"));
    assert!(sheet.contains(r#"type="decimal""#));
    assert!(sheet.contains(r#"promptTitle="累计完成""#) && sheet.contains(r#"promptTitle="状态""#));
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["任务分解表", "填报说明"]);
    let styles = wb.worksheet_style("任务分解表").unwrap();
    let locked = |r: u32, c: u32| styles.get((r, c)).and_then(|s| s.protection.as_ref()).map(|p| p.locked).unwrap_or(true);
    assert!(!locked(4, 10), "累计完成 is an input");
    assert!(!locked(4, 23), "状态 is an input");
    assert!(locked(4, 1), "任务编号 is locked");
    assert!(locked(2, 1), "header is locked");
    let fill = styles.get((4, 10)).and_then(|s| s.fill.as_ref()).and_then(|f| f.get_color()).map(|c| c.to_argb() & 0xFFFFFF);
    assert_eq!(fill, Some(0xFFF2CC), "input cells are tinted");
    let form = wb.worksheet_range("任务分解表").unwrap();
    // Where every printed page repeats it: over 任务编号…重点任务.
    assert_eq!(form.get_value((1, 1)).map(|d| d.to_string()), Some("填报单位：西柳镇".into()));
}

#[test]
fn previous_period_figures_are_carried_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    let o = luoshi()
        .args(["template", "--unit", "发改局", "--period", "2021-07", "--previous"])
        .arg(root().join("samples/2021-06"))
        .arg("-o")
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let form = wb.worksheet_range("任务分解表").unwrap();
    assert_eq!(form.get_value((1, 5)).map(|d| d.to_string()), Some("报送期次：2021年7月".into()));
    let mut last: Xlsx<_> = calamine::open_workbook(root().join("samples/2021-06/发改局_2021-06.xlsx")).unwrap();
    let prev = last.worksheet_range("任务分解表").unwrap();
    // Row 5 is 1.1 in both: its 累计完成 and 进展情况 come across.
    assert_eq!(form.get_value((4, 1)), prev.get_value((4, 1)));
    assert_eq!(form.get_value((4, 10)), prev.get_value((4, 10)));
    assert_eq!(form.get_value((4, 20)), prev.get_value((4, 20)));
}

#[test]
fn blank_form_and_unknown_unit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("任务分解表.xlsx");
    assert!(luoshi().args(["template", "--period", "2021-07", "-o"]).arg(&path).status().unwrap().success());
    assert!(part(&path, "xl/worksheets/sheet1.xml").contains("<sheetProtection"));
    let o = luoshi().args(["template", "--unit", "火星镇", "--period", "2021-07"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("不在单位名单"));
}
