//! The pipeline as one call: a batch folder read, normalised, validated and consolidated into a
//! [`Batch`] (`process`), the earlier periods of the year found and read (`history`), and the
//! checks on the folders a command reads and writes, made before anything is read.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::lights::Thresholds;
use crate::period::Period;

pub mod history;
pub mod process;

pub use crate::batch::Batch;
pub use history::{candidate_folders, period_folders, read_period, year_folders, History, HistorySource};
pub use process::{collect_inputs, judge, judge_with, process, read_files, Input, Passed, ReadFiles};

/// How a batch is processed.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `YYYY-MM`; inferred from the files when absent.
    pub period: Option<String>,
    /// Last period's submissions (`--previous`), for L10 and the change since last month.
    pub previous: Option<PathBuf>,
    pub thresholds: Thresholds,
    /// Show a progress bar on long batches.
    pub progress: bool,
    /// A folder never to read (the output folder).
    pub exclude: Option<PathBuf>,
    /// Apply the batch-wide coverage rules (V01, V02, V04, V05); by default only when a folder is given.
    pub batch_rules: Option<bool>,
    /// Where earlier periods of the year are found (L11–L13, the ledger, streaks).
    pub history: HistorySource,
    /// Which streak calls for which 督办措施.
    pub escalation: crate::ledger::Escalation,
    /// 预评估 before 6月 too.
    pub assess: bool,
    /// The 通报 and 督办函's settings, wording and date; the built-in ones dated today when absent.
    pub papers: Option<std::sync::Arc<crate::papers::Papers>>,
    /// Files read besides the submissions (the task list, settings, templates): never an output.
    pub input_files: Vec<PathBuf>,
}

/// Where every command writes unless told otherwise: `out/<期次>/…`, the year's 台账 in `out/`.
pub const DEFAULT_OUT: &str = "out";

impl Options {
    pub fn papers(&self) -> std::sync::Arc<crate::papers::Papers> {
        self.papers.clone().unwrap_or_else(|| std::sync::Arc::new(crate::papers::Papers::builtin(chrono::Local::now().date_naive())))
    }
}

/// A `--period` as the user typed it.
pub fn parse_period(p: &str) -> Result<Period> {
    Period::parse(p).with_context(|| format!("--period “{p}”写法不对，应为 年-月，如 {}-06", chrono::Local::now().format("%Y")))
}

/// A batch folder to read and an output folder to write into, checked before anything is read.
/// Returns every folder the command will read (the batch, `--previous`, the earlier periods),
/// which the outputs must stay out of.
pub fn check_run_folders(command: &str, dir: &Path, out: &Path, opts: &Options) -> Result<Vec<PathBuf>> {
    check_batch_folder(command, dir)?;
    if out.exists() && !out.is_dir() {
        bail!("输出目录 {} 是一个文件，不是文件夹；请用 -o 指定一个文件夹（不存在时会新建）", out.display());
    }
    if looks_like_file_name(out) && !out.exists() {
        bail!("-o {} 像是文件名：luoshi {command} 的 -o 是输出目录（各期的文件写在其中的期次文件夹里），如 -o out", out.display());
    }
    let inputs = folders_read(dir, opts);
    guard_output(out, &inputs, &[])?;
    Ok(inputs)
}

/// Every folder a command on `dir` reads: the batch, `--previous`, and the earlier periods.
pub fn folders_read(dir: &Path, opts: &Options) -> Vec<PathBuf> {
    let mut folders = vec![dir.to_path_buf()];
    folders.extend(opts.previous.clone());
    folders.extend(history::candidate_folders(&opts.history, dir));
    folders
}

/// A folder of one period's submissions: it exists, and is not the folder that holds the period
/// folders (that one is for `luoshi ledger`).
pub fn check_batch_folder(command: &str, dir: &Path) -> Result<()> {
    if !dir.exists() {
        bail!("找不到 {}：请检查路径是否写对（luoshi {command} 需要存放各单位报送文件的文件夹）", dir.display());
    }
    if !dir.is_dir() {
        bail!("{} 不是文件夹：luoshi {command} 需要存放各单位报送文件的文件夹", dir.display());
    }
    let own = absolute(dir).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let (periods, _) = history::period_folders(dir, &[]);
    if !periods.is_empty() && Period::find_in(&own).is_none() {
        let names: Vec<String> = periods.iter().map(|(_, p)| p.file_name().unwrap_or_default().to_string_lossy().to_string()).collect();
        let newest = dir.join(names.last().cloned().unwrap_or_default());
        bail!(
            "{} 是各期文件夹（{}）的上一级，请指定其中一期，如 luoshi {command} {}；全年台账用 luoshi ledger {}",
            dir.display(),
            names.join("、"),
            newest.display(),
            dir.display()
        );
    }
    Ok(())
}

/// Whether a period's folder holds anything to read (a table or an attachment), hidden and lock
/// files aside.
pub fn has_returns(folder: &Path) -> bool {
    let name_of = |i: &Input| i.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    collect_inputs(std::slice::from_ref(&folder.to_path_buf()), None).is_ok_and(|(inputs, _)| {
        inputs
            .iter()
            .map(name_of)
            .any(|n| !crate::ingest::is_skipped_name(&n) && (crate::ingest::is_workbook_name(&n) || crate::ingest::archive::is_archive_name(&n)))
    })
}

/// Whether a path's name ends like a file (`汇总.xlsx`), where a folder is wanted.
fn looks_like_file_name(p: &Path) -> bool {
    let lower = p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    [".xlsx", ".xls", ".xlsm", ".ods", ".csv", ".docx", ".doc", ".pdf", ".txt", ".toml", ".zip"].iter().any(|e| lower.ends_with(e))
}

/// The period's own folder inside `out` (`out/2022-06`), checked against the folders read.
pub fn period_folder(out: &Path, period: Period, inputs: &[PathBuf]) -> Result<PathBuf> {
    let folder = out.join(period.label());
    guard_output(&folder, inputs, &[])?;
    Ok(folder)
}

/// Refuse an output that names or lands in an input: inside (or equal to) a folder that is read
/// (the batch, `--previous`, an earlier period), or the same file as one that is read (the task
/// list, the 核定数据表). Paths are compared made absolute, with links resolved and `..` taken
/// away, also where the path does not exist yet.
pub fn guard_output(out: &Path, folders: &[PathBuf], files: &[&Path]) -> Result<()> {
    let out_abs = absolute(out);
    for i in folders.iter().filter(|i| i.is_dir()) {
        if out_abs.starts_with(absolute(i)) {
            bail!("输出 {} 在要读取的文件夹 {} 里面：会写进报送文件，下次运行还会被当成报送读入；请用 -o 指定别的目录", out.display(), i.display());
        }
    }
    for f in files {
        if f.exists() && out_abs == absolute(f) {
            bail!("输出文件 {} 就是要读取的 {}：不能覆盖输入文件；请用 -o 另起文件名", out.display(), f.display());
        }
    }
    Ok(())
}

/// A path made absolute, also when it does not exist yet: the part that exists is resolved
/// (links followed), the rest normalised by its words (`新建文件夹/..` is no folder at all).
pub fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    // Not created yet: resolve the nearest existing ancestor. `None` is a `..`.
    let mut rest: Vec<Option<std::ffi::OsString>> = Vec::new();
    let mut cur = p.to_path_buf();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                match r {
                    None => {
                        out.pop();
                    }
                    Some(name) => out.push(name),
                }
            }
            return out;
        }
        let mut comps = cur.components();
        let Some(last) = comps.next_back() else { return p.to_path_buf() };
        match last {
            std::path::Component::ParentDir => rest.push(None),
            std::path::Component::CurDir => {}
            other => rest.push(Some(other.as_os_str().to_os_string())),
        }
        let parent = comps.as_path().to_path_buf();
        if parent.as_os_str().is_empty() {
            if cur == Path::new(".") {
                return p.to_path_buf();
            }
            cur = PathBuf::from(".");
        } else {
            cur = parent;
        }
    }
}
