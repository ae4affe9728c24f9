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

#[test]
fn a_folder_alone_is_a_run() {
    // What a folder dropped on luoshi.exe arrives as: the folder, and nothing else.
    let t = tempfile::tempdir().unwrap();
    let (alone, run) = (t.path().join("alone"), t.path().join("run"));
    let o = crate::common::luoshi().arg(crate::common::samples()).arg("-o").arg(&alone).args(["--date", "2021-07-05"]).output().unwrap();
    assert!(o.status.success(), "{}", crate::common::output_text(&o));
    let o = crate::common::luoshi().arg("run").arg(crate::common::samples()).arg("-o").arg(&run).args(["--date", "2021-07-05"]).output().unwrap();
    assert!(o.status.success());
    let (a, b) = (crate::common::snapshot(&alone), crate::common::snapshot(&run));
    assert!(a.len() > 10, "{} files", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert!(a == b, "the same bytes");
    // `help run` is `run --help`; a name that is neither a command nor a folder is said as such.
    let help = crate::common::luoshi().args(["help", "run"]).output().unwrap();
    assert!(help.status.success() && String::from_utf8_lossy(&help.stdout).contains("用法：luoshi run"));
    let o = crate::common::luoshi().arg("报送/2021-13").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(crate::common::output_text(&o).contains("找不到它"), "{}", crate::common::output_text(&o));
}

#[test]
fn a_date_far_from_the_period_is_said_once_with_the_date_to_give() {
    let t = tempfile::tempdir().unwrap();
    let run = |date: Option<&str>| {
        let mut c = crate::common::luoshi();
        c.args(["notice"]).arg(crate::common::samples()).arg("-o").arg(t.path());
        if let Some(d) = date {
            c.args(["--date", d]);
        }
        crate::common::output_text(&c.output().unwrap())
    };
    let far = run(Some("2021-12-20"));
    assert_eq!(far.matches("成文日期是2021年12月20日").count(), 1, "{far}");
    assert!(far.contains("--date 2021-07-05"), "{far}");
    assert!(!run(Some("2021-07-05")).contains("成文日期是"), "a date in the next month is not remarked on");
}
