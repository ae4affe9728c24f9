//! `luoshi notice`: the batch read and judged as `run` does, and only the 通报 written.

use std::path::{Path, PathBuf};

use anyhow::Result;

use luoshi::batch::Batch;
use luoshi::pipeline::{process, Options};
use luoshi::plan::Plan;
use luoshi::write::{write_one, Kept};

/// Write `通报_<period>.docx` in the period's folder under `out` (`out/<期次>/`) for the
/// submissions in `dir`. Returns the batch, where the 通报 went and what was kept instead of replaced.
pub fn notice(plan: &Plan, dir: &Path, out: &Path, opts: &Options) -> Result<(Batch, PathBuf, Vec<Kept>)> {
    let inputs = luoshi::pipeline::check_run_folders("notice", dir, out, opts)?;
    let opts = Options { exclude: Some(out.to_path_buf()), ..opts.clone() };
    let batch = process(plan, &[dir.to_path_buf()], &opts)?;
    let folder = luoshi::pipeline::period_folder(out, batch.period, &inputs)?;
    let papers = opts.papers();
    let (path, kept) = write_one(&folder.join(luoshi::papers::notice_file(batch.period)), "notice", |p| super::run::notice_paper(plan, &batch, &papers, p))?;
    Ok((batch, path, kept))
}
