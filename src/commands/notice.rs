//! `luoshi notice`: the batch read and judged as `run` does, and only the 通报 written.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{process, Options};
use crate::batch::Batch;
use crate::plan::Plan;

/// Write `通报_<period>.docx` under `out` for the submissions in `dir`.
pub fn notice(plan: &Plan, dir: &Path, out: &Path, opts: &Options) -> Result<(Batch, PathBuf)> {
    super::check_run_folders("notice", dir, out)?;
    let opts = Options { exclude: Some(out.to_path_buf()), ..opts.clone() };
    let batch = process(plan, &[dir.to_path_buf()], &opts)?;
    let path = out.join(crate::papers::notice_file(batch.period));
    super::run::notice_paper(plan, &batch, &opts.papers(), &path)?;
    Ok((batch, path))
}
