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
/// Returns the files written. An existing file is replaced only with `force`.
pub fn template(plan: &Plan, kind: TemplateKind, out: Option<&Path>, period: Period, previous: Option<&Path>, password: Option<&str>, force: bool) -> Result<Vec<PathBuf>> {
    use crate::write::template::{write_template, Previous};
    let prev = match previous {
        Some(dir) => {
            let opts = Options { period: Some(period.previous().label()), ..Default::default() };
            Some(process(plan, &[dir.to_path_buf()], &opts).with_context(|| format!("读取上期报送 {} 失败", dir.display()))?)
        }
        None => None,
    };
    // Last period's submission of a unit, with the findings on its file: only what passed is carried.
    let prev_of = |unit: &str| -> Option<Previous> {
        let batch = prev.as_ref()?;
        let submission = batch.submissions.iter().find(|s| s.unit.as_deref() == Some(unit) && s.superseded_by.is_none())?;
        let findings = batch.findings.iter().filter(|f| f.file.as_deref() == Some(submission.file.as_str())).collect();
        Some(Previous { submission, findings })
    };
    let canonical = |name: &str| -> Result<String> {
        match plan.roster.resolve(name) {
            Some(u) => Ok(u.to_string()),
            None => bail!("单位“{name}”不在单位名单中；可用 luoshi tasks 查看名单，或用 --units 补充"),
        }
    };
    let paths: Vec<(PathBuf, Option<String>)> = match kind {
        TemplateKind::Blank => vec![(out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("任务分解表_{}.xlsx", period.label()))), None)],
        TemplateKind::Unit(name) => {
            let unit = canonical(name)?;
            let path = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("{}_{}.xlsx", crate::write::returns::safe_file_stem(&unit), period.label())));
            vec![(path, Some(unit))]
        }
        TemplateKind::AllUnits => {
            let dir = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("模板_{}", period.label())));
            plan.expected_units()
                .iter()
                .map(|u| (dir.join(format!("{}_{}.xlsx", crate::write::returns::safe_file_stem(&u.name), period.label())), Some(u.name.clone())))
                .collect()
        }
    };
    refuse_overwrite(paths.iter().map(|(p, _)| p.as_path()), force)?;
    paths
        .par_iter()
        .map(|(path, unit)| {
            let previous = unit.as_deref().and_then(prev_of);
            write_template(path, plan, period, unit.as_deref(), previous.as_ref(), password).map(|_| path.clone())
        })
        .collect()
}

/// A form already sent out (and perhaps filled in) is not replaced without `--force`.
fn refuse_overwrite<'a>(paths: impl Iterator<Item = &'a Path>, force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    let existing: Vec<String> = paths.filter(|p| p.exists()).map(|p| p.display().to_string()).collect();
    match existing.as_slice() {
        [] => Ok(()),
        [one] => bail!("{one} 已存在，没有覆盖；要覆盖请加 --force，或用 -o 另起文件名"),
        many => bail!("{} 等 {} 个文件已存在，没有覆盖；要覆盖请加 --force，或用 -o 换个文件夹", many[0], many.len()),
    }
}

/// The blank 核定数据 form, written to `out` or `核定数据_<期次>.xlsx`.
pub fn verified_template(plan: &Plan, out: Option<&Path>, period: Period, force: bool) -> Result<PathBuf> {
    let path = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("核定数据_{}.xlsx", period.label())));
    refuse_overwrite(std::iter::once(path.as_path()), force)?;
    crate::write::reconcile::write_verified_template(&path, plan, period)?;
    Ok(path)
}
