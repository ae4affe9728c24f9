//! The bundled sample batch: what the README's first command runs on.

use crate::common::luoshi;
use crate::common::root;
use std::path::Path;

use serde_json::Value;

fn validate(dir: &Path) -> Vec<Value> {
    let out = luoshi().args(["validate", "--format", "jsonl", "--fail-on", "never"]).arg(dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn every_planted_mistake_is_found_and_clean_units_have_no_error() {
    let got = validate(&root().join("samples/2021-06"));
    let planted: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(root().join("samples/planted-2021-06.json")).unwrap()).unwrap();
    assert!(planted.len() >= 10);
    for p in &planted {
        let hit =
            got.iter().any(|g| g["rule"] == p["rule"] && (p["file"].is_null() || g["file"] == p["file"]) && (p["cell"].is_null() || g["cell"] == p["cell"]));
        assert!(hit, "planted mistake not found: {p}");
    }
    let dirty: Vec<&str> = planted.iter().filter_map(|p| p["file"].as_str()).collect();
    for g in &got {
        if g["severity"] == "error" && !g["rule"].as_str().unwrap().starts_with('V') {
            let file = g["file"].as_str().unwrap_or("");
            assert!(dirty.contains(&file), "unexpected error in a clean sample: {g}");
        }
    }
}

#[test]
fn run_on_samples_writes_both_workbooks_and_a_chinese_summary() {
    let out = tempfile::tempdir().unwrap();
    let o = luoshi().arg("run").arg(root().join("samples/2021-06")).arg("-o").arg(out.path()).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("报送期次：2021年6月"), "{s}");
    assert!(s.contains("已跳过：~$腾鳌镇_2021-06.xlsx"), "{s}");
    assert!(s.contains("+ 未报 1 个"), "{s}");
    assert!(s.contains("未报：感王镇"), "{s}");
    assert!(out.path().join("2021-06/汇总表_2021-06.xlsx").exists());
    assert!(out.path().join("2021-06/校验报告_2021-06.xlsx").exists());
}
