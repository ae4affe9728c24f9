//! A clerk's ordinary slips, each made here as a clerk would make it, and what luoshi does then:
//! never a confident wrong answer.

use crate::common::samples;
use crate::common::{luoshi, output_text as text};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A copy of the sample batch in a folder named `name`.
fn copy_samples(root: &Path, name: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(samples()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn one_clean_file_is_judged_on_its_own() {
    let file = samples().join("东四街道_2021-06.xlsx");
    let o = luoshi().arg("validate").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    assert!(!out.contains("V01") && !out.contains("V02"), "{out}");
    assert!(out.contains("报送期次：2021年6月（依据：文件名）"), "{out}");
    // Asked for, the batch rules apply: everyone else has not reported.
    let o = luoshi().args(["validate", "--batch", "--format", "jsonl"]).arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"V01\""));
}

#[test]
fn a_period_no_file_states_stops_before_writing() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let o = luoshi().arg("run").arg(samples()).arg("-o").arg(&out).args(["--period", "2021-07"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("所有文件的报送期次都是2021年6月，与2021年7月（--period）不符"), "{}", text(&o));
    assert!(!out.exists(), "nothing written");
    // A period far from the plan's year is refused too.
    let o = luoshi().arg("validate").arg(samples()).args(["--period", "2030-06"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("相差太远"));
}

#[test]
fn the_period_is_read_from_how_people_write_it() {
    let t = tempfile::tempdir().unwrap();
    for name in ["2021年6月报送", "202106", "2021.6"] {
        let dir = copy_samples(t.path(), name);
        let o = luoshi().args(["validate", "--fail-on", "never"]).arg(&dir).output().unwrap();
        assert!(o.status.success(), "{name}: {}", text(&o));
        assert!(text(&o).contains(&format!("报送期次：2021年6月（依据：文件夹名“{name}”）")), "{name}: {}", text(&o));
    }
    let o = luoshi().args(["validate", "--fail-on", "never", "--period", "2021年6月"]).arg(samples()).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn an_output_folder_that_is_a_file_is_refused_before_reading() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("out.txt");
    std::fs::write(&file, "x").unwrap();
    let o = luoshi().arg("run").arg(samples()).arg("-o").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("是一个文件，不是文件夹"), "{}", text(&o));
    assert!(!text(&o).contains("os error"));
}

#[test]
fn an_empty_folder_is_not_a_batch_where_nobody_reported() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("说明.txt"), "请各单位于28日前报送").unwrap();
    let o = luoshi().arg("run").arg(t.path()).arg("-o").arg(t.path().join("../out-empty")).args(["--period", "2021-06"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("文件夹里没有报送文件"), "{}", text(&o));
    assert!(!text(&o).contains("V01"));
}

#[test]
fn a_rerun_takes_back_the_returns_that_no_longer_apply_and_only_those() {
    let t = tempfile::tempdir().unwrap();
    let dir = copy_samples(t.path(), "2021-06");
    let out = t.path().join("out");
    assert!(luoshi().arg("run").arg(&dir).arg("-o").arg(&out).status().unwrap().success());
    let xiliu = out.join("2021-06/退回/西柳镇.xlsx");
    assert!(xiliu.is_file());
    assert!(out.join("2021-06/督办函/西柳镇.docx").is_file());
    // The clerk's own file in the output folder, and a half-written file from a killed run.
    let mine = out.join("2021-06/退回/会议记录.xlsx");
    std::fs::write(&mine, b"not luoshi's").unwrap();
    let stale_tmp = out.join("2021-06/.luoshi-abc123.tmp");
    std::fs::write(&stale_tmp, b"half").unwrap();
    // 西柳镇 withdraws its faulty file; the run again.
    std::fs::remove_file(dir.join("西柳镇_2021-06.xlsx")).unwrap();
    let o = luoshi().arg("run").arg(&dir).arg("-o").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(!xiliu.exists(), "last run's 西柳镇 return is taken back");
    assert!(!out.join("2021-06/督办函/西柳镇.docx").exists(), "and its 督办函");
    assert!(text(&o).contains("已删除本期上次生成、本次已不适用（且没有改动过）的文件 2 个：督办函/西柳镇.docx、退回/西柳镇.xlsx"), "{}", text(&o));
    assert!(mine.is_file(), "a file luoshi did not write is never removed");
    assert!(!stale_tmp.exists(), "stale temporary removed");
    assert!(out.join("2021-06/退回/牌楼镇.xlsx").is_file(), "returns that still apply stay");
}

#[test]
fn luoshi_own_workbooks_in_the_submissions_are_skipped() {
    let t = tempfile::tempdir().unwrap();
    let dir = copy_samples(t.path(), "2021-06");
    // The office saves last run's outputs and a blank 核定数据 form next to the submissions.
    let out = t.path().join("out");
    assert!(luoshi().arg("run").arg(&dir).arg("-o").arg(&out).status().unwrap().success());
    std::fs::copy(out.join("2021-06/汇总表_2021-06.xlsx"), dir.join("汇总表_2021-06.xlsx")).unwrap();
    assert!(luoshi().args(["template", "--verified", "--period", "2021-06", "-o"]).arg(dir.join("发改局_核定数据.xlsx")).status().unwrap().success());
    let o = luoshi().args(["validate", "--format", "jsonl", "--fail-on", "never"]).arg(&dir).output().unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(!s.contains("汇总表_2021-06.xlsx") && !s.contains("发改局_核定数据.xlsx"), "{s}");
    assert!(!s.contains("\"F06\""), "发改局's real report is not replaced: {s}");
    let o = luoshi().arg("run").arg(&dir).arg("-o").arg(t.path().join("out2")).output().unwrap();
    let said = text(&o);
    assert!(said.contains("已跳过：汇总表_2021-06.xlsx（luoshi 生成的"), "{said}");
    assert!(said.contains("已跳过：发改局_核定数据.xlsx（luoshi 生成的"), "{said}");
    // …and 文件清单 names them with why.
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(t.path().join("out2/2021-06/校验报告_2021-06.xlsx")).unwrap();
    let files = wb.worksheet_range("文件清单").unwrap();
    let row = files.rows().find(|r| r[0] == "汇总表_2021-06.xlsx").expect("listed");
    assert!(row[2].to_string().starts_with("已跳过：luoshi 生成的"));
}

#[test]
fn outputs_never_go_into_the_submissions_folder() {
    let t = tempfile::tempdir().unwrap();
    let dir = copy_samples(t.path(), "2021-06");
    let o = luoshi().arg("consolidate").arg(&dir).arg("-o").arg(dir.join("汇总.xlsx")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("里面"));
    let o = luoshi()
        .arg("reconcile")
        .arg(&dir)
        .arg("--verified")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/核定数据_2021-06.xlsx"))
        .arg("-o")
        .arg(dir.join("对账.xlsx"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.join("对账.xlsx").exists());
}

#[test]
fn reconcile_refuses_what_it_cannot_do() {
    let t = tempfile::tempdir().unwrap();
    let o = luoshi().arg("reconcile").arg(samples()).arg("-o").arg(t.path().join("r.xlsx")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("template --verified"), "{}", text(&o));
    // A unit's submission given as the verified figures.
    let o = luoshi()
        .arg("reconcile")
        .arg(samples())
        .arg("--verified")
        .arg(samples().join("东四街道_2021-06.xlsx"))
        .arg("-o")
        .arg(t.path().join("r.xlsx"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("是一份单位的任务分解表"), "{}", text(&o));
    // Verified figures of another period.
    let v = t.path().join("核定数据_2021-05.xlsx");
    assert!(luoshi().args(["template", "--verified", "--period", "2021-05", "-o"]).arg(&v).status().unwrap().success());
    let o = luoshi().arg("reconcile").arg(samples()).arg("--verified").arg(&v).arg("-o").arg(t.path().join("r.xlsx")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("核定数据表是2021年5月的，报送文件是2021年6月的"), "{}", text(&o));
    assert!(!t.path().join("r.xlsx").exists(), "no ranking built on nothing");
}

#[test]
fn the_same_file_twice_is_read_once_and_previous_is_not_this_period() {
    let file = samples().join("西柳镇_2021-06.xlsx");
    let o = luoshi().args(["validate", "--format", "jsonl", "--fail-on", "never"]).arg(&file).arg(&file).output().unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(!s.contains("\"F06\""), "{s}");
    assert_eq!(s.lines().filter(|l| l.contains("\"C02\"") && l.contains("\"K6\"")).count(), 1);
    let o = luoshi().args(["validate", "--previous"]).arg(samples()).arg(samples()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("就是本期的文件夹"));
}

#[test]
fn validate_text_says_how_to_fix_each_problem() {
    let o = luoshi().arg("validate").arg(samples().join("西柳镇_2021-06.xlsx")).output().unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    let at = s.find("K6").expect("the C02 at K6");
    assert!(s[at..].contains("改法：请只填阿拉伯数字"), "{s}");
}

fn builtin_list() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/tasks.toml")).unwrap()
}

fn tasks_with(t: &Path, name: &str, text: &str) -> Output {
    let p = t.join(name);
    std::fs::write(&p, text).unwrap();
    luoshi().arg("tasks").arg("--tasks").arg(&p).output().unwrap()
}

#[test]
fn the_master_list_is_checked_when_it_is_loaded() {
    let t = tempfile::tempdir().unwrap();
    let list = builtin_list();
    // A lead unit misspelt: an error naming the line, not a 46th unit that never reports.
    let o = tasks_with(t.path(), "a.toml", &list.replacen("lead_unit = \"发改局\"", "lead_unit = \"发展改革局\"", 1));
    assert_eq!(o.status.code(), Some(2));
    let line = list.lines().position(|l| l.contains("lead_unit = \"发改局\"")).unwrap() + 1;
    assert!(text(&o).contains(&format!("任务清单第{line}行：任务 1.1 的牵头单位“发展改革局”不在单位名单中")), "{}", text(&o));
    // Shares that do not add up to the city's target: a warning at load, the list still used.
    let o = tasks_with(t.path(), "b.toml", &list.replacen("{ name = \"工信局\", target = 150 }", "{ name = \"工信局\", target = 140 }", 1));
    assert!(o.status.success());
    assert!(text(&o).contains("任务 4.1.2 各责任单位的份额合计 212（140+40+17+15），与全年目标 222 不符"), "{}", text(&o));
    // TOML mistakes in Chinese, with the line.
    let o = tasks_with(t.path(), "c.toml", &list.replacen("kind = \"count\"", "kind = \"数量\"", 1));
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("“数量”不是可选的值（可选：growth、count"), "{}", text(&o));
    assert!(!text(&o).contains("unknown variant"));
    let o = tasks_with(t.path(), "d.toml", &list.replacen("target = 222", "target = \"222个\"", 1));
    assert!(text(&o).contains("的值类型不对，应为数字"), "{}", text(&o));
    let o = tasks_with(t.path(), "e.toml", &list.replacen("id = \"4.1.2\"\n", "", 1));
    assert!(text(&o).contains("任务缺少“id”"), "{}", text(&o));
    // A workbook where a TOML roster is needed.
    let o = luoshi().arg("--units").arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/核定数据_2021-06.xlsx")).arg("tasks").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("--units 需要 TOML 文件"), "{}", text(&o));
}

#[test]
fn the_terminal_summary_adds_up() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let t = tempfile::tempdir().unwrap();
    let o = luoshi().arg("run").arg(fixtures.join("2021-06")).arg("--tasks").arg(fixtures.join("tasks.toml")).arg("-o").arg(t.path()).output().unwrap();
    let s = text(&o);
    assert!(s.contains("单位：应报 16 个 = 已报 11 个 + 已报但无法使用 4 个 + 未报 1 个"), "{s}");
    assert!(s.contains("已报但无法使用：析木镇、南台镇、八里镇、接文镇"), "{s}");
    assert!(s.contains("未采用：工信局_2021-06.xlsx（以“工信局_2021-06（更正版）.xlsx”为准）"), "{s}");
}

#[test]
fn command_line_mistakes_are_said_in_chinese() {
    let cases: [(&[&str], &str); 6] = [
        (&["run"], "缺少必需的参数：<文件夹>"),
        (&["validate", "--formt", "jsonl", "x"], "不认识的参数：--formt；是不是要用 --format？"),
        (&["validate", "x", "--format", "xml"], "的值“xml”不对，可选：text、jsonl"),
        (&["run", "x", "--yellow", "abc"], "的值“abc”不对：应为数字"),
        (&["template", "--unit", "腾鳌镇", "--all-units"], "不能与 --all-units 同时使用"),
        (&["reconcile", "x"], "缺少必需的参数：--verified <文件>（核定数据表（必填；空表用 luoshi template --verified 生成））"),
    ];
    for (args, said) in cases {
        let o = luoshi().args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let s = text(&o);
        assert!(s.contains(said), "{args:?}: {s}");
        for english in ["error:", "Usage", "unexpected argument", "required arguments", "invalid value"] {
            assert!(!s.contains(english), "{args:?}: {s}");
        }
    }
    // A negative threshold explains itself instead of being taken for an option.
    let o = luoshi().args(["run", "x", "--yellow", "-5"]).output().unwrap();
    assert!(text(&o).contains("应满足 0 ≤ --yellow ≤ --red ≤ 100（现为 -5 和 30）"), "{}", text(&o));
    // Help in Chinese, global options apart, thresholds only where they matter.
    let help = String::from_utf8(luoshi().args(["validate", "--help"]).output().unwrap().stdout).unwrap();
    for heading in ["用法：", "参数:", "选项:", "全局选项（每个命令都可用）:"] {
        assert!(help.contains(heading), "{help}");
    }
    assert!(!help.contains("Options") && !help.contains("Arguments") && !help.contains("--yellow"), "{help}");
    let help = String::from_utf8(luoshi().args(["run", "--help"]).output().unwrap().stdout).unwrap();
    assert!(help.contains("--yellow") && help.contains("<文件夹>  存放各单位本期报送文件的文件夹"), "{help}");
}

#[test]
fn tasks_shows_the_whole_list() {
    let o = luoshi().arg("tasks").output().unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(!s.contains('…'), "nothing cut: {s}");
    let tsv = String::from_utf8(luoshi().args(["tasks", "--format", "tsv"]).output().unwrap().stdout).unwrap();
    assert_eq!(tsv.lines().count(), 67, "header + 66 tasks");
    assert!(tsv.lines().any(|l| l.starts_with("4.1.2\t") && l.contains("工信局:150、海城经济开发区:40、西柳镇:17、腾鳌镇:15")));
    // The TOML is a task list luoshi reads back.
    let t = tempfile::tempdir().unwrap();
    let toml = luoshi().args(["tasks", "--format", "toml"]).output().unwrap().stdout;
    std::fs::write(t.path().join("清单.toml"), &toml).unwrap();
    let again = luoshi().arg("tasks").arg("--tasks").arg(t.path().join("清单.toml")).args(["--format", "tsv"]).output().unwrap();
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(String::from_utf8(again.stdout).unwrap(), tsv);
}

#[test]
fn template_says_its_period_and_never_overwrites_quietly() {
    let t = tempfile::tempdir().unwrap();
    let prev = copy_samples(t.path(), "2021-06");
    let out_dir = t.path().join("下发");
    std::fs::create_dir_all(&out_dir).unwrap();
    let o = luoshi().current_dir(&out_dir).arg("template").arg("--previous").arg(&prev).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("报送期次：2021年7月（上期文件夹“2021-06”的下一期"), "{}", text(&o));
    let form = out_dir.join("out/2021-07/任务分解表_2021-07.xlsx");
    assert!(form.is_file(), "the blank form's name carries its period, in the period's folder under out/");
    // Unchanged since luoshi wrote it: made again. Changed by the clerk: kept unless --force.
    let o = luoshi().current_dir(&out_dir).arg("template").arg("--previous").arg(&prev).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    std::fs::write(&form, b"the clerk's own edits").unwrap();
    let o = luoshi().current_dir(&out_dir).arg("template").arg("--previous").arg(&prev).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("已存在，没有覆盖；要覆盖请加 --force"), "{}", text(&o));
    assert_eq!(std::fs::read(&form).unwrap(), b"the clerk's own edits");
    let o = luoshi().current_dir(&out_dir).arg("template").arg("--previous").arg(&prev).arg("--force").output().unwrap();
    assert!(o.status.success());
    // Without --period or history, on a 2021 list this month (2026) is not a period of the list: refused.
    let o = luoshi().arg("template").arg("-o").arg(t.path().join("空白.xlsx")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("任务清单是2021年的") && text(&o).contains("请用 --period 指定"), "{}", text(&o));
    assert!(!t.path().join("空白.xlsx").exists());
}

#[test]
fn template_previous_carries_only_what_passed() {
    use calamine::Reader;
    let t = tempfile::tempdir().unwrap();
    let form = t.path().join("西柳镇.xlsx");
    let o = luoshi().args(["template", "--unit", "西柳镇", "--previous"]).arg(samples()).arg("-o").arg(&form).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let mut wb = calamine::open_workbook_auto(&form).unwrap();
    let range = wb.worksheet_range("任务分解表").unwrap();
    let row_of = |id: &str| range.rows().find(|r| r.get(1).is_some_and(|c| *c == id)).unwrap().to_vec();
    // 4.1.2's 累计完成 was "十二" (C02): left empty for the unit to fill, not carried forward.
    let r = row_of("4.1.2");
    assert_eq!(r[10], calamine::Data::Empty, "{r:?}");
    // A figure that passed is carried.
    let carried = range.rows().skip(4).filter(|r| r.get(1).is_some_and(|c| *c != "4.1.2") && matches!(r.get(10), Some(calamine::Data::Float(_)))).count();
    assert!(carried > 0);
}

/// (rule, cell, unit) of each finding for files, the way `validate` gives them.
fn located(paths: &[PathBuf]) -> Vec<(String, String, String, String)> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let o = luoshi()
        .args(["validate", "--format", "jsonl", "--fail-on", "never", "--period", "2021-06", "--tasks"])
        .arg(fixtures.join("tasks.toml"))
        .args(paths)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let mut v: Vec<(String, String, String, String)> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| j[k].as_str().unwrap_or("").to_string();
            (s("rule"), s("cell"), s("unit"), s("message"))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn files_as_they_arrive_by_email_are_read() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let formats = fixtures.join("formats");
    let without_messages = |v: Vec<(String, String, String, String)>| v.into_iter().map(|(r, c, u, _)| (r, c, u)).collect::<Vec<_>>();
    // A GBK CSV reads as its workbook does.
    let csv = without_messages(located(&[formats.join("民政局_2021-06.csv")]));
    assert_eq!(csv, without_messages(located(&[fixtures.join("2021-06/民政局_2021-06.xlsx")])));
    assert!(csv.iter().any(|f| f.0 == "C05" && f.1 == "S6"), "{csv:?}");
    // A .zip attachment: its workbook is the unit's submission, the unit from the archive's name.
    let zipped = without_messages(located(&[formats.join("农业农村局_2021-06.zip")]));
    assert_eq!(zipped, without_messages(located(&[fixtures.join("2021-06/农业农村局-6月任务分解表.xlsx")])));
    assert!(zipped.iter().all(|f| f.2 == "农业农村局") && zipped.len() > 5, "{zipped:?}");
    // A .rar: unpack it first. A GBK CSV renamed .xlsx: the text-file message.
    let rar = located(&[formats.join("鞍山路街道_2021-06.rar")]);
    assert!(rar.iter().any(|f| f.0 == "F01" && f.3.contains("请解压后")), "{rar:?}");
    let renamed = located(&[formats.join("接文镇_2021-06.xlsx")]);
    assert!(renamed.iter().any(|f| f.0 == "F01" && f.3.contains("文本文件")), "{renamed:?}");
}
