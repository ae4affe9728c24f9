//! Reading a batch: collect the input files, read them in parallel, then normalise, validate and
//! consolidate them into a [`Batch`].

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use super::{absolute, parse_period, Options};
use crate::batch::{Batch, FileLine, FileState};
use crate::consolidate;
use crate::finding::{Counts, Finding, Rule};
use crate::ingest::{self, is_skipped_name, is_workbook_name, Ingested, Limits, Outcome};
use crate::normalise::{self, Submission};
use crate::period::Period;
use crate::plan::Plan;
use crate::validate;

/// An input file: its path and how to name it to the user.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub display: String,
}

/// Files and folders not read, each with why.
pub type Passed = Vec<(String, String)>;

/// Folders deeper than this below the batch folder are not read (and that is said).
const MAX_DEPTH: usize = 8;

/// Files to read: every file of each folder given (recursively), each file given as is; and the
/// files and folders passed over, each with why (a folder that cannot be opened, one too deep, a
/// link to a folder).
pub fn collect_inputs(paths: &[PathBuf], exclude: Option<&Path>) -> Result<(Vec<Input>, Passed)> {
    let mut out = Vec::new();
    let mut passed = Vec::new();
    let exclude = exclude.map(absolute);
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).with_context(|| format!("无法读取文件夹 {}", p.display()))?;
            walk(p, entries, 0, exclude.as_deref(), &mut out, &mut passed);
        } else if p.is_file() {
            out.push(Input { path: p.clone(), display: p.display().to_string() });
        } else {
            bail!("找不到 {}：请检查路径是否写对", p.display());
        }
    }
    out.sort_by(|a, b| a.display.cmp(&b.display));
    // The same file given twice (or inside a folder also given, or linked) is read once.
    let mut seen = HashSet::new();
    out.retain(|i| seen.insert(i.path.canonicalize().unwrap_or_else(|_| i.path.clone())));
    Ok((out, passed))
}

fn walk(root: &Path, entries: std::fs::ReadDir, depth: usize, exclude: Option<&Path>, out: &mut Vec<Input>, passed: &mut Passed) {
    let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_string_lossy().replace('\\', "/");
    for e in entries.flatten() {
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        let hidden = e.file_name().to_string_lossy().starts_with('.');
        if ft.is_symlink() {
            // A linked file is read like any other; a linked folder is not followed (it may loop).
            match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => out.push(Input { display: shown(&path), path }),
                Ok(m) if m.is_dir() => passed.push((shown(&path), "是指向别处文件夹的链接（快捷方式），没有读取其中的文件；请把文件复制进来".into())),
                _ => passed.push((shown(&path), "是链接（快捷方式），但指向的文件不存在".into())),
            }
        } else if ft.is_dir() {
            // Only a folder of the same name can be the output folder: no path resolved for the rest.
            if hidden || exclude.is_some_and(|x| x.file_name() == path.file_name() && x == absolute(&path)) {
                continue;
            }
            if depth + 1 > MAX_DEPTH {
                passed.push((format!("{}/", shown(&path)), format!("文件夹嵌套超过{MAX_DEPTH}层，没有读取；请把报送文件放在浅一些的文件夹里")));
                continue;
            }
            match std::fs::read_dir(&path) {
                Ok(sub) => walk(root, sub, depth + 1, exclude, out, passed),
                Err(err) => passed.push((format!("{}/", shown(&path)), format!("文件夹打不开：{}", crate::reason::io_reason(&err)))),
            }
        } else if ft.is_file() {
            out.push(Input { display: shown(&path), path });
        }
    }
}

/// Read every input in parallel; a panic inside a dependency becomes that file's F01.
fn read_all(inputs: &[Input], limits: &Limits, progress: bool) -> Vec<Ingested> {
    let bar = if progress && inputs.len() > 20 && std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(inputs.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("读取报送文件 {bar:40} {pos}/{len} {elapsed}").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let out: Vec<Ingested> = inputs
        .par_iter()
        .map(|i| {
            let r = ingest::read_file(&i.path, &i.display, limits);
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    out
}

/// The period and what decided it: as given, else the folder's name (`2022-06`, `2022年6月报送`),
/// else the file names (`东四街道_2022-06.xlsx`), else what most files say in 报送期次. Refused when
/// every file that states a 报送期次 states another one, or when it is far from the plan's year.
fn infer_period(plan: &Plan, given: Option<&str>, ingested: &[Ingested], paths: &[PathBuf]) -> Result<(Period, String)> {
    let majority = |periods: &mut dyn Iterator<Item = Period>| -> Option<Period> {
        let mut votes: HashMap<Period, usize> = HashMap::new();
        for p in periods {
            *votes.entry(p).or_default() += 1;
        }
        votes.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0))).map(|(p, _)| p)
    };
    let stated: Vec<Period> = ingested
        .iter()
        .filter_map(|i| match &i.outcome {
            Outcome::Table(t) => t.meta.period.map(|(year, month)| Period { year, month }),
            _ => None,
        })
        .collect();
    let folder = paths.iter().filter(|p| p.is_dir()).find_map(|p| {
        let name = absolute(p).file_name()?.to_string_lossy().to_string();
        Some((Period::find_in(&name)?, name))
    });
    let from_names = majority(&mut ingested.iter().filter_map(|i| Period::find_in(i.path.file_name()?.to_str()?)));
    let (period, basis) = if let Some(p) = given {
        (parse_period(p)?, "--period".to_string())
    } else if let Some((p, name)) = folder {
        (p, format!("文件夹名“{name}”"))
    } else if let Some(p) = from_names {
        (p, "文件名".to_string())
    } else if let Some(p) = majority(&mut stated.iter().copied()) {
        (p, "多数文件的“报送期次”".to_string())
    } else {
        bail!("无法确定报送期次：文件夹名、文件名和文件中都没有期次，请用 --period 指定，如 --period {}-06", plan.year)
    };
    if (period.year - plan.year).abs() > 1 {
        bail!("报送期次{}与任务清单的年度（{}年）相差太远；请检查 --period 或文件夹名", period.chinese(), plan.year);
    }
    if !stated.is_empty() && !stated.contains(&period) {
        let said: std::collections::BTreeSet<Period> = stated.iter().copied().collect();
        let said: Vec<String> = said.into_iter().map(Period::chinese).collect();
        bail!("所有文件的报送期次都是{}，与{}（{}）不符；请核对要处理的期次，或用 --period 指定", said.join("、"), period.chinese(), basis);
    }
    Ok((period, basis))
}

/// A batch's files, read: nothing in them is judged yet, so the master task list is not needed.
pub struct ReadFiles {
    ingested: Vec<Ingested>,
    /// Files that are not workbooks (notes, scans), listed as skipped.
    other: Vec<Input>,
    /// Files and folders not read, with why (too deep, cannot be opened, a link to a folder).
    passed: Passed,
}

/// Read every workbook of `paths`, in parallel.
pub fn read_files(paths: &[PathBuf], opts: &Options) -> Result<ReadFiles> {
    // A mistyped --period, or a --previous that is this period's folder, is said before any file is read.
    if let Some(p) = &opts.period {
        parse_period(p)?;
    }
    if let Some(prev) = &opts.previous {
        if !prev.is_dir() {
            bail!("--previous {} 不是文件夹：应为上期报送文件所在的文件夹", prev.display());
        }
        if paths.iter().any(|p| absolute(p) == absolute(prev)) {
            bail!("--previous {} 就是本期的文件夹：应为上期（上个月）报送文件所在的文件夹", prev.display());
        }
    }
    let (inputs, passed) = collect_inputs(paths, opts.exclude.as_deref())?;
    let limits = Limits::default();
    let name_of = |i: &Input| i.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let (archives, inputs): (Vec<Input>, Vec<Input>) = inputs.into_iter().partition(|i| ingest::archive::is_archive_name(&name_of(i)));
    let (readable, other): (Vec<Input>, Vec<Input>) = inputs.into_iter().partition(|i| {
        let name = name_of(i);
        is_workbook_name(&name) || is_skipped_name(&name)
    });
    if archives.is_empty() && !readable.iter().any(|i| !is_skipped_name(&name_of(i))) {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        bail!("文件夹里没有报送文件：{} 中没有 .xlsx、.xls、.ods 等表格文件；请检查路径是否写对", shown.join("、"));
    }
    let t = std::time::Instant::now();
    let mut ingested = read_all(&readable, &limits, opts.progress);
    // Attachments: their tables join the batch as `附件.zip/表.xlsx`, each archive unpacked, read
    // and removed in turn; one that cannot be opened is its own F01.
    ingested.par_extend(archives.par_iter().flat_map_iter(|a| ingest::archive::read_archive(&a.path, &a.display, &limits)));
    crate::profile::stage("read", t);
    Ok(ReadFiles { ingested, other, passed })
}

/// Read, normalise, validate and consolidate a batch.
pub fn process(plan: &Plan, paths: &[PathBuf], opts: &Options) -> Result<Batch> {
    let files = read_files(paths, opts)?;
    judge(plan, paths, files, opts)
}

/// Normalise, validate and consolidate files already read.
pub fn judge(plan: &Plan, paths: &[PathBuf], files: ReadFiles, opts: &Options) -> Result<Batch> {
    judge_with(plan, paths, files, opts, |_, _| Ok(())).map(|(batch, ())| batch)
}

/// `judge`, handing the detail frame to `on_detail` as soon as it exists, before the rest of
/// the consolidation (a run starts writing the 明细 sheet then).
pub fn judge_with<R>(
    plan: &Plan,
    paths: &[PathBuf],
    files: ReadFiles,
    opts: &Options,
    on_detail: impl FnOnce(Period, &polars::prelude::DataFrame) -> Result<R>,
) -> Result<(Batch, R)> {
    let ReadFiles { ingested, other, passed } = files;
    let t = std::time::Instant::now();
    let (period, period_basis) = infer_period(plan, opts.period.as_deref(), &ingested, paths)?;

    let mut findings = Vec::new();
    let mut skipped: Vec<(String, String)> = other.iter().map(|i| (i.display.clone(), "不是表格文件".to_string())).collect();
    skipped.extend(passed);
    let mut subs = Vec::new();
    let mut lines = Vec::new();
    let mut units_with_files = HashSet::new();
    let per_file: Vec<Judged> = ingested.into_par_iter().map(|ing| judge_file(plan, period, ing)).collect();
    for judged in per_file {
        let (sub, mut fs, line) = match judged {
            Judged::Skipped { file, why } => {
                skipped.push((file, why));
                continue;
            }
            Judged::File(sub, fs, line) => (sub, fs, line),
        };
        if !line.unit.is_empty() {
            units_with_files.insert(line.unit.clone());
        }
        findings.append(&mut fs);
        lines.push(line);
        if let Some(s) = sub {
            subs.push(*s);
        }
    }
    findings.extend(validate::resolve_resubmissions(&mut subs));
    findings.extend(validate::wrong_list(plan, &subs));
    validate::drop_superseded(&mut findings, &subs);
    let history = super::history::read(plan, &opts.history, paths, period, opts);
    // Last period's figures: --previous, else the history's last month.
    // A --previous folder the history has already read is not read again.
    let read_already = opts.previous.as_ref().and_then(|p| history.folders.iter().position(|f| absolute(f) == absolute(p)));
    let last = match (&opts.previous, read_already) {
        (Some(_), Some(i)) => Some(crate::ledger::previous_figures(&history.records[i])),
        (Some(prev_dir), None) => {
            let prev_opts =
                Options { period: Some(period.previous().label()), previous: None, history: Default::default(), progress: opts.progress, ..opts.clone() };
            let prev = process(plan, std::slice::from_ref(prev_dir), &prev_opts).with_context(|| format!("读取上期报送 {} 失败", prev_dir.display()))?;
            Some(validate::figures_of(&prev.submissions))
        }
        (None, _) => history.records.iter().find(|r| r.period == period.previous()).map(crate::ledger::previous_figures),
    };
    if let Some(last) = &last {
        // Last month's file sent again: not this month's figures, so none of it is summed.
        let resent = validate::resent_last_period(&subs, period, last);
        for (i, f) in resent.into_iter().rev() {
            let sub = subs.remove(i);
            findings.retain(|g| g.file.as_deref() != Some(sub.file.as_str()));
            findings.push(f);
            if let Some(l) = lines.iter_mut().find(|l| l.file == sub.file) {
                l.state = FileState::LastPeriods;
            }
        }
        findings.extend(validate::compare_with_previous(&mut subs, last));
    }
    findings.extend(crate::ledger::check_against_history(plan, &subs, &history.records));
    let superseded: HashMap<&str, &str> = subs.iter().filter_map(|s| Some((s.file.as_str(), s.superseded_by.as_deref()?))).collect();
    for l in &mut lines {
        if let Some(by) = superseded.get(l.file.as_str()) {
            l.state = FileState::Superseded { by: by.to_string() };
        }
    }
    crate::profile::stage("normalise+validate", t);
    let t = std::time::Instant::now();
    let detail = consolidate::detail_frame(plan, period, opts.thresholds, &subs)?;
    let started = on_detail(period, &detail)?;
    let consolidated = consolidate::consolidate_frame(plan, period, opts.thresholds, &subs, &units_with_files, detail)?;
    crate::profile::stage("consolidate", t);
    let mut notes = Vec::new();
    let ledger = if history.records.is_empty() {
        None
    } else {
        let t = std::time::Instant::now();
        let shown: Vec<String> = history.records.iter().map(|r| r.period.label()).collect();
        notes.push(format!("历史期次：{}", shown.join("、")));
        let mut records = history.records;
        records.push(crate::ledger::PeriodRecord::from_consolidated(plan, period, &consolidated)?);
        let ledger = crate::ledger::Ledger::build(plan, records, &opts.escalation, opts.assess);
        crate::profile::stage("ledger", t);
        Some(ledger)
    };
    notes.extend(history.notes);
    // Coverage across units (who did not report, which task nobody claimed) needs the whole
    // batch: a few files given by name are judged on their own unless asked.
    let whole_batch = opts.batch_rules.unwrap_or_else(|| paths.iter().any(|p| p.is_dir()));
    findings.extend(consolidated.findings.iter().filter(|f| whole_batch || !f.rule.is_batch_rule()).cloned());
    // One pass over the findings, not one per file: a messy province has both by the thousand.
    let per_file = Counts::per(&findings, |f| f.file.as_deref());
    for l in &mut lines {
        let c = per_file.get(l.file.as_str()).copied().unwrap_or_default();
        l.errors = c.errors;
        l.warnings = c.warnings;
    }
    Ok((Batch { period, period_basis, files: lines, skipped, submissions: subs, findings, consolidated, ledger, notes }, started))
}

/// One file judged: passed over (with why), or its submission, findings and line in 文件清单.
enum Judged {
    Skipped { file: String, why: String },
    File(Option<Box<Submission>>, Vec<Finding>, FileLine),
}

fn judge_file(plan: &Plan, period: Period, ing: Ingested) -> Judged {
    let mut line = FileLine { file: ing.file.clone(), unit: String::new(), state: FileState::Read, sheet: String::new(), rows: 0, errors: 0, warnings: 0 };
    let guess = || normalise::identify_unit(plan, None, &ing.file, &[]).0;
    let mut findings = Vec::new();
    match ing.outcome {
        Outcome::Skipped(why) => Judged::Skipped { file: ing.file, why },
        Outcome::Unreadable(msg) => {
            let unit = guess();
            line.unit = unit.clone().unwrap_or_default();
            line.state = FileState::Unreadable;
            findings.push(Finding::new(Rule::F01, msg).file(&ing.file).unit(unit.as_deref()));
            Judged::File(None, findings, line)
        }
        Outcome::NoTable { sheets } => {
            let unit = guess();
            line.unit = unit.clone().unwrap_or_default();
            line.state = FileState::NoTable;
            let msg = format!("没有找到任务分解表：工作表（{}）中都没有可识别的表头，请使用统一下发的模板填报", sheets.join("、"));
            findings.push(Finding::new(Rule::F02, msg).file(&ing.file).unit(unit.as_deref()));
            Judged::File(None, findings, line)
        }
        Outcome::Table(table) => {
            let meta_unit = table.meta.unit.clone();
            let dups = table.layout.duplicates.clone();
            let sub = normalise::normalise(plan, &ing.file, ing.path.clone(), *table, period.year, &mut findings);
            let written = normalise::identify_unit(plan, meta_unit.as_deref(), &ing.file, &[]).1;
            for d in dups {
                let msg = format!("“{}”和“{}”是同一列的两种写法，只采用“{}”", d.first, d.again, d.first);
                findings.push(sub.file_finding(Rule::F04, msg).value(&d.again));
            }
            findings.extend(validate::check_submission(plan, period, &sub, written.as_deref()));
            line.unit = sub.unit.clone().unwrap_or_default();
            line.sheet = sub.sheet.clone();
            // Task rows: a task's repeated row (L02) is a finding, not a row of its own.
            line.rows = sub.rows.iter().filter(|r| !r.duplicate).count();
            Judged::File(Some(Box::new(sub)), findings, line)
        }
    }
}
