//! `luoshi ledger`: the year's 台账 from every period folder under a root, written on its own.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use super::{check_output_dir, history, Options};
use crate::ledger::Ledger;
use crate::plan::Plan;

/// What `luoshi ledger` made.
pub struct LedgerRun {
    pub ledger: Ledger,
    pub path: PathBuf,
    /// Periods read, folders passed over, files that could not be used.
    pub notes: Vec<String>,
}

/// Read every period folder of the newest year under `root`, build the ledger and write it to
/// `out` (default `out/台账_<year>.xlsx`).
pub fn ledger(plan: &Plan, root: &Path, out: Option<&Path>, opts: &Options) -> Result<LedgerRun> {
    let skip: Vec<PathBuf> = out.map(Path::to_path_buf).into_iter().collect();
    let (folders, mut notes) = history::year_folders(root, &skip)?;
    let year = folders.last().map(|(p, _)| p.year).unwrap_or(plan.year);
    let path = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("out").join(format!("台账_{year}.xlsx")));
    check_output_dir(&path, &[root.to_path_buf()])?;
    if path.is_dir() {
        bail!("{} 是文件夹：-o 应为台账文件名，如 台账_{year}.xlsx", path.display());
    }
    let mut records = Vec::new();
    let mut read = Vec::new();
    for (p, folder) in &folders {
        match history::read_period(plan, folder, *p, opts) {
            Ok((_, record)) => {
                read.push(p.label());
                records.push(record);
            }
            Err(e) => notes.push(format!("{}（{}）无法读取，已跳过：{}", p.chinese(), folder.display(), crate::write::describe_error(&e))),
        }
    }
    if records.is_empty() {
        bail!("{} 下各期文件夹都无法读取，没有写出台账", root.display());
    }
    notes.insert(0, format!("期次：{}", read.join("、")));
    let ledger = Ledger::build(plan, records, &opts.escalation, opts.assess);
    crate::write::ledger::write_ledger(&path, plan, &ledger)?;
    Ok(LedgerRun { ledger, path, notes })
}
