//! Any year: the task list says its year, and every date follows it — the default deadline (the
//! year's end), 年底前 in a return, 序时进度, L07, 预评估. The three months openpyxl wrote for
//! 2021 (`tests/fixtures/ledger`) and the same months a year later (`ledger-2022`, its list
//! without deadlines, the returns' 完成时限 written 年底前) give the same findings and lights.

use std::path::Path;

use crate::common::{fixtures, luoshi, output_text as text, sheet};

/// What a period was judged to be: findings as (rule, unit, cell), each task's light in 任务汇总
/// and each unit row's in 明细.
type Judged = (Vec<(String, String, String)>, Vec<Vec<String>>, Vec<Vec<String>>);

fn judged(root: &Path, year: i32, out: &Path) -> Judged {
    let june = root.join(format!("{year}-06"));
    let tasks = root.join("tasks.toml");
    let o = luoshi().arg("--tasks").arg(&tasks).args(["validate", "--format", "jsonl", "--fail-on", "never"]).arg(&june).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let mut findings: Vec<(String, String, String)> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|f| (f["rule"].as_str().unwrap_or("").to_string(), f["unit"].as_str().unwrap_or("").to_string(), f["cell"].as_str().unwrap_or("").to_string()))
        .collect();
    findings.sort();
    let o = luoshi().arg("--tasks").arg(&tasks).arg("run").arg(&june).arg("-o").arg(out).args(["--date", &format!("{year}-07-05")]).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let book = out.join(format!("{year}-06/汇总表_{year}-06.xlsx"));
    let lights = |name: &str, key: &[&str], light: &str| -> Vec<Vec<String>> {
        let rows = sheet(&book, name);
        let h = rows.iter().position(|r| key.iter().all(|k| r.iter().any(|c| c == k)) && r.iter().any(|c| c.contains(light))).unwrap();
        let cols: Vec<usize> = key.iter().chain([&light]).map(|k| rows[h].iter().position(|c| c.contains(k)).unwrap()).collect();
        let mut v: Vec<Vec<String>> = rows[h + 1..].iter().filter(|r| !r[cols[0]].is_empty()).map(|r| cols.iter().map(|&c| r[c].clone()).collect()).collect();
        v.sort();
        v
    };
    (findings, lights("任务汇总", &["任务编号"], "亮灯"), lights("明细", &["任务编号", "单位"], "亮灯"))
}

#[test]
fn a_year_later_the_same_returns_give_the_same_findings_and_lights() {
    let t = tempfile::tempdir().unwrap();
    let (f21, tasks21, rows21) = judged(&fixtures().join("ledger"), 2021, &t.path().join("out21"));
    let (f22, tasks22, rows22) = judged(&fixtures().join("ledger-2022"), 2022, &t.path().join("out22"));
    assert!(!f21.is_empty() && f21.iter().any(|(r, _, _)| r == "L11"), "{f21:?}");
    assert_eq!(f22, f21, "findings in 2022 against 2021");
    assert_eq!(tasks22, tasks21, "任务汇总 lights");
    assert_eq!(rows22, rows21, "明细 lights");
    // Nothing in 2022 is judged against 2021's year end.
    assert!(!f22.iter().any(|(r, _, _)| r == "L07"), "{f22:?}");
}

#[test]
fn an_excel_list_takes_its_year_from_its_settings_sheet_or_its_deadlines() {
    // The far-cell list (openpyxl) names no year but its deadlines are 2021-12-31.
    let o = luoshi().arg("--tasks").arg(fixtures().join("edge/远端单元格任务清单.xlsx")).args(["tasks", "--format", "toml"]).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("year = 2021"));
}

#[test]
fn findings_with_a_file_and_no_unit_sort_in_one_order() {
    // 未识别单位: a finding with a file and no unit once compared unequal to itself.
    use luoshi::finding::{sorted, Finding, Rule};
    let a = Finding::new(Rule::F05, "无法确定报送单位").file("新建 Microsoft Excel 工作表.xlsx");
    let b = Finding::new(Rule::V01, "单位未报送").unit(Some("营商局"));
    let c = Finding::new(Rule::V02, "任务无人报送");
    let all = vec![b.clone(), a.clone(), c.clone(), a.clone(), b.clone()];
    let once: Vec<Finding> = sorted(&all).into_iter().cloned().collect();
    let mut reversed = all.clone();
    reversed.reverse();
    let again: Vec<Finding> = sorted(&reversed).into_iter().cloned().collect();
    assert_eq!(once, again, "the order does not depend on the input order");
    assert_eq!(once[0], c, "the whole city's findings first");
}

#[test]
fn the_wrong_task_list_is_said_first() {
    // The ledger months (their own four-task list) read against the built-in 2021 list by mistake.
    let t = tempfile::tempdir().unwrap();
    let june = fixtures().join("ledger/2021-06");
    let o = luoshi().args(["validate", "--format", "jsonl", "--fail-on", "never"]).arg(&june).output().unwrap();
    let v06: Vec<serde_json::Value> =
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).filter(|f: &serde_json::Value| f["rule"] == "V06").collect();
    assert_eq!(v06.len(), 1, "{}", text(&o));
    let msg = v06[0]["message"].as_str().unwrap();
    assert!(msg.contains("报送的任务与任务清单对不上") && msg.contains("是否用错了任务清单") && msg.contains("清单中是“"), "{msg}");
    let o = luoshi().arg("run").arg(&june).arg("-o").arg(t.path()).arg("--no-history").output().unwrap();
    let said = text(&o);
    assert!(said.lines().nth(1).is_some_and(|l| l.contains("V06") && l.contains("是否用错了任务清单")), "second line: {said}");
    // With the right list, nothing of the kind.
    let o = luoshi()
        .arg("--tasks")
        .arg(fixtures().join("ledger/tasks.toml"))
        .args(["validate", "--format", "jsonl", "--fail-on", "never"])
        .arg(&june)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&o.stdout).contains("\"V06\""));
}

#[test]
fn the_task_list_written_as_excel_reads_back_the_same() {
    let t = tempfile::tempdir().unwrap();
    let list = t.path().join("任务清单.xlsx");
    let o = luoshi().args(["tasks", "--format", "xlsx", "-o"]).arg(&list).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    for name in ["设置", "任务清单", "单位名单"] {
        assert!(!sheet(&list, name).is_empty(), "{name}");
    }
    let toml = |tasks: Option<&Path>| {
        let mut c = luoshi();
        if let Some(t) = tasks {
            c.arg("--tasks").arg(t);
        }
        let o = c.args(["tasks", "--format", "toml"]).output().unwrap();
        assert!(o.status.success(), "{}", text(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let builtin = toml(None);
    assert_eq!(toml(Some(&list)), builtin, "the Excel list is the same list");
    // The tsv carries every column of the Excel list, in its order.
    let tsv = String::from_utf8(luoshi().args(["tasks", "--format", "tsv"]).output().unwrap().stdout).unwrap();
    assert_eq!(tsv.lines().next().unwrap().split('\t').collect::<Vec<_>>(), luoshi::plan::TASK_COLUMNS);
    // Re-saved by LibreOffice, as an office would after editing it: still the same list.
    if crate::common::have_soffice("the_task_list_written_as_excel_reads_back_the_same (LibreOffice part)") {
        let resaved = t.path().join("另存");
        crate::common::soffice_convert(std::slice::from_ref(&list), "xlsx", &resaved, t.path());
        assert_eq!(toml(Some(&resaved.join("任务清单.xlsx"))), builtin);
    }
}

#[test]
fn init_writes_the_offices_settings_and_every_command_finds_them() {
    let t = tempfile::tempdir().unwrap();
    let office = t.path().join("报送");
    // The ledger months, without their own list: on the built-in list they are the wrong list.
    for m in ["2021-05", "2021-06"] {
        std::fs::create_dir_all(office.join(m)).unwrap();
        for e in std::fs::read_dir(fixtures().join("ledger").join(m)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, office.join(m).join(p.file_name().unwrap())).unwrap();
        }
    }
    let o = luoshi().arg("init").arg(&office).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    for f in
        ["luoshi.toml", "任务清单.xlsx", "任务清单.toml", "文书设置.toml", "督办措施.toml", "计分办法.toml", "通报模板.txt", "督办函模板.txt", "催报模板.txt"]
    {
        assert!(office.join(f).is_file(), "{f}");
    }
    // The office makes the files its own: its list (the ledger's), its sender.
    std::fs::copy(fixtures().join("ledger/tasks.toml"), office.join("任务清单.toml")).unwrap();
    let cfg = std::fs::read_to_string(office.join("luoshi.toml")).unwrap().replace("tasks = \"任务清单.xlsx\"", "tasks = \"任务清单.toml\"");
    std::fs::write(office.join("luoshi.toml"), cfg).unwrap();
    let papers = std::fs::read_to_string(office.join("文书设置.toml")).unwrap().replace("# office = \"某某镇党政办\"", "office = \"东城区政府督查室\"");
    std::fs::write(office.join("文书设置.toml"), papers).unwrap();
    let out = t.path().join("out");
    let o = luoshi().arg("run").arg(office.join("2021-06")).arg("-o").arg(&out).args(["--date", "2021-07-05"]).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let said = text(&o);
    let first = String::from_utf8_lossy(&o.stderr).lines().next().unwrap_or("").to_string();
    assert!(first.starts_with("任务清单：") && first.contains("任务清单.toml") && first.contains("luoshi.toml 指定"), "{first}");
    assert!(!said.contains("V06"), "the office's own list is used: {said}");
    let notice = out.join("2021-06/通报_2021-06.docx");
    let xml = crate::common::document_xml(&notice);
    assert!(xml.contains("东城区政府督查室"), "the office's sender in its 通报");
    // The command line still wins; a second init keeps the office's edited files.
    let o = luoshi().args(["--tasks"]).arg(fixtures().join("ledger/tasks.toml")).arg("validate").arg(office.join("2021-06")).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).lines().next().unwrap_or("").contains("ledger/tasks.toml"), "{}", text(&o));
    let o = luoshi().arg("init").arg(&office).output().unwrap();
    assert!(text(&o).contains("文书设置.toml 不是 luoshi 写出的") || text(&o).contains("文书设置.toml 已被修改"), "{}", text(&o));
    assert!(std::fs::read_to_string(office.join("文书设置.toml")).unwrap().contains("东城区政府督查室"));
}

#[test]
fn another_place_and_year_in_its_own_words() {
    // The ledger months a year later, under a list of 东城区 (its words from the list alone).
    let t = tempfile::tempdir().unwrap();
    let list = std::fs::read_to_string(fixtures().join("ledger-2022/tasks.toml"))
        .unwrap()
        .replace("city = \"海城市\"", "city = \"东城区\"\ntitle = \"东城区抓落实专项行动\"");
    let tasks = t.path().join("东城区任务清单.toml");
    std::fs::write(&tasks, list).unwrap();
    let out = t.path().join("out");
    let o = luoshi()
        .arg("--tasks")
        .arg(&tasks)
        .arg("run")
        .arg(fixtures().join("ledger-2022/2022-06"))
        .arg("-o")
        .arg(&out)
        .args(["--date", "2022-07-05"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("任务清单：") && text(&o).contains("（2022年，东城区）"), "{}", text(&o));
    let book = out.join("2022-06/汇总表_2022-06.xlsx");
    let overview = sheet(&book, "总览");
    assert!(overview.iter().flatten().any(|c| c.starts_with("东城区抓落实专项行动")), "{overview:?}");
    let all: Vec<String> = ["总览", "任务汇总", "分单位", "督办清单"].iter().flat_map(|s| sheet(&book, s).into_iter().flatten()).collect();
    assert!(
        !all.iter().any(|c| c.contains("海城") || c.contains("全市")),
        "{:?}",
        all.iter().filter(|c| c.contains("海城") || c.contains("全市")).collect::<Vec<_>>()
    );
    assert!(all.iter().any(|c| c.contains("全区")), "the level's own words");
    let xml = crate::common::document_xml(&out.join("2022-06/通报_2022-06.docx"));
    assert!(xml.contains("截至2022年6月底，全区") && xml.contains("东城区政府督查室将对严重滞后任务跟踪督办"), "the 通报 in the list's words");
    // The form handed out carries the list's title.
    let form = t.path().join("表.xlsx");
    let o = luoshi().arg("--tasks").arg(&tasks).args(["template", "--unit", "工信局", "--period", "2022-07", "-o"]).arg(&form).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(crate::common::said(&sheet(&form, "任务分解表")[0]), "东城区抓落实专项行动任务分解表");
}

#[test]
fn a_list_names_its_own_areas() {
    // A 镇's 工作方面 in place of the city's six.
    let t = tempfile::tempdir().unwrap();
    let list = std::fs::read_to_string(fixtures().join("ledger-2022/tasks.toml"))
        .unwrap()
        .replace("city = \"海城市\"", "city = \"腾鳌镇\"\nareas = [\"乡村振兴\", \"数字乡村\", \"营商环境建设\"]")
        .replace("area = \"重要指标\"", "area = \"乡村振兴\"")
        .replace("area = \"重大项目建设\"", "area = \"数字乡村\"")
        .replace("area = \"重点民生保障\"", "area = \"乡村振兴\"");
    let tasks = t.path().join("腾鳌镇任务清单.toml");
    std::fs::write(&tasks, &list).unwrap();
    let out = t.path().join("out");
    let o = luoshi()
        .arg("--tasks")
        .arg(&tasks)
        .args(["run", "--no-history"])
        .arg(fixtures().join("ledger-2022/2022-06"))
        .arg("-o")
        .arg(&out)
        .args(["--date", "2022-07-05"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let overview: Vec<String> = sheet(&out.join("2022-06/汇总表_2022-06.xlsx"), "总览").into_iter().flatten().collect();
    for a in ["乡村振兴", "数字乡村", "营商环境建设"] {
        assert!(overview.contains(&a.to_string()), "{a} in 总览: {overview:?}");
    }
    assert!(!overview.iter().any(|c| c == "重要指标"), "{overview:?}");
    // The returns still say 重要指标 etc. in their 工作方面 column: not this list's, said at the cell.
    assert!(text(&o).contains("全镇") || !text(&o).contains("全市"), "{}", text(&o));
    // A task outside the list's areas is refused, with the list's areas named.
    std::fs::write(&tasks, list.replace("area = \"营商环境建设\"", "area = \"重大制度性创新\"")).unwrap();
    let o = luoshi().arg("--tasks").arg(&tasks).arg("tasks").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("工作方面“重大制度性创新”不在清单的工作方面中（乡村振兴、数字乡村、营商环境建设）"), "{}", text(&o));
}
