//! `luoshi run`: the batch read and judged, then the 汇总表, 校验报告 and 退回 files written.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Result;

use luoshi::batch::Batch;
use luoshi::papers::Papers;
use luoshi::period::Period;
use luoshi::pipeline::{judge_with, read_files, Options};
use luoshi::plan::Plan;
use luoshi::write::outdir::{Kept, OutDir};

/// `run`, loading the master task list while the files are read: a province's list is as big as
/// its batch, and reading one big file leaves a core free.
///
/// `out` holds one folder per period (`out/2022-06/`): July's run never touches June's papers.
pub fn run_loading<P>(load: impl FnOnce() -> Result<P> + Send, dir: &Path, out: &Path, opts: &Options) -> Result<(P, Batch, Outputs)>
where
    P: std::borrow::Borrow<Plan> + Send,
{
    let inputs = luoshi::pipeline::check_run_folders("run", dir, out, opts)?;
    let opts = Options { exclude: Some(out.to_path_buf()), ..opts.clone() };
    let paths = [dir.to_path_buf()];
    let (plan, files) = rayon::join(load, || read_files(&paths, &opts));
    let plan = plan?;
    let start = |period: Period, detail: &polars::prelude::DataFrame| luoshi::write::summary::start_summary(plan.borrow(), period, detail);
    let (mut batch, summary) = judge_with(plan.borrow(), &paths, files?, &opts, start)?;
    let folder = luoshi::pipeline::period_folder(out, batch.period, &inputs)?;
    let outdir = OutDir::open(&folder, "run")?;
    let papers = opts.papers();
    let mut outputs = write_outputs(plan.borrow(), &mut batch, summary, &outdir, &papers);
    outputs.finish(outdir);
    Ok((plan, batch, outputs))
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
    /// Files the last run wrote here that no longer apply, kept because someone changed them.
    pub kept_stale: Vec<PathBuf>,
    /// Files found where an output was to go, kept, and where the new one went instead.
    pub kept: Vec<Kept>,
    /// The period's folder everything went into.
    pub folder: PathBuf,
}

impl Outputs {
    /// Every file written.
    pub fn all(&self) -> impl Iterator<Item = &PathBuf> {
        self.workbooks.iter().chain(&self.returns).chain(&self.letters)
    }

    /// Record what was written in the folder's manifest and take back what no longer applies.
    /// A manifest that cannot be saved (a full disk) is one more file not written: the papers
    /// written are still listed, and nothing is taken back.
    fn finish(&mut self, outdir: OutDir) {
        self.folder = outdir.root().to_path_buf();
        let written: Vec<PathBuf> = self.all().cloned().collect();
        let failed: Vec<PathBuf> = self.failed.iter().map(|(p, _)| p.clone()).collect();
        let manifest = outdir.manifest_path();
        match outdir.finish(&written, &failed) {
            Ok(done) => {
                self.removed = done.removed;
                self.kept_stale = done.kept_stale;
                self.kept = done.kept;
            }
            Err(e) => self.failed.push((manifest, luoshi::reason::describe_error(&e))),
        }
    }
}

/// The run's workbooks and papers, written in parallel.
fn write_outputs(plan: &Plan, batch: &mut Batch, started: luoshi::write::summary::StartedSummary, outdir: &OutDir, papers: &Papers) -> Outputs {
    // From here on the frame carries every row; only units that get a return file need theirs.
    let returned: HashSet<String> = luoshi::write::returns::units_to_return(plan, &batch.findings).into_iter().collect();
    for s in &mut batch.submissions {
        if !s.unit.as_ref().is_some_and(|u| returned.contains(u)) {
            s.rows = Vec::new();
        }
    }
    let batch = &*batch;
    let label = batch.period.label();
    let out = outdir.root();
    let place = |p: &Path| outdir.place(p);
    let summary = place(&out.join(format!("汇总表_{label}.xlsx")));
    let report = place(&out.join(format!("校验报告_{label}.xlsx")));
    let returns_dir = out.join(luoshi::write::returns::RETURNS_DIR);
    let notice = place(&out.join(luoshi::papers::notice_file(batch.period)));
    let brief = place(&out.join(luoshi::papers::brief_file(batch.period)));
    let letters_dir = out.join(luoshi::papers::LETTERS_DIR);
    let t = std::time::Instant::now();
    let ((a, b), ((c, d), e)) = rayon::join(
        || rayon::join(|| luoshi::write::summary::finish_summary(&summary, plan, batch, started), || luoshi::write::report::write_report(&report, plan, batch)),
        || {
            rayon::join(
                || {
                    rayon::join(
                        || {
                            (
                                notice_paper(plan, batch, papers, &notice),
                                luoshi::write::paper::write_paper(&brief, &luoshi::papers::brief(plan, batch, papers).blocks(), papers.date),
                            )
                        },
                        || luoshi::write::returns::write_returns(&returns_dir, &place, plan, batch),
                    )
                },
                || write_letters(plan, batch, &letters_dir, &place, papers),
            )
        },
    );
    luoshi::profile::stage("write", t);
    let mut failed = Vec::new();
    let (c, brief_written) = c;
    let workbooks = written(vec![(summary, a), (report, b), (notice, c), (brief, brief_written)], &mut failed);
    let returns = written(d, &mut failed);
    let letters = written(e, &mut failed);
    Outputs { workbooks, returns, letters, failed, ..Default::default() }
}

/// The files written; each that was not goes to `failed` with why.
fn written(results: Vec<(PathBuf, Result<()>)>, failed: &mut Vec<(PathBuf, String)>) -> Vec<PathBuf> {
    let mut ok = Vec::new();
    for (path, result) in results {
        match result {
            Ok(()) => ok.push(path),
            Err(e) => failed.push((path, luoshi::reason::describe_error(&e))),
        }
    }
    ok
}

/// Every 督办函, each written or failed on its own.
fn write_letters(plan: &Plan, batch: &Batch, dir: &Path, place: &(dyn Fn(&Path) -> PathBuf + Sync), papers: &Papers) -> Vec<(PathBuf, Result<()>)> {
    let t = std::time::Instant::now();
    // A province has a letter for hundreds of units: rendered and written on every core.
    use rayon::prelude::*;
    let letters = luoshi::papers::letters(plan, batch, papers);
    let stems = luoshi::write::returns::unique_file_stems(letters.iter().map(|(u, _)| u.as_str()));
    let written = letters
        .into_par_iter()
        .zip(stems)
        .map(|((_, blocks), stem)| {
            let path = place(&dir.join(format!("{stem}.docx")));
            let result = blocks.and_then(|b| luoshi::write::paper::write_paper(&path, &b, papers.date));
            (path, result)
        })
        .collect();
    luoshi::profile::stage("papers: 督办函", t);
    written
}

/// The 通报 written at `path`.
pub fn notice_paper(plan: &Plan, batch: &Batch, papers: &Papers, path: &Path) -> Result<()> {
    let blocks = luoshi::papers::notice(plan, batch, papers)?;
    luoshi::write::paper::write_paper(path, &blocks, papers.date)
}
