//! The `luoshi` binary: parse arguments, call the library, map the outcome to an exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, Args, CommandFactory, Parser, Subcommand, ValueEnum};

use luoshi::finding::Severity;
use luoshi::lights::Thresholds;
use luoshi::period::Period;
use luoshi::plan::Plan;
use luoshi::{commands, term};

/// mimalloc: faster for the many small strings of a batch, and returns freed memory to the system.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 落实：各单位《任务分解表》的校验、汇总与绩效对账。
#[derive(Parser)]
#[command(
    name = "luoshi",
    version,
    about,
    long_about = None,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    help_template = HELP,
    override_usage = "luoshi <命令> [选项]",
    after_help = "每个命令的用法：luoshi <命令> --help，如 luoshi run --help"
)]
struct Cli {
    /// 市级任务清单（TOML 或 Excel：“任务清单”“单位名单”两张表），默认使用内置的2021年清单
    #[arg(long, global = true, value_name = "文件", help_heading = "全局选项（每个命令都可用）")]
    tasks: Option<PathBuf>,
    /// 补充单位名单（TOML，[[units]] 列表：name、group、aliases）
    #[arg(long, global = true, value_name = "文件", help_heading = "全局选项（每个命令都可用）")]
    units: Option<PathBuf>,
    /// 显示帮助
    #[arg(short, long, global = true, action = ArgAction::Help, help_heading = "全局选项（每个命令都可用）")]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long, action = ArgAction::Version, help_heading = "全局选项（每个命令都可用）")]
    version: Option<bool>,
    #[command(subcommand)]
    command: Command,
}

/// Help in Chinese: clap's own headings (Usage, Options) replaced.
const HELP: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// Which period a batch is, and last period's folder.
#[derive(Args, Clone, Default)]
struct PeriodArgs {
    /// 报送期次，如 2021-06 或 2021年6月；默认依次取文件夹名、文件名、文件中的“报送期次”
    #[arg(long, value_name = "年-月")]
    period: Option<String>,
    /// 上期报送文件夹：计算较上期变化，检查变化超过30%的数据（L10）；默认取往期中的上个月
    #[arg(long, value_name = "文件夹")]
    previous: Option<PathBuf>,
}

/// The light thresholds, for the commands that light tasks.
#[derive(Args, Clone, Copy)]
struct Lights {
    /// 亮灯阈值：落后序时进度超过该百分点为黄灯，默认 10（0 ≤ 黄 ≤ 红 ≤ 100）
    #[arg(long, default_value_t = 10.0, hide_default_value = true, value_name = "百分点", allow_negative_numbers = true)]
    yellow: f64,
    /// 亮灯阈值：落后序时进度超过该百分点为红灯，默认 30
    #[arg(long, default_value_t = 30.0, hide_default_value = true, value_name = "百分点", allow_negative_numbers = true)]
    red: f64,
}

/// Where the earlier periods of the year are.
#[derive(Args, Clone, Default)]
struct History {
    /// 往期报送所在的文件夹（其中每期一个文件夹，如 2021-04、2021年5月）；默认读取本期文件夹旁边同一年度的往期文件夹
    #[arg(long, value_name = "文件夹", conflicts_with = "no_history")]
    history: Option<PathBuf>,
    /// 不读取往期（不做 L11–L13 检查，汇总表不附台账，催报联系人只取自 --previous）
    #[arg(long)]
    no_history: bool,
}

/// What the ledger makes of the streaks: the measures, and when to assess the year.
#[derive(Args, Clone, Default)]
struct Ladder {
    /// 督办措施设置（TOML：连续滞后几期采取什么措施），默认见 templates/escalation.toml
    #[arg(long, value_name = "文件")]
    escalation: Option<PathBuf>,
    /// 6月以前也做全年目标预评估（默认从6月起）
    #[arg(long)]
    assess: bool,
}

/// The 通报 and 督办函: settings, wording and date.
#[derive(Args, Clone, Default)]
struct PaperArgs {
    /// 文书设置（TOML：发文机关、督查室联系人、每月截止日、督办函回复期限），默认见 templates/papers.toml
    #[arg(long, value_name = "文件")]
    papers: Option<PathBuf>,
    /// 通报模板（文本，minijinja 写法），默认见 templates/notice.txt
    #[arg(long, value_name = "文件")]
    notice_template: Option<PathBuf>,
    /// 通报、督办函的成文日期，如 2021-07-05；默认今天
    #[arg(long, value_name = "年-月-日")]
    date: Option<String>,
}

impl PaperArgs {
    fn load(&self, letter_template: Option<&std::path::Path>) -> anyhow::Result<std::sync::Arc<luoshi::papers::Papers>> {
        let date = match &self.date {
            Some(d) => commands::parse_date("--date", d)?,
            None => chrono::Local::now().date_naive(),
        };
        let papers = luoshi::papers::Papers::load(self.papers.as_deref(), self.notice_template.as_deref(), letter_template, date)?;
        Ok(std::sync::Arc::new(papers))
    }
}

#[derive(Subcommand)]
enum Command {
    /// 校验并汇总一个文件夹的报送文件（主要功能），写出汇总表、校验报告、各单位退回件、通报初稿和督办函
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi run <文件夹> [选项]")]
    Run {
        /// 存放各单位本期报送文件的文件夹，如 samples/2021-06
        #[arg(value_name = "文件夹", help_heading = "参数")]
        dir: PathBuf,
        /// 输出目录，默认 out；本期的文件写在其中的期次文件夹里，如 out/2021-06（不能在报送文件夹里面）
        #[arg(short, long, default_value = "out", hide_default_value = true, value_name = "目录")]
        out: PathBuf,
        #[command(flatten)]
        batch_period: PeriodArgs,
        #[command(flatten)]
        lights: Lights,
        #[command(flatten)]
        history: History,
        #[command(flatten)]
        ladder: Ladder,
        #[command(flatten)]
        papers: PaperArgs,
        /// 督办函模板（文本，minijinja 写法），默认见 templates/letter.txt
        #[arg(long, value_name = "文件")]
        letter_template: Option<PathBuf>,
    },
    /// 通报：校验并汇总一个文件夹的报送文件，只写出通报初稿（Word，党政机关公文格式）
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi notice <文件夹> [选项]")]
    Notice {
        /// 存放各单位本期报送文件的文件夹
        #[arg(value_name = "文件夹", help_heading = "参数")]
        dir: PathBuf,
        /// 输出目录，默认 out（写出 out/<期次>/通报_<期次>.docx；不能在报送文件夹里面）
        #[arg(short, long, default_value = "out", hide_default_value = true, value_name = "目录")]
        out: PathBuf,
        #[command(flatten)]
        batch_period: PeriodArgs,
        #[command(flatten)]
        lights: Lights,
        #[command(flatten)]
        history: History,
        #[command(flatten)]
        ladder: Ladder,
        #[command(flatten)]
        papers: PaperArgs,
    },
    /// 只校验，不写文件；逐条列出问题和改法
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi validate <文件或文件夹>... [选项]")]
    Validate {
        /// 报送文件或文件夹（可多个）
        #[arg(required = true, value_name = "文件或文件夹", help_heading = "参数")]
        paths: Vec<PathBuf>,
        /// 输出格式：text（按单位分组的中文说明，默认）或 jsonl（每行一条 JSON）
        #[arg(long, value_enum, default_value = "text", hide_default_value = true, hide_possible_values = true, value_name = "格式")]
        format: Format,
        /// 有该级别及以上的问题时退出码为 1：error（错误，默认）、warning（警告）、never（从不）
        #[arg(long, value_enum, default_value = "error", hide_default_value = true, hide_possible_values = true, value_name = "级别")]
        fail_on: FailOn,
        #[command(flatten)]
        batch_period: PeriodArgs,
        /// 按整批检查跨单位的规则（V01 未报送、V02 任务无人报送、V04、V05）；给出文件夹时默认检查，只给文件时默认不查
        #[arg(long)]
        batch: bool,
        #[command(flatten)]
        history: History,
        #[command(flatten)]
        ladder: Ladder,
    },
    /// 只汇总，写出汇总表
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi consolidate <文件夹> [-o 文件] [选项]")]
    Consolidate {
        /// 存放各单位本期报送文件的文件夹
        #[arg(value_name = "文件夹", help_heading = "参数")]
        dir: PathBuf,
        /// 汇总表文件名，默认 out/<期次>/汇总表_<期次>.xlsx（不能在报送文件夹里面）
        #[arg(short, long, value_name = "文件")]
        out: Option<PathBuf>,
        #[command(flatten)]
        batch_period: PeriodArgs,
        #[command(flatten)]
        lights: Lights,
        #[command(flatten)]
        history: History,
        #[command(flatten)]
        ladder: Ladder,
    },
    /// 催报：列出尚未报送（或所报文件无法使用）的单位、往期联系人和应报任务，写出催报清单和短信
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi remind <文件夹> [选项]")]
    Remind {
        /// 存放各单位本期报送文件的文件夹（可以还没收齐）
        #[arg(value_name = "文件夹", help_heading = "参数")]
        dir: PathBuf,
        /// 输出目录，默认 out（写出 out/<期次>/催报清单_<期次>.xlsx）
        #[arg(short, long, default_value = "out", hide_default_value = true, value_name = "目录")]
        out: PathBuf,
        /// 报送期次，如 2021-06；默认依次取文件夹名、文件名、文件中的“报送期次”
        #[arg(long, value_name = "年-月")]
        period: Option<String>,
        /// 报送截止日期，如 2021-06-28；默认为本期月份的设置日（templates/papers.toml 的 due_day）
        #[arg(long, value_name = "年-月-日")]
        due: Option<String>,
        /// 上期报送文件夹：联系人取自其中的报送
        #[arg(long, value_name = "文件夹")]
        previous: Option<PathBuf>,
        #[command(flatten)]
        history: History,
        /// 设置文件（TOML：发文机关、督查室联系人、每月截止日），默认见 templates/papers.toml
        #[arg(long, value_name = "文件")]
        papers: Option<PathBuf>,
        /// 催报短信模板（文本，minijinja 写法），默认见 templates/remind.txt
        #[arg(long, value_name = "文件")]
        remind_template: Option<PathBuf>,
    },
    /// 全年工作台账：读取一个文件夹下的各期报送文件夹，写出任务台账、单位台账、节点考核、预评估、销号清单和趋势图
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi ledger <文件夹> [-o 文件] [选项]")]
    Ledger {
        /// 存放各期报送文件夹的文件夹，如 报送（其中 2021-04、2021-05、2021-06 …）
        #[arg(value_name = "文件夹", help_heading = "参数")]
        root: PathBuf,
        /// 台账文件名，默认 out/台账_<年度>.xlsx
        #[arg(short, long, value_name = "文件")]
        out: Option<PathBuf>,
        #[command(flatten)]
        ladder: Ladder,
        #[command(flatten)]
        lights: Lights,
    },
    /// 生成下发的《任务分解表》：空白表，或按单位预填本单位任务
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi template [选项]")]
    Template {
        /// 输出文件（--all-units 时为输出文件夹）；默认 out/<期次>/任务分解表_<期次>.xlsx（--all-units：out/<期次>/模板/）
        #[arg(short, long, value_name = "文件")]
        out: Option<PathBuf>,
        /// 为该单位预填任务，如 腾鳌镇
        #[arg(long, conflicts_with = "all_units", value_name = "单位")]
        unit: Option<String>,
        /// 为名单上每个单位各生成一份
        #[arg(long)]
        all_units: bool,
        /// 报送期次，填入“报送期次”，如 2021-07；默认为 --previous 文件夹的下一期，否则为本月
        #[arg(long, value_name = "年-月")]
        period: Option<String>,
        /// 上期报送文件夹：预填各单位上期报送并通过校验的数据，只需更新
        #[arg(long, value_name = "文件夹")]
        previous: Option<PathBuf>,
        /// 工作表保护密码（默认不设密码）
        #[arg(long, value_name = "密码")]
        password: Option<String>,
        /// 生成绩效对账用的核定数据表（单位 × 任务，由数据主管部门填写）
        #[arg(long, conflicts_with_all = ["unit", "all_units"])]
        verified: bool,
        /// 输出文件已存在时覆盖（默认不覆盖）
        #[arg(long)]
        force: bool,
    },
    /// 绩效对账：自报值与核定值比对，计分并按类别排名
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi reconcile <文件夹> --verified <文件> [选项]")]
    Reconcile {
        /// 存放各单位报送文件的文件夹
        #[arg(value_name = "文件夹", help_heading = "参数")]
        dir: PathBuf,
        /// 核定数据表（必填；空表用 luoshi template --verified 生成）
        #[arg(long, value_name = "文件", required = true)]
        verified: PathBuf,
        /// 计分办法（TOML），默认见 templates/scoring.toml
        #[arg(long, value_name = "文件")]
        scoring: Option<PathBuf>,
        /// 报送期次，如 2021-06
        #[arg(long, value_name = "年-月")]
        period: Option<String>,
        /// 输出文件，默认 out/<期次>/绩效对账表_<期次>.xlsx
        #[arg(short, long, value_name = "文件")]
        out: Option<PathBuf>,
        #[command(flatten)]
        lights: Lights,
    },
    /// 列出正在使用的市级任务清单
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi tasks [选项]")]
    Tasks {
        /// 输出格式：table（终端表格，长文字换行，默认）、tsv（制表符分隔，可粘贴到 Excel）、toml（完整清单，可作 --tasks）
        #[arg(long, value_enum, default_value = "table", hide_default_value = true, hide_possible_values = true, value_name = "格式")]
        format: TasksFormat,
    },
}

const SUB_HELP: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}";

impl Command {
    /// The settings, templates and tables a command reads, as given on the command line.
    fn setting_files(&self) -> Vec<PathBuf> {
        let ladder = |l: &Ladder| l.escalation.clone();
        let papers = |p: &PaperArgs| p.papers.iter().chain(&p.notice_template).cloned().collect::<Vec<_>>();
        match self {
            Command::Run { ladder: l, papers: p, letter_template, .. } => papers(p).into_iter().chain(ladder(l)).chain(letter_template.clone()).collect(),
            Command::Notice { ladder: l, papers: p, .. } => papers(p).into_iter().chain(ladder(l)).collect(),
            Command::Validate { ladder: l, .. } | Command::Consolidate { ladder: l, .. } | Command::Ledger { ladder: l, .. } => ladder(l).into_iter().collect(),
            Command::Remind { papers, remind_template, .. } => papers.iter().chain(remind_template).cloned().collect(),
            Command::Reconcile { verified, scoring, .. } => std::iter::once(verified.clone()).chain(scoring.clone()).collect(),
            Command::Template { .. } | Command::Tasks { .. } => Vec::new(),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum TasksFormat {
    Table,
    Tsv,
    Toml,
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

/// `-out` is read by clap as `-o ut`, a folder named "ut": a long option typed with one dash is
/// refused before parsing, with the right spelling.
fn single_dash_long_option() -> Option<String> {
    let longs = ["out", "output", "period", "previous", "tasks", "units", "help", "version", "force", "history", "unit", "verified"];
    std::env::args().skip(1).take_while(|a| a != "--").find_map(|a| {
        let word = a.strip_prefix('-').filter(|w| !w.starts_with('-'))?;
        let name = word.split('=').next().unwrap_or(word);
        longs.contains(&name).then(|| format!("luoshi：参数 {a} 少了一个短横线：请写 --{word}（或 -o 目录）"))
    })
}

fn main() -> ExitCode {
    if let Some(said) = single_dash_long_option() {
        eprintln!("{said}\n查看帮助：luoshi --help，或 luoshi <命令> --help");
        return ExitCode::from(2);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    luoshi::ingest::quiet_reader_panics();
    // What killed runs left behind (unpacked attachments) goes on the next run of any command.
    luoshi::ingest::archive::sweep_leftovers();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Each cause after the other, joined the Chinese way.
            eprintln!("luoshi：{}", luoshi::write::describe_error(&e));
            // The input was fine but an output could not be written (a full disk, a read-only folder): 3.
            let cannot_write = e.chain().any(|c| c.is::<luoshi::write::CannotWrite>());
            ExitCode::from(if cannot_write { 3 } else { 2 })
        }
    }
}

/// clap's errors in Chinese: what is wrong, with which argument, and where the help is.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = ctx(ContextKind::InvalidArg);
    let value = ctx(ContextKind::InvalidValue);
    let suggested = ctx(ContextKind::SuggestedArg);
    let maybe = |s: &str| if s.is_empty() { String::new() } else { format!("；是不是要用 {s}？") };
    let said = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let _ = Cli::command().print_help();
            return ExitCode::from(2);
        }
        ErrorKind::MissingRequiredArgument => {
            // Say what each missing argument is for: its own help line.
            let cmd = Cli::command();
            let usage = ctx(ContextKind::Usage);
            let helps: Vec<String> = cmd
                .get_subcommands()
                .filter(|c| usage.contains(&format!("luoshi {} ", c.get_name())))
                .flat_map(|c| c.get_arguments())
                .filter(|a| arg.contains(&format!("--{}", a.get_long().unwrap_or("\u{0}"))))
                .filter_map(|a| a.get_help().map(|h| h.to_string()))
                .collect();
            let why = if helps.is_empty() { String::new() } else { format!("（{}）", helps.join("；")) };
            format!("缺少必需的参数：{arg}{why}")
        }
        ErrorKind::UnknownArgument => format!("不认识的参数：{arg}{}", maybe(&suggested)),
        ErrorKind::InvalidSubcommand => {
            let sub = ctx(ContextKind::SuggestedSubcommand);
            format!("不认识的命令：{}{}（可用的命令：run、validate、consolidate、notice、remind、ledger、template、reconcile、tasks）", ctx(ContextKind::InvalidSubcommand), maybe(&sub))
        }
        ErrorKind::InvalidValue => {
            let valid = ctx(ContextKind::ValidValue);
            if valid.is_empty() {
                format!("参数 {arg} 的值“{value}”不对")
            } else {
                format!("参数 {arg} 的值“{value}”不对，可选：{valid}")
            }
        }
        ErrorKind::ValueValidation => format!("参数 {arg} 的值“{value}”不对：应为数字"),
        ErrorKind::ArgumentConflict => {
            let other = ctx(ContextKind::PriorArg);
            format!("参数 {arg} 不能与 {other} 同时使用")
        }
        ErrorKind::TooManyValues => format!("参数 {arg} 给了太多值"),
        ErrorKind::NoEquals | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!("参数 {arg} 的值缺少或个数不对"),
        _ => "命令行参数有误".to_string(),
    };
    let usage = ctx(ContextKind::Usage).replace("Usage: ", "用法：");
    eprintln!("luoshi：{said}");
    if !usage.trim().is_empty() {
        eprintln!("{}", usage.trim());
    }
    eprintln!("查看帮助：luoshi --help，或 luoshi <命令> --help");
    ExitCode::from(2)
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

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The files read besides the submissions: no output may land on one.
    let inputs: Vec<PathBuf> = cli.tasks.iter().chain(&cli.units).cloned().chain(cli.command.setting_files()).collect();
    let load = || {
        let plan = Plan::load(cli.tasks.as_deref(), cli.units.as_deref())?;
        for note in &plan.notes {
            eprintln!("注意：{note}");
        }
        Ok::<_, anyhow::Error>(plan)
    };
    let opts = |period: Option<String>, previous: Option<PathBuf>, lights: Option<Lights>| -> anyhow::Result<commands::Options> {
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
    let with_history = |o: commands::Options, h: History, ladder: Ladder| -> anyhow::Result<commands::Options> {
        let history = match (h.no_history, h.history) {
            (true, _) => commands::HistorySource::Off,
            (false, Some(d)) if !d.is_dir() => anyhow::bail!("--history {} 不是文件夹：应为存放各期报送文件夹（如 2021-04、2021-05）的文件夹", d.display()),
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
        Command::Tasks { format } => {
            let plan = load()?;
            match format {
                TasksFormat::Table => print!("{}", term::tasks_table(&plan)),
                TasksFormat::Tsv => print!("{}", term::tasks_tsv(&plan)),
                TasksFormat::Toml => print!("{}", plan.to_toml()),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { dir, out, batch_period: PeriodArgs { period, previous }, lights, history, ladder, papers, letter_template } => {
            let opts = commands::Options { papers: Some(papers.load(letter_template.as_deref())?), ..with_history(opts(period, previous, Some(lights))?, history, ladder)? };
            let (plan, batch, outputs) = commands::run_loading(load, &dir, &out, &opts)?;
            print!("{}", term::run_summary(&plan, &batch, &outputs, term::use_colour()));
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
            let wording = luoshi::papers::Wording::load(remind_template.as_deref(), "templates/remind.txt", luoshi::papers::DEFAULT_REMIND)?;
            let opts = with_history(opts(period, previous, None)?, history, Ladder::default())?;
            let plan = load()?;
            let r = commands::remind(&plan, &dir, &out, &opts, due, &settings, &wording)?;
            print!("{}", term::remind_summary(&r));
            Ok(if r.list.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Ledger { root, out, ladder, lights } => {
            let history = History { history: None, no_history: true };
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
                many => println!("已写出 {} 个单位的任务分解表：{}", many.len(), many.first().and_then(|p| p.parent()).map(|p| p.display().to_string()).unwrap_or_default()),
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
