//! `luoshi reconcile`: the batch against the verified figures, scored and ranked.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use super::{check_output_dir, process, Options};
use crate::plan::Plan;

/// `luoshi reconcile`: the batch against verified figures, scored and ranked, into one workbook.
pub fn reconcile(plan: &Plan, dir: &Path, verified: Option<&Path>, scoring: Option<&Path>, out: Option<&Path>, opts: &Options) -> Result<(crate::reconcile::Reconciliation, PathBuf)> {
    use crate::reconcile::{read_verified, reconcile, Scoring};
    if !dir.is_dir() {
        bail!("{} 不是文件夹：luoshi reconcile 需要存放各单位报送文件的文件夹", dir.display());
    }
    // A ranking needs verified figures: never one built on nothing.
    let Some(verified) = verified else {
        bail!("缺少核定数据：请用 --verified 指定核定数据表。没有的话，先用 luoshi template --verified 生成空表，请数据主管部门填写核定值后再对账")
    };
    if !verified.is_file() {
        bail!("找不到核定数据文件 {}", verified.display());
    }
    let path = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("绩效对账表_{}.xlsx", opts.period.as_deref().unwrap_or("期次"))));
    check_output_dir(&path, &[dir.to_path_buf()])?;
    let scoring = Scoring::load(scoring)?;
    let batch = process(plan, &[dir.to_path_buf()], opts)?;
    let display = verified.display().to_string();
    let read = read_verified(plan, verified, &display);
    if let Some(f01) = read.findings.iter().find(|f| f.rule == "F01") {
        bail!("{}", f01.message);
    }
    if !read.has_header {
        let is_submission = matches!(crate::ingest::read_file(verified, &display, &crate::ingest::Limits::default()).outcome, crate::ingest::Outcome::Table(_));
        if is_submission {
            bail!("{display} 是一份单位的任务分解表（报送文件），不是核定数据表；核定数据表用 luoshi template --verified 生成");
        }
        bail!("{display} 中没有找到核定数据表头（单位、任务编号、核定值）；核定数据表用 luoshi template --verified 生成");
    }
    if let Some(p) = read.period.filter(|p| *p != batch.period) {
        bail!("核定数据表是{}的，报送文件是{}的，期次不一致；请换用本期的核定数据表", p.chinese(), batch.period.chinese());
    }
    let rec = reconcile(plan, &batch, &read.figures, read.findings, &scoring);
    let path = match out {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from(format!("绩效对账表_{}.xlsx", batch.period.label())),
    };
    crate::write::reconcile::write_reconciliation(&path, plan, &rec)?;
    Ok((rec, path))
}

