//! `luoshi ledger`: the year's 台账 from every period folder under a root, written on its own.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use luoshi::ledger::Ledger;
use luoshi::pipeline::{guard_output, history, Options};
use luoshi::plan::Plan;

/// What `luoshi ledger` made.
pub struct LedgerRun {
    pub ledger: Ledger,
    pub path: PathBuf,
    /// Periods read, folders passed over, files that could not be used.
    pub notes: Vec<String>,
}

/// Read every period folder of the newest year under `root` that has returns, build the ledger
/// and write it to `out` (default `out/台账_<year>.xlsx`).
pub fn ledger(plan: &Plan, root: &Path, out: Option<&Path>, opts: &Options) -> Result<LedgerRun> {
    let skip: Vec<PathBuf> = out.map(Path::to_path_buf).into_iter().collect();
    let (folders, mut notes) = history::year_folders(root, &skip)?;
    let files: Vec<&Path> = opts.input_files.iter().map(PathBuf::as_path).collect();
    if let Some(o) = out {
        guard_output(o, &[root.to_path_buf()], &files)?;
        if o.is_dir() {
            bail!("{} 是文件夹：-o 应为台账文件名，如 台账_{}.xlsx", o.display(), plan.year);
        }
    }
    let mut years: Vec<i32> = folders.iter().map(|(p, _)| p.year).collect();
    years.dedup();
    // Newest year first; a year whose folders hold nothing yet (2022-01 made ready in December)
    // gives way to the year before, and that is said.
    let mut records = Vec::new();
    let mut read = Vec::new();
    let mut year = plan.year;
    for y in years.into_iter().rev() {
        year = y;
        let mut empty = Vec::new();
        for (p, folder) in folders.iter().filter(|(p, _)| p.year == y) {
            // A folder made ready for a month to come: nothing to read, said once for the year.
            if !luoshi::pipeline::has_returns(folder) {
                empty.push(p.label());
                continue;
            }
            match history::read_period(plan, folder, *p, opts) {
                Ok((batch, record)) => {
                    let wrong = batch.findings.iter().filter(|f| f.rule == luoshi::finding::Rule::V06);
                    notes.extend(wrong.map(|f| format!("{}：{}", p.chinese(), f.message)));
                    read.push(p.label());
                    records.push(record);
                }
                Err(e) => notes.push(format!("{}（{}）无法读取，已跳过：{}", p.chinese(), folder.display(), luoshi::reason::describe_error(&e))),
            }
        }
        if !records.is_empty() {
            break;
        }
        if !empty.is_empty() {
            notes.push(format!("{y}年的期次文件夹（{}）里还没有报送文件，台账改按上一年度", empty.join("、")));
        }
    }
    if records.is_empty() {
        bail!("{} 下的各期文件夹都没有可用的报送文件，没有写出台账", root.display());
    }
    notes.insert(0, format!("期次：{}", read.join("、")));
    let wanted = out.map(Path::to_path_buf).unwrap_or_else(|| Path::new(luoshi::pipeline::DEFAULT_OUT).join(format!("台账_{year}.xlsx")));
    guard_output(&wanted, &[root.to_path_buf()], &files)?;
    let ledger = Ledger::build(plan, records, &opts.escalation, opts.assess);
    let (path, kept) = luoshi::write::write_one(&wanted, "ledger", |p| luoshi::write::ledger::write_ledger(p, plan, &ledger))?;
    notes.extend(kept.iter().map(|k| k.said()));
    Ok(LedgerRun { ledger, path, notes })
}
