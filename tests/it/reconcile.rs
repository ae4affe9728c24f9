//! 绩效对账 on a small hand-built batch: every verdict, each part of each unit's score and the
//! ranks (with a tie) against figures worked out by hand here.

use std::path::Path;
use std::process::Command;

use crate::common::{clean_rows, set, write_unit};
use calamine::{open_workbook_auto, Data, Reader};
use luoshi::fields::Field;
use luoshi::write::style::Val;

const PLAN: &str = r#"
year = 2021
city = "海城市"

[[tasks]]
id = "4.1.2"
area = "重点攻坚任务"
name = "新建5G基站222个"
uom = "个"
target = 222
q1 = 40
q2 = 100
q3 = 170
lead_unit = "工信局"
units = [{ name = "工信局", target = 150 }, { name = "腾鳌镇", target = 24 }, { name = "西柳镇", target = 24 }, { name = "牌楼镇", target = 24 }]

[[tasks]]
id = "1.1"
area = "重要指标"
name = "地区生产总值增长6.5%"
uom = "%"
target = 6.5
q1 = 6.5
q2 = 6.5
q3 = 6.5
lead_unit = "工信局"
units = ["工信局"]

[[tasks]]
id = "4.6.5"
area = "重点攻坚任务"
name = "乡村振兴示范镇建设"
lead_unit = "腾鳌镇"
units = ["腾鳌镇", "西柳镇", "牌楼镇"]
"#;

fn setup(dir: &Path) {
    let plan = luoshi::plan::Plan::from_toml(PLAN).unwrap();
    let d = dir.join("2021-06");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(dir.join("tasks.toml"), PLAN).unwrap();
    // 工信局: 4.1.2 reported 120 (verified 100: overstated), 1.1 reported 7.0 (verified 7.0); sent on 10 July.
    let mut g = clean_rows(&plan, "工信局");
    set(&mut g, "4.1.2", Field::Actual, Val::Num(120.0, "0"));
    set(&mut g, "4.1.2", Field::Rate, Val::Pct(0.8));
    write_unit(&d, "工信局_2021-06.xlsx", "工信局", &g, &[(1, 21, "报送日期：2021年7月10日".into())]);
    // 腾鳌镇 and 西柳镇: identical — 12 of 24, verified 12; 4.6.5 正常推进.
    for unit in ["腾鳌镇", "西柳镇"] {
        write_unit(&d, &format!("{unit}_2021-06.xlsx"), unit, &clean_rows(&plan, unit), &[]);
    }
    // 牌楼镇: 12 of 24, not verified; 4.6.5 left out (漏报).
    let mut p = clean_rows(&plan, "牌楼镇");
    p.retain(|r| r[luoshi::write::form::column(Field::TaskId) as usize] != Val::text("4.6.5"));
    write_unit(&d, "牌楼镇_2021-06.xlsx", "牌楼镇", &p, &[]);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let rows = [
        ["单位", "任务编号", "核定值", "数据来源", "备注"],
        ["市工信局", "4.1.2", "100", "通信管理局", "含未开通基站"],
        ["工信局", "1.1", "7.0%", "统计局", ""],
        ["腾鳌镇", "4.1.2", "12", "工信局", ""],
        ["西柳镇", "4.1.2", "12个", "工信局", ""],
    ];
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(dir.join("核定数据.xlsx")).unwrap();
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    wb.worksheet_range(name).unwrap().rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("number: {s}"))
}

#[test]
fn verdicts_scores_and_ranks_by_hand() {
    let t = tempfile::tempdir().unwrap();
    setup(t.path());
    let out = t.path().join("对账.xlsx");
    let o = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(["reconcile", "--period", "2021-06", "--tasks"])
        .arg(t.path().join("tasks.toml"))
        .arg(t.path().join("2021-06"))
        .arg("--verified")
        .arg(t.path().join("核定数据.xlsx"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let lines = sheet(&out, "对账明细");
    let hr = lines.iter().position(|r| r.first().map(String::as_str) == Some("单位")).unwrap();
    let col = |name: &str| lines[hr].iter().position(|h| h == name).unwrap();
    let verdict =
        |unit: &str, task: &str| lines[hr + 1..].iter().find(|r| r[0] == unit && r[col("任务编号")] == task).map(|r| r[col("对账结论")].clone()).unwrap();
    assert_eq!(verdict("工信局", "4.1.2"), "差异超限", "120 vs 100 is 20 %");
    assert_eq!(verdict("工信局", "1.1"), "一致");
    assert_eq!(verdict("腾鳌镇", "4.1.2"), "一致");
    assert_eq!(verdict("西柳镇", "4.1.2"), "一致", "“12个” is 12");
    assert_eq!(verdict("牌楼镇", "4.1.2"), "未核定");
    assert_eq!(verdict("牌楼镇", "4.6.5"), "未报");
    // The rule printed beside a score is the one it was scored by.
    let rule = lines[hr + 1..].iter().find(|r| r[0] == "牌楼镇" && r[col("任务编号")] == "4.6.5").map(|r| r[col("计分规则")].clone()).unwrap();
    assert_eq!(rule, "本期未报送，得0分");
    let accepted = lines[hr + 1..].iter().find(|r| r[0] == "工信局" && r[col("任务编号")] == "4.1.2").unwrap()[col("采信值")].clone();
    assert_eq!(num(&accepted), 100.0, "the verified figure is accepted");

    // Weights: 重点攻坚任务 2, 重要指标 3.
    // 工信局: 100/150 = 0.6667 (w2), 1.1 met (w3): 100 × (1.3333 + 3) / 5 = 86.67; 差异 −2, 迟报 −1 → 83.67.
    // 腾鳌镇, 西柳镇: 12/24 = 0.5 (w2), 4.6.5 正常推进 1.0 (w2): 75.00.
    // 牌楼镇: 0.5 (w2), 4.6.5 not reported 0 (w2): 25.00; 漏报 −0.5 → 24.50.
    let rank = sheet(&out, "排名");
    let rh = rank.iter().position(|r| r.first().map(String::as_str) == Some("类别")).unwrap();
    let rc = |name: &str| rank[rh].iter().position(|h| h == name).unwrap();
    let get = |unit: &str| rank[rh + 1..].iter().find(|r| r[rc("单位")] == unit).unwrap().clone();
    let g = get("工信局");
    assert_eq!((num(&g[rc("任务得分")]), num(&g[rc("差异扣分")]), num(&g[rc("迟报扣分")]), num(&g[rc("总分")])), (86.67, 2.0, 1.0, 83.67));
    assert_eq!(g[rc("名次")], "1");
    for unit in ["腾鳌镇", "西柳镇"] {
        let r = get(unit);
        assert_eq!((num(&r[rc("任务得分")]), num(&r[rc("总分")])), (75.0, 75.0), "{unit}");
        assert_eq!(r[rc("名次")], "1", "{unit} ties for first");
        let other = if unit == "腾鳌镇" { "西柳镇" } else { "腾鳌镇" };
        assert_eq!(r[rc("名次说明")], format!("与{other}并列（总分相同）"));
    }
    let p = get("牌楼镇");
    assert_eq!((num(&p[rc("任务得分")]), num(&p[rc("漏报扣分")]), num(&p[rc("总分")])), (25.0, 0.5, 24.5));
    assert_eq!(p[rc("名次")], "3", "after a tie for first comes third");
    // Every total is the sum of its parts.
    for r in &rank[rh + 1..] {
        let total = num(&r[rc("任务得分")]) + num(&r[rc("加分")]) - num(&r[rc("扣分合计")]);
        assert!((total - num(&r[rc("总分")])).abs() < 0.011, "{r:?}");
    }
    // One printable statement per unit, with the signature block.
    let names = open_workbook_auto(&out).unwrap().sheet_names();
    assert!(names.contains(&"对账单-牌楼镇".to_string()));
    let st: Vec<String> = sheet(&out, "对账单-牌楼镇").into_iter().flatten().collect();
    assert!(st.iter().any(|c| c.contains("签字")));
    assert!(st.iter().any(|c| c.contains("漏报1项任务")));
}

#[test]
fn samples_reconcile_and_totals_add_up() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("绩效对账表_2021-06.xlsx");
    let o = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .arg("reconcile")
        .arg(root.join("samples/2021-06"))
        .arg("--verified")
        .arg(root.join("samples/核定数据_2021-06.xlsx"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("差异超限"), "{s}");
    let mut wb = open_workbook_auto(&out).unwrap();
    let rank = wb.worksheet_range("排名").unwrap();
    let rows: Vec<Vec<Data>> = rank.rows().map(|r| r.to_vec()).collect();
    let hr = rows.iter().position(|r| r[0] == "类别").unwrap();
    let n = |d: &Data| match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("{other:?}"),
    };
    assert_eq!(rows.len() - hr - 1, 45, "every unit on the roster is ranked");
    // Totals add up, down to the 计分办法's floor of 0 (the 对账单 says so).
    for r in &rows[hr + 1..] {
        assert!(((n(&r[3]) + n(&r[4]) - n(&r[10])).max(0.0) - n(&r[11])).abs() < 0.011, "{r:?}");
    }
    let not_submitted = rows[hr + 1..].iter().find(|r| r[2] == "感王镇").unwrap();
    assert_eq!(n(&not_submitted[7]), 10.0, "未报 deduction");
    assert_eq!(n(&not_submitted[11]), 0.0, "never a negative total with the floor");
    // Shared ranks are said as such.
    let tied: Vec<&Vec<Data>> = rows[hr + 1..].iter().filter(|r| r[12].to_string().contains("并列")).collect();
    for r in &tied {
        let others = rows[hr + 1..].iter().filter(|o| o[0] == r[0] && o[2] != r[2] && n(&o[11]) == n(&r[11])).count();
        assert!(others > 0, "a tie needs a partner: {r:?}");
    }
}

#[test]
fn verified_template_lists_every_pair_to_verify() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("核定.xlsx");
    assert!(Command::new(env!("CARGO_BIN_EXE_luoshi")).args(["template", "--verified", "--period", "2021-06", "-o"]).arg(&out).status().unwrap().success());
    let rows = sheet(&out, "核定数据");
    let hr = rows.iter().position(|r| r[0] == "单位").unwrap();
    assert!(rows[hr + 1..].iter().any(|r| r[0] == "腾鳌镇" && r[1] == "4.1.2"));
    assert!(rows[hr + 1..].iter().all(|r| r[1] != "4.6.6"), "qualitative tasks are not verified");
}
