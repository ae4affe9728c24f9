//! The office's own settings, found by themselves: a `luoshi.toml` in the folder that holds the
//! period folders (the office's 报送 folder) or in the working folder names the task list and the
//! settings and wording to use. Options on the command line still win. `luoshi init` writes one,
//! with editable copies of everything luoshi otherwise takes from inside itself.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use super::args::{Command, PaperArgs};

/// The settings file's name.
pub const FILE: &str = "luoshi.toml";

/// What `luoshi.toml` may name; each path relative to the file's own folder.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub tasks: Option<PathBuf>,
    pub units: Option<PathBuf>,
    pub papers: Option<PathBuf>,
    pub escalation: Option<PathBuf>,
    pub scoring: Option<PathBuf>,
    pub notice_template: Option<PathBuf>,
    pub letter_template: Option<PathBuf>,
    pub remind_template: Option<PathBuf>,
}

/// The `luoshi.toml` in `office` (the folder that holds the period folders), else in the working
/// folder. Its paths are made relative to where it is.
pub fn find(office: Option<&Path>) -> Result<Option<(PathBuf, Config)>> {
    let mut places: Vec<PathBuf> = office.map(|f| f.join(FILE)).into_iter().collect();
    places.push(PathBuf::from(FILE));
    let Some(file) = places.into_iter().find(|p| p.is_file()) else { return Ok(None) };
    let text = std::fs::read_to_string(&file)
        .map_err(|e| anyhow::anyhow!(luoshi::reason::io_reason(&e)))
        .with_context(|| format!("读不了设置文件 {}", file.display()))?;
    let mut cfg: Config = toml::from_str(&text).map_err(|e| {
        let at = luoshi::reason::toml_line(&text, &e).map(|l| format!("第{l}行：")).unwrap_or_default();
        anyhow::anyhow!(
            "设置文件 {} {at}{}（可写的项：tasks、units、papers、escalation、scoring、notice_template、letter_template、remind_template，都是文件路径）",
            file.display(),
            luoshi::reason::toml_reason(&e, "")
        )
    })?;
    let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
    for p in [
        &mut cfg.tasks,
        &mut cfg.units,
        &mut cfg.papers,
        &mut cfg.escalation,
        &mut cfg.scoring,
        &mut cfg.notice_template,
        &mut cfg.letter_template,
        &mut cfg.remind_template,
    ]
    .into_iter()
    .flatten()
    {
        if p.is_relative() {
            *p = base.join(&*p);
        }
    }
    Ok(Some((file, cfg)))
}

/// The office's folder a command works in: the folder that holds the period folders.
pub fn office_folder(command: &Command) -> Option<PathBuf> {
    let parent = |p: &Path| luoshi::pipeline::absolute(p).parent().map(Path::to_path_buf);
    match command {
        Command::Run { dir, .. }
        | Command::Notice { dir, .. }
        | Command::Consolidate { dir, .. }
        | Command::Remind { dir, .. }
        | Command::Reconcile { dir, .. }
        | Command::ReportUp { dir, .. } => parent(dir),
        Command::Validate { paths, .. } => paths.first().and_then(|p| if p.is_dir() { parent(p) } else { parent(p).as_deref().and_then(parent) }),
        Command::Ledger { root, .. } => Some(luoshi::pipeline::absolute(root)),
        Command::Template { previous, .. } => previous.as_deref().and_then(parent),
        Command::Tasks { .. } | Command::Init { .. } | Command::Derive { .. } => None,
    }
}

/// Fill what the command line left open from `cfg`.
pub fn apply(cfg: &Config, tasks: &mut Option<PathBuf>, units: &mut Option<PathBuf>, command: &mut Command) {
    let fill = |slot: &mut Option<PathBuf>, from: &Option<PathBuf>| {
        if slot.is_none() {
            slot.clone_from(from);
        }
    };
    fill(tasks, &cfg.tasks);
    fill(units, &cfg.units);
    let papers = |p: &mut PaperArgs| {
        fill(&mut p.papers, &cfg.papers);
        fill(&mut p.notice_template, &cfg.notice_template);
    };
    match command {
        Command::Run { papers: p, ladder, letter_template, .. } => {
            papers(p);
            fill(&mut ladder.escalation, &cfg.escalation);
            fill(letter_template, &cfg.letter_template);
        }
        Command::Notice { papers: p, ladder, .. } => {
            papers(p);
            fill(&mut ladder.escalation, &cfg.escalation);
        }
        Command::Validate { ladder, .. } | Command::Consolidate { ladder, .. } | Command::Ledger { ladder, .. } => {
            fill(&mut ladder.escalation, &cfg.escalation)
        }
        Command::Remind { papers: p, remind_template, .. } => {
            fill(p, &cfg.papers);
            fill(remind_template, &cfg.remind_template);
        }
        Command::Reconcile { scoring, .. } => fill(scoring, &cfg.scoring),
        Command::Template { .. } | Command::Tasks { .. } | Command::Init { .. } | Command::Derive { .. } | Command::ReportUp { .. } => {}
    }
}

/// The files `luoshi init` writes: (name, what it is, its text or None for the Excel task list).
const COPIES: &[(&str, &str)] = &[
    ("任务清单.toml", "任务清单（TOML 写法；与 任务清单.xlsx 二选一，在 luoshi.toml 的 tasks 指定）"),
    ("文书设置.toml", "发文机关、督查机构联系人、每月截止日、督办函回复期限"),
    ("督办措施.toml", "连续滞后几期采取什么督办措施"),
    ("计分办法.toml", "绩效对账的计分办法"),
    ("通报模板.txt", "通报的措辞"),
    ("督办函模板.txt", "督办函的措辞"),
    ("催报模板.txt", "催报短信的措辞"),
];

fn embedded(name: &str) -> &'static str {
    match name {
        "任务清单.toml" => luoshi::plan::DEFAULT_TASKS,
        "文书设置.toml" => luoshi::papers::DEFAULT_SETTINGS,
        "督办措施.toml" => luoshi::ledger::DEFAULT_ESCALATION,
        "计分办法.toml" => luoshi::reconcile::DEFAULT_SCORING,
        "通报模板.txt" => luoshi::papers::DEFAULT_NOTICE,
        "督办函模板.txt" => luoshi::papers::DEFAULT_LETTER,
        _ => luoshi::papers::DEFAULT_REMIND,
    }
}

const CONFIG_TEXT: &str = "# luoshi 的设置：运行 luoshi 时，会在各期报送文件夹的上一级（如 报送/）或当前文件夹里找这个文件。
# 路径相对于本文件所在的文件夹；命令行上的 --tasks、--papers 等选项优先。不用的项可以删掉。
tasks = \"任务清单.xlsx\"             # 任务清单：Excel（设置、任务清单、单位名单三张表）或 TOML
papers = \"文书设置.toml\"            # 发文机关、督查机构联系人、每月截止日、督办函回复期限
escalation = \"督办措施.toml\"        # 连续滞后几期采取什么督办措施
scoring = \"计分办法.toml\"           # 绩效对账的计分办法
notice_template = \"通报模板.txt\"    # 通报的措辞
letter_template = \"督办函模板.txt\"  # 督办函的措辞
remind_template = \"催报模板.txt\"    # 催报短信的措辞
";

/// `luoshi init [DIR]`: `luoshi.toml` and an editable copy of every setting and wording, each
/// written beside a file of the same name that is already there, never over it. Returns what
/// was written, and what was kept.
pub fn init(dir: &Path, plan: &luoshi::plan::Plan) -> Result<Vec<String>> {
    let mut said = Vec::new();
    let mut put = |name: &str, what: &str, write: &dyn Fn(&Path) -> Result<()>| -> Result<()> {
        let (path, kept) = luoshi::write::write_one(&dir.join(name), "init", write)?;
        said.extend(kept.iter().map(|k| k.said()));
        said.push(format!("  {}　{what}", path.display()));
        Ok(())
    };
    let text = |t: &'static str| move |p: &Path| luoshi::write::persist_atomic(p, |w| Ok(std::io::Write::write_all(w, t.as_bytes())?));
    put(FILE, "本文件夹的设置：用哪份任务清单、哪些设置和措辞", &text(CONFIG_TEXT))?;
    put("任务清单.xlsx", "任务清单（Excel：设置、任务清单、单位名单三张表，改成本单位的）", &|p: &Path| {
        luoshi::write::tasklist::write_task_list(p, plan)
    })?;
    for (name, what) in COPIES {
        put(name, what, &text(embedded(name)))?;
    }
    Ok(said)
}
