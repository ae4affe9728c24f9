//! `luoshi template`: the forms sent out to the units, and the blank 核定数据 form.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use luoshi::period::Period;
use luoshi::pipeline::{process, Options};
use luoshi::plan::Plan;

/// What `luoshi template` writes.
pub enum TemplateKind<'a> {
    Blank,
    Unit(&'a str),
    AllUnits,
}

/// `luoshi template`: the blank form, one unit's form, or every unit's form into a folder.
/// Returns the files written. An existing file is replaced only with `force`.
/// `inputs` are the files read besides (the task list): never written over.
#[allow(clippy::too_many_arguments)]
pub fn template(
    plan: &Plan,
    kind: TemplateKind,
    out: Option<&Path>,
    period: Period,
    previous: Option<&Path>,
    password: Option<&str>,
    force: bool,
    inputs: &[PathBuf],
) -> Result<Vec<PathBuf>> {
    use luoshi::write::template::{write_template, Previous};
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
            None => {
                // 腾熬镇 for 腾鳌镇: one slip away from exactly one unit is offered.
                let near: Vec<&str> =
                    plan.roster.units.iter().map(|u| u.name.as_str()).filter(|u| luoshi::validate::one_edit_apart(u, name.trim())).take(2).collect();
                match near.as_slice() {
                    [one] => bail!("单位“{name}”不在单位名单中；是不是 {one}？"),
                    _ => bail!("单位“{name}”不在单位名单中；可用 luoshi tasks 查看名单，或用 --units 补充"),
                }
            }
        }
    };
    let paths: Vec<(PathBuf, Option<String>)> = match kind {
        TemplateKind::Blank => {
            vec![(out.map(Path::to_path_buf).unwrap_or_else(|| default_folder(period).join(format!("任务分解表_{}.xlsx", period.label()))), None)]
        }
        TemplateKind::Unit(name) => {
            let unit = canonical(name)?;
            let path = out
                .map(Path::to_path_buf)
                .unwrap_or_else(|| default_folder(period).join(format!("{}_{}.xlsx", luoshi::write::returns::safe_file_stem(&unit), period.label())));
            vec![(path, Some(unit))]
        }
        TemplateKind::AllUnits => {
            let dir = out.map(Path::to_path_buf).unwrap_or_else(|| default_folder(period).join("模板"));
            let units = plan.expected_units();
            let stems = luoshi::write::returns::unique_file_stems(units.iter().map(|u| u.name.as_str()));
            units.iter().zip(stems).map(|(u, stem)| (dir.join(format!("{stem}_{}.xlsx", period.label())), Some(u.name.clone()))).collect()
        }
    };
    if paths.is_empty() {
        bail!("单位名单里没有承担任务的单位，没有可生成的任务分解表");
    }
    for (p, _) in &paths {
        luoshi::pipeline::guard_output(p, previous.map(Path::to_path_buf).as_slice(), &inputs.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
    }
    let (forms, units): (Vec<PathBuf>, Vec<Option<String>>) = paths.into_iter().unzip();
    write_forms(&forms, force, |i, path| {
        let previous = units[i].as_deref().and_then(prev_of);
        write_template(path, plan, period, units[i].as_deref(), previous.as_ref(), password)
    })
}

/// Write forms handed out (`paths`) into their folder, locked and recorded, in parallel; refused
/// when one is there that luoshi did not write or someone changed, unless `force`.
fn write_forms(paths: &[PathBuf], force: bool, write: impl Fn(usize, &Path) -> Result<()> + Sync) -> Result<Vec<PathBuf>> {
    let folder = paths[0].parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
    let outdir = luoshi::write::OutDir::open(&folder, "template")?;
    refuse_overwrite(&outdir, paths.iter().map(PathBuf::as_path), force)?;
    let results: Vec<Result<()>> = paths.par_iter().enumerate().map(|(i, p)| write(i, p)).collect();
    let done = |ok: bool| -> Vec<PathBuf> { paths.iter().zip(&results).filter(|(_, r)| r.is_ok() == ok).map(|(p, _)| p.clone()).collect() };
    outdir.finish_one(&done(true), &done(false))?;
    paths.iter().zip(results).map(|(p, r)| r.map(|()| p.clone())).collect()
}

/// `out/<期次>/`: where a command's files go when no -o is given.
fn default_folder(period: Period) -> PathBuf {
    Path::new(luoshi::pipeline::DEFAULT_OUT).join(period.label())
}

/// A form already sent out (and perhaps filled in) is not replaced without `--force`; one luoshi
/// wrote and nobody changed is.
fn refuse_overwrite<'a>(outdir: &luoshi::write::OutDir, paths: impl Iterator<Item = &'a Path>, force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    let existing: Vec<String> = paths.filter(|p| std::fs::symlink_metadata(p).is_ok() && !outdir.is_unchanged(p)).map(|p| p.display().to_string()).collect();
    match existing.as_slice() {
        [] => Ok(()),
        [one] => bail!("{one} 已存在，没有覆盖；要覆盖请加 --force，或用 -o 另起文件名"),
        many => bail!("{} 等 {} 个文件已存在，没有覆盖；要覆盖请加 --force，或用 -o 换个文件夹", many[0], many.len()),
    }
}

/// The blank 核定数据 form, written to `out` or `out/<期次>/核定数据_<期次>.xlsx`.
pub fn verified_template(plan: &Plan, out: Option<&Path>, period: Period, force: bool, inputs: &[PathBuf]) -> Result<PathBuf> {
    let path = out.map(Path::to_path_buf).unwrap_or_else(|| default_folder(period).join(format!("核定数据_{}.xlsx", period.label())));
    luoshi::pipeline::guard_output(&path, &[], &inputs.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
    write_forms(std::slice::from_ref(&path), force, |_, p| luoshi::write::reconcile::write_verified_template(p, plan, period))?;
    Ok(path)
}
