//! The system's errors said in Chinese: one wording for a file-system error wherever it is met,
//! reading a unit's file or writing the meeting's papers. The system's own words are English.

use std::io::{Error, ErrorKind};

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
}
