//! Earlier periods of the year: the office keeps one folder per period (`报送/2022-04`,
//! `报送/2022年5月`, `报送/2022.06`). Each is read with the same reader, rules and limits as the
//! current one and kept as a [`PeriodRecord`]; a folder or file that cannot be read is a note.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use super::{absolute, process, Options};
use crate::batch::{Batch, FileState};
use crate::ledger::PeriodRecord;
use crate::period::Period;
use crate::plan::Plan;

/// Period folders, oldest first, and what was noticed about the others.
pub type Folders = (Vec<(Period, PathBuf)>, Vec<String>);

/// Where earlier periods are looked for.
#[derive(Debug, Clone, Default)]
pub enum HistorySource {
    /// Not at all (`--no-history`; the library's default).
    #[default]
    Off,
    /// The folders beside the period's own folder.
    Siblings,
    /// The period folders inside this folder (`--history DIR`).
    Dir(PathBuf),
}

/// The earlier periods read, oldest first, and what was noticed on the way.
#[derive(Debug, Default)]
pub struct History {
    pub records: Vec<PeriodRecord>,
    /// The folder of each record.
    pub folders: Vec<PathBuf>,
    pub notes: Vec<String>,
}

/// The period folders directly inside `root`, oldest first. Folders whose names are not a period
/// are noted; `skip` (the current folder, the output folder) and hidden folders are passed over.
pub fn period_folders(root: &Path, skip: &[PathBuf]) -> Folders {
    let mut found = Vec::new();
    let mut notes = Vec::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        return (found, vec![format!("无法读取文件夹 {}，没有找到往期报送", root.display())]);
    };
    let skip: Vec<PathBuf> = skip.iter().map(|p| absolute(p)).collect();
    let mut entries: Vec<_> = entries.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_dir())).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || skip.contains(&absolute(&e.path())) {
            continue;
        }
        match Period::find_in(&name) {
            Some(p) => found.push((p, e.path())),
            None => notes.push(format!("文件夹“{name}”的名称不是期次（应为 年-月 或 X年X月），未作为往期读取")),
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    // Two folders for one period: the first (by name) is used, the other said.
    let mut kept: Vec<(Period, PathBuf)> = Vec::new();
    for (p, path) in found {
        match kept.last() {
            Some((q, first)) if *q == p => notes.push(format!(
                "“{}”与“{}”是同一期次（{}），只读取前者",
                first.file_name().unwrap_or_default().to_string_lossy(),
                path.file_name().unwrap_or_default().to_string_lossy(),
                p.chinese()
            )),
            _ => kept.push((p, path)),
        }
    }
    (kept, notes)
}

/// Read one period's folder as that period: the batch as `run` would judge it, and its record.
pub fn read_period(plan: &Plan, folder: &Path, period: Period, opts: &Options) -> Result<(Batch, PeriodRecord)> {
    let opts = Options { period: Some(period.label()), previous: None, history: HistorySource::Off, progress: false, batch_rules: Some(true), ..opts.clone() };
    let batch = process(plan, &[folder.to_path_buf()], &opts)?;
    let record = PeriodRecord::from_consolidated(plan, period, &batch.consolidated)?.with_contacts(&batch.submissions);
    Ok((batch, record))
}

/// What a period's batch could not use, in one line (or none when every file was read).
fn unread_note(batch: &Batch, period: Period) -> Option<String> {
    let unread: Vec<&str> = batch.files.iter().filter(|f| matches!(f.state, FileState::Unreadable | FileState::NoTable)).map(|f| f.file.as_str()).collect();
    (!unread.is_empty()).then(|| format!("往期{}有{}个文件无法使用，未计入台账：{}", period.chinese(), unread.len(), unread.join("、")))
}

/// The earlier periods of `period`'s year, read one after the other (each in parallel inside).
pub fn read(plan: &Plan, source: &HistorySource, paths: &[PathBuf], period: Period, opts: &Options) -> History {
    let root = match source {
        HistorySource::Off => return History::default(),
        HistorySource::Dir(d) => d.clone(),
        HistorySource::Siblings => {
            let own = paths.iter().find(|p| p.is_dir()).map(|p| absolute(p));
            match own.as_deref().and_then(Path::parent) {
                Some(parent) if paths.len() == 1 => parent.to_path_buf(),
                _ => return History::default(),
            }
        }
    };
    let mut skip: Vec<PathBuf> = paths.to_vec();
    skip.extend(opts.exclude.clone());
    let (folders, mut notes) = period_folders(&root, &skip);
    // Only when the folders are the office's period folders do the other names need saying.
    if folders.is_empty() {
        notes.clear();
    }
    let mut h = History { notes, ..History::default() };
    for (p, folder) in folders.into_iter().filter(|(p, _)| p.year == period.year && *p < period) {
        match read_period(plan, &folder, p, opts) {
            Ok((batch, record)) => {
                h.notes.extend(unread_note(&batch, p));
                h.records.push(record);
                h.folders.push(folder);
            }
            Err(e) => h.notes.push(format!("往期{}（{}）无法读取，已跳过：{}", p.chinese(), folder.display(), crate::reason::describe_error(&e))),
        }
    }
    h
}

/// Every period folder under `root`, oldest first: what `luoshi ledger` reads (newest year first).
pub fn year_folders(root: &Path, skip: &[PathBuf]) -> Result<Folders> {
    if !root.is_dir() {
        bail!("{} 不是文件夹：luoshi ledger 需要存放各期报送文件夹（每期一个，以期次命名）的文件夹", root.display());
    }
    let (folders, notes) = period_folders(root, skip);
    if folders.is_empty() {
        bail!("{} 里没有期次文件夹：应为每期一个文件夹，以期次命名（年-月、X年X月 或 年.月）", root.display());
    }
    Ok((folders, notes))
}

/// The folders the history would be read from, for the output guard: every period folder beside
/// `dir` (or in `--history`), whatever its year.
pub fn candidate_folders(source: &HistorySource, dir: &Path) -> Vec<PathBuf> {
    let root = match source {
        HistorySource::Off => return Vec::new(),
        HistorySource::Dir(d) => d.clone(),
        HistorySource::Siblings => match absolute(dir).parent() {
            Some(parent) => parent.to_path_buf(),
            None => return Vec::new(),
        },
    };
    period_folders(&root, &[dir.to_path_buf()]).0.into_iter().map(|(_, p)| p).collect()
}
