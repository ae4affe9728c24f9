//! `luoshi template`: the forms sent out to the units, and the blank 核定数据 form.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use super::{process, Options};
use crate::plan::Plan;
use crate::validate::Period;

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

/// The blank 核定数据 form, written to `out` or `核定数据_<期次>.xlsx`.
pub fn verified_template(plan: &Plan, out: Option<&Path>, period: Period) -> Result<PathBuf> {
    let path = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("核定数据_{}.xlsx", period.label())));
    crate::write::reconcile::write_verified_template(&path, plan, period)?;
    Ok(path)
}
