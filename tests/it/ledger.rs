//! The year's ledger across periods, on three monthly folders written by openpyxl
//! (`tests/fixtures/ledger/make.py` says what is planted), read back from the workbooks luoshi writes.

use std::path::Path;

use crate::common::{ledger_fixtures as fixtures, ledger_periods, luoshi, output_text as text, sheet};
use calamine::{open_workbook_auto, Reader};

fn periods(root: &Path) -> std::path::PathBuf {
    ledger_periods(root, &[])
}

/// The value under `header` in the row where every (header, value) of `key` matches.
fn lookup(rows: &[Vec<String>], key: &[(&str, &str)], header: &str) -> String {
    let h = rows.iter().position(|r| r.iter().any(|c| c == "任务编号")).expect("header row");
    let col = |name: &str| rows[h].iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name} in {:?}", rows[h]));
    let row = rows[h + 1..].iter().find(|r| key.iter().all(|(k, v)| r[col(k)] == *v)).unwrap_or_else(|| panic!("no row {key:?}"));
    row[col(header)].clone()
}

#[test]
fn run_on_the_newest_month_finds_the_history_and_builds_the_ledger() {
    let t = tempfile::tempdir().unwrap();
    let base = periods(t.path());
    let out = t.path().join("out");
    let tasks = fixtures().join("tasks.toml");
    let o = luoshi().arg("--tasks").arg(&tasks).arg("run").arg(base.join("2021-06")).arg("-o").arg(&out).output().unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(said.contains("历史期次：2021-04、2021-05"), "{said}");

    // L11 and L12 at 东城镇's cells, L13 at 农业局's 全年目标 (column G, row 4).
    let v = luoshi().arg("--tasks").arg(&tasks).args(["validate", "--format", "jsonl", "--fail-on", "never"]).arg(base.join("2021-06")).output().unwrap();
    let findings: Vec<serde_json::Value> = String::from_utf8_lossy(&v.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let at = |rule: &str, unit: &str| -> Vec<String> {
        findings.iter().filter(|f| f["rule"] == rule && f["unit"] == unit).map(|f| f["cell"].as_str().unwrap_or("").to_string()).collect()
    };
    assert_eq!(at("L11", "东城镇"), vec!["K4"], "{findings:?}");
    assert_eq!(at("L12", "东城镇"), vec!["U4"]);
    assert_eq!(at("L13", "农业局"), vec!["G4"]);
    assert!(at("L11", "工信局").is_empty() && at("L13", "东城镇").is_empty(), "only where planted");
    let l13 = findings.iter().find(|f| f["rule"] == "L13").unwrap();
    assert!(l13["message"].as_str().unwrap().contains("全年目标由2021年5月报送的10改为8"), "{l13}");

    let summary = out.join("2021-06/汇总表_2021-06.xlsx");
    // The streak of three red months and its measure, in the 督办清单 and the 单位台账.
    let agenda = sheet(&summary, "督办清单");
    assert_eq!(lookup(&agenda, &[("责任单位", "工信局"), ("任务编号", "2.1")], "连续红灯\n（期）"), "3");
    assert_eq!(lookup(&agenda, &[("责任单位", "工信局"), ("任务编号", "2.1")], "督办措施"), "约谈");
    let units = sheet(&summary, "单位台账");
    assert_eq!(lookup(&units, &[("单位", "工信局"), ("任务编号", "2.1")], "连续红灯\n（期）"), "3");
    assert_eq!(lookup(&units, &[("单位", "工信局"), ("任务编号", "2.1")], "6月\n亮灯"), "严重滞后");
    assert_eq!(lookup(&units, &[("单位", "工信局"), ("任务编号", "2.1")], "督办措施"), "约谈");
    assert_eq!(lookup(&units, &[("单位", "东城镇"), ("任务编号", "2.1")], "4月\n累计完成"), "40");
    assert_eq!(lookup(&units, &[("单位", "东城镇"), ("任务编号", "2.1")], "督办措施"), "");

    // The 二季度 node: 农业局 missed it (4 of 5), 东城镇 met it (35 of 20).
    let nodes = sheet(&summary, "节点考核");
    assert_eq!(lookup(&nodes, &[("单位", "农业局"), ("任务编号", "3.1"), ("季度", "二季度")], "是否完成"), "未完成");
    assert_eq!(lookup(&nodes, &[("单位", "农业局"), ("任务编号", "3.1"), ("季度", "二季度")], "期末累计完成"), "4");
    assert_eq!(lookup(&nodes, &[("单位", "东城镇"), ("任务编号", "2.1"), ("季度", "二季度")], "是否完成"), "完成");

    // 预评估 in June: 工信局 at risk (8 ÷ 50 % = 16 of 60), 东城镇 not (70 of 40).
    let assess = sheet(&summary, "预评估");
    assert_eq!(lookup(&assess, &[("范围", "工信局"), ("任务编号", "2.1")], "风险"), "有风险");
    assert_eq!(lookup(&assess, &[("范围", "工信局"), ("任务编号", "2.1")], "预计全年"), "16");
    assert_eq!(lookup(&assess, &[("范围", "东城镇"), ("任务编号", "2.1")], "风险"), "无风险");

    // 销号 in April, reopened in June.
    let closed = sheet(&summary, "销号清单");
    assert_eq!(lookup(&closed, &[("单位", "东城镇"), ("任务编号", "2.1")], "销号期次"), "2021年4月");
    assert_eq!(lookup(&closed, &[("单位", "东城镇"), ("任务编号", "2.1")], "反复"), "是：2021年6月报为“正常推进”");

    // --no-history: today's outputs, no ledger sheets, no L11–L13.
    let out2 = t.path().join("out2");
    let o = luoshi().arg("--tasks").arg(&tasks).args(["run", "--no-history"]).arg(base.join("2021-06")).arg("-o").arg(&out2).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!text(&o).contains("历史期次"));
    let wb = open_workbook_auto(out2.join("2021-06/汇总表_2021-06.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), vec!["要情", "总览", "任务汇总", "分单位", "督办清单", "明细"]);
    let report = sheet(&out2.join("2021-06/校验报告_2021-06.xlsx"), "问题清单");
    assert!(!report.iter().flatten().any(|c| c == "L11" || c == "L12" || c == "L13"));
}

#[test]
fn ledger_writes_the_year_on_its_own() {
    let t = tempfile::tempdir().unwrap();
    let base = periods(t.path());
    // A folder that is not a period is passed over with a note.
    std::fs::create_dir_all(base.join("材料")).unwrap();
    let out = t.path().join("台账.xlsx");
    let o = luoshi().arg("--tasks").arg(fixtures().join("tasks.toml")).arg("ledger").arg(&base).arg("-o").arg(&out).output().unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(said.contains("期次：2021-04、2021-05、2021-06"), "{said}");
    assert!(said.contains("文件夹“材料”的名称不是期次"), "{said}");
    let wb = open_workbook_auto(&out).unwrap();
    assert_eq!(wb.sheet_names(), vec!["任务台账", "单位台账", "节点考核", "预评估", "销号清单", "趋势"]);
    let tasks = sheet(&out, "任务台账");
    // The city's 2.1 each month: 工信局 + 东城镇.
    assert_eq!(lookup(&tasks, &[("任务编号", "2.1")], "4月\n累计完成"), "41");
    assert_eq!(lookup(&tasks, &[("任务编号", "2.1")], "6月\n累计完成"), "43");
    assert_eq!(lookup(&tasks, &[("任务编号", "3.1")], "5月\n累计完成"), "3");
    // 2.1 as a whole is not red three months running, but 工信局's row is: the task's line says so.
    let measure = lookup(&tasks, &[("任务编号", "2.1")], "督办措施");
    assert_eq!(measure, "本任务有单位须约谈（工信局）", "never 无需升级督办 beside a unit to be 约谈");
    let trend = sheet(&out, "趋势");
    assert!(trend.iter().any(|r| r.first().map(String::as_str) == Some("1.1") && r.iter().any(|c| c == "序时目标")));

    // A ladder of the office's own: two red months already mean 约谈.
    let ladder = t.path().join("阶梯.toml");
    std::fs::write(&ladder, "[[rule]]\nmeasure = \"约谈\"\nred = 2\n").unwrap();
    let o = luoshi()
        .arg("--tasks")
        .arg(fixtures().join("tasks.toml"))
        .arg("ledger")
        .arg(&base)
        .arg("-o")
        .arg(&out)
        .arg("--escalation")
        .arg(&ladder)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let units = sheet(&out, "单位台账");
    assert_eq!(lookup(&units, &[("单位", "工信局"), ("任务编号", "2.1")], "督办措施"), "约谈");
    // A broken ladder is a Chinese message naming the line, exit 2.
    std::fs::write(&ladder, "[[rule]]\nmeasure = \"约谈\"\nred = \"两\"\n").unwrap();
    let o = luoshi().arg("ledger").arg(&base).arg("-o").arg(&out).arg("--escalation").arg(&ladder).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("第3行"), "{}", text(&o));
}

#[test]
fn every_ledger_workbook_opens_in_libreoffice_and_prints_at_xiaowu() {
    if !crate::common::have_soffice("every_ledger_workbook_opens_in_libreoffice_and_prints_at_xiaowu") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let base = periods(t.path());
    let out = t.path().join("台账.xlsx");
    let o = luoshi().arg("--tasks").arg(fixtures().join("tasks.toml")).arg("ledger").arg(&base).arg("-o").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let conv = t.path().join("pdf");
    crate::common::soffice_convert(&[out], "pdf", &conv, t.path());
    assert!(conv.join("台账.pdf").metadata().unwrap().len() > 1000);
    // Printed at 小五 or more on every page, the 走势 charts too.
    let Some(pages) = crate::common::pdf_pages(&conv.join("台账.pdf")) else {
        eprintln!("SKIPPED the ledger's print sizes: python3 with PyMuPDF is not installed; .ci/run installs it");
        return;
    };
    assert!(pages.iter().any(|(_, text)| text.contains("量化任务走势")), "the trend sheet printed");
    for (i, (size, text)) in pages.iter().enumerate() {
        assert!(*size >= 8.95, "台账 page {}: {size:.1} pt ({})", i + 1, text.chars().take(30).collect::<String>());
    }
}
