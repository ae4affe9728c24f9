//! The folder a command writes into. Every write goes through here, so that what a clerk made or
//! edited is never replaced or deleted, two runs never write one folder at once, and a killed
//! run's half-written files are swept by the next run of any command.
//!
//! - **Atomic, checked writes** ([`persist_atomic`]): a temporary file beside the target, flushed,
//!   synced and checked, then renamed; a full disk leaves the old file (or none), never a
//!   truncated one under the final name.
//! - **A lock** (`.luoshi-lock`): a second luoshi writing the same folder waits, and says so.
//! - **A manifest** (`.luoshi-manifest`): each file luoshi wrote here, with its content hash and
//!   the command that wrote it. A file is replaced only if luoshi wrote it and nobody has changed
//!   it since; otherwise the new one is written beside it (`通报_2022-06（新）.docx`) and that is
//!   said. Only such unchanged files of the same command are ever removed.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

/// The lock file: held while a command writes the folder.
const LOCK: &str = ".luoshi-lock";
/// The list of files luoshi wrote into the folder.
const MANIFEST: &str = ".luoshi-manifest";
/// Temporaries: `.luoshi-XXXX.tmp`, each locked by the process writing it.
const TMP_PREFIX: &str = ".luoshi-";
const TMP_SUFFIX: &str = ".tmp";

/// Write a file through `write` into a temporary file beside `path`, then rename it into place.
/// The temporary is flushed and synced and every error is checked before the rename: a full disk
/// or a failing writer never puts a partial file under `path`.
pub fn persist_atomic(path: &Path, write: impl FnOnce(&mut BufWriter<&mut File>) -> Result<()>) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建输出目录 {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TMP_PREFIX).suffix(TMP_SUFFIX);
    // Readable by colleagues like any file they save, not private as a temporary file is.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir).with_context(|| format!("无法在 {} 中写文件", dir.display()))?;
    // Locked while it is ours: a sweep by another run takes only temporaries no live run holds.
    tmp.as_file().lock().with_context(|| format!("无法在 {} 中写文件", dir.display()))?;
    let wrote = (|| -> Result<()> {
        let mut w = BufWriter::new(tmp.as_file_mut());
        write(&mut w)?;
        w.flush()?;
        drop(w);
        tmp.as_file().sync_all()?;
        Ok(())
    })();
    wrote?;
    tmp.persist(path).map_err(|e| e.error).context("无法替换为新写的文件")?;
    Ok(())
}

/// Remove the temporaries in `dir` and its direct subfolders that no live run holds (a killed
/// run's leftovers). Returns how many were removed.
pub fn sweep_temporaries(dir: &Path) -> usize {
    let mut removed = 0;
    let mut dirs = vec![dir.to_path_buf()];
    if let Ok(entries) = std::fs::read_dir(dir) {
        dirs.extend(entries.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_dir())).map(|e| e.path()));
    }
    for d in dirs {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let ours = name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX) && e.file_type().is_ok_and(|t| t.is_file());
            if !ours {
                continue;
            }
            let Ok(f) = File::options().read(true).write(true).open(e.path()) else { continue };
            if f.try_lock().is_ok() && std::fs::remove_file(e.path()).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// A file's content hash, as the manifest keeps it.
fn hash_file(path: &Path) -> Option<String> {
    let mut f = File::open(path).ok()?;
    let mut h = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(h.finalize().to_hex().to_string())
}

/// One line of the manifest: which command wrote the file, and what it held then.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    hash: String,
    by: String,
}

/// A file luoshi did not replace, and where the new one went instead.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// The file that was there (a clerk's own, or one luoshi wrote and someone changed).
    pub kept: PathBuf,
    /// Where the new one was written.
    pub written: PathBuf,
    /// Whether luoshi wrote the kept file (and it was changed since), or never wrote it.
    pub edited: bool,
    /// The kept file's name inside the output folder (`退回/西柳镇.xlsx`), as the terminal says it.
    pub shown: String,
}

impl Kept {
    /// 通报_2022-06.docx 已被修改，保留原文件，新稿写为 通报_2022-06（新）.docx
    pub fn said(&self) -> String {
        let why = if self.edited { "已被修改" } else { "不是 luoshi 写出的" };
        format!("{} {why}，保留原文件，新稿写为 {}", self.shown, self.written.file_name().unwrap_or_default().to_string_lossy())
    }
}

/// What became of the folder when a command finished writing it.
#[derive(Debug, Default)]
pub struct Finished {
    /// Files this command wrote here last time that no longer apply, removed.
    pub removed: Vec<PathBuf>,
    /// Files this command wrote last time that no longer apply but were changed since: kept.
    pub kept_stale: Vec<PathBuf>,
    /// Files not replaced, and where the new ones went.
    pub kept: Vec<Kept>,
}

/// A folder being written, locked for as long as this lives.
pub struct OutDir {
    root: PathBuf,
    /// Which command writes: only its own files are ever taken back.
    by: &'static str,
    _lock: File,
    manifest: BTreeMap<String, Entry>,
    kept: Mutex<Vec<Kept>>,
    /// Paths already handed out this run: two writers never get the same one.
    taken: Mutex<std::collections::HashSet<PathBuf>>,
}

impl OutDir {
    /// Open (and create) `root` for writing by command `by`: lock it, waiting for another luoshi
    /// that holds it, then sweep what killed runs left.
    pub fn open(root: &Path, by: &'static str) -> Result<OutDir> {
        let shown = root.display();
        let cannot = |said: String| anyhow::Error::new(CannotWrite(said));
        std::fs::create_dir_all(root).map_err(|e| cannot(format!("无法创建输出目录 {shown}：{}", crate::reason::io_reason(&e))))?;
        let lock = File::options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(root.join(LOCK))
            .map_err(|e| cannot(format!("输出目录 {shown} 不能写入，没有写出任何文件：{}", crate::reason::io_reason(&e))))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!("另一个 luoshi 正在写这个文件夹（{shown}），等它写完后继续……");
                lock.lock().map_err(|e| cannot(format!("无法锁定输出目录 {shown}：{}", crate::reason::io_reason(&e))))?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(cannot(format!("无法锁定输出目录 {shown}：{}", crate::reason::io_reason(&e)))),
        }
        sweep_temporaries(root);
        let manifest = read_manifest(&root.join(MANIFEST));
        Ok(OutDir { root: root.to_path_buf(), by, _lock: lock, manifest, kept: Mutex::new(Vec::new()), taken: Mutex::new(Default::default()) })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the list of luoshi's files in this folder is kept.
    pub fn manifest_path(&self) -> PathBuf {
        self.root.join(MANIFEST)
    }

    /// The name of `path` inside this folder, as the manifest writes it (`退回/西柳镇.xlsx`).
    fn relative(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().to_string()),
                _ => None,
            })
            .collect::<Option<_>>()?;
        (!parts.is_empty()).then(|| parts.join("/"))
    }

    /// Whether `path` is a file luoshi wrote and nobody has changed since.
    pub fn is_unchanged(&self, path: &Path) -> bool {
        self.unchanged(path)
    }

    fn unchanged(&self, path: &Path) -> bool {
        let Some(entry) = self.relative(path).and_then(|r| self.manifest.get(&r)) else { return false };
        is_plain_file(path) && hash_file(path).as_deref() == Some(entry.hash.as_str())
    }

    /// Where to write the file wanted at `path`: there, unless a file is there that luoshi did not
    /// write or someone changed — then beside it, `名称（新）.xlsx` (or `（新2）`…), and said.
    pub fn place(&self, path: &Path) -> PathBuf {
        let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        let free = |p: &Path, taken: &std::collections::HashSet<PathBuf>| !taken.contains(p) && (std::fs::symlink_metadata(p).is_err() || self.unchanged(p));
        if free(path, &taken) {
            taken.insert(path.to_path_buf());
            return path.to_path_buf();
        }
        let stem = path.file_stem().unwrap_or_default().to_string_lossy().to_string();
        let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
        let beside = (1..)
            .map(|k| path.with_file_name(if k == 1 { format!("{stem}（新）{ext}") } else { format!("{stem}（新{k}）{ext}") }))
            .find(|p| free(p, &taken))
            .unwrap_or_else(|| path.to_path_buf());
        taken.insert(beside.clone());
        // Said when a file is there; a name only taken by this run's own other file is not news.
        if std::fs::symlink_metadata(path).is_ok() {
            let rel = self.relative(path);
            let edited = rel.as_ref().is_some_and(|r| self.manifest.contains_key(r));
            let shown = rel.unwrap_or_else(|| path.display().to_string());
            self.kept.lock().unwrap_or_else(|e| e.into_inner()).push(Kept { kept: path.to_path_buf(), written: beside.clone(), edited, shown });
        }
        beside
    }

    /// Record what was written, take back this command's files that no longer apply (only those
    /// it wrote and nobody changed), and save the manifest. `failed` are the files wanted but not
    /// written this time: last time's are still listed, untouched.
    pub fn finish(self, written: &[PathBuf], failed: &[PathBuf]) -> Result<Finished> {
        self.record(written, failed, true)
    }

    /// [`OutDir::finish`] for a command that writes one file of a name the user may choose
    /// (`consolidate -o`, `reconcile -o`): its other files are never taken back.
    pub fn finish_one(self, written: &[PathBuf], failed: &[PathBuf]) -> Result<Finished> {
        self.record(written, failed, false)
    }

    fn record(self, written: &[PathBuf], failed: &[PathBuf], take_back: bool) -> Result<Finished> {
        let mut done = Finished { kept: std::mem::take(&mut *self.kept.lock().unwrap_or_else(|e| e.into_inner())), ..Default::default() };
        let mut next: BTreeMap<String, Entry> = BTreeMap::new();
        for p in written {
            if let (Some(rel), Some(hash)) = (self.relative(p), hash_file(p)) {
                next.insert(rel, Entry { hash, by: self.by.to_string() });
            }
        }
        let failed: std::collections::HashSet<String> = failed.iter().filter_map(|p| self.relative(p)).collect();
        // A file kept because someone changed it still applies: listed as before, so that it is
        // known as edited next time too, and taken back only if it no longer applies.
        let kept: std::collections::HashSet<String> = done.kept.iter().filter_map(|k| self.relative(&k.kept)).collect();
        let root = self.root.canonicalize().unwrap_or_else(|_| self.root.clone());
        for (rel, entry) in &self.manifest {
            if next.contains_key(rel) {
                continue;
            }
            let Some(path) = safe_member(&root, rel) else { continue };
            let same = hash_file(&path).as_deref() == Some(entry.hash.as_str());
            if kept.contains(rel) {
                next.insert(rel.clone(), entry.clone());
                continue;
            }
            if entry.by != self.by || failed.contains(rel) || !take_back {
                // Another command's file, or one this run failed to rewrite: still listed while unchanged.
                if same {
                    next.insert(rel.clone(), entry.clone());
                }
            } else if same {
                match std::fs::remove_file(&path) {
                    Ok(()) => done.removed.push(self.root.join(rel)),
                    Err(_) => {
                        next.insert(rel.clone(), entry.clone());
                    }
                }
            } else {
                done.kept_stale.push(self.root.join(rel));
            }
        }
        write_manifest(&self.root.join(MANIFEST), &next).map_err(|e| anyhow::Error::new(CannotWrite(crate::reason::describe_error(&e))))?;
        Ok(done)
    }
}

/// A folder or file luoshi could not write: said, and the command exits 3 (not 2: the input was fine).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CannotWrite(pub String);

/// One file written by command `by` at `path` (or beside it, when a file someone made or changed
/// is there), with the folder locked and the manifest kept. Returns where it went and what was
/// kept.
pub fn write_one(path: &Path, by: &'static str, write: impl FnOnce(&Path) -> Result<()>) -> Result<(PathBuf, Vec<Kept>)> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let outdir = OutDir::open(folder, by)?;
    let target = outdir.place(path);
    let result = write(&target).map_err(|e| anyhow::Error::new(CannotWrite(format!("没能写出 {}：{}", target.display(), crate::reason::describe_error(&e)))));
    let (written, failed) = match &result {
        Ok(()) => (vec![target.clone()], Vec::new()),
        Err(_) => (Vec::new(), vec![target.clone()]),
    };
    let done = outdir.finish_one(&written, &failed)?;
    result?;
    Ok((target, done.kept))
}

/// Whether `path` is a regular file (not a link, not a folder).
fn is_plain_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

/// The file a manifest line names, only if it is one luoshi could have written there: a relative
/// name without `..`, no component a symbolic link, a regular file inside `root`. A hostile or
/// damaged manifest never reaches outside the folder.
fn safe_member(root: &Path, rel: &str) -> Option<PathBuf> {
    let rel_path = Path::new(rel);
    if rel.is_empty() || rel_path.is_absolute() || !rel_path.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut cur = root.to_path_buf();
    for c in rel_path.components() {
        cur.push(c);
        let meta = std::fs::symlink_metadata(&cur).ok()?;
        if meta.file_type().is_symlink() {
            return None;
        }
    }
    let canonical = cur.canonicalize().ok()?;
    (canonical.starts_with(root) && is_plain_file(&cur)).then_some(cur)
}

/// `hash<TAB>command<TAB>name` per line. Lines of an older luoshi (a name alone) carry no hash:
/// those files are treated as the clerk's.
fn read_manifest(path: &Path) -> BTreeMap<String, Entry> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, '\t');
            let (hash, by, rel) = (parts.next()?, parts.next()?, parts.next()?);
            let ok = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
            ok.then(|| (rel.to_string(), Entry { hash: hash.to_string(), by: by.to_string() }))
        })
        .collect()
}

fn write_manifest(path: &Path, entries: &BTreeMap<String, Entry>) -> Result<()> {
    let mut text = String::from("# luoshi 写出的文件（请勿修改）：内容校验值、命令、文件名\n");
    for (rel, e) in entries {
        text.push_str(&format!("{}\t{}\t{}\n", e.hash, e.by, rel));
    }
    persist_atomic(path, |w| Ok(w.write_all(text.as_bytes())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        persist_atomic(path, |w| Ok(w.write_all(text.as_bytes())?)).unwrap();
    }

    #[test]
    fn an_unchanged_file_is_replaced_an_edited_one_kept() {
        let t = tempfile::tempdir().unwrap();
        let a = t.path().join("通报.docx");
        let out = OutDir::open(t.path(), "run").unwrap();
        let p = out.place(&a);
        write(&p, "v1");
        out.finish(&[p], &[]).unwrap();

        let out = OutDir::open(t.path(), "run").unwrap();
        assert_eq!(out.place(&a), a, "unchanged: replaced in place");
        drop(out);

        std::fs::write(&a, "edited by the office").unwrap();
        let out = OutDir::open(t.path(), "run").unwrap();
        let p = out.place(&a);
        assert_eq!(p, t.path().join("通报（新）.docx"));
        write(&p, "v2");
        let done = out.finish(&[p], &[]).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "edited by the office");
        assert_eq!(done.kept.len(), 1);
        assert!(done.kept[0].said().contains("已被修改，保留原文件，新稿写为 通报（新）.docx"), "{}", done.kept[0].said());
        // The edited file still applies: not taken back, not called stale.
        assert!(done.removed.is_empty() && done.kept_stale.is_empty());
        // When it no longer applies it is still not taken back: it was changed.
        let done = OutDir::open(t.path(), "run").unwrap().finish(&[], &[]).unwrap();
        assert_eq!(done.kept_stale, vec![a.clone()]);
        assert!(a.exists());
    }

    #[test]
    fn only_this_commands_unchanged_files_are_taken_back() {
        let t = tempfile::tempdir().unwrap();
        let (x, y, z) = (t.path().join("退回/甲.xlsx"), t.path().join("退回/乙.xlsx"), t.path().join("绩效对账表.xlsx"));
        let out = OutDir::open(t.path(), "run").unwrap();
        for p in [&x, &y] {
            write(&out.place(p), "v1");
        }
        out.finish(&[x.clone(), y.clone()], &[]).unwrap();
        let out = OutDir::open(t.path(), "reconcile").unwrap();
        write(&out.place(&z), "r");
        out.finish(std::slice::from_ref(&z), &[]).unwrap();
        std::fs::write(&y, "changed").unwrap();
        // The next run writes neither: 甲 (unchanged) goes, 乙 (changed) and reconcile's file stay.
        let out = OutDir::open(t.path(), "run").unwrap();
        let done = out.finish(&[], &[]).unwrap();
        assert_eq!(done.removed, vec![x.clone()]);
        assert!(!x.exists() && y.exists() && z.exists());
    }

    #[test]
    fn a_hostile_manifest_deletes_nothing_outside() {
        let t = tempfile::tempdir().unwrap();
        let outside = t.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap();
        let root = t.path().join("out");
        std::fs::create_dir_all(&root).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(t.path(), root.join("link")).unwrap();
        let hash = hash_file(&outside).unwrap();
        let lines = [outside.display().to_string(), "../outside.txt".into(), "link/outside.txt".into()]
            .iter()
            .map(|rel| format!("{hash}\trun\t{rel}\n"))
            .collect::<String>();
        std::fs::write(root.join(MANIFEST), lines).unwrap();
        let out = OutDir::open(&root, "run").unwrap();
        let done = out.finish(&[], &[]).unwrap();
        assert!(done.removed.is_empty());
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
    }

    #[test]
    fn a_dead_runs_temporary_is_swept_a_live_one_is_not() {
        let t = tempfile::tempdir().unwrap();
        let dead = t.path().join(".luoshi-dead.tmp");
        std::fs::write(&dead, "half").unwrap();
        let live = tempfile::Builder::new().prefix(TMP_PREFIX).suffix(TMP_SUFFIX).tempfile_in(t.path()).unwrap();
        live.as_file().lock().unwrap();
        // Another open file description, as another process would have.
        assert_eq!(sweep_temporaries(t.path()), 1);
        assert!(!dead.exists() && live.path().exists());
    }
}
