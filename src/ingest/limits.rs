//! Limits of our own, so that memory is bounded by the data and not by what a file claims.

#[derive(Debug, Clone)]
pub struct Limits {
    pub max_file_bytes: u64,
    /// Declared uncompressed size of one zip part (a sheet's XML).
    pub max_part_bytes: u64,
    pub max_unzipped_bytes: u64,
    pub max_ratio: u64,
    pub max_zip_entries: usize,
    /// Rows read into a data table.
    pub max_rows: u32,
    /// Columns considered in a header.
    pub max_cols: u32,
    /// Cells visited in one sheet, empty or not, kept or not.
    pub max_cells: u64,
    /// Characters kept from one cell (Excel's own limit is 32,767).
    pub max_cell_chars: usize,
    /// Sheets looked at to find the data sheet.
    pub max_sheets: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 200_000_000,
            max_part_bytes: 1_000_000_000,
            max_unzipped_bytes: 2_000_000_000,
            max_ratio: 200,
            max_zip_entries: 20_000,
            max_rows: 1_048_576,
            max_cols: 16_384,
            max_cells: 50_000_000,
            max_cell_chars: 32_767,
            max_sheets: 10_000,
        }
    }
}
