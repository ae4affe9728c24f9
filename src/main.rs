//! The `luoshi` binary: parse arguments, call the library, map the outcome to an exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use luoshi::finding::Severity;
use luoshi::lights::Thresholds;
use luoshi::validate::Period;
use luoshi::plan::Plan;
use luoshi::{commands, term};

/// mimalloc: faster for the many small strings of a batch, and returns freed memory to the system.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 落实：各单位《任务分解表》的校验、汇总与绩效对账。
#[derive(Parser)]
#[command(name = "luoshi", version, about, long_about = None)]
struct Cli {
    /// 市级任务清单（TOML 或 Excel：“任务清单”“单位名单”两张表），默认使用内置的2021年清单
    #[arg(long, global = true, value_name = "FILE")]
    tasks: Option<PathBuf>,
    /// 补充单位名单（TOML，[[units]] 列表：name、group、aliases）
    #[arg(long, global = true, value_name = "FILE")]
    units: Option<PathBuf>,
    /// 亮灯阈值：落后序时进度超过该百分点为黄灯
    #[arg(long, global = true, default_value_t = 10.0, value_name = "点")]
    yellow: f64,
    /// 亮灯阈值：落后序时进度超过该百分点为红灯
    #[arg(long, global = true, default_value_t = 30.0, value_name = "点")]
    red: f64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 校验并汇总一个文件夹的报送文件（主要功能），写出汇总表、校验报告和各单位退回件
    Run {
        /// 存放各单位报送文件的文件夹，如 samples/2021-06
        dir: PathBuf,
        /// 输出目录
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// 报送期次，如 2021-06；默认取文件中的“报送期次”或文件夹名
        #[arg(long, value_name = "YYYY-MM")]
        period: Option<String>,
        /// 上期报送文件夹：计算较上期变化，检查变化超过30%的数据（L10）
        #[arg(long, value_name = "DIR")]
        previous: Option<PathBuf>,
    },
    /// 只校验，不写文件；逐条列出问题
    Validate {
        /// 报送文件或文件夹（可多个）
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// 输出格式：text（按单位分组的中文说明）或 jsonl（每行一条 JSON）
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// 有该级别及以上的问题时退出码为 1
        #[arg(long, value_enum, default_value = "error")]
        fail_on: FailOn,
        /// 报送期次，如 2021-06
        #[arg(long, value_name = "YYYY-MM")]
        period: Option<String>,
        /// 上期报送文件夹（启用 L10）
        #[arg(long, value_name = "DIR")]
        previous: Option<PathBuf>,
        /// 按整批检查跨单位的规则（V01 未报送、V02 任务无人报送、V04、V05）；给出文件夹时默认检查，只给文件时默认不查
        #[arg(long)]
        batch: bool,
    },
    /// 只汇总，写出汇总表
    Consolidate {
        dir: PathBuf,
        /// 汇总表文件名
        #[arg(short, long)]
        out: PathBuf,
        #[arg(long, value_name = "YYYY-MM")]
        period: Option<String>,
        /// 上期报送文件夹（计算较上期变化）
        #[arg(long, value_name = "DIR")]
        previous: Option<PathBuf>,
    },
    /// 生成下发的《任务分解表》：空白表，或按单位预填本单位任务
    Template {
        /// 输出文件（--all-units 时为输出文件夹）
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// 为该单位预填任务，如 腾鳌镇
        #[arg(long, conflicts_with = "all_units")]
        unit: Option<String>,
        /// 为名单上每个单位各生成一份
        #[arg(long)]
        all_units: bool,
        /// 报送期次，填入“报送期次”，如 2021-06
        #[arg(long, value_name = "YYYY-MM")]
        period: Option<String>,
        /// 上期报送文件夹：预填各单位上期报送的数据，只需更新
        #[arg(long, value_name = "DIR")]
        previous: Option<PathBuf>,
        /// 工作表保护密码（默认不设密码）
        #[arg(long)]
        password: Option<String>,
        /// 生成绩效对账用的核定数据表（单位 × 任务，由数据主管部门填写）
        #[arg(long, conflicts_with_all = ["unit", "all_units"])]
        verified: bool,
    },
    /// 绩效对账：自报值与核定值比对，计分并按类别排名
    Reconcile {
        /// 存放各单位报送文件的文件夹
        dir: PathBuf,
        /// 核定数据表（单位、任务编号、核定值、数据来源、备注）
        #[arg(long, value_name = "FILE")]
        verified: Option<PathBuf>,
        /// 计分办法（TOML），默认见 templates/scoring.toml
        #[arg(long, value_name = "FILE")]
        scoring: Option<PathBuf>,
        /// 报送期次，如 2021-06
        #[arg(long, value_name = "YYYY-MM")]
        period: Option<String>,
        /// 输出文件，默认 绩效对账表_<期次>.xlsx
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
    /// 列出正在使用的市级任务清单
    Tasks,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    luoshi::ingest::quiet_reader_panics();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Each cause after the other, joined the Chinese way.
            eprintln!("luoshi：{}", luoshi::write::describe_error(&e));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let load = || {
        let plan = Plan::load(cli.tasks.as_deref(), cli.units.as_deref())?;
        for note in &plan.notes {
            eprintln!("注意：{note}");
        }
        Ok::<_, anyhow::Error>(plan)
    };
    if !(0.0 <= cli.yellow && cli.yellow <= cli.red) {
        anyhow::bail!("亮灯阈值不对：应满足 0 ≤ --yellow ≤ --red（现为 {} 和 {}）", cli.yellow, cli.red);
    }
    let opts = |period: Option<String>, previous: Option<PathBuf>| commands::Options {
        period,
        previous,
        thresholds: Thresholds { yellow: cli.yellow, red: cli.red },
        progress: true,
        exclude: None,
        batch_rules: None,
    };
    match cli.command {
        Command::Tasks => {
            let plan = load()?;
            print!("{}", term::tasks_table(&plan));
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { dir, out, period, previous } => {
            let (plan, batch, outputs) = commands::run_loading(load, &dir, &out, &opts(period, previous))?;
            print!("{}", term::run_summary(&plan, &batch, &outputs, term::use_colour()));
            let code = if outputs.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(3) };
            // A province's batch is not freed piece by piece: the process ends here anyway.
            std::mem::forget((plan, batch, outputs));
            Ok(code)
        }
        Command::Validate { paths, format, fail_on, period, previous, batch } => {
            let plan = load()?;
            let opts = commands::Options { batch_rules: batch.then_some(true), ..opts(period, previous) };
            let batch = commands::process(&plan, &paths, &opts)?;
            match format {
                Format::Jsonl => print!("{}", term::jsonl(&batch.findings)),
                Format::Text => print!("{}", term::text(&batch, term::use_colour())),
            }
            let level = match fail_on {
                FailOn::Error => Some(Severity::Error),
                FailOn::Warning => Some(Severity::Warning),
                FailOn::Never => None,
            };
            Ok(if commands::fails(&batch.findings, level) { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Reconcile { dir, verified, scoring, period, out } => {
            let plan = load()?;
            let (rec, path) = commands::reconcile(&plan, &dir, verified.as_deref(), scoring.as_deref(), out.as_deref(), &opts(period, None))?;
            print!("{}", term::reconcile_summary(&rec, &path));
            Ok(ExitCode::SUCCESS)
        }
        Command::Template { out, unit, all_units, period, previous, password, verified } => {
            if let (Some(o), Some(p)) = (&out, &previous) {
                commands::check_output_dir(o, std::slice::from_ref(p))?;
            }
            let plan = load()?;
            let period = match period {
                Some(p) => commands::parse_period(&p)?,
                None => Period { year: plan.year, month: 6 },
            };
            if verified {
                let path = commands::verified_template(&plan, out.as_deref(), period)?;
                println!("已写出：{}", path.display());
                return Ok(ExitCode::SUCCESS);
            }
            let kind = match (&unit, all_units) {
                (Some(u), _) => commands::TemplateKind::Unit(u),
                (None, true) => commands::TemplateKind::AllUnits,
                (None, false) => commands::TemplateKind::Blank,
            };
            let written = commands::template(&plan, kind, out.as_deref(), period, previous.as_deref(), password.as_deref())?;
            match written.as_slice() {
                [one] => println!("已写出：{}", one.display()),
                many => println!("已写出 {} 个单位的任务分解表：{}", many.len(), many.first().and_then(|p| p.parent()).map(|p| p.display().to_string()).unwrap_or_default()),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Consolidate { dir, out, period, previous } => {
            commands::check_output_dir(&out, std::slice::from_ref(&dir))?;
            let plan = load()?;
            let batch = commands::process(&plan, &[dir], &opts(period, previous))?;
            luoshi::write::summary::write_summary(&out, &plan, &batch)?;
            println!("已写出：{}", out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
