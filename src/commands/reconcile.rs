//! `luoshi reconcile`: the batch against the verified figures, scored and ranked.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use super::{process, Options};
use crate::plan::Plan;

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

