//! The command-line side, beside the binary: arguments ([`args`]), clap's complaints in Chinese
//! ([`usage`]), what each command does ([`commands`]), what is printed ([`term`]), and the
//! dispatch here. The library knows nothing of it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use luoshi::finding::Severity;
use luoshi::lights::Thresholds;
use luoshi::period::Period;
use luoshi::plan::Plan;

pub mod args;
pub mod commands;
pub mod config;
mod launch;
pub mod term;
mod usage;

use args::{Cli, Command, FailOn, Format, HistoryArgs, LadderArgs, LightArgs, PeriodArgs, TasksFormat};

/// The whole program: arguments in, exit code out (0 done, 1 `validate` found problems or
/// `remind` someone missing, 2 cannot start, 3 an output not written).
pub fn main() -> ExitCode {
    if let Some(said) = usage::single_dash_long_option() {
        eprintln!("{said}\n查看帮助：luoshi --help，或 luoshi <命令> --help");
        return ExitCode::from(2);
    }
    // A folder dropped on luoshi.exe, or typed alone, is `run`; `help run` is `run --help`.
    let commands: Vec<String> = <Cli as clap::CommandFactory>::command().get_subcommands().map(|c| c.get_name().to_string()).collect();
    let launch::Launch { mut args, folder } = launch::rewrite(std::env::args_os().collect(), &commands);
    let pause = launch::should_pause(launch::Start::now());
    // Dropped on the program, the papers go beside the folder: the window's working folder may
    // be the program's, or one the clerk cannot write to.
    let dropped_out =
        folder.filter(|_| pause).map(|f| luoshi::pipeline::absolute(&f).parent().map(|p| p.join(luoshi::pipeline::DEFAULT_OUT)).unwrap_or_default());
    if let Some(out) = &dropped_out {
        args.extend(["-o".into(), out.clone().into_os_string()]);
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = usage::usage_error(e);
            if pause {
                launch::wait_for_enter(None);
            }
            return code;
        }
    };
    let out = cli.command.out_folder();
    luoshi::ingest::quiet_reader_panics();
    // What killed runs left behind (unpacked attachments) goes on the next run of any command.
    luoshi::ingest::archive::sweep_leftovers();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Each cause after the other, joined the Chinese way.
            eprintln!("luoshi：{}", luoshi::write::describe_error(&e));
            // The input was fine but an output could not be written (a full disk, a read-only folder): 3.
            let cannot_write = e.chain().any(|c| c.is::<luoshi::write::CannotWrite>());
            ExitCode::from(if cannot_write { 3 } else { 2 })
        }
    };
    if pause {
        launch::wait_for_enter(out.as_deref().filter(|o| o.exists()));
    }
    code
}

/// The template's period when none is given: the one after the --previous folder's, else this
/// month — when this month is in the task list's year; otherwise the period must be given.
fn template_period(plan: &Plan, given: Option<&str>, previous: Option<&std::path::Path>) -> anyhow::Result<(Period, String)> {
    if let Some(p) = given {
        return Ok((commands::parse_period(p)?, "--period".into()));
    }
    if let Some(name) = previous.map(commands::absolute).and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string())) {
        if let Some(p) = Period::find_in(&name) {
            return Ok((p.next(), format!("上期文件夹“{name}”的下一期")));
        }
    }
    use chrono::Datelike;
    let today = chrono::Local::now().date_naive();
    if today.year() != plan.year {
        anyhow::bail!(
            "任务清单是{}年的，本月是{}年{}月，不在清单年度内：请用 --period 指定要下发的期次，如 --period {}-{:02}",
            plan.year,
            today.year(),
            today.month(),
            plan.year,
            today.month()
        );
    }
    Ok((Period { year: today.year(), month: today.month() }, "本月".into()))
}

fn run(mut cli: Cli) -> anyhow::Result<ExitCode> {
    if let Command::Init { dir } = &cli.command {
        let dir = dir.clone().unwrap_or_else(|| PathBuf::from("."));
        let said = config::init(&dir, &Plan::builtin())?;
        println!("已写出本单位的设置（改好后，luoshi 在这个文件夹或其下的各期报送文件夹运行时自动使用）：");
        for line in said {
            println!("{line}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    // The office's luoshi.toml fills what the command line leaves open.
    let found = config::find(config::office_folder(&cli.command).as_deref())?;
    if let Some((_, cfg)) = &found {
        config::apply(cfg, &mut cli.tasks, &mut cli.units, &mut cli.command);
    }
    let settings_file = found.map(|(f, _)| f);
    // The files read besides the submissions: no output may land on one.
    let inputs: Vec<PathBuf> = cli.tasks.iter().chain(&cli.units).cloned().chain(cli.command.setting_files()).collect();
    let load = || {
        let plan = Plan::load(cli.tasks.as_deref(), cli.units.as_deref())?;
        // Which list every figure stands on, first.
        eprintln!("{}", term::which_list(&plan, cli.tasks.as_deref(), settings_file.as_deref()));
        for note in &plan.notes {
            eprintln!("注意：{note}");
        }
        Ok::<_, anyhow::Error>(plan)
    };
    let opts = |period: Option<String>, previous: Option<PathBuf>, lights: Option<LightArgs>| -> anyhow::Result<commands::Options> {
        let thresholds = match lights {
            Some(l) if !(0.0 <= l.yellow && l.yellow <= l.red && l.red <= 100.0) => {
                anyhow::bail!("亮灯阈值不对：--yellow、--red 是落后序时进度的百分点，应满足 0 ≤ --yellow ≤ --red ≤ 100（现为 {} 和 {}）", l.yellow, l.red)
            }
            Some(l) => Thresholds { yellow: l.yellow, red: l.red },
            None => Thresholds::default(),
        };
        Ok(commands::Options { period, previous, thresholds, progress: true, ..Default::default() })
    };
    // Where earlier periods are found, and the escalation ladder.
    let with_history = |o: commands::Options, h: HistoryArgs, ladder: LadderArgs| -> anyhow::Result<commands::Options> {
        let history = match (h.no_history, h.history) {
            (true, _) => commands::HistorySource::Off,
            (false, Some(d)) if !d.is_dir() => anyhow::bail!("--history {} 不是文件夹：应为存放各期报送文件夹（如 2022-04、2022-05）的文件夹", d.display()),
            (false, Some(d)) => commands::HistorySource::Dir(d),
            (false, None) => commands::HistorySource::Siblings,
        };
        let escalation = match &ladder.escalation {
            Some(f) => luoshi::ledger::Escalation::load(f)?,
            None => luoshi::ledger::Escalation::builtin(),
        };
        Ok(commands::Options { history, escalation, assess: ladder.assess, ..o })
    };
    match cli.command {
        // Handled before anything is loaded.
        Command::Init { .. } => Ok(ExitCode::SUCCESS),
        Command::Tasks { format, out } => {
            let plan = load()?;
            match format {
                TasksFormat::Table => print!("{}", term::tasks_table(&plan)),
                TasksFormat::Tsv => print!("{}", term::tasks_tsv(&plan)),
                TasksFormat::Toml => print!("{}", plan.to_toml()),
                TasksFormat::Xlsx => {
                    let wanted = out.unwrap_or_else(|| std::path::Path::new(luoshi::pipeline::DEFAULT_OUT).join(format!("任务清单_{}.xlsx", plan.year)));
                    commands::guard_output(&wanted, &[], &inputs.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
                    let (path, kept) = luoshi::write::write_one(&wanted, "tasks", |p| luoshi::write::tasklist::write_task_list(p, &plan))?;
                    for k in &kept {
                        println!("{}", k.said());
                    }
                    println!("已写出：{}（可修改后用 --tasks 指定）", path.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Derive { unit, out } => {
            let upper = load()?;
            let (plan, path, kept) = commands::derive(&upper, &unit, out.as_deref(), &inputs)?;
            for k in &kept {
                println!("{}", k.said());
            }
            print!("{}", term::derive_summary(&upper, &plan, &path));
            Ok(ExitCode::SUCCESS)
        }
        Command::ReportUp { dir, out, period, map, person, force } => {
            let plan = load()?;
            let opts = commands::Options { input_files: inputs, ..opts(period, None, None)? };
            let done = commands::report_up(&plan, &dir, out.as_deref(), map.as_deref(), person.as_deref(), force, &opts)?;
            for n in &done.notes {
                println!("{n}");
            }
            for k in &done.kept {
                println!("{}", k.said());
            }
            print!("{}", term::report_up_summary(&done.ret, done.path.as_deref()));
            Ok(if done.path.is_none() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Run { dir, out, batch_period: PeriodArgs { period, previous }, lights, history, ladder, papers, letter_template } => {
            let opts = commands::Options {
                papers: Some(papers.load(letter_template.as_deref())?),
                ..with_history(opts(period, previous, Some(lights))?, history, ladder)?
            };
            let (plan, batch, outputs) = commands::run_loading(load, &dir, &out, &opts)?;
            print!("{}", term::run_summary(&plan, &batch, &outputs, term::use_colour()));
            if let Some(said) = opts.papers.as_ref().and_then(|p| term::date_far_from_period(p.date, batch.period)) {
                println!("{said}");
            }
            let code = if outputs.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(3) };
            // A province's batch is not freed piece by piece: the process ends here anyway.
            std::mem::forget((plan, batch, outputs));
            Ok(code)
        }
        Command::Notice { dir, out, batch_period: PeriodArgs { period, previous }, lights, history, ladder, papers } => {
            let opts = commands::Options { papers: Some(papers.load(None)?), ..with_history(opts(period, previous, Some(lights))?, history, ladder)? };
            let plan = load()?;
            let (batch, path, kept) = commands::notice(&plan, &dir, &out, &opts)?;
            for k in &kept {
                println!("{}", k.said());
            }
            print!("{}", term::notice_summary(&plan, &batch, &path));
            if let Some(said) = opts.papers.as_ref().and_then(|p| term::date_far_from_period(p.date, batch.period)) {
                println!("{said}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { paths, format, fail_on, batch_period: PeriodArgs { period, previous }, batch, history, ladder } => {
            let plan = load()?;
            let opts = commands::Options { batch_rules: batch.then_some(true), ..with_history(opts(period, previous, None)?, history, ladder)? };
            let batch = commands::process(&plan, &paths, &opts)?;
            match format {
                Format::Jsonl => {
                    for n in &batch.notes {
                        eprintln!("{n}");
                    }
                    print!("{}", term::jsonl(&batch.findings))
                }
                Format::Text => print!("{}", term::text(&batch, term::use_colour())),
            }
            let level = match fail_on {
                FailOn::Error => Some(Severity::Error),
                FailOn::Warning => Some(Severity::Warning),
                FailOn::Never => None,
            };
            Ok(if commands::fails(&batch.findings, level) { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Remind { dir, out, period, due, previous, history, papers, remind_template } => {
            let due = due.map(|d| commands::parse_date("--due", &d)).transpose()?;
            let settings = luoshi::papers::Settings::load(papers.as_deref())?;
            let wording = luoshi::papers::Wording::load(remind_template.as_deref(), "内置的催报模板", luoshi::papers::DEFAULT_REMIND)?;
            let opts = with_history(opts(period, previous, None)?, history, LadderArgs::default())?;
            let plan = load()?;
            let r = commands::remind(&plan, &dir, &out, &opts, due, &settings, &wording)?;
            print!("{}", term::remind_summary(&r));
            Ok(if r.list.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Ledger { root, out, ladder, lights } => {
            let history = HistoryArgs { history: None, no_history: true };
            let opts = commands::Options { input_files: inputs, ..with_history(opts(None, None, Some(lights))?, history, ladder)? };
            let plan = load()?;
            let run = commands::ledger(&plan, &root, out.as_deref(), &opts)?;
            print!("{}", term::ledger_summary(&run.ledger, &run.notes, &run.path));
            Ok(ExitCode::SUCCESS)
        }
        Command::Reconcile { dir, verified, scoring, period, out, lights } => {
            let opts = opts(period, None, Some(lights))?;
            let plan = load()?;
            let opts = commands::Options { input_files: inputs.clone(), ..opts };
            let (rec, path, notes) = commands::reconcile(&plan, &dir, Some(&verified), scoring.as_deref(), out.as_deref(), &opts)?;
            for n in &notes {
                println!("{n}");
            }
            print!("{}", term::reconcile_summary(&rec, &path));
            Ok(ExitCode::SUCCESS)
        }
        Command::Template { out, unit, all_units, period, previous, password, verified, force } => {
            if let (Some(o), Some(p)) = (&out, &previous) {
                // Said before last period's folder is read.
                commands::guard_output(o, std::slice::from_ref(p), &[])?;
            }
            let plan = load()?;
            let (period, basis) = template_period(&plan, period.as_deref(), previous.as_deref())?;
            match basis.as_str() {
                "--period" => println!("报送期次：{}", period.chinese()),
                _ => println!("报送期次：{}（{}；可用 --period 指定）", period.chinese(), basis),
            }
            if verified {
                let path = commands::verified_template(&plan, out.as_deref(), period, force, &inputs)?;
                println!("已写出：{}", path.display());
                return Ok(ExitCode::SUCCESS);
            }
            let kind = match (&unit, all_units) {
                (Some(u), _) => commands::TemplateKind::Unit(u),
                (None, true) => commands::TemplateKind::AllUnits,
                (None, false) => commands::TemplateKind::Blank,
            };
            let written = commands::template(&plan, kind, out.as_deref(), period, previous.as_deref(), password.as_deref(), force, &inputs)?;
            match written.as_slice() {
                [one] => println!("已写出：{}", one.display()),
                many => println!(
                    "已写出 {} 个单位的任务分解表：{}",
                    many.len(),
                    many.first().and_then(|p| p.parent()).map(|p| p.display().to_string()).unwrap_or_default()
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Consolidate { dir, out, batch_period: PeriodArgs { period, previous }, lights, history, ladder } => {
            let opts = commands::Options { input_files: inputs, ..with_history(opts(period, previous, Some(lights))?, history, ladder)? };
            let plan = load()?;
            let (batch, path, kept) = commands::consolidate(&plan, &dir, out.as_deref(), &opts)?;
            for n in &batch.notes {
                println!("{n}");
            }
            for k in &kept {
                println!("{}", k.said());
            }
            println!("已写出：{}", path.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
