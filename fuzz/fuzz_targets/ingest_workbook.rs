//! Fuzz the ingest of one workbook: whatever the bytes, luoshi must return an outcome (a table
//! or a finding) without aborting, running out of memory or hanging. Panics inside calamine are
//! caught by `read_file` and become F01, as they are for users.
#![no_main]

use libfuzzer_sys::fuzz_target;
use luoshi::ingest::{read_file, Limits};

fuzz_target!(
    init: {
        // libFuzzer's hook aborts on any panic. As for users, a panic inside a file's reading is
        // caught and becomes F01; any other panic still aborts and is reported.
        luoshi::ingest::quiet_reader_panics();
    },
    |data: &[u8]| {
        let dir = tempfile::tempdir().expect("temp dir");
        // The extension does not matter: luoshi judges the format by the bytes.
        let path = dir.path().join("报送.xlsx");
        std::fs::write(&path, data).expect("write input");
        let limits = Limits { max_cells: 2_000_000, max_part_bytes: 50_000_000, max_unzipped_bytes: 100_000_000, ..Limits::default() };
        let _ = read_file(&path, "报送.xlsx", &limits);
    }
);
