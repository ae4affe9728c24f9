//! The command line: exit codes, messages, refusals.

use crate::common::luoshi;

#[test]
fn tasks_prints_the_builtin_list() {
    let o = luoshi().arg("tasks").output().unwrap();
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("4.1.2"));
    assert!(s.contains("新建5G基站") || s.contains("5G基站"));
    assert!(s.contains("≤3%"), "upper bound shown: {s}");
    assert!(s.contains("力争230"));
}

#[test]
fn missing_folder_is_usage_error_in_chinese() {
    let o = luoshi().args(["run", "没有这个文件夹"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("找不到 没有这个文件夹"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn bad_period_is_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = luoshi().args(["validate", "--period", "六月"]).arg(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--period"));
}

#[test]
fn output_inside_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = luoshi().arg("run").arg(dir.path()).arg("-o").arg(dir.path().join("out")).args(["--period", "2021-06"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("里面"));
}

#[test]
fn validate_exit_code_follows_fail_on() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let run = |level: &str| {
        luoshi()
            .args(["validate", "--period", "2021-06", "--fail-on", level, "--tasks"])
            .arg(format!("{fixtures}/tasks.toml"))
            .arg(format!("{fixtures}/2021-06/发改局_2021-06.xlsx"))
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run("error"), Some(1));
    assert_eq!(run("never"), Some(0));
}
