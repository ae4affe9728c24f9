//! A paper's paragraphs as its wording template writes them: one line, one paragraph, and how the
//! line starts says what it is, so the office edits sentences and the layout stays the writer's.

/// One paragraph of a paper.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// 【字号】: the 发文字号 (海政督〔2021〕  号), centred above the title, a blank line after it.
    Number(String),
    /// 【标题】: 二号 小标宋, centred; a blank line follows the last title line.
    Title(String),
    /// 【主送】: flush left.
    Addressee(String),
    /// "一、…": 黑体 up to the first "。", the rest in the body font.
    Heading1(String),
    /// "（一）…": 楷体 up to the first "。".
    Heading2(String),
    /// Any other line: indented two characters.
    Body(String),
    /// 【落款】: the sender, right, four characters in; two blank lines above it for the seal.
    Sender(String),
    /// 【日期】: the date, right, four characters in.
    Date(String),
}

impl Block {
    /// The paragraphs of a rendered template: one per non-blank line.
    pub fn parse(text: &str) -> Vec<Block> {
        let numeral = |c: char| "一二三四五六七八九十".contains(c);
        text.lines()
            .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}'))
            .filter(|l| !l.is_empty())
            .map(|l| {
                let tagged = |tag: &str| l.strip_prefix(tag).map(|r| r.trim().to_string());
                if let Some(r) = tagged("【字号】") {
                    return Block::Number(r);
                }
                if let Some(r) = tagged("【标题】") {
                    return Block::Title(r);
                }
                if let Some(r) = tagged("【主送】") {
                    return Block::Addressee(r);
                }
                if let Some(r) = tagged("【落款】") {
                    return Block::Sender(r);
                }
                if let Some(r) = tagged("【日期】") {
                    return Block::Date(r);
                }
                let lead: String = l.chars().take_while(|c| numeral(*c)).collect();
                if !lead.is_empty() && l[lead.len()..].starts_with('、') {
                    return Block::Heading1(l.to_string());
                }
                if let Some(rest) = l.strip_prefix('（') {
                    let n: String = rest.chars().take_while(|c| numeral(*c)).collect();
                    if !n.is_empty() && rest[n.len()..].starts_with('）') {
                        return Block::Heading2(l.to_string());
                    }
                }
                Block::Body(l.to_string())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_blocks_by_how_they_start() {
        let b = Block::parse("【标题】关于……的通报\n\n【主送】各单位：\n　　截至6月底。\n一、总体情况\n（二）报送情况。应报60个。\n十一、其他\n（一 不是标题\n【落款】督查室\n【日期】2021年7月5日\n");
        assert_eq!(
            b,
            vec![
                Block::Title("关于……的通报".into()),
                Block::Addressee("各单位：".into()),
                Block::Body("截至6月底。".into()),
                Block::Heading1("一、总体情况".into()),
                Block::Heading2("（二）报送情况。应报60个。".into()),
                Block::Heading1("十一、其他".into()),
                Block::Body("（一 不是标题".into()),
                Block::Sender("督查室".into()),
                Block::Date("2021年7月5日".into()),
            ]
        );
    }
}
