//! `luoshi remind`: 催报 before the deadline — every unit with no usable submission yet, with whom
//! to call (from its latest earlier submission), the tasks it owes and a message ready to paste.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use luoshi::ledger::PeriodRecord;
use luoshi::papers::{Settings, Wording};
use luoshi::pipeline::{history, process, HistorySource, Options};
use luoshi::plan::Plan;
pub use luoshi::remind::{Chase, Reminder, Reminders};

/// The list for `dir`, written as `催报清单_<period>.xlsx` in `out/<period>/`.
pub fn remind(plan: &Plan, dir: &Path, out: &Path, opts: &Options, due: Option<NaiveDate>, settings: &Settings, wording: &Wording) -> Result<Reminders> {
    let inputs = luoshi::pipeline::check_run_folders("remind", dir, out, opts)?;
    let paths = [dir.to_path_buf()];
    let current = Options { history: HistorySource::Off, previous: None, exclude: Some(out.to_path_buf()), ..opts.clone() };
    let batch = process(plan, &paths, &current)?;
    let period = batch.period;
    let due = match due {
        Some(d) => d,
        None => NaiveDate::from_ymd_opt(period.year, period.month, settings.due_day).unwrap_or_else(|| period.end()),
    };
    // Whom to call: the newest earlier period that names the unit's 填报人.
    let mut records: Vec<PeriodRecord> = history::read(plan, &opts.history, &paths, period, &current).records;
    let mut notes = Vec::new();
    if let Some(prev) = &opts.previous {
        match history::read_period(plan, prev, period.previous(), &current) {
            Ok((_, r)) => records.push(r),
            Err(e) => notes.push(format!("上期文件夹 {} 无法读取：{}", prev.display(), luoshi::reason::describe_error(&e))),
        }
    }
    records.sort_by_key(|r| std::cmp::Reverse(r.period));
    if !records.is_empty() {
        let shown: Vec<String> = records.iter().rev().map(|r| r.period.label()).collect();
        notes.push(format!("联系人取自往期：{}", shown.join("、")));
    }
    let rep = batch.reporting(plan);
    let due_text = format!("{}月{}日", chrono::Datelike::month(&due), chrono::Datelike::day(&due));
    let mut list = Vec::new();
    for (unit, state) in rep.missing.iter().map(|u| (u, Chase::NotSent)).chain(rep.unusable.iter().map(|u| (u, Chase::Unusable))) {
        let found = records.iter().find_map(|r| Some((r.period, r.contacts.get(unit)?.clone())));
        let tasks: Vec<String> = plan.tasks_of(unit).iter().map(|t| t.id.clone()).collect();
        let message = wording.render(minijinja::context! {
            office => settings.office(plan),
            unit => unit,
            state => state.label(),
            period => period.chinese(),
            due => &due_text,
            contact => &settings.contact,
            tasks => tasks.len(),
        })?;
        list.push(Reminder {
            unit: unit.clone(),
            group: plan.roster.group_of(unit).label().to_string(),
            state,
            contact: found.as_ref().map(|(_, c)| c.clone()),
            contact_period: found.map(|(p, _)| p.chinese()),
            tasks,
            message,
        });
    }
    let folder = luoshi::pipeline::period_folder(out, period, &inputs)?;
    let wanted = folder.join(format!("催报清单_{}.xlsx", period.label()));
    let (path, kept) = luoshi::write::write_one(&wanted, "remind", |p| luoshi::write::remind::write_reminders(p, plan, period, due, &list, rep.due.len()))?;
    notes.extend(kept.iter().map(|k| k.said()));
    Ok(Reminders { period, due, list, path, notes })
}
