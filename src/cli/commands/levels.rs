//! 层层抓落实 (SPEC §6): `luoshi derive` starts a unit's own list from the level above's, and
//! `luoshi report-up` turns the unit's batch of its level below into its return to the level above.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use luoshi::pipeline::{guard_output, process, Options};
use luoshi::plan::Plan;
use luoshi::upward::{report_up as make_return, IdMap, UpReturn};
use luoshi::write::{write_one, Kept};

/// `luoshi derive --unit X`: the unit's own list, as an Excel list to fill in and use as `--tasks`.
pub fn derive(upper: &Plan, unit: &str, out: Option<&Path>, inputs: &[PathBuf]) -> Result<(Plan, PathBuf, Vec<Kept>)> {
    let plan = upper.derive(unit)?;
    let wanted = out.map(Path::to_path_buf).unwrap_or_else(|| {
        Path::new(luoshi::pipeline::DEFAULT_OUT).join(format!("{}任务清单_{}.xlsx", luoshi::write::returns::safe_file_stem(&plan.city), plan.year))
    });
    guard_output(&wanted, &[], &inputs.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
    let (path, kept) = write_one(&wanted, "derive", |p| luoshi::write::tasklist::write_task_list(p, &plan))?;
    Ok((plan, path, kept))
}

/// What `report-up` made: the return, where it went (None when held back), what was kept.
pub struct ReportedUp {
    pub ret: UpReturn,
    pub path: Option<PathBuf>,
    pub kept: Vec<Kept>,
    pub notes: Vec<String>,
}

/// `luoshi report-up DIR`: the unit's return to the level above from its level below's batch.
/// Held back (nothing written) when 下级 data could not be used, unless `force`.
pub fn report_up(plan: &Plan, dir: &Path, out: Option<&Path>, map: Option<&Path>, person: Option<&str>, force: bool, opts: &Options) -> Result<ReportedUp> {
    luoshi::pipeline::check_batch_folder("report-up", dir)?;
    let folders = luoshi::pipeline::folders_read(dir, opts);
    let files: Vec<&Path> = opts.input_files.iter().map(PathBuf::as_path).collect();
    if let Some(o) = out {
        guard_output(o, &folders, &files)?;
        if o.is_dir() {
            bail!("{} 是文件夹：-o 应为报给上级的文件名，如 腾鳌镇_2022-06.xlsx", o.display());
        }
    }
    let map = map.map(IdMap::load).transpose()?;
    let exclude = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(luoshi::pipeline::DEFAULT_OUT));
    let opts = Options { exclude: Some(exclude), ..opts.clone() };
    let batch = process(plan, &[dir.to_path_buf()], &opts)?;
    let mut ret = make_return(plan, &batch, map.as_ref(), opts.thresholds)?;
    if let Some(p) = person {
        ret.person = Some(p.to_string());
    }
    let notes = batch.notes.clone();
    if !ret.gaps().is_empty() && !force {
        return Ok(ReportedUp { ret, path: None, kept: Vec::new(), notes });
    }
    let label = batch.period.label();
    let wanted = match out {
        Some(o) => o.to_path_buf(),
        None => Path::new(luoshi::pipeline::DEFAULT_OUT).join(&label).join(format!("{}_{label}.xlsx", luoshi::write::returns::safe_file_stem(&ret.unit))),
    };
    guard_output(&wanted, &folders, &files)?;
    let upper = match &plan.upper {
        Some(u) => u.as_plan(plan.year),
        None => luoshi::upward::mapped_upper(plan, map.as_ref())?.as_plan(plan.year),
    };
    let (path, kept) = write_one(&wanted, "report-up", |p| luoshi::write::upward::write_return(p, &upper, &ret))?;
    Ok(ReportedUp { ret, path: Some(path), kept, notes })
}
