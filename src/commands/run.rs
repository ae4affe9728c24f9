//! `luoshi run`: the batch read and judged, then the 汇总表, 校验报告 and 退回 files written.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{judge_with, read_files, Options};
use crate::batch::Batch;
use crate::papers::Papers;
use crate::plan::Plan;
use crate::validate::Period;

/// `luoshi run`: validate and consolidate, write the workbooks under `out`.
pub fn run(plan: &Plan, dir: &Path, out: &Path, opts: &Options) -> Result<(Batch, Outputs)> {
    run_loading(|| Ok(plan), dir, out, opts).map(|(_, batch, outputs)| (batch, outputs))
}

/// `run`, loading the master task list while the files are read: a province's list is as big as
/// its batch, and reading one big file leaves a core free.
pub fn run_loading<P>(load: impl FnOnce() -> Result<P> + Send, dir: &Path, out: &Path, opts: &Options) -> Result<(P, Batch, Outputs)>
where
    P: std::borrow::Borrow<Plan> + Send,
{
    super::check_run_folders("run", dir, out)?;
    let opts = Options { exclude: Some(out.to_path_buf()), ..opts.clone() };
    let paths = [dir.to_path_buf()];
    let (plan, files) = rayon::join(load, || read_files(&paths, &opts));
    let plan = plan?;
    let start = |period: Period, detail: &polars::prelude::DataFrame| crate::write::summary::start_summary(plan.borrow(), period, detail);
    let (mut batch, summary) = judge_with(plan.borrow(), &paths, files?, &opts, start)?;
    remove_stale_temporaries(out);
    let papers = opts.papers();
    let mut outputs = write_outputs(plan.borrow(), &mut batch, summary, out, &papers);
    outputs.removed = replace_manifest(out, &outputs);
    Ok((plan, batch, outputs))
}

/// The list of files a run wrote into its output folder, so that the next run can take back
/// what no longer applies (a 退回 file for a unit that has since fixed its form) and only that.
const MANIFEST: &str = ".luoshi-manifest";

/// Remove the files the last run wrote that this one did not, then record this run's files.
/// Only files named in the manifest are ever removed; anything else in the folder is the clerk's.
fn replace_manifest(out: &Path, outputs: &Outputs) -> Vec<PathBuf> {
    let relative = |p: &Path| p.strip_prefix(out).ok().map(|r| r.to_string_lossy().replace('\\', "/"));
    let written: HashSet<String> = outputs.workbooks.iter().chain(&outputs.returns).chain(&outputs.letters).filter_map(|p| relative(p)).collect();
    let failed: HashSet<String> = outputs.failed.iter().filter_map(|(p, _)| relative(p)).collect();
    let before = std::fs::read_to_string(out.join(MANIFEST)).unwrap_or_default();
    let mut removed = Vec::new();
    let mut kept = Vec::new();
    for line in before.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if written.contains(line) {
            continue;
        }
        // A file that failed to be written this time is still last run's: kept and still listed.
        if failed.contains(line) {
            kept.push(line.to_string());
            continue;
        }
        let path = out.join(line);
        if !line.split('/').any(|part| part == "..") && path.is_file() && std::fs::remove_file(&path).is_ok() {
            removed.push(path);
        }
    }
    let mut listed: Vec<String> = written.into_iter().chain(kept).collect();
    listed.sort();
    let _ = std::fs::write(out.join(MANIFEST), listed.join("\n") + "\n");
    removed
}

/// Half-written files a killed run left behind (`.luoshi-*.tmp`) are removed before writing.
fn remove_stale_temporaries(out: &Path) {
    for dir in [out.to_path_buf(), out.join(crate::write::returns::RETURNS_DIR), out.join(crate::papers::LETTERS_DIR)] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with(".luoshi-") && name.ends_with(".tmp") && e.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// What a run wrote, and what it could not: one workbook that fails never costs the others.
#[derive(Debug, Default)]
pub struct Outputs {
    /// 汇总表, 校验报告 and 通报, those written.
    pub workbooks: Vec<PathBuf>,
    /// 退回 files written.
    pub returns: Vec<PathBuf>,
    /// 督办函 written.
    pub letters: Vec<PathBuf>,
    /// Each workbook not written, with why (in Chinese).
    pub failed: Vec<(PathBuf, String)>,
    /// Files the last run wrote here that no longer apply, removed.
    pub removed: Vec<PathBuf>,
}

/// The run's workbooks and papers, written in parallel.
fn write_outputs(plan: &Plan, batch: &mut Batch, started: crate::write::summary::StartedSummary, out: &Path, papers: &Papers) -> Outputs {
    // From here on the frame carries every row; only units that get a return file need theirs.
    let returned: HashSet<String> = crate::write::returns::units_to_return(plan, &batch.findings).into_iter().collect();
    for s in &mut batch.submissions {
        if !s.unit.as_ref().is_some_and(|u| returned.contains(u)) {
            s.rows = Vec::new();
        }
    }
    let batch = &*batch;
    let label = batch.period.label();
    let summary = out.join(format!("汇总表_{label}.xlsx"));
    let report = out.join(format!("校验报告_{label}.xlsx"));
    let returns_dir = out.join(crate::write::returns::RETURNS_DIR);
    let notice = out.join(crate::papers::notice_file(batch.period));
    let letters_dir = out.join(crate::papers::LETTERS_DIR);
    let t = std::time::Instant::now();
    let ((a, b), ((c, d), e)) = rayon::join(
        || {
            rayon::join(
                || crate::write::summary::finish_summary(&summary, plan, batch, started),
                || crate::write::report::write_report(&report, plan, batch),
            )
        },
        || {
            rayon::join(
                || rayon::join(|| notice_paper(plan, batch, papers, &notice), || crate::write::returns::write_returns(&returns_dir, plan, batch)),
                || write_letters(plan, batch, &letters_dir, papers),
            )
        },
    );
    crate::profile::stage("write", t);
    let mut failed = Vec::new();
    let workbooks = written(vec![(summary, a), (report, b), (notice, c)], &mut failed);
    let returns = written(d, &mut failed);
    let letters = written(e, &mut failed);
    Outputs { workbooks, returns, letters, failed, removed: Vec::new() }
}

/// The files written; each that was not goes to `failed` with why.
fn written(results: Vec<(PathBuf, Result<()>)>, failed: &mut Vec<(PathBuf, String)>) -> Vec<PathBuf> {
    let mut ok = Vec::new();
    for (path, result) in results {
        match result {
            Ok(()) => ok.push(path),
            Err(e) => failed.push((path, crate::write::describe_error(&e))),
        }
    }
    ok
}

/// Every 督办函, each written or failed on its own.
fn write_letters(plan: &Plan, batch: &Batch, dir: &Path, papers: &Papers) -> Vec<(PathBuf, Result<()>)> {
    let t = std::time::Instant::now();
    // A province has a letter for hundreds of units: rendered and written on every core.
    use rayon::prelude::*;
    let written = crate::papers::letters(plan, batch, papers)
        .into_par_iter()
        .map(|(unit, blocks)| {
            let path = dir.join(format!("{}.docx", crate::write::returns::safe_file_stem(&unit)));
            let result = blocks.and_then(|b| crate::write::paper::write_paper(&path, &b, papers.date));
            (path, result)
        })
        .collect();
    crate::profile::stage("papers: 督办函", t);
    written
}

/// The 通报 written at `path`.
pub fn notice_paper(plan: &Plan, batch: &Batch, papers: &Papers, path: &Path) -> Result<()> {
    let blocks = crate::papers::notice(plan, batch, papers)?;
    crate::write::paper::write_paper(path, &blocks, papers.date)
}

