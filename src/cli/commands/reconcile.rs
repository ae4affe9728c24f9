//! `luoshi reconcile`: the batch against the verified figures, scored and ranked.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use luoshi::finding::Rule;
use luoshi::pipeline::{guard_output, process, Options};
use luoshi::plan::Plan;

/// `luoshi reconcile`: the batch against verified figures, scored and ranked, into one workbook.
/// Returns the reconciliation, where it was written and what to say besides (how much was verified,
/// files kept instead of replaced).
pub fn reconcile(
    plan: &Plan,
    dir: &Path,
    verified: Option<&Path>,
    scoring: Option<&Path>,
    out: Option<&Path>,
    opts: &Options,
) -> Result<(luoshi::reconcile::Reconciliation, PathBuf, Vec<String>)> {
    use luoshi::reconcile::{read_verified, reconcile, Scoring};
    luoshi::pipeline::check_batch_folder("reconcile", dir)?;
    // A ranking needs verified figures: never one built on nothing.
    let Some(verified) = verified else {
        bail!("缺少核定数据：请用 --verified 指定核定数据表。没有的话，先用 luoshi template --verified 生成空表，请数据主管部门填写核定值后再对账")
    };
    if !verified.is_file() {
        bail!("找不到核定数据文件 {}", verified.display());
    }
    let mut files: Vec<&Path> = opts.input_files.iter().map(PathBuf::as_path).collect();
    files.push(verified);
    if let Some(o) = out {
        guard_output(o, &[dir.to_path_buf()], &files)?;
        if o.is_dir() {
            bail!("{} 是文件夹：-o 应为对账表的文件名，如 绩效对账表.xlsx（不给 -o 时写到 out/<期次>/）", o.display());
        }
    }
    let scoring = Scoring::load(scoring)?;
    let batch = process(plan, &[dir.to_path_buf()], opts)?;
    let display = verified.display().to_string();
    let read = read_verified(plan, verified, &display);
    if let Some(f01) = read.findings.iter().find(|f| f.rule == Rule::F01) {
        bail!("{}", f01.message);
    }
    if !read.has_header {
        let is_submission =
            matches!(luoshi::ingest::read_file(verified, &display, &luoshi::ingest::Limits::default()).outcome, luoshi::ingest::Outcome::Table(_));
        if is_submission {
            bail!("{display} 是一份单位的任务分解表（报送文件），不是核定数据表；核定数据表用 luoshi template --verified 生成");
        }
        bail!("{display} 中没有找到核定数据表头（单位、任务编号、核定值）；核定数据表用 luoshi template --verified 生成");
    }
    if let Some(p) = read.period.filter(|p| *p != batch.period) {
        bail!("核定数据表是{}的，报送文件是{}的，期次不一致；请换用本期的核定数据表", p.chinese(), batch.period.chinese());
    }
    // A table nobody has filled in yet would rank every unit on nothing.
    if read.figures.is_empty() {
        bail!("核定数据表 {display} 里还没有填任何核定值：请数据主管部门在“核定值”列填写核定的数据后再对账（没有核定值就无法比对和排名）");
    }
    let mut notes = vec![format!("核定数据：已填核定值 {} 行", read.figures.len())];
    let rec = reconcile(plan, &batch, &read.figures, read.findings, &scoring);
    let wanted = match out {
        Some(p) => p.to_path_buf(),
        None => Path::new(luoshi::pipeline::DEFAULT_OUT).join(batch.period.label()).join(format!("绩效对账表_{}.xlsx", batch.period.label())),
    };
    guard_output(&wanted, &[dir.to_path_buf()], &files)?;
    let (path, kept) = luoshi::write::write_one(&wanted, "reconcile", |p| luoshi::write::reconcile::write_reconciliation(p, plan, &rec))?;
    notes.extend(kept.iter().map(|k| k.said()));
    Ok((rec, path, notes))
}
