//! What calamine does not tell about an .ods sheet: its merged ranges (`table:number-rows-spanned`,
//! `table:number-columns-spanned`) and which cells are percentages (`office:value-type="percentage"`,
//! stored as the fraction 0.186 for 18.6%). One streaming pass over `content.xml`, positions counted
//! as calamine counts them (repeated rows and cells expanded).

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::Dimensions;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::Limits;

/// Merged ranges and percentage cells of one sheet, in 0-based sheet coordinates.
#[derive(Debug, Default, Clone)]
pub struct SheetExtras {
    pub merges: Vec<Dimensions>,
    pub percent: HashSet<(u32, u32)>,
}

/// Merged ranges kept at most: a hostile file repeating a merged cell cannot fill memory.
const MAX_MERGES: usize = 100_000;

/// Percentage cells recorded at most: a style repeated over a million empty rows must not fill
/// memory (real forms have a few dozen).
const MAX_MARKS: u64 = 100_000;

fn attr_u32(e: &BytesStart<'_>, name: &str) -> Option<u32> {
    let a = e.try_get_attribute(name).ok()??;
    a.value.trim().parse().ok()
}

fn attr_is(e: &BytesStart<'_>, name: &str, value: &str) -> bool {
    matches!(e.try_get_attribute(name), Ok(Some(a)) if a.value.as_ref() == value)
}

/// The extras of sheet `sheet`, or `None` when the file cannot be scanned (calamine's reading
/// then decides what the file is worth).
pub fn sheet_extras(path: &Path, sheet: &str, limits: &Limits) -> Option<SheetExtras> {
    let mut zip = zip::ZipArchive::new(BufReader::new(File::open(path).ok()?)).ok()?;
    let entry = zip.by_name("content.xml").ok()?;
    let mut reader = Reader::from_reader(BufReader::new(entry.take(limits.max_part_bytes)));
    reader.config_mut().expand_empty_elements = false;
    let mut out = SheetExtras::default();
    let mut buf = Vec::new();
    // Inside the wanted table. A cell's content is read past, so a table inside a cell is never seen.
    let mut inside = false;
    let mut found = false;
    let (mut row, mut col) = (0u32, 0u32);
    let mut row_repeat = 1u32;
    let mut marks: u64 = 0;
    loop {
        let ev = reader.read_event_into(&mut buf).ok()?;
        let (e, empty) = match &ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                match e.name().as_ref() {
                    "table:table" if inside => break,
                    "table:table-row" if inside => {
                        row = row.saturating_add(row_repeat);
                        col = 0;
                    }
                    _ => {}
                }
                buf.clear();
                continue;
            }
            Event::Eof => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        match e.name().as_ref() {
            "table:table" if !inside => {
                let name = e
                    .try_get_attribute("table:name")
                    .ok()
                    .flatten()
                    .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()));
                if name.as_deref() == Some(sheet) && !empty {
                    inside = true;
                    found = true;
                }
            }
            "table:table-row" if inside => {
                row_repeat = attr_u32(e, "table:number-rows-repeated").unwrap_or(1).max(1);
                col = 0;
                if empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            name @ ("table:table-cell" | "table:covered-table-cell") if inside => {
                let repeat = attr_u32(e, "table:number-columns-repeated").unwrap_or(1).max(1);
                if name == "table:table-cell" {
                    let rows = attr_u32(e, "table:number-rows-spanned").unwrap_or(1).max(1);
                    let cols = attr_u32(e, "table:number-columns-spanned").unwrap_or(1).max(1);
                    if (rows > 1 || cols > 1) && out.merges.len() < MAX_MERGES {
                        for k in 0..repeat.min(16_384) {
                            let c = col.saturating_add(k.saturating_mul(cols));
                            out.merges.push(Dimensions { start: (row, c), end: (row.saturating_add(rows - 1), c.saturating_add(cols - 1)) });
                        }
                    }
                    if attr_is(e, "office:value-type", "percentage") {
                        // Bounded before looping: a repeat of a million rows costs nothing.
                        'marks: for r in 0..row_repeat {
                            for k in 0..repeat {
                                if marks >= MAX_MARKS {
                                    break 'marks;
                                }
                                marks += 1;
                                out.percent.insert((row.saturating_add(r), col.saturating_add(k)));
                            }
                        }
                    }
                }
                col = col.saturating_add(repeat);
                // A cell's own content (paragraphs, annotations, nested tables) is read past.
                if !empty {
                    let end = e.to_end().into_owned();
                    let mut skip = Vec::new();
                    reader.read_to_end_into(end.name(), &mut skip).ok()?;
                }
            }
            _ => {}
        }
        buf.clear();
    }
    found.then_some(out)
}
