//! The commands, each a straight line through the pipeline stages.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::consolidate::{self, Consolidated};
use crate::finding::{Counts, Finding, Severity};
use crate::lights::Thresholds;
use crate::ingest::{self, is_skipped_name, is_workbook_name, Ingested, Limits, Outcome};
use crate::normalise::{self, Submission};
use crate::plan::Plan;
use crate::validate::{self, Period};
use crate::write::report::FileLine;

/// Everything known about one batch of submissions after validation and consolidation.
pub struct Batch {
    pub period: Period,
    pub files: Vec<FileLine>,
    pub skipped: Vec<String>,
    pub submissions: Vec<Submission>,
    pub findings: Vec<Finding>,
    pub consolidated: Consolidated,
}

/// An input file: its path and how to name it to the user.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub display: String,
}

/// Files to read: every file of each folder given (recursively), each file given as is.
pub fn collect_inputs(paths: &[PathBuf], exclude: Option<&Path>) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, p, exclude, &mut out)?;
        } else if p.is_file() {
            out.push(Input { path: p.clone(), display: p.display().to_string() });
        } else {
            bail!("找不到 {}：请检查路径是否写对", p.display());
        }
    }
    out.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(out)
}

fn walk(root: &Path, dir: &Path, exclude: Option<&Path>, out: &mut Vec<Input>) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("无法读取文件夹 {}", dir.display()))?;
    for e in entries.flatten() {
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_symlink() {
            continue;
        }
        if ft.is_dir() {
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            let excluded = exclude.is_some_and(|x| same_path(x, &path));
            if !hidden && !excluded {
                walk(root, &path, exclude, out)?;
            }
        } else if ft.is_file() {
            let display = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            out.push(Input { path, display });
        }
    }
    Ok(())
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Read every input in parallel; a panic inside a dependency becomes that file's F01.
fn read_all(inputs: &[Input], limits: &Limits, progress: bool) -> Vec<Ingested> {
    let bar = if progress && inputs.len() > 20 && std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(inputs.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("读取报送文件 {bar:40} {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
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

/// A `--period` as the user typed it.
pub fn parse_period(p: &str) -> Result<Period> {
    Period::parse(p).with_context(|| format!("--period “{p}”写法不对，应为 年-月，如 2021-06"))
}

/// The period: as given, else what most files say, else the folder's name (`2021-06`).
fn infer_period(given: Option<&str>, ingested: &[Ingested], paths: &[PathBuf]) -> Result<Period> {
    if let Some(p) = given {
        return parse_period(p);
    }
    let mut votes: HashMap<(i32, u32), usize> = HashMap::new();
    for i in ingested {
        if let Outcome::Table(t) = &i.outcome {
            if let Some(p) = t.meta.period {
                *votes.entry(p).or_default() += 1;
            }
        }
    }
    let mut best: Vec<_> = votes.into_iter().collect();
    best.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    if let Some(((year, month), _)) = best.first() {
        return Ok(Period { year: *year, month: *month });
    }
    for p in paths {
        if let Some(name) = p.file_name().and_then(|n| n.to_str()) {
            if let Some(period) = Period::parse(name) {
                return Ok(period);
            }
        }
    }
    bail!("无法确定报送期次：文件中没有“报送期次”，请用 --period 指定，如 --period 2021-06")
}

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
}

/// With `LUOSHI_PROFILE=1`, each stage's time goes to stderr (for the benchmark).
pub fn stage(name: &str, since: std::time::Instant) {
    if std::env::var_os("LUOSHI_PROFILE").is_some() {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let mem = |key: &str| status.lines().find(|l| l.starts_with(key)).map(|l| l[key.len()..].trim().to_string()).unwrap_or_default();
        eprintln!("[profile] {name}: {:.3}s (now {}, peak {})", since.elapsed().as_secs_f64(), mem("VmRSS:"), mem("VmHWM:"));
    }
}

/// A batch's files, read: nothing in them is judged yet, so the master task list is not needed.
pub struct ReadFiles {
    ingested: Vec<Ingested>,
    /// Files that are not workbooks (notes, scans), listed as skipped.
    other: Vec<Input>,
}

/// Read every workbook of `paths`, in parallel.
pub fn read_files(paths: &[PathBuf], opts: &Options) -> Result<ReadFiles> {
    let inputs = collect_inputs(paths, opts.exclude.as_deref())?;
    let limits = Limits::default();
    let (readable, other): (Vec<Input>, Vec<Input>) = inputs.into_iter().partition(|i| {
        let name = i.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        is_workbook_name(&name) || is_skipped_name(&name)
    });
    let t = std::time::Instant::now();
    let ingested = read_all(&readable, &limits, opts.progress);
    stage("read", t);
    Ok(ReadFiles { ingested, other })
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
pub fn judge_with<R>(plan: &Plan, paths: &[PathBuf], files: ReadFiles, opts: &Options, on_detail: impl FnOnce(Period, &polars::prelude::DataFrame) -> Result<R>) -> Result<(Batch, R)> {
    let ReadFiles { ingested, other } = files;
    let period = opts.period.as_deref();
    let t = std::time::Instant::now();
    let period = infer_period(period, &ingested, paths)?;

    let mut findings = Vec::new();
    let mut skipped: Vec<String> = other.iter().map(|i| i.display.clone()).collect();
    let mut subs = Vec::new();
    let mut lines = Vec::new();
    let mut units_with_files = HashSet::new();
    let per_file: Vec<(Option<Submission>, Vec<Finding>, FileLine)> = ingested
        .into_par_iter()
        .map(|ing| judge_file(plan, period, ing))
        .collect();
    for (sub, mut fs, line) in per_file {
        if line.state == "已跳过" {
            skipped.push(line.file.clone());
            continue;
        }
        if !line.unit.is_empty() {
            units_with_files.insert(line.unit.clone());
        }
        findings.append(&mut fs);
        lines.push(line);
        if let Some(s) = sub {
            subs.push(s);
        }
    }
    findings.extend(validate::resolve_resubmissions(&mut subs));
    validate::drop_superseded(&mut findings, &subs);
    if let Some(prev_dir) = &opts.previous {
        let prev_opts = Options { period: Some(period.previous().label()), previous: None, progress: opts.progress, ..opts.clone() };
        let prev = process(plan, std::slice::from_ref(prev_dir), &prev_opts)
            .with_context(|| format!("读取上期报送 {} 失败", prev_dir.display()))?;
        findings.extend(validate::compare_with_previous(&mut subs, &prev.submissions));
    }
    let superseded: HashMap<&str, &str> = subs.iter().filter_map(|s| Some((s.file.as_str(), s.superseded_by.as_deref()?))).collect();
    for l in &mut lines {
        if let Some(by) = superseded.get(l.file.as_str()) {
            l.state = format!("未采用（以“{by}”为准）");
        }
    }
    stage("normalise+validate", t);
    let t = std::time::Instant::now();
    let detail = consolidate::detail_frame(plan, period, opts.thresholds, &subs)?;
    let started = on_detail(period, &detail)?;
    let consolidated = consolidate::consolidate_frame(plan, period, opts.thresholds, &subs, &units_with_files, detail)?;
    stage("consolidate", t);
    findings.extend(consolidated.findings.iter().cloned());
    // One pass over the findings, not one per file: a messy province has both by the thousand.
    let per_file = Counts::per(&findings, |f| f.file.as_deref());
    for l in &mut lines {
        let c = per_file.get(l.file.as_str()).copied().unwrap_or_default();
        l.errors = c.errors;
        l.warnings = c.warnings;
    }
    Ok((Batch { period, files: lines, skipped, submissions: subs, findings, consolidated }, started))
}

fn judge_file(plan: &Plan, period: Period, ing: Ingested) -> (Option<Submission>, Vec<Finding>, FileLine) {
    let mut line = FileLine { file: ing.file.clone(), unit: String::new(), state: String::new(), sheet: String::new(), rows: 0, errors: 0, warnings: 0 };
    let guess = || normalise::identify_unit(plan, None, &ing.file, &[]).0;
    let mut findings = Vec::new();
    match ing.outcome {
        Outcome::Skipped => {
            line.state = "已跳过".into();
            (None, findings, line)
        }
        Outcome::Unreadable(msg) => {
            let unit = guess();
            line.unit = unit.clone().unwrap_or_default();
            line.state = "无法读取".into();
            findings.push(Finding::new("F01", msg).file(&ing.file).unit(unit.as_deref()));
            (None, findings, line)
        }
        Outcome::NoTable { sheets } => {
            let unit = guess();
            line.unit = unit.clone().unwrap_or_default();
            line.state = "没有任务分解表".into();
            let msg = format!("没有找到任务分解表：工作表（{}）中都没有可识别的表头，请使用统一下发的模板填报", sheets.join("、"));
            findings.push(Finding::new("F02", msg).file(&ing.file).unit(unit.as_deref()));
            (None, findings, line)
        }
        Outcome::Table(table) => {
            let meta_unit = table.meta.unit.clone();
            let dups = table.layout.duplicates.clone();
            let sub = normalise::normalise(plan, &ing.file, ing.path.clone(), *table, period.year, &mut findings);
            let written = normalise::identify_unit(plan, meta_unit.as_deref(), &ing.file, &[]).1;
            for d in dups {
                let msg = format!("“{}”和“{}”是同一列的两种写法，只采用“{}”", d.first, d.again, d.first);
                findings.push(sub.file_finding("F04", msg).value(&d.again));
            }
            findings.extend(validate::check_submission(plan, period, &sub, written.as_deref()));
            line.unit = sub.unit.clone().unwrap_or_default();
            line.state = "已读取".into();
            line.sheet = sub.sheet.clone();
            line.rows = sub.rows.len();
            (Some(sub), findings, line)
        }
    }
}

/// Whether any finding is at or above `level`.
pub fn fails(findings: &[Finding], level: Option<Severity>) -> bool {
    match level {
        None => false,
        Some(l) => findings.iter().any(|f| f.severity >= l),
    }
}

/// Refuse an output folder that is, or is inside, an input folder: outputs must never be read back as submissions.
pub fn check_output_dir(out: &Path, inputs: &[PathBuf]) -> Result<()> {
    let out_abs = absolute(out);
    for i in inputs {
        if i.is_dir() {
            let in_abs = absolute(i);
            if out_abs.starts_with(&in_abs) {
                bail!(
                    "输出目录 {} 在报送文件夹 {} 里面，下次运行会把输出当成报送文件读入；请用 -o 指定别的目录",
                    out.display(),
                    i.display()
                );
            }
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    // Not created yet: resolve the nearest existing ancestor.
    let mut rest = Vec::new();
    let mut cur = p.to_path_buf();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match (cur.file_name().map(|n| n.to_os_string()), cur.parent()) {
            (Some(n), Some(parent)) => {
                rest.push(n);
                cur = if parent.as_os_str().is_empty() { PathBuf::from(".") } else { parent.to_path_buf() };
            }
            _ => return p.to_path_buf(),
        }
    }
}

/// `luoshi run`: validate and consolidate, write the workbooks under `out`.
pub fn run(plan: &Plan, dir: &Path, out: &Path, opts: &Options) -> Result<(Batch, Vec<PathBuf>)> {
    run_loading(|| Ok(plan), dir, out, opts).map(|(_, batch, outputs)| (batch, outputs))
}

/// `run`, loading the master task list while the files are read: a province's list is as big as
/// its batch, and reading one big file leaves a core free.
pub fn run_loading<P>(load: impl FnOnce() -> Result<P> + Send, dir: &Path, out: &Path, opts: &Options) -> Result<(P, Batch, Vec<PathBuf>)>
where
    P: std::borrow::Borrow<Plan> + Send,
{
    if !dir.is_dir() {
        bail!("{} 不是文件夹：luoshi run 需要存放各单位报送文件的文件夹", dir.display());
    }
    check_output_dir(out, &[dir.to_path_buf()])?;
    let opts = Options { exclude: Some(out.to_path_buf()), ..opts.clone() };
    let paths = [dir.to_path_buf()];
    let (plan, files) = rayon::join(load, || read_files(&paths, &opts));
    let plan = plan?;
    let start = |period: Period, detail: &polars::prelude::DataFrame| crate::write::summary::start_summary(plan.borrow(), period, detail);
    let (mut batch, summary) = judge_with(plan.borrow(), &paths, files?, &opts, start)?;
    let outputs = write_outputs(plan.borrow(), &mut batch, summary, out)?;
    Ok((plan, batch, outputs))
}

/// The run's workbooks, written in parallel.
fn write_outputs(plan: &Plan, batch: &mut Batch, started: crate::write::summary::StartedSummary, out: &Path) -> Result<Vec<PathBuf>> {
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
    let returns_dir = out.join("退回");
    let t = std::time::Instant::now();
    let ((a, b), c) = rayon::join(
        || {
            rayon::join(
                || crate::write::summary::finish_summary(&summary, plan, batch, started),
                || crate::write::report::write_report(&report, plan, batch),
            )
        },
        || crate::write::returns::write_returns(&returns_dir, plan, batch),
    );
    stage("write", t);
    a?;
    b?;
    let mut outputs = vec![summary, report];
    outputs.extend(c?);
    Ok(outputs)
}

/// What `luoshi template` writes.
pub enum TemplateKind<'a> {
    Blank,
    Unit(&'a str),
    AllUnits,
}

/// `luoshi template`: the blank form, one unit's form, or every unit's form into a folder.
/// Returns the files written.
pub fn template(plan: &Plan, kind: TemplateKind, out: Option<&Path>, period: Period, previous: Option<&Path>, password: Option<&str>) -> Result<Vec<PathBuf>> {
    use crate::write::template::write_template;
    let prev = match previous {
        Some(dir) => {
            let opts = Options { period: Some(period.previous().label()), ..Default::default() };
            Some(process(plan, &[dir.to_path_buf()], &opts).with_context(|| format!("读取上期报送 {} 失败", dir.display()))?)
        }
        None => None,
    };
    let prev_of = |unit: &str| prev.as_ref().and_then(|b| b.submissions.iter().find(|s| s.unit.as_deref() == Some(unit) && s.superseded_by.is_none()));
    let canonical = |name: &str| -> Result<String> {
        match plan.roster.resolve(name) {
            Some(u) => Ok(u.to_string()),
            None => bail!("单位“{name}”不在单位名单中；可用 luoshi tasks 查看名单，或用 --units 补充"),
        }
    };
    match kind {
        TemplateKind::Blank => {
            let path = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("任务分解表.xlsx"));
            write_template(&path, plan, period, None, None, password)?;
            Ok(vec![path])
        }
        TemplateKind::Unit(name) => {
            let unit = canonical(name)?;
            let path = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("{}_{}.xlsx", crate::write::returns::safe_file_stem(&unit), period.label())));
            write_template(&path, plan, period, Some(&unit), prev_of(&unit), password)?;
            Ok(vec![path])
        }
        TemplateKind::AllUnits => {
            let dir = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("模板_{}", period.label())));
            let units: Vec<String> = plan.expected_units().iter().map(|u| u.name.clone()).collect();
            units
                .par_iter()
                .map(|u| {
                    let path = dir.join(format!("{}_{}.xlsx", crate::write::returns::safe_file_stem(u), period.label()));
                    write_template(&path, plan, period, Some(u), prev_of(u), password).map(|_| path)
                })
                .collect()
        }
    }
}

/// `luoshi reconcile`: the batch against verified figures, scored and ranked, into one workbook.
pub fn reconcile(plan: &Plan, dir: &Path, verified: Option<&Path>, scoring: Option<&Path>, out: Option<&Path>, opts: &Options) -> Result<(crate::reconcile::Reconciliation, PathBuf)> {
    use crate::reconcile::{read_verified, reconcile, Scoring};
    if !dir.is_dir() {
        bail!("{} 不是文件夹：luoshi reconcile 需要存放各单位报送文件的文件夹", dir.display());
    }
    let scoring = Scoring::load(scoring)?;
    let batch = process(plan, &[dir.to_path_buf()], opts)?;
    let (figures, findings) = match verified {
        Some(p) => {
            if !p.is_file() {
                bail!("找不到核定数据文件 {}", p.display());
            }
            read_verified(plan, p, &p.display().to_string())
        }
        None => (Vec::new(), Vec::new()),
    };
    let rec = reconcile(plan, &batch, &figures, findings, &scoring);
    let path = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("绩效对账表_{}.xlsx", batch.period.label())));
    crate::write::reconcile::write_reconciliation(&path, plan, &rec)?;
    Ok((rec, path))
}

/// The blank 核定数据 form, written to `out` or `核定数据_<期次>.xlsx`.
pub fn verified_template(plan: &Plan, out: Option<&Path>, period: Period) -> Result<PathBuf> {
    let path = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("核定数据_{}.xlsx", period.label())));
    crate::write::reconcile::write_verified_template(&path, plan, period)?;
    Ok(path)
}
