//! The release: the settings in every archive are what `luoshi init` writes, and the archive the
//! workflow makes holds the program, the README and those settings, for each of the three targets.

use std::path::Path;
use std::process::Command;

use crate::common::{luoshi, root};

#[test]
fn the_released_settings_are_what_init_writes() {
    let t = tempfile::tempdir().unwrap();
    let o = luoshi().arg("init").arg(t.path()).output().unwrap();
    assert!(o.status.success());
    let shipped = root().join("release/设置");
    let toml = |list: &Path| String::from_utf8(luoshi().arg("--tasks").arg(list).args(["tasks", "--format", "toml"]).output().unwrap().stdout).unwrap();
    let mut n = 0;
    for e in std::fs::read_dir(t.path()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let ours = shipped.join(&name);
        assert!(ours.is_file(), "release/设置/{name} is missing: run luoshi init release/设置");
        if name.ends_with(".xlsx") {
            assert_eq!(toml(&ours), toml(&p), "{name}: the same list");
        } else {
            assert_eq!(std::fs::read(&ours).unwrap(), std::fs::read(&p).unwrap(), "release/设置/{name} is stale: run luoshi init release/设置 again");
        }
        n += 1;
    }
    assert_eq!(n, 9, "luoshi.toml, the list twice, settings and wordings");
}

#[test]
fn the_workflow_archives_the_program_the_readme_and_the_settings_for_three_targets() {
    let flow = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    for target in ["x86_64-pc-windows-msvc", "x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"] {
        assert!(flow.contains(&format!("target: {target}")), "{target} in the build matrix");
    }
    assert!(flow.contains("tags: [\"v*\"]") && flow.contains(".github/package.sh") && flow.contains("--release --locked"));
    if Command::new("tar").arg("--version").output().is_err() {
        eprintln!("SKIPPED the archive's contents: tar is not installed");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let o = Command::new("bash")
        .arg(root().join(".github/package.sh"))
        .arg(env!("CARGO_BIN_EXE_luoshi"))
        .args(["x86_64-unknown-linux-gnu", "v0.0.0-test"])
        .arg(t.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let archive = t.path().join("luoshi-v0.0.0-test-x86_64-unknown-linux-gnu.tar.gz");
    let list = Command::new("tar").arg("tzf").arg(&archive).output().unwrap();
    let names: Vec<String> = String::from_utf8_lossy(&list.stdout).lines().map(|l| l.trim_end_matches('/').to_string()).collect();
    let dir = "luoshi-v0.0.0-test-x86_64-unknown-linux-gnu";
    for want in ["luoshi", "README.md", "设置/luoshi.toml", "设置/任务清单.xlsx", "设置/通报模板.txt", "设置/文书设置.toml"] {
        assert!(names.contains(&format!("{dir}/{want}")), "{want} in {names:?}");
    }
    assert!(!names.iter().any(|n| n.contains("/.luoshi")), "no lock or manifest: {names:?}");
    // The program in the archive runs.
    let x = tempfile::tempdir().unwrap();
    assert!(Command::new("tar").arg("xzf").arg(&archive).arg("-C").arg(x.path()).status().unwrap().success());
    let o = Command::new(x.path().join(dir).join("luoshi")).arg("--version").output().unwrap();
    assert!(o.status.success());
}
