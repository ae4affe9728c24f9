//! The values read from the fixtures, after parsing and unit conversion — not only the absence of errors.

use std::path::PathBuf;

use chrono::NaiveDate;
use luoshi::fields::Field;
use luoshi::normalise::{Submission, TaskRow};
use luoshi::pipeline::{process, Batch};
use luoshi::plan::Plan;
use luoshi::values::DeadlineValue;

fn batch() -> Batch {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let plan = Plan::load(Some(&dir.join("tasks.toml")), None).unwrap();
    let opts = luoshi::pipeline::Options { period: Some("2021-06".into()), ..Default::default() };
    process(&plan, &[dir.join("2021-06")], &opts).unwrap()
}

fn sub<'a>(b: &'a Batch, file: &str) -> &'a Submission {
    b.submissions.iter().find(|s| s.file == file).unwrap_or_else(|| panic!("{file} read"))
}

fn row<'a>(s: &'a Submission, id: &str) -> &'a TaskRow {
    s.rows.iter().find(|r| r.task_id() == id).unwrap_or_else(|| panic!("{} {id}", s.file))
}

fn date(y: i32, m: u32, d: u32) -> Option<DeadlineValue> {
    Some(DeadlineValue::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap()))
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn numbers_are_converted_to_the_master_uom() {
    let b = batch();
    let xiliu = sub(&b, "西柳镇_2021年6月.xlsx");
    let farm = row(xiliu, "4.6.1");
    assert!(close(farm.target, 0.5), "5000亩 → 0.5万亩: {:?}", farm.target);
    assert!(close(farm.actual, 0.26), "2600亩 → 0.26万亩: {:?}", farm.actual);
    assert!(close(row(xiliu, "4.1.2").actual, 12.0), "全角１２");
    let fgj = sub(&b, "发改局_2021-06.xlsx");
    assert!(close(row(fgj, "2.1").actual, 8.5), "85000万元 → 8.5亿元");
    assert!(close(row(fgj, "1.1").actual, 7.9), "0.079 shown as 7.9%");
    assert!(close(row(fgj, "1.1").target, 6.5), "“6.5%”");
    assert!(close(row(fgj, "2.3").target, 1299.0), "“1,299”");
    assert_eq!(row(fgj, "2.3").actual, None, "汉字数字 is not a number, never 0");
    let xisi = sub(&b, "西四镇_2021-06.ods");
    assert!(close(row(xisi, "4.6.1").target, 2.0));
    assert!(close(row(xisi, "4.6.1").actual, 0.8));
    let zone = sub(&b, "海城经济开发区_2021-06.xlsx");
    assert_eq!(zone.sheet, "Sheet1");
    assert!(close(row(zone, "2.1").actual, 43.6));
    assert!(close(row(zone, "4.1.2").actual, 22.0));
    let gx = sub(&b, "工信局_2021-06（更正版）.xlsx");
    assert!(close(row(gx, "4.1.2").actual, 96.0));
    assert!(close(row(gx, "1.3").actual, 10.8));
}

#[test]
fn dates_and_phrases_are_read() {
    let b = batch();
    let gx = sub(&b, "工信局_2021-06（更正版）.xlsx");
    assert_eq!(row(gx, "4.1.2").deadline, date(2021, 12, 31), "2021.12.31");
    let pl = sub(&b, "牌楼镇_2021-06.xls");
    assert_eq!(row(pl, "2.1").deadline, date(2021, 6, 30), "serial 44377");
    let xiliu = sub(&b, "西柳镇_2021年6月.xlsx");
    let deadlines: Vec<_> = xiliu.rows.iter().map(|r| r.deadline).collect();
    assert!(deadlines.contains(&date(2021, 6, 30)), "上半年/6月底");
    assert!(deadlines.contains(&date(2021, 12, 31)), "年底前");
    assert!(deadlines.contains(&Some(DeadlineValue::Ongoing)), "长期坚持");
    let tengao = sub(&b, "腾鳌镇_2021-06.xlsx");
    assert_eq!(row(tengao, "4.1.2").deadline, date(2021, 12, 31), "date cell");
}

#[test]
fn merged_cells_ditto_marks_and_multiline_text() {
    let b = batch();
    let tengao = sub(&b, "腾鳌镇_2021-06.xlsx");
    assert_eq!(tengao.unit.as_deref(), Some("腾鳌镇"));
    let leads: Vec<&str> = tengao.rows[2..6].iter().map(|r| r.get(Field::LeadUnit)).collect();
    assert_eq!(leads, vec!["农业农村局"; 4], "牵头单位 merged down four rows");
    assert_eq!(tengao.rows.len(), 7, "the trailing 备注 row is not a task");
    assert!(row(tengao, "4.6.6").get(Field::Progress).contains('\n'), "line breaks kept");
    let pl = sub(&b, "牌楼镇_2021-06.xls");
    let r = row(pl, "4.5.4");
    assert!(!r.get(Field::Leader).is_empty() && r.get(Field::Leader) != "〃");
    assert_eq!(r.get(Field::Leader), pl.rows[0].get(Field::Leader));
    let mz = sub(&b, "民政局_2021-06.xlsx");
    assert_eq!(row(mz, "5.7.1").get(Field::LeadUnit), "民政局", "同上");
}

#[test]
fn units_are_identified_in_order() {
    let b = batch();
    assert_eq!(sub(&b, "农业农村局-6月任务分解表.xlsx").unit.as_deref(), Some("农业农村局"), "from the file name");
    assert_eq!(sub(&b, "6月份任务分解表.xlsx").unit.as_deref(), Some("人社局"), "from 责任单位");
    assert_eq!(sub(&b, "市场监管局_2021-06.xlsx").unit, None, "not on the roster");
    let old = sub(&b, "工信局_2021-06.xlsx");
    assert_eq!(old.superseded_by.as_deref(), Some("工信局_2021-06（更正版）.xlsx"));
}
