//! No write believed unchecked: a full disk, a killed or doubled run, a hostile manifest or -o
//! never leave a bad file, touch an input, or reach outside the output folder.

use crate::common::{edge, samples};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{ledger_fixtures, ledger_periods, luoshi, output_text as text};

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every file and its bytes: an input folder before and after.
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_under(dir).into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap())).collect()
}

/// Every workbook and paper under `dir` opens as a whole: each part of the zip reads to its end.
/// No luoshi temporary is left.
fn assert_all_complete(dir: &Path) {
    for p in files_under(dir) {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        assert!(!(name.starts_with(".luoshi-") && name.ends_with(".tmp")), "temporary left: {}", p.display());
        if name.ends_with(".xlsx") || name.ends_with(".docx") {
            let mut zip = zip::ZipArchive::new(std::fs::File::open(&p).unwrap()).unwrap_or_else(|e| panic!("{} does not open: {e}", p.display()));
            for i in 0..zip.len() {
                let mut part = zip.by_index(i).unwrap();
                std::io::copy(&mut part, &mut std::io::sink()).unwrap_or_else(|e| panic!("{} is cut short: {e}", p.display()));
            }
        }
    }
}

/// A small disk of its own (tmpfs), unmounted when dropped; `None` where mounting is not allowed.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(at).output().is_ok_and(|o| o.status.success());
        ok.then(|| SmallDisk(at.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_no_bad_file_and_says_so() {
    let t = tempfile::tempdir().unwrap();
    let Some(disk) = SmallDisk::mount(&t.path().join("disk"), "3m") else {
        eprintln!("skipped: a small tmpfs cannot be mounted here (needs root); the full-disk test did not run");
        return;
    };
    let mut full_seen = false;
    for free_kb in [0u64, 40, 120, 240, 420, 700, 1100] {
        let out = disk.0.join("out");
        let filler = disk.0.join("filler");
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_file(&filler);
        // Fill the disk, then give back `free_kb`.
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&filler).unwrap();
            let chunk = vec![7u8; 4096];
            while f.write_all(&chunk).is_ok() {}
            let _ = f.flush();
        }
        let size = std::fs::metadata(&filler).unwrap().len();
        std::fs::OpenOptions::new().write(true).open(&filler).unwrap().set_len(size.saturating_sub(free_kb * 1024)).unwrap();
        let o = luoshi().arg("run").arg(samples()).arg("-o").arg(&out).args(["--date", "2021-07-05"]).output().unwrap();
        let said = text(&o);
        match o.status.code() {
            Some(0) => {}
            Some(3) => {
                full_seen = true;
                assert!(said.contains("磁盘已满"), "{free_kb} KB free: {said}");
            }
            other => panic!("{free_kb} KB free: exit {other:?}: {said}"),
        }
        // Whatever was written is whole; what is listed as written exists.
        assert_all_complete(&out);
        if let Some(listed) = said.split("已写出").nth(1) {
            for line in listed.lines().filter(|l| l.trim_start().starts_with('/') && (l.trim().ends_with(".xlsx") || l.trim().ends_with(".docx"))) {
                assert!(Path::new(line.trim()).is_file(), "{free_kb} KB free: listed but missing: {line}");
            }
        }
    }
    assert!(full_seen, "the disk was full at least once");
}

#[test]
fn two_runs_into_one_folder_at_once_both_end_cleanly() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let start = || {
        luoshi()
            .arg("run")
            .arg(samples())
            .arg("-o")
            .arg(&out)
            .args(["--date", "2021-07-05"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (start(), start());
    for child in [a, b] {
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    assert_all_complete(&out);
    // The second found the first's files unchanged: made again, never written beside.
    assert!(!files_under(&out).iter().any(|p| p.to_string_lossy().contains("（新）")), "{:?}", files_under(&out));
}

#[test]
fn a_killed_run_and_a_rerun_leave_only_complete_files_and_nothing_in_tmp() {
    let t = tempfile::tempdir().unwrap();
    let tmp = t.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    // A batch with an attachment, so that something is unpacked.
    let batch = t.path().join("2021-06");
    std::fs::create_dir_all(&batch).unwrap();
    for e in std::fs::read_dir(samples()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, batch.join(p.file_name().unwrap())).unwrap();
    }
    let unit = batch.join("发改局_2021-06.xlsx");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(batch.join("发改局_附件.zip")).unwrap());
        zip.start_file("发改局_2021-06.xlsx", zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut zip, &std::fs::read(&unit).unwrap()).unwrap();
        zip.finish().unwrap();
    }
    std::fs::remove_file(&unit).unwrap();
    // What a run killed long ago left: an unpacked attachment and a half-written workbook.
    std::fs::create_dir_all(tmp.join("luoshi-unpack-dead")).unwrap();
    std::fs::write(tmp.join("luoshi-unpack-dead/.luoshi-lock"), b"").unwrap();
    std::fs::write(tmp.join("luoshi-unpack-dead/0_表.xlsx"), b"half").unwrap();
    let out = t.path().join("out");
    std::fs::create_dir_all(out.join("2021-06/退回")).unwrap();
    std::fs::write(out.join("2021-06/退回/.luoshi-dead.tmp"), b"half").unwrap();
    let run = || {
        let mut c = luoshi();
        c.env("TMPDIR", &tmp).arg("run").arg(&batch).arg("-o").arg(&out).args(["--date", "2021-07-05"]);
        c
    };
    // Killed at several moments: reading, judging, writing.
    for ms in [30u64, 120, 250, 400] {
        let mut child = run().stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
    }
    let o = run().output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("发改局_附件.zip/发改局_2021-06.xlsx") || !text(&o).contains("未报：发改局"), "the attachment was read: {}", text(&o));
    assert_all_complete(&out);
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "nothing of luoshi's left in TMPDIR: {left:?}");
}

#[test]
fn a_hostile_manifest_deletes_nothing_outside_out() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let folder = out.join("2021-06");
    std::fs::create_dir_all(&folder).unwrap();
    let precious = t.path().join("重要文件.xlsx");
    std::fs::write(&precious, b"the office's own").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(t.path(), folder.join("捷径")).unwrap();
    // Lines naming the file outside, each with its true content hash, as if luoshi had written it.
    let hash = blake3_hex(&std::fs::read(&precious).unwrap());
    let lines: String = [precious.display().to_string(), "../../重要文件.xlsx".into(), "捷径/重要文件.xlsx".into(), "退回/../../../重要文件.xlsx".into()]
        .iter()
        .map(|rel| format!("{hash}\trun\t{rel}\n"))
        .collect();
    std::fs::write(folder.join(".luoshi-manifest"), lines).unwrap();
    let o = luoshi().arg("run").arg(samples()).arg("-o").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(std::fs::read(&precious).unwrap(), b"the office's own");
    assert!(!text(&o).contains("已删除"), "{}", text(&o));
}

/// The manifest's hash of a file: BLAKE3, hex (the test computes it with the same crate luoshi uses).
fn blake3_hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

#[test]
fn no_output_path_names_or_lands_in_an_input() {
    let t = tempfile::tempdir().unwrap();
    let base = ledger_periods(t.path(), &[]);
    let tasks = ledger_fixtures().join("tasks.toml");
    let june = base.join("2021-06");
    let before = contents(&base);
    let refused = |args: Vec<std::ffi::OsString>, want: &str| {
        let o = luoshi().arg("--tasks").arg(&tasks).args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(want), "{args:?}: {}", text(&o));
    };
    let os = |parts: &[&dyn AsRef<std::ffi::OsStr>]| parts.iter().map(|p| p.as_ref().to_os_string()).collect::<Vec<_>>();
    // Through a folder not made yet, back into the batch.
    refused(os(&[&"run", &june, &"-o", &june.join("新建文件夹/..")]), "在要读取的文件夹");
    assert!(!june.join("新建文件夹").exists());
    // Into an earlier period (read as history), or where the period's own folder is the batch.
    refused(os(&[&"run", &june, &"-o", &base.join("2021-05")]), "在要读取的文件夹");
    refused(os(&[&"run", &june, &"-o", &base]), "在要读取的文件夹");
    refused(os(&[&"notice", &june, &"-o", &base]), "在要读取的文件夹");
    refused(os(&[&"ledger", &base, &"-o", &june.join("台账.xlsx")]), "在要读取的文件夹");
    assert_eq!(contents(&base), before, "no input touched");

    // Onto the file read: the 核定数据表, the task list.
    let verified = t.path().join("核定数据.xlsx");
    assert!(luoshi().args(["template", "--verified", "--period", "2021-06", "-o"]).arg(&verified).status().unwrap().success());
    let v_before = std::fs::read(&verified).unwrap();
    let o = luoshi().arg("reconcile").arg(samples()).arg("--verified").arg(&verified).arg("-o").arg(&verified).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("不能覆盖输入文件"), "{}", text(&o));
    assert_eq!(std::fs::read(&verified).unwrap(), v_before);
    let list = t.path().join("任务清单.xlsx");
    std::fs::copy(edge().join("远端单元格任务清单.xlsx"), &list).unwrap();
    let l_before = std::fs::read(&list).unwrap();
    for args in [vec!["consolidate", june.to_str().unwrap(), "-o"], vec!["template", "--period", "2021-07", "-o"]] {
        let o = luoshi().arg("--tasks").arg(&list).args(&args).arg(&list).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains("不能覆盖输入文件"), "{args:?}: {}", text(&o));
    }
    assert_eq!(std::fs::read(&list).unwrap(), l_before);
}

#[test]
fn a_task_list_with_a_far_cell_is_read_within_limits() {
    let o = luoshi().arg("--tasks").arg(edge().join("远端单元格任务清单.xlsx")).args(["tasks", "--format", "tsv"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let tsv = String::from_utf8_lossy(&o.stdout);
    assert_eq!(tsv.lines().count(), 3, "{tsv}");
    assert!(tsv.contains("2.1\t重大项目建设") && tsv.contains("工信局:60、东城镇:40"), "{tsv}");
}

#[test]
fn an_encrypted_attachment_is_said_to_be_encrypted() {
    let t = tempfile::tempdir().unwrap();
    let base = ledger_periods(t.path(), &["发改局"]);
    std::fs::copy(edge().join("发改局_加密附件.zip"), base.join("2021-06/发改局_加密附件.zip")).unwrap();
    let o = luoshi()
        .arg("--tasks")
        .arg(ledger_fixtures().join("tasks.toml"))
        .args(["run", "--no-history"])
        .arg(base.join("2021-06"))
        .arg("-o")
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    let said = text(&o);
    assert!(said.contains("无法使用：发改局_加密附件.zip（压缩包设置了密码（已加密）"), "{said}");
    assert!(said.contains("已报但无法使用 1 个"), "{said}");
    assert!(!said.contains("损坏"), "{said}");
}

#[test]
fn links_deep_folders_and_unreadable_folders_are_read_or_said() {
    let t = tempfile::tempdir().unwrap();
    let base = ledger_periods(t.path(), &["工信局", "农业局"]);
    let june = base.join("2021-06");
    // 工信局's return is a link to the file kept elsewhere; 农业局's sits twelve folders deep.
    #[cfg(unix)]
    std::os::unix::fs::symlink(ledger_fixtures().join("2021-06/工信局_2021-06.xlsx"), june.join("工信局_2021-06.xlsx")).unwrap();
    let mut deep = june.clone();
    for i in 0..12 {
        deep = deep.join(format!("第{i}层"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::copy(ledger_fixtures().join("2021-06/农业局_2021-06.xlsx"), deep.join("农业局_2021-06.xlsx")).unwrap();
    let o = luoshi()
        .arg("--tasks")
        .arg(ledger_fixtures().join("tasks.toml"))
        .args(["run", "--no-history"])
        .arg(&june)
        .arg("-o")
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(said.contains("未报：农业局") && !said.contains("未报：工信局"), "the link is read, the deep file is not: {said}");
    assert!(said.contains("文件夹嵌套超过8层，没有读取"), "{said}");
}

#[test]
fn control_characters_in_the_offices_settings_never_reach_a_paper() {
    let t = tempfile::tempdir().unwrap();
    let settings = t.path().join("文书设置.toml");
    std::fs::write(&settings, "office = \"海城市\\u000B政府\\u0000督查室\"\ncontact = \"督查室\\uFFFF 0412-3128888\"\ndue_day = 28\n").unwrap();
    let out = t.path().join("out");
    let o = luoshi().arg("run").arg(samples()).arg("-o").arg(&out).arg("--papers").arg(&settings).args(["--date", "2021-07-05"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let papers: Vec<PathBuf> = files_under(&out).into_iter().filter(|p| p.extension().is_some_and(|e| e == "docx")).collect();
    assert!(papers.len() > 1);
    for p in papers {
        let xml = crate::common::document_xml(&p);
        assert!(!xml.chars().any(|c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFF}'), "{}", p.display());
        assert!(xml.contains("海城市政府督查室"), "{}", p.display());
    }
}

#[test]
fn the_ledger_passes_over_a_new_years_empty_folder() {
    let t = tempfile::tempdir().unwrap();
    let base = ledger_periods(t.path(), &[]);
    std::fs::create_dir_all(base.join("2022-01")).unwrap();
    let o = luoshi().current_dir(t.path()).arg("--tasks").arg(ledger_fixtures().join("tasks.toml")).arg("ledger").arg(&base).output().unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(said.contains("2022年的期次文件夹（2022-01）里还没有报送文件，台账改按上一年度"), "{said}");
    assert!(said.contains("期次：2021-04、2021-05、2021-06"), "{said}");
    assert!(t.path().join("out/台账_2021.xlsx").is_file());
}

#[test]
fn settings_errors_are_chinese_and_say_the_line() {
    let t = tempfile::tempdir().unwrap();
    let esc = t.path().join("督办.toml");
    std::fs::write(&esc, "[[rule]]\nmeasure = \"约谈\"\nred = -1\n").unwrap();
    let o = luoshi().arg("run").arg(samples()).arg("--escalation").arg(&esc).arg("-o").arg(t.path().join("out")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let said = text(&o);
    assert!(said.contains("第3行") && said.contains("的值“-1”不对，应为不小于0的整数"), "{said}");
    assert!(!said.contains("invalid value") && !said.contains("usize"), "{said}");
    // A roster where one name means two units, and a task without an id, are refused with both named.
    let list = t.path().join("清单.toml");
    std::fs::write(&list, "year = 2021\ncity = \"海城市\"\n[[units]]\nname = \"西柳镇\"\naliases = [\"牌楼镇\"]\n[[units]]\nname = \"牌楼镇\"\n").unwrap();
    let o = luoshi().arg("--tasks").arg(&list).arg("tasks").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("“牌楼镇”既是单位 西柳镇 的名称或别名，又是单位 牌楼镇 的名称"), "{}", text(&o));
    std::fs::write(&list, "year = 2021\ncity = \"海城市\"\n[[tasks]]\nid = \"\"\narea = \"重要指标\"\nname = \"无编号的任务\"\nlead_unit = \"发改局\"\n")
        .unwrap();
    let o = luoshi().arg("--tasks").arg(&list).arg("tasks").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("第1项任务（无编号的任务）没有任务编号"), "{}", text(&o));
}

#[test]
fn a_folder_that_cannot_be_opened_is_said_and_the_rest_read() {
    let t = tempfile::tempdir().unwrap();
    let base = ledger_periods(t.path(), &[]);
    let private = base.join("2021-06/私人");
    std::fs::create_dir_all(&private).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    if std::fs::read_dir(&private).is_ok() {
        eprintln!("skipped: this user (root) can open any folder, so an unreadable one cannot be made here");
        return;
    }
    let o = luoshi()
        .arg("--tasks")
        .arg(ledger_fixtures().join("tasks.toml"))
        .args(["run", "--no-history"])
        .arg(base.join("2021-06"))
        .arg("-o")
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("已跳过：私人/（文件夹打不开：没有权限"), "{}", text(&o));
}
