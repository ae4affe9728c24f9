//! The meeting's paperwork: 催报 (`luoshi remind`), on monthly folders written by openpyxl.

use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};
use common::{ledger_fixtures as fixtures, ledger_periods, luoshi, output_text as text};

/// April and May complete; June without 营商局.
fn june_missing_one(root: &Path) -> PathBuf {
    ledger_periods(root, &["营商局"]).join("2021-06")
}

#[test]
fn remind_names_the_missing_unit_with_last_periods_contact_and_exits_1() {
    let t = tempfile::tempdir().unwrap();
    let june = june_missing_one(t.path());
    let out = t.path().join("out");
    let tasks = fixtures().join("tasks.toml");
    let o = luoshi().arg("--tasks").arg(&tasks).arg("remind").arg(&june).arg("-o").arg(&out).output().unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(1), "{said}");
    // The 填报人 and 联系电话 of its May form (metadata row), and the ready message.
    assert!(said.contains("营商局  未报送  周明    13941266830  1项"), "{said}");
    assert!(said.contains("【海城市政府督查室】营商局：2021年6月任务分解表尚未报送，请于6月28日前报送。"), "{said}");
    assert!(!said.contains("工信局  未报送"), "{said}");

    let mut wb = open_workbook_auto(out.join("催报清单_2021-06.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), vec!["催报清单"]);
    let range = wb.worksheet_range("催报清单").unwrap();
    let cell = |r: u32, c: u32| range.get_value((r, c)).map(|d| if let Data::Float(f) = d { format!("{f}") } else { d.to_string() }).unwrap_or_default();
    assert!(cell(1, 0).contains("尚未报送1个"), "{}", cell(1, 0));
    assert_eq!(cell(2, 1), "单位");
    assert_eq!((cell(3, 1), cell(3, 3), cell(3, 4), cell(3, 5), cell(3, 6)), ("营商局".into(), "未报送".into(), "周明".into(), "13941266830".into(), "2021年5月".into()));
    assert_eq!(cell(3, 8), "4.1");
    assert!(cell(3, 9).starts_with("【海城市政府督查室】营商局"));
    assert_eq!(range.height(), 4, "one unit, one row under the header");

    // A due date of the office's choosing, and wording of its own.
    let tpl = t.path().join("短信.txt");
    std::fs::write(&tpl, "{{ unit }}请于{{ due }}前报送{{ period }}表格（共{{ tasks }}项任务）").unwrap();
    let o = luoshi().arg("--tasks").arg(&tasks).arg("remind").arg(&june).arg("-o").arg(&out).args(["--due", "2021-06-25", "--remind-template"]).arg(&tpl).output().unwrap();
    assert!(text(&o).contains("营商局请于6月25日前报送2021年6月表格（共1项任务）"), "{}", text(&o));
    // A broken template: a Chinese message naming the line, exit 2, nothing chased.
    std::fs::write(&tpl, "第一行\n{{ unit }请报送").unwrap();
    let o = luoshi().arg("--tasks").arg(&tasks).arg("remind").arg(&june).arg("-o").arg(&out).arg("--remind-template").arg(&tpl).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("第2行"), "{}", text(&o));

    // Everyone in: exit 0.
    let may = june.parent().unwrap().join("2021-05");
    let o = luoshi().arg("--tasks").arg(&tasks).arg("remind").arg(&may).arg("-o").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("各单位都已报送"));
}

#[test]
fn remind_without_history_says_there_is_no_contact() {
    let t = tempfile::tempdir().unwrap();
    let june = june_missing_one(t.path());
    let o = luoshi().arg("--tasks").arg(fixtures().join("tasks.toml")).args(["remind", "--no-history"]).arg(&june).arg("-o").arg(t.path().join("out")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("营商局  未报送  （往期无记录）"), "{}", text(&o));
}

mod common;
