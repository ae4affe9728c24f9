//! luoshi's integration tests, one binary (one link of polars): a module per feature, helpers
//! only from [`common`]. Run one feature with `cargo test --release --test it slips::`.

mod common;

mod any_office;
mod any_year;
mod cli;
mod excel_limits;
mod figures_agree;
mod fixtures_expected;
mod hostile;
mod layers;
mod ledger;
mod levels;
mod meeting_pack;
mod months_kept;
mod office_roundtrip;
mod papers;
mod reconcile;
mod release;
mod returns;
mod rules;
mod samples;
mod slips;
mod template;
mod values;
mod writes_checked;
