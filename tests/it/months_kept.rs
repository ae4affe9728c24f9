//! Every month kept: no run deletes or overwrites another period's papers or a clerk's edits, and
//! the slips a newcomer hits end in a clear refusal, not a wrong paper. On the three months of
//! returns openpyxl wrote (`tests/fixtures/ledger`) and on the bundled samples.

use std::path::{Path, PathBuf};

use crate::common::{ledger_fixtures, ledger_periods, luoshi, output_text as text, snapshot};

fn run(tasks: &Path, batch: &Path, out: &Path) -> std::process::Output {
    luoshi().arg("--tasks").arg(tasks).arg("run").arg(batch).arg("-o").arg(out).args(["--date", "2021-07-05"]).output().unwrap()
}

#[test]
fn two_months_into_one_folder_keep_both_months_papers_byte_for_byte() {
    let t = tempfile::tempdir().unwrap();
    let base = ledger_periods(t.path(), &[]);
    let tasks = ledger_fixtures().join("tasks.toml");
    let out = t.path().join("out");
    let o = run(&tasks, &base.join("2021-05"), &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let may = snapshot(&out.join("2021-05"));
    assert!(may.contains_key(Path::new("汇总表_2021-05.xlsx")) && may.contains_key(Path::new("通报_2021-05.docx")), "{:?}", may.keys());
    assert!(may.keys().any(|k| k.starts_with("退回")), "May has returns: {:?}", may.keys());
    // June into the same folder, twice: May's pack is untouched, byte for byte.
    for _ in 0..2 {
        let o = run(&tasks, &base.join("2021-06"), &out);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(!text(&o).contains("已删除"), "nothing of May is taken back: {}", text(&o));
        assert_eq!(snapshot(&out.join("2021-05")), may, "May's papers changed");
    }
    assert!(out.join("2021-06/汇总表_2021-06.xlsx").is_file());
}

#[test]
fn an_edited_notice_and_a_clerks_own_files_survive_every_rerun_and_are_said() {
    let t = tempfile::tempdir().unwrap();
    let base = ledger_periods(t.path(), &[]);
    let tasks = ledger_fixtures().join("tasks.toml");
    let june = base.join("2021-06");
    let out = t.path().join("out");
    assert_eq!(run(&tasks, &june, &out).status.code(), Some(0));
    let folder = out.join("2021-06");
    // The office revises the 通报 in Word; the clerk keeps notes in the folder; a return is edited.
    let notice = folder.join("通报_2021-06.docx");
    let mut revised = std::fs::read(&notice).unwrap();
    revised.extend_from_slice(b"revised by the office");
    std::fs::write(&notice, &revised).unwrap();
    let notes = folder.join("会议记录.docx");
    std::fs::write(&notes, b"the clerk's notes").unwrap();
    let returns: Vec<PathBuf> = std::fs::read_dir(folder.join("退回")).unwrap().map(|e| e.unwrap().path()).collect();
    let edited_return = returns[0].clone();
    std::fs::write(&edited_return, b"annotated by hand").unwrap();

    let o = run(&tasks, &june, &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let said = text(&o);
    assert!(said.contains("通报_2021-06.docx 已被修改，保留原文件，新稿写为 通报_2021-06（新）.docx"), "{said}");
    assert_eq!(std::fs::read(&notice).unwrap(), revised, "the revised 通报 is never replaced");
    assert_eq!(std::fs::read(&notes).unwrap(), b"the clerk's notes");
    assert_eq!(std::fs::read(&edited_return).unwrap(), b"annotated by hand");
    let fresh = folder.join("通报_2021-06（新）.docx");
    assert!(zip::ZipArchive::new(std::fs::File::open(&fresh).unwrap()).unwrap().by_name("word/document.xml").is_ok());

    // Again: the （新） draft luoshi wrote and nobody changed is simply made again, not a third copy.
    let o = run(&tasks, &june, &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!folder.join("通报_2021-06（新2）.docx").exists());
    assert_eq!(std::fs::read(&notice).unwrap(), revised);

    // The unit of the edited return fixes its file: its return no longer applies, but it was
    // edited, so it stays, and that is said.
    let unit = edited_return.file_stem().unwrap().to_string_lossy().to_string();
    for e in std::fs::read_dir(&june).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap().to_string_lossy().starts_with(&unit) {
            std::fs::remove_file(p).unwrap();
        }
    }
    let o = run(&tasks, &june, &out);
    assert_eq!(std::fs::read(&edited_return).unwrap(), b"annotated by hand", "{}", text(&o));
    assert!(text(&o).contains("已被修改的文件，予以保留 1 个"), "{}", text(&o));
}

#[test]
fn a_clerks_own_notice_before_the_first_run_is_kept() {
    let t = tempfile::tempdir().unwrap();
    let base = ledger_periods(t.path(), &[]);
    let out = t.path().join("out");
    std::fs::create_dir_all(out.join("2021-06")).unwrap();
    std::fs::write(out.join("2021-06/通报_2021-06.docx"), b"written by the office").unwrap();
    let o = run(&ledger_fixtures().join("tasks.toml"), &base.join("2021-06"), &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("通报_2021-06.docx 不是 luoshi 写出的，保留原文件，新稿写为 通报_2021-06（新）.docx"), "{}", text(&o));
    assert_eq!(std::fs::read(out.join("2021-06/通报_2021-06.docx")).unwrap(), b"written by the office");
}

#[test]
fn the_folder_that_holds_the_periods_is_refused_with_nothing_written() {
    let t = tempfile::tempdir().unwrap();
    let base = ledger_periods(t.path(), &[]);
    let out = t.path().join("out");
    for cmd in ["run", "notice", "consolidate", "remind"] {
        let o = luoshi().arg("--tasks").arg(ledger_fixtures().join("tasks.toml")).arg(cmd).arg(&base).arg("-o").arg(&out).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", text(&o));
        let said = text(&o);
        assert!(said.contains("是各期文件夹（2021-04、2021-05、2021-06）的上一级，请指定其中一期"), "{said}");
        assert!(said.contains(&format!("luoshi {cmd} {}", base.join("2021-06").display())) && said.contains("全年台账用 luoshi ledger"), "{said}");
        assert!(!out.exists(), "{cmd} wrote nothing");
    }
}

#[test]
fn a_blank_verified_table_is_refused_and_a_partly_filled_one_says_how_much_was_verified() {
    let t = tempfile::tempdir().unwrap();
    let blank = t.path().join("核定数据.xlsx");
    let o = luoshi().args(["template", "--verified", "--period", "2021-06", "-o"]).arg(&blank).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let out = t.path().join("对账.xlsx");
    let o = luoshi().arg("reconcile").arg(samples.join("2021-06")).arg("--verified").arg(&blank).arg("-o").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("里还没有填任何核定值"), "{}", text(&o));
    assert!(!text(&o).contains("第1名"), "no ranking on nothing");
    assert!(!out.exists());
    let o = luoshi()
        .arg("reconcile")
        .arg(samples.join("2021-06"))
        .arg("--verified")
        .arg(samples.join("核定数据_2021-06.xlsx"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("核定数据：已填核定值"), "{}", text(&o));
}

#[test]
fn last_months_file_sent_again_is_an_error_and_not_summed() {
    let t = tempfile::tempdir().unwrap();
    let base = ledger_periods(t.path(), &["东城镇"]);
    // 东城镇 sends May's file again into June's folder.
    std::fs::copy(base.join("2021-05/东城镇_2021-05.xlsx"), base.join("2021-06/东城镇_2021-05.xlsx")).unwrap();
    let tasks = ledger_fixtures().join("tasks.toml");
    let o = luoshi().arg("--tasks").arg(&tasks).args(["validate", "--format", "jsonl", "--fail-on", "never"]).arg(base.join("2021-06")).output().unwrap();
    let f08: Vec<serde_json::Value> =
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).filter(|f: &serde_json::Value| f["rule"] == "F08").collect();
    assert_eq!(f08.len(), 1, "{}", text(&o));
    assert_eq!(f08[0]["severity"], "error");
    assert!(f08[0]["message"].as_str().unwrap().contains("这是上期的文件，本期未采用"), "{}", f08[0]);
    let o = run(&tasks, &base.join("2021-06"), &t.path().join("out"));
    let said = text(&o);
    assert!(said.contains("已报但无法使用 1 个") && said.contains("无法使用：东城镇_2021-05.xlsx（报送期次写“2021年5月”"), "{said}");
    // 东城镇's 2.1 figure is not in June's total: only 工信局's is.
    let rows = crate::common::sheet(&t.path().join("out/2021-06/汇总表_2021-06.xlsx"), "明细");
    assert!(!rows.iter().any(|r| r.iter().any(|c| c == "东城镇_2021-05.xlsx")), "no row of the resent file in 明细");
}

#[test]
fn every_file_luoshi_could_not_use_is_named_on_the_terminal() {
    let t = tempfile::tempdir().unwrap();
    let base = ledger_periods(t.path(), &[]);
    let june = base.join("2021-06");
    let edge = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/edge");
    std::fs::copy(edge.join("新建 Microsoft Excel 工作表.xlsx"), june.join("新建 Microsoft Excel 工作表.xlsx")).unwrap();
    let o = run(&ledger_fixtures().join("tasks.toml"), &june, &t.path().join("out"));
    let said = text(&o);
    assert!(said.contains("无法使用 1 个"), "{said}");
    assert!(said.contains("无法使用：新建 Microsoft Excel 工作表.xlsx（无法确定报送单位：“某某服务中心”不在单位名单中）"), "{said}");
}

#[test]
fn slips_on_the_command_line_are_said_plainly() {
    let t = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let cases: [(&[&str], &str); 4] = [
        (&["run", "samples/2021-07"], "找不到 samples/2021-07"),
        (&["run", "samples/2021-06", "-out"], "参数 -out 少了一个短横线：请写 --out"),
        (&["run", "samples/2021-06", "-o", "汇总.xlsx"], "-o 汇总.xlsx 像是文件名：luoshi run 的 -o 是输出目录"),
        (&["template", "--unit", "腾熬镇", "--period", "2021-07"], "单位“腾熬镇”不在单位名单中；是不是 腾鳌镇？"),
    ];
    for (args, want) in cases {
        let o = luoshi().current_dir(samples.parent().unwrap()).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(want), "{args:?}: {}", text(&o));
    }
    assert!(!samples.parent().unwrap().join("汇总.xlsx").exists() && !samples.parent().unwrap().join("ut").exists());
    // A folder that cannot be written: one line, why, exit 3 — not a list of every file.
    let blocker = t.path().join("一个文件");
    std::fs::write(&blocker, b"").unwrap();
    let o = luoshi().arg("run").arg(samples.join("2021-06")).arg("-o").arg(blocker.join("out")).output().unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let errors: Vec<String> = String::from_utf8_lossy(&o.stderr).lines().filter(|l| !l.starts_with("任务清单：")).map(str::to_string).collect();
    assert_eq!(errors.len(), 1, "{}", text(&o));
    assert!(text(&o).contains("无法创建输出目录") && text(&o).contains("路径中有一段是文件而不是文件夹"), "{}", text(&o));
    assert!(!text(&o).contains("已写出"), "{}", text(&o));
}

#[test]
fn every_command_writes_under_out_by_default() {
    let t = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let here = t.path();
    let ok = |args: &[&str]| {
        let o = luoshi().current_dir(here).args(args).output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", text(&o));
    };
    let batch = samples.join("2021-06");
    let batch = batch.to_str().unwrap();
    let verified = samples.join("核定数据_2021-06.xlsx");
    ok(&["consolidate", batch]);
    ok(&["reconcile", batch, "--verified", verified.to_str().unwrap()]);
    ok(&["template", "--period", "2021-07"]);
    ok(&["template", "--verified", "--period", "2021-06"]);
    ok(&["notice", batch]);
    for f in [
        "out/2021-06/汇总表_2021-06.xlsx",
        "out/2021-06/绩效对账表_2021-06.xlsx",
        "out/2021-07/任务分解表_2021-07.xlsx",
        "out/2021-06/核定数据_2021-06.xlsx",
        "out/2021-06/通报_2021-06.docx",
    ] {
        assert!(here.join(f).is_file(), "{f}");
    }
    // consolidate and notice wrote 汇总表 and 通报; run makes them again (luoshi's, unchanged) beside
    // 对账表 and 核定数据表, which it leaves alone.
    ok(&["run", batch]);
    assert!(!here.join("out/2021-06/汇总表_2021-06（新）.xlsx").exists());
    assert!(here.join("out/2021-06/绩效对账表_2021-06.xlsx").is_file() && here.join("out/2021-06/核定数据_2021-06.xlsx").is_file());
}

#[test]
fn counted_things_get_whole_node_targets() {
    let t = tempfile::tempdir().unwrap();
    let form = t.path().join("腾鳌镇.xlsx");
    let o = luoshi().args(["template", "--unit", "腾鳌镇", "--period", "2021-07", "-o"]).arg(&form).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let rows = crate::common::sheet(&form, "任务分解表");
    let header = rows.iter().position(|r| r.iter().any(|c| c == "任务编号")).unwrap();
    let col = |name: &str| rows[header..header + 2].iter().find_map(|r| r.iter().position(|c| c.contains(name))).unwrap_or_else(|| panic!("{name}"));
    let (uom, q1, q3) = (col("计量单位"), col("一季度"), col("三季度"));
    let mut seen = 0;
    for r in rows.iter().skip(header + 2).filter(|r| r.get(uom).is_some_and(|u| u == "个")) {
        for c in &r[q1..=q3] {
            if let Ok(v) = c.parse::<f64>() {
                assert_eq!(v, v.round(), "a node of 个 is a whole number: {r:?}");
                seen += 1;
            }
        }
    }
    assert!(seen >= 3, "腾鳌镇 has node targets counted in 个: {rows:?}");
}

#[test]
fn the_bundled_verified_table_dropped_into_a_batch_is_skipped_not_read() {
    let t = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let batch = t.path().join("2021-06");
    std::fs::create_dir_all(&batch).unwrap();
    for e in std::fs::read_dir(samples.join("2021-06")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, batch.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::copy(samples.join("核定数据_2021-06.xlsx"), batch.join("核定数据_2021-06.xlsx")).unwrap();
    let o = luoshi().arg("run").arg(&batch).arg("-o").arg(t.path().join("out")).output().unwrap();
    let said = text(&o);
    assert!(said.contains("已跳过：核定数据_2021-06.xlsx（luoshi 生成的核定数据"), "{said}");
    assert!(!said.contains("F02"), "{said}");
}

#[test]
fn a_single_workbook_onto_a_clerks_file_is_written_beside_it_and_said() {
    let t = tempfile::tempdir().unwrap();
    let mine = t.path().join("我的汇总表.xlsx");
    std::fs::write(&mine, b"the clerk's own workbook").unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2021-06");
    let o = luoshi().arg("consolidate").arg(&samples).arg("-o").arg(&mine).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("我的汇总表.xlsx 不是 luoshi 写出的，保留原文件，新稿写为 我的汇总表（新）.xlsx"), "{}", text(&o));
    assert!(text(&o).contains("已写出：") && text(&o).contains("我的汇总表（新）.xlsx"), "{}", text(&o));
    assert_eq!(std::fs::read(&mine).unwrap(), b"the clerk's own workbook");
    // Run again: luoshi's own （新） is made again in place, the clerk's file still untouched.
    let o = luoshi().arg("consolidate").arg(&samples).arg("-o").arg(&mine).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!t.path().join("我的汇总表（新2）.xlsx").exists());
    assert_eq!(std::fs::read(&mine).unwrap(), b"the clerk's own workbook");
}
