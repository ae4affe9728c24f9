//! The floor for the benchmark: the least any program can do to read these files and write a
//! detail sheet of them. Opens every file with calamine on all cores and touches every cell
//! (read floor), then writes those rows into one sheet with rust_xlsxwriter in constant-memory
//! mode (write floor). Prints the two times as JSON.

use std::path::PathBuf;
use std::time::Instant;

use calamine::{open_workbook_auto, Data, Reader};
use rayon::prelude::*;
use rust_xlsxwriter::Workbook;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (dir, out) = match args.as_slice() {
        [_, d, o] => (PathBuf::from(d), PathBuf::from(o)),
        _ => anyhow::bail!("用法：floor 批次目录 输出文件"),
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let t0 = Instant::now();
    let tables: Vec<Vec<Vec<Data>>> = files
        .par_iter()
        .map(|p| {
            let mut wb = open_workbook_auto(p).expect("open");
            let name = wb.sheet_names()[0].clone();
            let range = wb.worksheet_range(&name).expect("sheet");
            range.rows().map(|r| r.to_vec()).collect()
        })
        .collect();
    let cells: usize = tables.iter().flatten().map(|r| r.iter().filter(|d| !matches!(d, Data::Empty)).count()).sum();
    let read = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory()?;
    let mut r = 0u32;
    for t in &tables {
        for row in t {
            for (c, d) in row.iter().enumerate() {
                match d {
                    Data::String(s) => {
                        ws.write_string(r, c as u16, s)?;
                    }
                    Data::Float(f) => {
                        ws.write_number(r, c as u16, *f)?;
                    }
                    Data::Int(i) => {
                        ws.write_number(r, c as u16, *i as f64)?;
                    }
                    Data::Empty => {}
                    other => {
                        ws.write_string(r, c as u16, other.to_string())?;
                    }
                }
            }
            r += 1;
        }
    }
    wb.save(&out)?;
    let write = t1.elapsed().as_secs_f64();
    println!("{{\"read_s\": {read:.4}, \"write_s\": {write:.4}, \"rows\": {r}, \"cells\": {cells}}}");
    Ok(())
}
