//! `luoshi notice`: the batch read and judged as `run` does, and only the 通报 written.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use super::{check_output_dir, process, Options};
use crate::batch::Batch;
use crate::plan::Plan;

/// Write `通报_<period>.docx` under `out` for the submissions in `dir`.
pub fn notice(plan: &Plan, dir: &Path, out: &Path, opts: &Options) -> Result<(Batch, PathBuf)> {
    if !dir.is_dir() {
        bail!("{} 不是文件夹：luoshi notice 需要存放各单位报送文件的文件夹", dir.display());
    }
    check_output_dir(out, &[dir.to_path_buf()])?;
    if out.exists() && !out.is_dir() {
        bail!("输出目录 {} 是一个文件，不是文件夹；请用 -o 指定一个文件夹（不存在时会新建）", out.display());
    }
    let opts = Options { exclude: Some(out.to_path_buf()), ..opts.clone() };
    let batch = process(plan, &[dir.to_path_buf()], &opts)?;
    let lagging = crate::consolidate::lagging_rows(plan, &batch.consolidated)?;
    let path = out.join(crate::papers::notice_file(batch.period));
    super::run::notice_paper(plan, &batch, &lagging, &opts.papers(), &path)?;
    Ok((batch, path))
}
