//! How luoshi was started. A clerk drags the month's folder onto luoshi.exe: the folder arrives as
//! the only argument, and the window that opened closes as soon as the program ends — unless it
//! waits for Enter. From a shell or a script it never waits.

use std::ffi::OsString;
use std::path::PathBuf;

/// The arguments as clap should read them, and the folder given without a command.
pub struct Launch {
    pub args: Vec<OsString>,
    /// `luoshi 报送/2021-06`: the folder, read as `luoshi run 报送/2021-06`.
    pub folder: Option<PathBuf>,
}

/// `luoshi <文件夹>` is `luoshi run <文件夹>`; `luoshi help run` is `luoshi run --help`. Anything
/// else is left for clap, which says what is wrong in its own (Chinese) words.
pub fn rewrite(mut args: Vec<OsString>, commands: &[String]) -> Launch {
    let first = args.get(1).map(|a| a.to_string_lossy().to_string());
    match first.as_deref() {
        Some("help") => {
            args.remove(1);
            if args.len() > 1 {
                args.insert(2, "--help".into());
            } else {
                args.push("--help".into());
            }
            Launch { args, folder: None }
        }
        Some(a) if !a.starts_with('-') && !commands.iter().any(|c| c == a) && std::path::Path::new(a).exists() => {
            let folder = PathBuf::from(&args[1]);
            args.insert(1, "run".into());
            Launch { args, folder: Some(folder) }
        }
        _ => Launch { args, folder: None },
    }
}

/// What decides whether the window waits.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    pub windows: bool,
    /// Processes attached to this console (Windows): 1 when luoshi has the console to itself —
    /// started by a double-click or a drop, not from cmd or PowerShell.
    pub console_processes: Option<u32>,
    /// Standard input is a terminal a person can press Enter in.
    pub stdin_terminal: bool,
    /// `LUOSHI_NO_PAUSE` is set: a script that starts luoshi in a console of its own.
    pub opted_out: bool,
}

impl Start {
    pub fn now() -> Start {
        use std::io::IsTerminal;
        Start {
            windows: cfg!(windows),
            console_processes: console_processes(),
            stdin_terminal: std::io::stdin().is_terminal(),
            opted_out: std::env::var_os("LUOSHI_NO_PAUSE").is_some(),
        }
    }
}

/// Wait for Enter before the window closes: only on Windows, only when luoshi is the console's
/// only process, and only when someone can press the key.
pub fn should_pause(s: Start) -> bool {
    s.windows && s.console_processes == Some(1) && s.stdin_terminal && !s.opted_out
}

/// The last lines of a window about to close: where the papers are, and the key that closes it.
pub fn wait_for_enter(out: Option<&std::path::Path>) {
    if let Some(out) = out {
        eprintln!("\n输出文件夹：{}", luoshi::pipeline::absolute(out).display());
    }
    eprintln!("按回车键关闭");
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

#[cfg(windows)]
fn console_processes() -> Option<u32> {
    #[link(name = "kernel32")]
    extern "system" {
        fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
    }
    let mut ids = [0u32; 4];
    // SAFETY: the buffer and its length are ours; the call only writes within it.
    let n = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
    (n > 0).then_some(n)
}

#[cfg(not(windows))]
fn console_processes() -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DROPPED: Start = Start { windows: true, console_processes: Some(1), stdin_terminal: true, opted_out: false };

    #[test]
    fn the_window_waits_only_when_double_clicked_on_windows() {
        assert!(should_pause(DROPPED), "double-click or drop: luoshi alone in its console");
        assert!(!should_pause(Start { console_processes: Some(2), ..DROPPED }), "from cmd or PowerShell");
        assert!(!should_pause(Start { console_processes: None, ..DROPPED }), "no console (a service, redirected)");
        assert!(!should_pause(Start { stdin_terminal: false, ..DROPPED }), "input from a pipe or a script");
        assert!(!should_pause(Start { opted_out: true, ..DROPPED }), "LUOSHI_NO_PAUSE");
        assert!(!should_pause(Start { windows: false, ..DROPPED }), "Linux, Kylin, UOS: never");
        assert!(!should_pause(Start::now()), "the tests themselves never wait");
    }

    #[test]
    fn a_folder_alone_is_run_and_help_names_a_command() {
        let dir = tempfile::tempdir().unwrap();
        let commands: Vec<String> = ["run", "tasks"].map(String::from).to_vec();
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        let folder = dir.path().to_string_lossy().to_string();
        let l = rewrite(args(&["luoshi", &folder]), &commands);
        assert_eq!(l.args, args(&["luoshi", "run", &folder]));
        assert_eq!(l.folder.as_deref(), Some(dir.path()));
        assert_eq!(rewrite(args(&["luoshi", "help", "run"]), &commands).args, args(&["luoshi", "run", "--help"]));
        assert_eq!(rewrite(args(&["luoshi", "help"]), &commands).args, args(&["luoshi", "--help"]));
        // A command, an option, or a name that is no folder: for clap.
        for a in [["luoshi", "tasks"], ["luoshi", "--version"], ["luoshi", "不存在的文件夹"]] {
            let l = rewrite(args(&a), &commands);
            assert_eq!(l.args, args(&a));
            assert!(l.folder.is_none());
        }
    }
}
