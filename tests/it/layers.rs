//! The pipeline's layers point down only: a module may use its own layer and those below, never
//! one above. The table is the architecture; this test fails when a change breaks it.

use std::collections::BTreeMap;
use std::path::Path;

/// Bottom first. A module not listed fails the test: place it in the table when adding it.
const LAYERS: &[&[&str]] = &[
    // Leaves: column names, Excel's limits, Chinese error wording, stage timings.
    &["fields", "excel", "reason", "profile"],
    // Values as people type them, and the period.
    &["values", "period"],
    // Findings; reading files (sniffing, limits, cells).
    &["finding", "ingest"],
    // The task list and roster (read through ingest).
    &["plan"],
    // Cells → typed rows, the unit identified.
    &["normalise"],
    // Rules one file can judge.
    &["validate"],
    // Lights.
    &["lights"],
    // polars: one frame, totals, batch rules.
    &["consolidate"],
    // The year so far.
    &["ledger"],
    // One period's result.
    &["batch"],
    // What is made of a batch: reconciliation, the papers' wording, reminders.
    &["reconcile", "papers", "remind", "upward"],
    // The pipeline as one call: a folder read and judged, the year's earlier periods, the
    // checks on what is read and written.
    &["pipeline"],
    // Workbooks and papers on disk.
    &["write"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Every `crate::module` a source file names outside comments.
fn uses(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.push((n + 1, name));
            }
            rest = after;
        }
    }
    out
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn modules_use_only_their_own_layer_and_those_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let module = rel.components().next().unwrap().as_os_str().to_string_lossy().trim_end_matches(".rs").to_string();
        // The binary's side (main.rs, cli/) sits on top of the whole library and may use all of it.
        if module == "lib" || module == "main" || module == "cli" {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            unplaced.push(module);
            continue;
        };
        for (line, used) in uses(&std::fs::read_to_string(&f).unwrap()) {
            match layer_of(&used) {
                Some(l) if l > own => wrong.entry(rel.display().to_string()).or_default().push(format!("第{line}行 {used}")),
                Some(_) => {}
                None => unplaced.push(used),
            }
        }
    }
    unplaced.sort();
    unplaced.dedup();
    assert!(unplaced.is_empty(), "modules missing from LAYERS: {unplaced:?}");
    assert!(wrong.is_empty(), "modules using a layer above their own: {wrong:#?}");
}

#[test]
fn the_check_sees_a_use_from_above() {
    // What write/remind.rs once did: a writer reaching up (there into the commands).
    let found = uses("use crate::pipeline::Options; // the options\n/// [`crate::batch`] in a doc\n");
    assert_eq!(found, vec![(1, "pipeline".to_string())]);
    assert!(layer_of("pipeline") > layer_of("papers") && layer_of("write") > layer_of("pipeline"));
}

#[test]
fn the_library_never_reaches_the_command_line() {
    // The command line lives with the binary (src/cli); the library has no module of that name.
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(!lib.contains("mod cli") && !lib.contains("mod commands") && !lib.contains("mod term"));
}
