//! Errors said in Chinese, in one place: the file system's, the workbook writer's, TOML's. One
//! wording for an error wherever it is met, reading a unit's file or writing the meeting's papers;
//! the system's and the libraries' own words are English and never reach the clerk alone.

use std::io::{Error, ErrorKind};

use rust_xlsxwriter::XlsxError;

/// A file-system error, in Chinese, with what to do where there is something to do.
pub fn io_reason(e: &Error) -> String {
    match (e.kind(), e.raw_os_error()) {
        (_, Some(28)) | (ErrorKind::StorageFull, _) => "磁盘已满（请腾出空间或换一个输出目录后重新运行）".into(),
        (_, Some(122)) => "磁盘配额已用完".into(),
        (_, Some(30)) | (ErrorKind::ReadOnlyFilesystem, _) => "所在磁盘是只读的（如光盘或写保护的 U 盘），不能写入".into(),
        (ErrorKind::PermissionDenied, _) => "没有权限（文件可能正在 Excel 中打开，或文件夹只读）".into(),
        (ErrorKind::AlreadyExists, _) | (_, Some(17)) => "同名文件已存在".into(),
        (_, Some(21)) | (ErrorKind::IsADirectory, _) => "同名的文件夹已存在，不能用作文件名".into(),
        (_, Some(20)) | (ErrorKind::NotADirectory, _) => "路径中有一段是文件而不是文件夹".into(),
        (_, Some(36)) | (ErrorKind::InvalidFilename, _) => "文件名太长或含有不允许的字符".into(),
        (_, Some(40)) => "符号链接层数过多（链接指向自己）".into(),
        (_, Some(24)) => "同时打开的文件过多".into(),
        (_, Some(5)) => "磁盘读写出错（磁盘或 U 盘可能有故障）".into(),
        (ErrorKind::NotFound, _) => "文件或文件夹不存在".into(),
        (ErrorKind::UnexpectedEof, _) => "文件不完整（读到一半就结束了）".into(),
        (ErrorKind::InvalidData, _) => "文件内容无法识别".into(),
        (_, Some(code)) => format!("读写文件出错（系统错误码 {code}）"),
        _ => "读写文件出错".into(),
    }
}

/// An error while writing, each cause after the other the Chinese way; the writer's own
/// (English) errors said in Chinese. A library's error that is not known here is said by the
/// file-system error beneath it, if any, and never in English.
pub fn describe_error(e: &anyhow::Error) -> String {
    let mut causes: Vec<String> = Vec::new();
    for c in e.chain() {
        let said = match (c.downcast_ref::<XlsxError>(), c.downcast_ref::<std::io::Error>()) {
            (Some(x), _) => xlsx_reason(x),
            (None, Some(io)) => io_reason(io),
            _ => {
                let text = c.to_string();
                if text.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)) {
                    text
                } else {
                    // Another crate's words (docx-rs's zip): the system's reason beneath, or a plain one.
                    let mut io = None;
                    let mut source = c.source();
                    while let Some(s) = source {
                        if let Some(i) = s.downcast_ref::<std::io::Error>() {
                            io = Some(io_reason(i));
                            break;
                        }
                        source = s.source();
                    }
                    io.unwrap_or_else(|| "写文件出错".into())
                }
            }
        };
        // The same reason twice in a row (a wrapper and what it wraps) is said once.
        if causes.last() != Some(&said) {
            causes.push(said);
        }
    }
    causes.join("：")
}

fn xlsx_reason(e: &XlsxError) -> String {
    match e {
        XlsxError::MaxStringLengthExceeded => "有单元格的文字超过 Excel 上限 32,767 字".into(),
        XlsxError::SheetnameReused(n) => format!("工作表名“{n}”重复"),
        XlsxError::SheetnameLengthExceeded(n)
        | XlsxError::SheetnameContainsInvalidCharacter(n)
        | XlsxError::SheetnameStartsOrEndsWithApostrophe(n)
        | XlsxError::SheetnameCannotBeBlank(n) => {
            format!("工作表名“{n}”不符合 Excel 的规定")
        }
        XlsxError::RowColumnLimitError => "超出 Excel 的行列范围（1,048,576 行、16,384 列）".into(),
        XlsxError::IoError(io) | XlsxError::TempFileError(_, io) => io_reason(io),
        // The zip writer's errors carry the file system's underneath (a full disk).
        XlsxError::ZipError(zip::result::ZipError::Io(io)) => io_reason(io),
        _ => "生成 Excel 文件出错".into(),
    }
}

/// The line a TOML error is on (1-based).
pub fn toml_line(text: &str, e: &toml::de::Error) -> Option<usize> {
    e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
}

/// What is wrong in a TOML settings file, in Chinese; `section` names the table it is in
/// (任务, 单位), or is empty. The parser's own words are English and never shown alone.
pub fn toml_reason(e: &toml::de::Error, section: &str) -> String {
    let msg = e.message().trim();
    let between = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    let expected = msg.split("expected").nth(1).unwrap_or("").trim();
    let want = |expected: &str| -> String {
        if expected.contains("usize") || expected.contains("u32") || expected.contains("u64") || expected.contains("u16") || expected.contains("u8") {
            "不小于0的整数（不加引号）".into()
        } else if expected.contains("f64") || expected.contains("integer") || expected.contains("i32") || expected.contains("i64") || expected.contains("float")
        {
            "数字（不加引号）".into()
        } else if expected.contains("string") {
            "文字（加英文引号）".into()
        } else if expected.contains("sequence") {
            "列表（[ ] 括起来）".into()
        } else if expected.contains("bool") {
            "true 或 false".into()
        } else {
            "规定的写法".into()
        }
    };
    if msg.starts_with("missing field") {
        format!("{section}缺少“{}”", between(msg))
    } else if msg.starts_with("unknown field") {
        format!("{section}有不认识的项“{}”（检查拼写，参照 luoshi init 写出的同名文件）", between(msg))
    } else if msg.starts_with("unknown variant") {
        let allowed: Vec<String> = expected.split('`').skip(1).step_by(2).map(str::to_string).collect();
        format!("“{}”不是可选的值（可选：{}）", between(msg), allowed.join("、"))
    } else if msg.starts_with("invalid type") {
        format!("{section}的值类型不对，应为{}", want(expected))
    } else if msg.starts_with("invalid value") {
        format!("{section}的值“{}”不对，应为{}", between(msg), want(expected))
    } else if msg.contains("duplicate key") {
        format!("{section}有重复的项")
    } else {
        "TOML 写法有误（检查引号、等号和方括号是否成对）".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_english_reaches_the_user() {
        for code in [2, 5, 13, 17, 20, 21, 24, 28, 30, 36, 40, 122, 999] {
            let said = io_reason(&Error::from_raw_os_error(code));
            assert!(!said.contains("os error") && !said.contains("denied") && !said.contains("No such"), "{code}: {said}");
        }
        assert!(io_reason(&Error::from_raw_os_error(28)).contains("磁盘已满"));
    }

    #[test]
    fn toml_errors_are_said_in_chinese() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Rule {
            red: usize,
        }
        let text = "red = -1\n";
        let e = toml::from_str::<Rule>(text).unwrap_err();
        assert_eq!(toml_line(text, &e), Some(1));
        assert_eq!(toml_reason(&e, ""), "的值“-1”不对，应为不小于0的整数（不加引号）");
    }
}
