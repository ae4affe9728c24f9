//! Every rule on a workbook that triggers it, and on the clean batch that must not.
//! The batch is built here in the standard layout; each case changes one thing.

use std::path::Path;

use luoshi::fields::{Field, STANDARD_COLUMNS};
use luoshi::finding::Finding;
use luoshi::period::Period;
use luoshi::pipeline::{process, Options};
use luoshi::plan::Plan;
use luoshi::write::form::{column, write_form};
use luoshi::write::style::{Styles, Val};
use luoshi::write::{new_workbook, save_atomic};

const PLAN: &str = r#"
year = 2021
city = "海城市"

[[tasks]]
id = "4.1.2"
area = "重点攻坚任务"
name = "加强数字基础设施建设，新建5G基站222个"
indicator = "新建5G基站"
uom = "个"
target = 222
q1 = 40
q2 = 100
q3 = 170
deadline = "2021-12-31"
lead_unit = "工信局"
units = [{ name = "工信局", target = 150 }, { name = "腾鳌镇", target = 72 }]

[[tasks]]
id = "1.1"
area = "重要指标"
name = "地区生产总值增长6.5%"
uom = "%"
target = 6.5
q1 = 6.5
q2 = 6.5
q3 = 6.5
deadline = "2021-12-31"
lead_unit = "工信局"
units = ["工信局"]

[[tasks]]
id = "4.6.5"
area = "重点攻坚任务"
name = "加快推进腾鳌镇乡村振兴示范镇建设"
deadline = "2021-12-31"
lead_unit = "腾鳌镇"
units = ["腾鳌镇"]
"#;

use crate::common::{clean_rows, PERIOD};

fn plan() -> Plan {
    Plan::from_toml(PLAN).unwrap()
}

struct Case {
    rows: Vec<Vec<Val>>,
    /// Header cells to overwrite: (row, col, text).
    headers: Vec<(u32, u16, String)>,
}

fn write(dir: &Path, file: &str, unit: &str, case: &Case, period: Period) {
    let mut wb = new_workbook("任务分解表", period);
    let st = Styles::new();
    let ws = write_form(&mut wb, &st, crate::common::FORM_TITLE, unit, period, &case.rows).unwrap();
    for (r, c, t) in &case.headers {
        ws.write_string(*r, *c, t.as_str()).unwrap();
    }
    save_atomic(&mut wb, &dir.join(file)).unwrap();
}

fn clean(plan: &Plan, unit: &str) -> Case {
    Case { rows: clean_rows(plan, unit), headers: vec![] }
}

/// Run a batch of (file, unit, case) and return its findings.
fn run(files: Vec<(&str, &str, Case)>, previous: Option<Vec<(&str, &str, Case)>>) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    let cur = dir.path().join("2021-06");
    std::fs::create_dir_all(&cur).unwrap();
    for (file, unit, case) in &files {
        write(&cur, file, unit, case, PERIOD);
    }
    let mut opts = Options { period: Some("2021-06".into()), ..Default::default() };
    if let Some(prev) = previous {
        let p = dir.path().join("2021-05");
        std::fs::create_dir_all(&p).unwrap();
        for (file, unit, case) in &prev {
            write(&p, file, unit, case, PERIOD.previous());
        }
        opts.previous = Some(p);
    }
    process(&plan(), &[cur], &opts).unwrap().findings
}

fn batch_with(change: impl FnOnce(&mut Case, &mut Case)) -> Vec<Finding> {
    let p = plan();
    let mut t = clean(&p, "腾鳌镇");
    let mut g = clean(&p, "工信局");
    change(&mut t, &mut g);
    run(vec![("腾鳌镇_2021-06.xlsx", "腾鳌镇", t), ("工信局_2021-06.xlsx", "工信局", g)], None)
}

fn set(case: &mut Case, i: usize, f: Field, v: Val) {
    case.rows[i][column(f) as usize] = v;
}

fn rules(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule.code()).collect()
}

fn has(findings: &[Finding], rule: &str, cell: Option<&str>) -> bool {
    findings.iter().any(|f| f.rule == rule && (cell.is_none() || f.cell.as_deref() == cell))
}

#[test]
fn the_clean_batch_has_no_finding_at_all() {
    let f = batch_with(|_, _| {});
    assert!(f.is_empty(), "{f:#?}");
}

// Row 0 of 腾鳌镇 is 4.1.2 (Excel row 5), row 1 is 4.6.5 (row 6). 工信局: 4.1.2, 1.1.

#[test]
fn c01_required_value_empty() {
    let f = batch_with(|t, _| set(t, 1, Field::Person, Val::Empty));
    assert!(has(&f, "C01", Some("R6")), "{:?}", rules(&f));
}

#[test]
fn c01_qualitative_tasks_need_no_figures() {
    let f = batch_with(|_, _| {});
    assert!(!has(&f, "C01", None));
}

#[test]
fn c02_words_in_a_number_cell() {
    let f = batch_with(|t, _| set(t, 0, Field::Actual, Val::text("两百")));
    assert!(has(&f, "C02", Some("K5")), "{:?}", rules(&f));
    let ok = batch_with(|t, _| set(t, 0, Field::Actual, Val::text("３６个")));
    assert!(!has(&ok, "C02", None));
}

#[test]
fn c03_deadline_not_a_date() {
    let f = batch_with(|t, _| set(t, 1, Field::Deadline, Val::text("待定")));
    assert!(has(&f, "C03", Some("T6")));
    let ok = batch_with(|t, _| set(t, 1, Field::Deadline, Val::text("年底前")));
    assert!(!has(&ok, "C03", None));
}

#[test]
fn c04_status_and_area_words() {
    let f = batch_with(|t, _| {
        set(t, 1, Field::Status, Val::text("进行中"));
        set(t, 0, Field::Area, Val::text("重点工作"));
    });
    assert!(has(&f, "C04", Some("X6")) && has(&f, "C04", Some("C5")), "{:?}", rules(&f));
    let ok = batch_with(|t, _| set(t, 1, Field::Status, Val::text("按序时")));
    assert!(!has(&ok, "C04", None));
}

#[test]
fn c05_phone() {
    let f = batch_with(|t, _| set(t, 0, Field::Phone, Val::text("1394126683")));
    assert!(has(&f, "C05", Some("S5")));
    let ok = batch_with(|t, _| set(t, 0, Field::Phone, Val::text("0412-3123456")));
    assert!(!has(&ok, "C05", None));
}

#[test]
fn c06_error_value() {
    let f = batch_with(|t, _| set(t, 0, Field::Rate, Val::text("#DIV/0!")));
    assert!(has(&f, "C06", Some("L5")), "{:?}", rules(&f));
}

#[test]
fn c07_ditto_is_info_and_filled() {
    let f = batch_with(|t, _| set(t, 1, Field::Leader, Val::text("同上")));
    let c07 = f.iter().find(|f| f.rule == "C07").expect("C07");
    assert_eq!(c07.cell.as_deref(), Some("P6"));
    assert!(c07.message.contains("王建国"));
    assert!(!has(&f, "C01", None));
}

#[test]
fn c08_number_that_looks_like_a_date() {
    let f = batch_with(|t, _| set(t, 1, Field::Deadline, Val::Num(6.3, "General")));
    assert!(has(&f, "C08", Some("T6")), "{:?}", rules(&f));
    let ok = batch_with(|t, _| set(t, 1, Field::Deadline, Val::Num(44561.0, "General")));
    assert!(!has(&ok, "C08", None) && !has(&ok, "C03", None));
}

#[test]
fn l01_l02_task_ids() {
    let f = batch_with(|t, _| {
        let dup = t.rows[1].clone();
        t.rows.push(dup);
        set(t, 0, Field::TaskId, Val::text("9.9"));
    });
    assert!(has(&f, "L01", Some("B5")));
    assert!(has(&f, "L02", Some("B7")));
}

#[test]
fn l03_nodes_go_down() {
    let f = batch_with(|t, _| set(t, 0, Field::Q1, Val::Num(50.0, "0")));
    assert!(has(&f, "L03", Some("H5")), "{:?}", rules(&f));
}

#[test]
fn l04_far_beyond_target() {
    let f = batch_with(|t, _| set(t, 0, Field::Actual, Val::Num(1000.0, "0")));
    assert!(has(&f, "L04", Some("K5")));
}

#[test]
fn l05_stated_rate_differs() {
    let f = batch_with(|t, _| set(t, 0, Field::Rate, Val::Pct(0.9)));
    assert!(has(&f, "L05", Some("L5")));
}

#[test]
fn l06_status_contradicts_figures() {
    let f = batch_with(|_, g| {
        set(g, 1, Field::Actual, Val::Num(5.1, "0.0"));
        set(g, 1, Field::Rate, Val::Empty);
        set(g, 1, Field::Status, Val::text("已完成"));
    });
    assert!(has(&f, "L06", Some("X6")), "{:?}", rules(&f));
    let behind = batch_with(|t, _| {
        set(t, 0, Field::Actual, Val::Num(10.0, "0"));
        set(t, 0, Field::Rate, Val::Empty);
    });
    assert!(has(&behind, "L06", Some("X5")), "正常推进 behind the node: {:?}", rules(&behind));
    // A rate is said as a rate: 增长6%低于…目标, never a 累计完成 that 未达到.
    let rate = batch_with(|_, g| {
        set(g, 1, Field::Actual, Val::Num(6.0, "0.0"));
        set(g, 1, Field::Rate, Val::Empty);
    });
    let said = rate.iter().find(|f| f.rule == "L06").map(|f| f.message.clone()).unwrap_or_default();
    assert_eq!(said, "状态填“正常推进”，但增长6%低于二季度节点目标6.5%");
}

#[test]
fn l17_the_stated_status_against_the_light() {
    // A clean row is green: said 滞后, the meeting sees both words.
    let f = batch_with(|t, _| set(t, 0, Field::Status, Val::text("滞后")));
    assert!(has(&f, "L17", Some("X5")), "{:?}", rules(&f));
    let said = f.iter().find(|x| x.rule == "L17").unwrap();
    assert!(said.message.contains("“滞后”") && said.message.contains("“正常推进”"), "{}", said.message);
    assert!(!has(&batch_with(|_, _| {}), "L17", None), "a clean batch has none");
}

#[test]
fn l07_deadline_passed() {
    let f = batch_with(|t, _| set(t, 1, Field::Deadline, Val::text("2021-04-30")));
    assert!(has(&f, "L07", Some("T6")));
    let done = batch_with(|t, _| {
        set(t, 1, Field::Deadline, Val::text("2021-04-30"));
        set(t, 1, Field::Status, Val::text("已完成"));
    });
    assert!(!has(&done, "L07", None));
}

#[test]
fn l08_and_v04_target_below_allocation() {
    let f = batch_with(|t, _| set(t, 0, Field::Target, Val::Num(60.0, "0")));
    assert!(has(&f, "L08", Some("G5")));
    let v04 = f.iter().find(|f| f.rule == "V04").expect("V04");
    assert!(v04.message.contains("腾鳌镇少报12个"), "{}", v04.message);
    assert_eq!(v04.file, None);
}

#[test]
fn l09_uom_cannot_convert_but_magnitudes_do() {
    let f = batch_with(|t, _| set(t, 0, Field::Uom, Val::text("件")));
    assert!(has(&f, "L09", Some("F5")));
    let ok = batch_with(|t, _| {
        set(t, 0, Field::Actual, Val::text("0.0036万个"));
        set(t, 0, Field::Rate, Val::Empty);
    });
    assert!(!has(&ok, "L09", None) && !has(&ok, "C02", None), "{:?}", rules(&ok));
}

#[test]
fn l10_big_change_since_last_month() {
    let p = plan();
    let mut prev = clean(&p, "腾鳌镇");
    set(&mut prev, 0, Field::Actual, Val::Num(10.0, "0"));
    let cur = vec![("腾鳌镇_2021-06.xlsx", "腾鳌镇", clean(&p, "腾鳌镇")), ("工信局_2021-06.xlsx", "工信局", clean(&p, "工信局"))];
    let f = run(cur, Some(vec![("腾鳌镇_2021-05.xlsx", "腾鳌镇", prev)]));
    assert!(has(&f, "L10", Some("K5")), "{:?}", rules(&f));
    let cur = vec![("腾鳌镇_2021-06.xlsx", "腾鳌镇", clean(&p, "腾鳌镇")), ("工信局_2021-06.xlsx", "工信局", clean(&p, "工信局"))];
    let f = run(cur, Some(vec![("腾鳌镇_2021-05.xlsx", "腾鳌镇", clean(&p, "腾鳌镇"))]));
    assert!(!has(&f, "L10", None));
}

#[test]
fn v01_unit_sent_nothing() {
    let p = plan();
    let f = run(vec![("腾鳌镇_2021-06.xlsx", "腾鳌镇", clean(&p, "腾鳌镇"))], None);
    let v01 = f.iter().find(|f| f.rule == "V01").expect("V01");
    assert_eq!(v01.unit.as_deref(), Some("工信局"));
}

#[test]
fn v02_v05_task_nobody_reported() {
    let f = batch_with(|_, g| {
        g.rows.remove(1);
    });
    assert!(f.iter().any(|f| f.rule == "V02" && f.task_id.as_deref() == Some("1.1")));
    assert!(f.iter().any(|f| f.rule == "V05" && f.unit.as_deref() == Some("工信局")));
}

#[test]
fn v03_quantified_row_without_nodes() {
    let f = batch_with(|t, _| {
        for q in [Field::Q1, Field::Q2, Field::Q3] {
            set(t, 0, q, Val::Empty);
        }
    });
    assert!(f.iter().any(|f| f.rule == "V03" && f.file.as_deref() == Some("腾鳌镇_2021-06.xlsx")));
}

#[test]
fn f01_f02_unreadable_and_headerless() {
    let p = plan();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("2021-06");
    std::fs::create_dir_all(&d).unwrap();
    write(&d, "腾鳌镇_2021-06.xlsx", "腾鳌镇", &clean(&p, "腾鳌镇"), PERIOD);
    write(&d, "工信局_2021-06.xlsx", "工信局", &clean(&p, "工信局"), PERIOD);
    std::fs::write(d.join("坏文件.xlsx"), b"PK\x03\x04 not really a zip").unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "工作总结").unwrap();
    wb.save(d.join("总结.xlsx")).unwrap();
    let f = process(&p, &[d], &Options { period: Some("2021-06".into()), ..Default::default() }).unwrap().findings;
    assert!(f.iter().any(|f| f.rule == "F01" && f.file.as_deref() == Some("坏文件.xlsx")));
    assert!(f.iter().any(|f| f.rule == "F02" && f.file.as_deref() == Some("总结.xlsx")));
    assert_eq!(f.iter().filter(|f| f.rule.is_file_rule()).count(), 2, "{:?}", rules(&f));
}

#[test]
fn f03_f04_columns() {
    let f = batch_with(|t, _| {
        t.headers.push((2, column(Field::Phone), " ".into()));
        t.headers.push((2, column(Field::Problems), "时间节点".into()));
    });
    assert!(f.iter().any(|f| f.rule == "F03" && f.message.contains("联系电话")), "{:?}", rules(&f));
    assert!(f.iter().any(|f| f.rule == "F04" && f.message.contains("时间节点")));
}

#[test]
fn f05_unit_not_on_roster() {
    let p = plan();
    let mut odd = clean(&p, "腾鳌镇");
    for r in &mut odd.rows {
        r[column(Field::RespUnit) as usize] = Val::text("不存在镇");
    }
    let f = run(
        vec![
            ("腾鳌镇_2021-06.xlsx", "腾鳌镇", clean(&p, "腾鳌镇")),
            ("工信局_2021-06.xlsx", "工信局", clean(&p, "工信局")),
            ("不存在镇_2021-06.xlsx", "不存在镇", odd),
        ],
        None,
    );
    assert!(f.iter().any(|f| f.rule == "F05" && f.message.contains("不存在镇")), "{:?}", rules(&f));
    assert_eq!(f.iter().filter(|f| f.rule == "F05").count(), 1);
}

#[test]
fn f06_resubmission_newest_wins() {
    let p = plan();
    let mut corrected = clean(&p, "腾鳌镇");
    set(&mut corrected, 0, Field::Actual, Val::Num(40.0, "0"));
    set(&mut corrected, 0, Field::Rate, Val::Pct(40.0 / 72.0));
    let f = run(
        vec![
            ("腾鳌镇_2021-06.xlsx", "腾鳌镇", clean(&p, "腾鳌镇")),
            ("腾鳌镇_2021-06（更正版）.xlsx", "腾鳌镇", corrected),
            ("工信局_2021-06.xlsx", "工信局", clean(&p, "工信局")),
        ],
        None,
    );
    let f06: Vec<&Finding> = f.iter().filter(|f| f.rule == "F06").collect();
    assert_eq!(f06.len(), 1);
    assert_eq!(f06[0].file.as_deref(), Some("腾鳌镇_2021-06（更正版）.xlsx"));
}

#[test]
fn f07_other_period() {
    let f = batch_with(|t, _| t.headers.push((1, 5, "报送期次：2021年5月".into())));
    assert!(has(&f, "F07", None));
}

#[test]
fn every_rule_is_in_the_table_and_has_a_chinese_fix() {
    for r in luoshi::finding::RULES {
        assert!(r.fix.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}", r.code);
    }
    assert_eq!(luoshi::finding::RULES.len(), 42);
    let _ = STANDARD_COLUMNS;
}

#[test]
fn l01_a_number_beside_another_tasks_text_is_named() {
    // 腾鳌镇 row 0 is 4.1.2 (5G基站); its text is written as 4.6.5's.
    let p = plan();
    let other = p.task("4.6.5").unwrap().name.clone();
    let f = batch_with(|t, _| set(t, 0, Field::Task, Val::text(&other)));
    let l01: Vec<&Finding> = f.iter().filter(|f| f.rule == "L01").collect();
    assert_eq!(l01.len(), 1, "{:?}", rules(&f));
    assert!(l01[0].message.contains("疑似4.6.5") && l01[0].cell.as_deref() == Some("B5"), "{}", l01[0].message);
    // A shortened name is the same task: nothing said.
    let f = batch_with(|t, _| set(t, 0, Field::Task, Val::text("5G基站")));
    assert!(!has(&f, "L01", None), "{:?}", rules(&f));
}
