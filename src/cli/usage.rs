//! clap's complaints said in Chinese: what is wrong, with which argument, and where the help is.

use std::process::ExitCode;

use clap::CommandFactory;

use super::args::Cli;

/// `-out` is read by clap as `-o ut`, a folder named "ut": a long option typed with one dash is
/// refused before parsing, with the right spelling.
pub fn single_dash_long_option() -> Option<String> {
    let longs = ["out", "output", "period", "previous", "tasks", "units", "help", "version", "force", "history", "unit", "verified"];
    std::env::args().skip(1).take_while(|a| a != "--").find_map(|a| {
        let word = a.strip_prefix('-').filter(|w| !w.starts_with('-'))?;
        let name = word.split('=').next().unwrap_or(word);
        longs.contains(&name).then(|| format!("luoshi：参数 {a} 少了一个短横线：请写 --{word}（或 -o 目录）"))
    })
}

/// clap's errors in Chinese: what is wrong, with which argument, and where the help is.
pub fn usage_error(e: clap::Error) -> ExitCode {
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
            let commands: Vec<String> = Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect();
            let given = ctx(ContextKind::InvalidSubcommand);
            // Not a command, and no such folder either: most often a mistyped folder.
            let folder = if sub.is_empty() { "；如果是报送文件夹，找不到它，请检查路径" } else { "" };
            format!("不认识的命令：{given}{}（可用的命令：{}）{folder}", maybe(&sub), commands.join("、"))
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
