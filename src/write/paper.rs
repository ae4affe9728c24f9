//! Word papers (通报, 督办函) laid out as GB/T 9704-2012 党政机关公文: A4 portrait, margins
//! 37/35/28/26 mm, 22 lines × 28 characters of 三号 仿宋, headings in 黑体 and 楷体, the title
//! in 二号 小标宋, page numbers "— 1 —" in 四号 (odd pages right, even pages left).
//!
//! The paragraphs come from the wording templates as [`Block`]s: the office edits sentences, never layout.

use std::path::Path;

use anyhow::Result;

pub use crate::papers::Block;
use docx_rs::{
    AlignmentType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType,
};

/// Fonts, each with the one Word and LibreOffice take where it is not installed (the font table's
/// altName): 方正小标宋简体 and 仿宋_GB2312 are on few machines outside government offices.
pub const TITLE_FONT: (&str, &str) = ("方正小标宋简体", "宋体");
pub const BODY_FONT: (&str, &str) = ("仿宋_GB2312", "仿宋");
pub const HEADING1_FONT: &str = "黑体";
pub const HEADING2_FONT: &str = "楷体";
pub const PAGE_NUMBER_FONT: &str = "宋体";

/// Font sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt.
pub const TITLE_SIZE: usize = 44;
pub const BODY_SIZE: usize = 32;
pub const PAGE_NUMBER_SIZE: usize = 28;

/// A4 in twips (1/1440 inch).
pub const A4: (u32, u32) = (11906, 16838);

const fn mm(v: f64) -> i32 {
    (v * 1440.0 / 25.4 + 0.5) as i32
}

/// Margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
pub const MARGINS: [i32; 4] = [mm(37.0), mm(35.0), mm(28.0), mm(26.0)];
/// Lines per page and characters per line.
pub const LINES: i32 = 22;
pub const CHARS: i32 = 28;
/// Twips from line to line: 22 lines in the 225 mm of the text block.
pub const LINE_PITCH: i32 = 579;
/// Twips between characters: 28 characters of 16 pt are 448 pt, the text block is 442 pt wide, so
/// each gives up a quarter point. Run spacing, not Word's character grid: LibreOffice and WPS lay
/// a grid out differently, spacing the same everywhere.
pub const CHAR_SPACING: i32 = -5;

fn fonts(name: &str) -> RunFonts {
    RunFonts::new().east_asia(name).ascii(name).hi_ansi(name).cs(name)
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(crate::excel::xml_safe(text)).fonts(fonts(font)).size(size)
}

/// Body text: 28 characters to the line, each 16 pt less a little (see [`CHAR_SPACING`]).
fn body_run(text: &str, font: &str) -> Run {
    run(text, font, BODY_SIZE).character_spacing(CHAR_SPACING)
}

/// The first line of a paragraph in by two characters.
fn indented(p: Paragraph) -> Paragraph {
    p.indent(None, Some(SpecialIndentType::FirstLine(2 * BODY_SIZE as i32 * 10)), None, None).first_line_chars(200)
}

fn exact_lines() -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(LINE_PITCH).before(0).after(0)
}

fn paragraph() -> Paragraph {
    Paragraph::new().line_spacing(exact_lines())
}

fn empty_line() -> Paragraph {
    paragraph().add_run(run("", BODY_FONT.0, BODY_SIZE))
}

/// A heading whose lead (up to and with the first "。") is in `font`, the rest in the body font.
fn heading(text: &str, font: &str) -> Paragraph {
    let p = indented(paragraph().align(AlignmentType::Both));
    match text.find('。') {
        Some(i) if i + '。'.len_utf8() < text.len() => {
            let (lead, rest) = text.split_at(i + '。'.len_utf8());
            p.add_run(body_run(lead, font)).add_run(body_run(rest, BODY_FONT.0))
        }
        // A heading on its own line stays with what follows it.
        _ => p.keep_next(true).add_run(body_run(text, font)),
    }
}

/// "— 1 —": the page number field between two dashes, 四号 宋体, a character in from the edge.
fn page_number(align: AlignmentType) -> Footer {
    let one_char = (PAGE_NUMBER_SIZE * 10) as i32;
    let (left, right) = if matches!(align, AlignmentType::Right) { (None, Some(one_char)) } else { (Some(one_char), None) };
    let number = Run::new()
        .fonts(fonts(PAGE_NUMBER_FONT))
        .size(PAGE_NUMBER_SIZE)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    Footer::new().add_paragraph(
        Paragraph::new().align(align).indent(left, None, right, None).add_run(run("— ", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)).add_run(number).add_run(run(
            " —",
            PAGE_NUMBER_FONT,
            PAGE_NUMBER_SIZE,
        )),
    )
}

/// The document: page, grid, defaults, footers, then the paragraphs.
pub fn document(blocks: &[Block], date: chrono::NaiveDate) -> Docx {
    let [top, bottom, left, right] = MARGINS;
    let mut doc = Docx::new()
        .page_size(A4.0, A4.1)
        // The page number's top 7 mm under the text block (28 mm from the bottom), less its own 5 mm.
        .page_margin(PageMargin::new().top(top).bottom(bottom).left(left).right(right).header(mm(15.0)).footer(mm(28.0) - mm(5.0)).gutter(0))
        .default_fonts(fonts(BODY_FONT.0))
        .default_size(BODY_SIZE)
        .default_line_spacing(exact_lines())
        .footer(page_number(AlignmentType::Right))
        .even_footer(page_number(AlignmentType::Left))
        .created_at(&format!("{}T09:00:00Z", date.format("%Y-%m-%d")))
        .updated_at(&format!("{}T09:00:00Z", date.format("%Y-%m-%d")));
    doc.document = doc.document.doc_grid(DocGrid::new().grid_type(DocGridType::Lines).line_pitch(LINE_PITCH as usize));
    let four_chars = (BODY_SIZE * 10 * 4) as i32;
    let mut after_title = false;
    for (i, b) in blocks.iter().enumerate() {
        if after_title && !matches!(b, Block::Title(_)) {
            doc = doc.add_paragraph(empty_line());
            after_title = false;
        }
        let p = match b {
            Block::Number(t) => {
                doc = doc.add_paragraph(paragraph().align(AlignmentType::Center).add_run(body_run(t, BODY_FONT.0)));
                empty_line()
            }
            Block::Title(t) => {
                after_title = true;
                paragraph().align(AlignmentType::Center).add_run(run(t, TITLE_FONT.0, TITLE_SIZE))
            }
            Block::Addressee(t) => paragraph().align(AlignmentType::Both).add_run(body_run(t, BODY_FONT.0)),
            Block::Heading1(t) => heading(t, HEADING1_FONT),
            Block::Heading2(t) => heading(t, HEADING2_FONT),
            Block::Body(t) => indented(paragraph().align(AlignmentType::Both)).add_run(body_run(t, BODY_FONT.0)),
            Block::Sender(t) | Block::Date(t) => {
                if matches!(b, Block::Sender(_)) || (i > 0 && !matches!(blocks[i - 1], Block::Sender(_))) {
                    doc = doc.add_paragraph(empty_line()).add_paragraph(empty_line());
                }
                paragraph().align(AlignmentType::Right).indent(None, None, Some(four_chars), None).add_run(body_run(t, BODY_FONT.0))
            }
        };
        doc = doc.add_paragraph(p);
    }
    doc
}

/// The font table, naming each font's stand-in (Word and LibreOffice substitute by altName).
fn font_table() -> Vec<u8> {
    use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
    let mut w = quick_xml::Writer::new(Vec::new());
    let mut put = |e: Event| w.write_event(e).expect("writing to a Vec cannot fail");
    put(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), Some("yes"))));
    put(Event::Start(BytesStart::new("w:fonts").with_attributes([
        ("xmlns:w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
        ("xmlns:r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    ])));
    let cjk = [(TITLE_FONT.0, Some(TITLE_FONT.1)), (BODY_FONT.0, Some(BODY_FONT.1)), (HEADING1_FONT, None), (HEADING2_FONT, None), (PAGE_NUMBER_FONT, None)];
    for (name, alt) in cjk {
        put(Event::Start(BytesStart::new("w:font").with_attributes([("w:name", name)])));
        if let Some(alt) = alt {
            put(Event::Empty(BytesStart::new("w:altName").with_attributes([("w:val", alt)])));
        }
        put(Event::Empty(BytesStart::new("w:charset").with_attributes([("w:val", "86")])));
        put(Event::Empty(BytesStart::new("w:family").with_attributes([("w:val", "auto")])));
        put(Event::Empty(BytesStart::new("w:pitch").with_attributes([("w:val", "variable")])));
        put(Event::End(BytesEnd::new("w:font")));
    }
    put(Event::End(BytesEnd::new("w:fonts")));
    w.into_inner()
}

/// Write `blocks` as a .docx at `path`, atomically.
pub fn write_paper(path: &Path, blocks: &[Block], date: chrono::NaiveDate) -> Result<()> {
    let mut xml = document(blocks, date).build();
    xml.font_table = font_table();
    super::persist_atomic(path, |w| xml.pack(w).map(|_| ()).map_err(anyhow::Error::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_holds_22_lines_of_28_characters() {
        let [_, _, left, right] = MARGINS;
        assert_eq!(MARGINS, [2098, 1984, 1587, 1474]);
        let width = A4.0 as i32 - left - right;
        let pitch = BODY_SIZE as i32 * 10 + CHAR_SPACING;
        assert_eq!(width / pitch, CHARS, "{width} / {pitch}");
        // 22 lines of 579 twips fill the 225 mm text block.
        let height = A4.1 as i32 - MARGINS[0] - MARGINS[1];
        assert_eq!(height / LINE_PITCH, LINES);
    }
}
