//! What calamine does not tell about a .xls sheet: which numeric cells are shown as percentages.
//! calamine reads the XF and FORMAT records only to tell dates from numbers; an 18.6% cell would
//! reach us as 0.186. One walk over the BIFF8 records: FORMAT codes, the XF table, the sheet's
//! offset (BOUNDSHEET), then the XF index of each NUMBER, RK, MULRK and FORMULA cell.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

/// Records of a BIFF stream: (type, data).
fn records(stream: &[u8], start: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut i = start;
    std::iter::from_fn(move || {
        let head = stream.get(i..i + 4)?;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]) as usize;
        let data = stream.get(i + 4..(i + 4 + len).min(stream.len()))?;
        i += 4 + len;
        Some((typ, data))
    })
}

fn u16_at(d: &[u8], k: usize) -> Option<u16> {
    d.get(k..k + 2).map(|b| u16::from_le_bytes([b[0], b[1]]))
}

/// An XLUnicodeString body: `cch` characters after a flags byte (bit 0: UTF-16LE, else Latin-1).
fn unicode_chars(d: &[u8], cch: usize) -> Option<String> {
    let flags = *d.first()?;
    let body = &d[1..];
    if flags & 1 == 1 {
        let units: Vec<u16> = body.chunks_exact(2).take(cch).map(|b| u16::from_le_bytes([b[0], b[1]])).collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(body.iter().take(cch).map(|&b| b as char).collect())
    }
}

/// Whether a number format code shows a percentage (a `%` outside quoted text and escapes).
pub fn is_percent_code(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for ch in code.chars() {
        match ch {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// Cells of sheet `sheet` shown as percentages, or `None` when the stream cannot be walked.
pub fn percent_cells(path: &Path, sheet: &str) -> Option<HashSet<(u32, u32)>> {
    let mut comp = cfb::open(path).ok()?;
    let name = ["/Workbook", "/Book"].into_iter().find(|n| comp.is_stream(n))?;
    let mut stream = Vec::new();
    comp.open_stream(name).ok()?.read_to_end(&mut stream).ok()?;

    // Built-in formats 9 (0%) and 10 (0.00%) are percentages; custom ones say so in their code.
    let mut percent_formats: HashSet<u16> = HashSet::from([9, 10]);
    let mut xf_percent: Vec<bool> = Vec::new();
    let mut sheet_at = None;
    for (typ, d) in records(&stream, 0) {
        match typ {
            0x041E => {
                if let (Some(ifmt), Some(cch)) = (u16_at(d, 0), u16_at(d, 2)) {
                    if d.get(4..).and_then(|b| unicode_chars(b, cch as usize)).is_some_and(|c| is_percent_code(&c)) {
                        percent_formats.insert(ifmt);
                    }
                }
            }
            0x00E0 => xf_percent.push(u16_at(d, 2).is_some_and(|f| percent_formats.contains(&f))),
            0x0085 => {
                let offset = d.get(0..4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
                let cch = d.get(6).copied().unwrap_or(0) as usize;
                if d.get(7..).and_then(|b| unicode_chars(b, cch)).as_deref() == Some(sheet) {
                    sheet_at = offset;
                }
            }
            // The globals substream ends at its EOF; FORMATs come before the XFs that use them.
            0x000A => break,
            _ => {}
        }
    }
    let start = sheet_at?;
    let is_percent = |xf: Option<u16>| xf.and_then(|x| xf_percent.get(x as usize).copied()).unwrap_or(false);
    let mut out = HashSet::new();
    let mut depth = 0usize;
    for (typ, d) in records(&stream, start) {
        match typ {
            0x0809 => depth += 1,
            0x000A => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            // NUMBER, RK, FORMULA: row, column, XF.
            0x0203 | 0x027E | 0x0006 if depth == 1 => {
                if let (Some(r), Some(c)) = (u16_at(d, 0), u16_at(d, 2)) {
                    if is_percent(u16_at(d, 4)) {
                        out.insert((r as u32, c as u32));
                    }
                }
            }
            // MULRK: row, first column, then (XF, RK) pairs of 6 bytes, last column.
            0x00BD if depth == 1 => {
                if let (Some(r), Some(c0)) = (u16_at(d, 0), u16_at(d, 2)) {
                    let pairs = d.len().saturating_sub(6) / 6;
                    for k in 0..pairs {
                        if is_percent(u16_at(d, 4 + 6 * k)) {
                            out.insert((r as u32, c0 as u32 + k as u32));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::is_percent_code;

    #[test]
    fn percent_codes() {
        assert!(is_percent_code("0.0%"));
        assert!(is_percent_code("0.00%;[Red]-0.00%"));
        assert!(!is_percent_code("0.0\"%\""));
        assert!(!is_percent_code("0.0\\%"));
        assert!(!is_percent_code("#,##0.00"));
    }
}
