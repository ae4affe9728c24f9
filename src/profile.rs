//! The stage timer: with `LUOSHI_PROFILE=1`, each stage's time and memory go to stderr (for the benchmark).

use std::time::Instant;

/// Report the stage `name`, begun at `since`, when profiling is on.
pub fn stage(name: &str, since: Instant) {
    if std::env::var_os("LUOSHI_PROFILE").is_some() {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let mem = |key: &str| status.lines().find(|l| l.starts_with(key)).map(|l| l[key.len()..].trim().to_string()).unwrap_or_default();
        eprintln!("[profile] {name}: {:.3}s (now {}, peak {})", since.elapsed().as_secs_f64(), mem("VmRSS:"), mem("VmHWM:"));
    }
}
