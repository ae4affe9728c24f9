//! `luoshi consolidate`: the batch read and judged as `run` does, and only the 汇总表 written.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use luoshi::batch::Batch;
use luoshi::pipeline::{guard_output, process, Options};
use luoshi::plan::Plan;
use luoshi::write::{write_one, Kept};

/// Write the 汇总表 for the submissions in `dir` to `out`, or `out/<期次>/汇总表_<期次>.xlsx`.
pub fn consolidate(plan: &Plan, dir: &Path, out: Option<&Path>, opts: &Options) -> Result<(Batch, PathBuf, Vec<Kept>)> {
    luoshi::pipeline::check_batch_folder("consolidate", dir)?;
    let folders = luoshi::pipeline::folders_read(dir, opts);
    let files: Vec<&Path> = opts.input_files.iter().map(PathBuf::as_path).collect();
    if let Some(o) = out {
        guard_output(o, &folders, &files)?;
        if o.is_dir() {
            bail!("{} 是文件夹：-o 应为汇总表的文件名，如 汇总表.xlsx（不给 -o 时写到 out/<期次>/）", o.display());
        }
    }
    let exclude = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(luoshi::pipeline::DEFAULT_OUT));
    let opts = Options { exclude: Some(exclude), ..opts.clone() };
    let batch = process(plan, &[dir.to_path_buf()], &opts)?;
    let label = batch.period.label();
    let wanted = match out {
        Some(o) => o.to_path_buf(),
        None => Path::new(luoshi::pipeline::DEFAULT_OUT).join(&label).join(format!("汇总表_{label}.xlsx")),
    };
    guard_output(&wanted, &folders, &files)?;
    let (path, kept) = write_one(&wanted, "consolidate", |p| luoshi::write::summary::write_summary(p, plan, &batch))?;
    Ok((batch, path, kept))
}
