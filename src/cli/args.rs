//! The command line: every command, option and help text, in Chinese (clap derive).

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use super::commands;

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
pub struct Cli {
    /// 任务清单（TOML 或 Excel：“设置”“任务清单”“单位名单”三张表）；默认取 luoshi.toml 指定的，没有时用内置的样例清单（luoshi init 生成本单位的）
    #[arg(long, global = true, value_name = "文件", help_heading = "全局选项（每个命令都可用）")]
    pub tasks: Option<PathBuf>,
    /// 补充单位名单（TOML，[[units]] 列表：name、group、aliases）
    #[arg(long, global = true, value_name = "文件", help_heading = "全局选项（每个命令都可用）")]
    pub units: Option<PathBuf>,
    /// 显示帮助
    #[arg(short, long, global = true, action = ArgAction::Help, help_heading = "全局选项（每个命令都可用）")]
    pub help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long, action = ArgAction::Version, help_heading = "全局选项（每个命令都可用）")]
    pub version: Option<bool>,
    #[command(subcommand)]
    pub command: Command,
}

/// Help in Chinese: clap's own headings (Usage, Options) replaced.
pub const HELP: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// Which period a batch is, and last period's folder.
#[derive(Args, Clone, Default)]
pub struct PeriodArgs {
    /// 报送期次，如 2022-06 或 2022年6月；默认依次取文件夹名、文件名、文件中的“报送期次”
    #[arg(long, value_name = "年-月")]
    pub period: Option<String>,
    /// 上期报送文件夹：计算较上期变化，检查变化超过30%的数据（L10）；默认取往期中的上个月
    #[arg(long, value_name = "文件夹")]
    pub previous: Option<PathBuf>,
}

/// The light thresholds, for the commands that light tasks.
#[derive(Args, Clone, Copy)]
pub struct LightArgs {
    /// 亮灯阈值：落后序时进度超过该百分点为黄灯，默认 10（0 ≤ 黄 ≤ 红 ≤ 100）
    #[arg(long, default_value_t = 10.0, hide_default_value = true, value_name = "百分点", allow_negative_numbers = true)]
    pub yellow: f64,
    /// 亮灯阈值：落后序时进度超过该百分点为红灯，默认 30
    #[arg(long, default_value_t = 30.0, hide_default_value = true, value_name = "百分点", allow_negative_numbers = true)]
    pub red: f64,
}

/// Where the earlier periods of the year are.
#[derive(Args, Clone, Default)]
pub struct HistoryArgs {
    /// 往期报送所在的文件夹（其中每期一个文件夹，如 2022-04、2022年5月）；默认读取本期文件夹旁边同一年度的往期文件夹
    #[arg(long, value_name = "文件夹", conflicts_with = "no_history")]
    pub history: Option<PathBuf>,
    /// 不读取往期（不做 L11–L13 检查，汇总表不附台账，催报联系人只取自 --previous）
    #[arg(long)]
    pub no_history: bool,
}

/// What the ledger makes of the streaks: the measures, and when to assess the year.
#[derive(Args, Clone, Default)]
pub struct LadderArgs {
    /// 督办措施设置（TOML：连续滞后几期采取什么措施），默认用内置的；luoshi init 写出可修改的 督办措施.toml，luoshi.toml 里指定后自动使用
    #[arg(long, value_name = "文件")]
    pub escalation: Option<PathBuf>,
    /// 6月以前也做全年目标预评估（默认从6月起）
    #[arg(long)]
    pub assess: bool,
}

/// The 通报 and 督办函: settings, wording and date.
#[derive(Args, Clone, Default)]
pub struct PaperArgs {
    /// 文书设置（TOML：督查机构、联系人、每月截止日、督办函回复期限），默认用内置的；luoshi init 写出可修改的 文书设置.toml，luoshi.toml 里指定后自动使用
    #[arg(long, value_name = "文件")]
    pub papers: Option<PathBuf>,
    /// 通报模板（文本，minijinja 写法），默认用内置的；luoshi init 写出可修改的 通报模板.txt，luoshi.toml 里指定后自动使用
    #[arg(long, value_name = "文件")]
    pub notice_template: Option<PathBuf>,
    /// 通报、督办函的成文日期，如 2022-07-05；默认今天
    #[arg(long, value_name = "年-月-日")]
    pub date: Option<String>,
}

impl PaperArgs {
    pub fn load(&self, letter_template: Option<&std::path::Path>) -> anyhow::Result<std::sync::Arc<luoshi::papers::Papers>> {
        let date = match &self.date {
            Some(d) => commands::parse_date("--date", d)?,
            None => chrono::Local::now().date_naive(),
        };
        let papers = luoshi::papers::Papers::load(self.papers.as_deref(), self.notice_template.as_deref(), letter_template, date)?;
        Ok(std::sync::Arc::new(papers))
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// 校验并汇总一个文件夹的报送文件（主要功能），写出汇总表、校验报告、各单位退回件、通报初稿和督办函
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi run <文件夹> [选项]", mut_arg("no_history", |a| a.help("不读取往期（不做 L11–L13 检查，汇总表不附台账，通报、督办函不写连续滞后和督办措施）")))]
    Run {
        /// 存放各单位本期报送文件的文件夹，如 samples/2021-06
        #[arg(value_name = "文件夹", help_heading = "参数")]
        dir: PathBuf,
        /// 输出目录，默认 out；本期的文件写在其中的期次文件夹里，如 out/2022-06（不能在报送文件夹里面）
        #[arg(short, long, default_value = "out", hide_default_value = true, value_name = "目录")]
        out: PathBuf,
        #[command(flatten)]
        batch_period: PeriodArgs,
        #[command(flatten)]
        lights: LightArgs,
        #[command(flatten)]
        history: HistoryArgs,
        #[command(flatten)]
        ladder: LadderArgs,
        #[command(flatten)]
        papers: PaperArgs,
        /// 督办函模板（文本，minijinja 写法），默认用内置的；luoshi init 写出可修改的 督办函模板.txt，luoshi.toml 里指定后自动使用
        #[arg(long, value_name = "文件")]
        letter_template: Option<PathBuf>,
    },
    /// 通报：校验并汇总一个文件夹的报送文件，只写出通报初稿（Word，党政机关公文格式）
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi notice <文件夹> [选项]", mut_arg("no_history", |a| a.help("不读取往期（通报不写连续滞后和督办措施）")), mut_arg("assess", |a| a.hide(true)))]
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
        lights: LightArgs,
        #[command(flatten)]
        history: HistoryArgs,
        #[command(flatten)]
        ladder: LadderArgs,
        #[command(flatten)]
        papers: PaperArgs,
    },
    /// 只校验，不写文件；逐条列出问题和改法
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi validate <文件或文件夹>... [选项]", mut_arg("no_history", |a| a.help("不读取往期（不做 L11–L13 检查：累计完成比上期少、已销号又报未完成、目标与上期不同）")), mut_arg("assess", |a| a.hide(true)))]
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
        history: HistoryArgs,
        #[command(flatten)]
        ladder: LadderArgs,
    },
    /// 只汇总，写出汇总表
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi consolidate <文件夹> [-o 文件] [选项]", mut_arg("no_history", |a| a.help("不读取往期（不做 L11–L13 检查，汇总表不附台账）")))]
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
        lights: LightArgs,
        #[command(flatten)]
        history: HistoryArgs,
        #[command(flatten)]
        ladder: LadderArgs,
    },
    /// 催报：列出尚未报送（或所报文件无法使用）的单位、往期联系人和应报任务，写出催报清单和短信
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi remind <文件夹> [选项]", mut_arg("no_history", |a| a.help("不读取往期（催报联系人只取自 --previous）")))]
    Remind {
        /// 存放各单位本期报送文件的文件夹（可以还没收齐）
        #[arg(value_name = "文件夹", help_heading = "参数")]
        dir: PathBuf,
        /// 输出目录，默认 out（写出 out/<期次>/催报清单_<期次>.xlsx）
        #[arg(short, long, default_value = "out", hide_default_value = true, value_name = "目录")]
        out: PathBuf,
        /// 报送期次，如 2022-06；默认依次取文件夹名、文件名、文件中的“报送期次”
        #[arg(long, value_name = "年-月")]
        period: Option<String>,
        /// 报送截止日期，如 2022-06-28；默认为本期月份的设置日（文书设置的 due_day，默认28日）
        #[arg(long, value_name = "年-月-日")]
        due: Option<String>,
        /// 上期报送文件夹：联系人取自其中的报送
        #[arg(long, value_name = "文件夹")]
        previous: Option<PathBuf>,
        #[command(flatten)]
        history: HistoryArgs,
        /// 设置文件（TOML：督查机构、联系人、每月截止日），默认用内置的；luoshi init 写出可修改的 文书设置.toml，luoshi.toml 里指定后自动使用
        #[arg(long, value_name = "文件")]
        papers: Option<PathBuf>,
        /// 催报短信模板（文本，minijinja 写法），默认用内置的；luoshi init 写出可修改的 催报模板.txt，luoshi.toml 里指定后自动使用
        #[arg(long, value_name = "文件")]
        remind_template: Option<PathBuf>,
    },
    /// 全年工作台账：读取一个文件夹下的各期报送文件夹，写出任务台账、单位台账、节点考核、预评估、销号清单和趋势图
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi ledger <文件夹> [-o 文件] [选项]")]
    Ledger {
        /// 存放各期报送文件夹的文件夹，如 报送（其中 2022-04、2022-05、2022-06 …）
        #[arg(value_name = "文件夹", help_heading = "参数")]
        root: PathBuf,
        /// 台账文件名，默认 out/台账_<年度>.xlsx
        #[arg(short, long, value_name = "文件")]
        out: Option<PathBuf>,
        #[command(flatten)]
        ladder: LadderArgs,
        #[command(flatten)]
        lights: LightArgs,
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
        /// 报送期次，填入“报送期次”，如 2022-07；默认为 --previous 文件夹的下一期，否则为本月
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
        /// 计分办法（TOML），默认用内置的；luoshi init 写出可修改的 计分办法.toml，luoshi.toml 里指定后自动使用
        #[arg(long, value_name = "文件")]
        scoring: Option<PathBuf>,
        /// 报送期次，如 2022-06
        #[arg(long, value_name = "年-月")]
        period: Option<String>,
        /// 输出文件，默认 out/<期次>/绩效对账表_<期次>.xlsx
        #[arg(short, long, value_name = "文件")]
        out: Option<PathBuf>,
        #[command(flatten)]
        lights: LightArgs,
    },
    /// 生成本单位的设置：luoshi.toml，以及任务清单（Excel 和 TOML）、文书设置、督办措施、计分办法、通报/督办函/催报措辞的可修改副本
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi init [文件夹]")]
    Init {
        /// 写到哪个文件夹，默认当前文件夹；放在各期报送文件夹的上一级（如 报送），luoshi 运行时会自己找到
        #[arg(value_name = "文件夹", help_heading = "参数")]
        dir: Option<PathBuf>,
    },
    /// 层层抓落实：由上级的任务清单生成本单位（镇、部门）自己的任务清单，分解到下级后用 --tasks 指定
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi derive --unit <单位> [--tasks 上级清单] [-o 文件]")]
    Derive {
        /// 本单位在上级清单中的名称，如 腾鳌镇
        #[arg(long, value_name = "单位", required = true)]
        unit: String,
        /// 输出文件，默认 out/<单位>任务清单_<年度>.xlsx
        #[arg(short, long, value_name = "文件")]
        out: Option<PathBuf>,
    },
    /// 层层抓落实：把下级（村、科室）本期的报送汇成本单位报给上级的任务分解表（上级的表样，附“下级明细”）
    #[command(
        help_template = SUB_HELP,
        next_help_heading = "选项",
        override_usage = "luoshi report-up <下级报送文件夹> --tasks 本单位任务清单 [-o 文件] [--force]"
    )]
    ReportUp {
        /// 存放下级本期报送文件的文件夹
        #[arg(value_name = "文件夹", help_heading = "参数")]
        dir: PathBuf,
        /// 输出文件，默认 out/<期次>/<本单位>_<期次>.xlsx（报给上级的文件）
        #[arg(short, long, value_name = "文件")]
        out: Option<PathBuf>,
        /// 报送期次，如 2022-06；默认依次取文件夹名、文件名、文件中的“报送期次”
        #[arg(long, value_name = "年-月")]
        period: Option<String>,
        /// 本级任务编号与上级任务编号的对照表（Excel 两列：本级任务编号、上级任务编号），用于不是 luoshi derive 生成的清单
        #[arg(long, value_name = "文件")]
        map: Option<PathBuf>,
        /// 填报人（写在表头“填报人：”），默认取清单中的第一个责任人
        #[arg(long, value_name = "姓名")]
        person: Option<String>,
        /// 有下级数据未能采用（未报、无法使用）时也写出（表中逐项注明）；默认不写出，退出码 1
        #[arg(long)]
        force: bool,
    },
    /// 列出正在使用的任务清单
    #[command(help_template = SUB_HELP, next_help_heading = "选项", override_usage = "luoshi tasks [选项]")]
    Tasks {
        /// 输出格式：table（终端表格，长文字换行，默认）、tsv（制表符分隔，列与 Excel 清单相同，可粘贴到 Excel）、toml（完整清单，可作 --tasks）、xlsx（Excel 清单：设置、任务清单、单位名单，可修改后作 --tasks）
        #[arg(long, value_enum, default_value = "table", hide_default_value = true, hide_possible_values = true, value_name = "格式")]
        format: TasksFormat,
        /// --format xlsx 的文件名，默认 out/任务清单_<年度>.xlsx
        #[arg(short, long, value_name = "文件")]
        out: Option<PathBuf>,
    },
}

pub const SUB_HELP: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}";

impl Command {
    /// Where the command's papers go (said when a window is about to close).
    pub fn out_folder(&self) -> Option<PathBuf> {
        match self {
            Command::Run { out, .. } | Command::Notice { out, .. } | Command::Remind { out, .. } => Some(out.clone()),
            Command::Consolidate { out, .. } | Command::Reconcile { out, .. } | Command::ReportUp { out, .. } | Command::Derive { out, .. } => {
                Some(out.as_ref().and_then(|o| o.parent().map(PathBuf::from)).unwrap_or_else(|| PathBuf::from(luoshi::pipeline::DEFAULT_OUT)))
            }
            Command::Ledger { out, .. } | Command::Template { out, .. } | Command::Tasks { out, .. } => {
                Some(out.as_ref().and_then(|o| o.parent().map(PathBuf::from)).unwrap_or_else(|| PathBuf::from(luoshi::pipeline::DEFAULT_OUT)))
            }
            Command::Validate { .. } | Command::Init { .. } => None,
        }
    }

    /// The settings, templates and tables a command reads, as given on the command line.
    pub fn setting_files(&self) -> Vec<PathBuf> {
        let ladder = |l: &LadderArgs| l.escalation.clone();
        let papers = |p: &PaperArgs| p.papers.iter().chain(&p.notice_template).cloned().collect::<Vec<_>>();
        match self {
            Command::Run { ladder: l, papers: p, letter_template, .. } => papers(p).into_iter().chain(ladder(l)).chain(letter_template.clone()).collect(),
            Command::Notice { ladder: l, papers: p, .. } => papers(p).into_iter().chain(ladder(l)).collect(),
            Command::Validate { ladder: l, .. } | Command::Consolidate { ladder: l, .. } | Command::Ledger { ladder: l, .. } => ladder(l).into_iter().collect(),
            Command::Remind { papers, remind_template, .. } => papers.iter().chain(remind_template).cloned().collect(),
            Command::Reconcile { verified, scoring, .. } => std::iter::once(verified.clone()).chain(scoring.clone()).collect(),
            Command::ReportUp { map, .. } => map.iter().cloned().collect(),
            Command::Template { .. } | Command::Tasks { .. } | Command::Init { .. } | Command::Derive { .. } => Vec::new(),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TasksFormat {
    Table,
    Tsv,
    Toml,
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}
