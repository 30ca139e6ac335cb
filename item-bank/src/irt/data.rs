//! Response matrices: persons × items, with missing cells, optional person ids and row weights.

use serde::{Deserialize, Serialize};

/// The stored value of a cell that was not presented.
const MISSING: u8 = u8::MAX;

/// A CSV input that cannot be read as a response matrix. Lines and columns are 1-based.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CsvError {
    /// The input has no header line.
    #[error("the CSV is empty: a header line with item ids is required")]
    Empty,
    /// A header cell is empty or repeats another.
    #[error("line 1, column {column}: {message}")]
    Header {
        /// Column of the offending header cell.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A data row has a different number of cells than the header.
    #[error("line {line}: {found} cells, the header has {expected}")]
    RowLength {
        /// Line of the row.
        line: usize,
        /// Cells found.
        found: usize,
        /// Cells in the header.
        expected: usize,
    },
    /// A cell is not a valid response, weight or quoted field.
    #[error("line {line}, column {column}: {message}")]
    Cell {
        /// Line of the cell.
        line: usize,
        /// Column of the cell.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// Responses of persons to items. A cell is `None` when the item was not presented to the person; a
/// response is a category `0..=254` (0/1 for dichotomous items). Each row has a weight (a frequency, 1 by
/// default), so a table of distinct patterns with counts is a valid matrix.
///
/// JSON shape: `{ "item_ids": [..], "person_ids": [..] | null, "weights": [..], "rows": [[0, 1, null], ..] }`
/// (`null` cells are not presented); reading it checks it as [`ResponseMatrix::new`] does, plus one
/// finite non-negative weight per row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawMatrix", try_from = "RawMatrix")]
pub struct ResponseMatrix {
    item_ids: Vec<String>,
    person_ids: Option<Vec<String>>,
    weights: Vec<f64>,
    cells: Vec<u8>,
}

impl ResponseMatrix {
    /// Builds a matrix from rows of `Option<u8>` (one entry per item), with unit weights and no person ids.
    ///
    /// # Errors
    /// [`CsvError::Header`] for empty or duplicate item ids; [`CsvError::RowLength`] or
    /// [`CsvError::Cell`] (response 255) for bad rows, with `line` = row index + 2 as if read from a CSV.
    pub fn new(item_ids: Vec<String>, rows: &[Vec<Option<u8>>]) -> Result<Self, CsvError> {
        check_ids(&item_ids)?;
        let mut cells = Vec::with_capacity(rows.len() * item_ids.len());
        for (r, row) in rows.iter().enumerate() {
            if row.len() != item_ids.len() {
                return Err(CsvError::RowLength {
                    line: r + 2,
                    found: row.len(),
                    expected: item_ids.len(),
                });
            }
            for (i, cell) in row.iter().enumerate() {
                if *cell == Some(MISSING) {
                    return Err(CsvError::Cell {
                        line: r + 2,
                        column: i + 1,
                        message: "response 255 is reserved".into(),
                    });
                }
                cells.push(cell.unwrap_or(MISSING));
            }
        }
        Ok(ResponseMatrix {
            item_ids,
            person_ids: None,
            weights: vec![1.0; rows.len()],
            cells,
        })
    }

    /// Replaces the row weights (frequencies).
    ///
    /// # Panics
    /// If the length differs from the number of rows or a weight is negative or not finite.
    pub fn with_weights(mut self, weights: Vec<f64>) -> Self {
        assert_eq!(weights.len(), self.n_persons(), "one weight per row");
        assert!(
            weights.iter().all(|w| w.is_finite() && *w >= 0.0),
            "weights must be finite and non-negative"
        );
        self.weights = weights;
        self
    }

    /// Reads a CSV: a header line of item ids, then one row per person (or per response pattern).
    ///
    /// * a cell is a category `0..=254`, or empty (or `NA`) for *not presented*;
    /// * an optional column named `person` (any case) holds person ids;
    /// * an optional column named `freq` (any case) holds a non-negative row weight;
    /// * fields may be double-quoted (`""` inside quotes is a quote); lines end with LF or CRLF; blank lines
    ///   are skipped; surrounding spaces of unquoted cells are ignored.
    pub fn from_csv(input: &str) -> Result<Self, CsvError> {
        let mut lines = input
            .lines()
            .enumerate()
            .map(|(n, l)| (n + 1, l))
            .filter(|(_, l)| !l.trim().is_empty());
        let (header_line, header) = lines.next().ok_or(CsvError::Empty)?;
        let header = split_fields(header, header_line)?;
        let mut person_col = None;
        let mut freq_col = None;
        let mut item_cols = Vec::new();
        let mut item_ids = Vec::new();
        for (col, name) in header.iter().enumerate() {
            let name = name.trim();
            let lower = name.to_ascii_lowercase();
            let duplicate = |slot: &Option<usize>| {
                slot.is_some().then(|| CsvError::Header {
                    column: col + 1,
                    message: format!("second `{name}` column"),
                })
            };
            if lower == "person" {
                if let Some(e) = duplicate(&person_col) {
                    return Err(e);
                }
                person_col = Some(col);
            } else if lower == "freq" {
                if let Some(e) = duplicate(&freq_col) {
                    return Err(e);
                }
                freq_col = Some(col);
            } else {
                item_cols.push(col);
                item_ids.push(name.to_string());
            }
        }
        check_ids(&item_ids).map_err(|e| match e {
            CsvError::Header { column, message } => CsvError::Header {
                column: item_cols[column - 1] + 1,
                message,
            },
            other => other,
        })?;
        let mut cells = Vec::new();
        let mut weights = Vec::new();
        let mut persons = person_col.map(|_| Vec::new());
        for (line, text) in lines {
            let fields = split_fields(text, line)?;
            if fields.len() != header.len() {
                return Err(CsvError::RowLength {
                    line,
                    found: fields.len(),
                    expected: header.len(),
                });
            }
            for &col in &item_cols {
                let cell = fields[col].trim();
                let value = if cell.is_empty() || cell == "NA" {
                    MISSING
                } else {
                    match cell.parse::<u8>() {
                        Ok(v) if v != MISSING => v,
                        _ => {
                            return Err(CsvError::Cell {
                                line,
                                column: col + 1,
                                message: format!("`{cell}` is not a category 0..=254 or empty"),
                            });
                        }
                    }
                };
                cells.push(value);
            }
            let weight = match freq_col {
                None => 1.0,
                Some(col) => match fields[col].trim().parse::<f64>() {
                    Ok(w) if w.is_finite() && w >= 0.0 => w,
                    _ => {
                        return Err(CsvError::Cell {
                            line,
                            column: col + 1,
                            message: format!(
                                "`{}` is not a non-negative frequency",
                                fields[col].trim()
                            ),
                        });
                    }
                },
            };
            weights.push(weight);
            if let (Some(ids), Some(col)) = (persons.as_mut(), person_col) {
                ids.push(fields[col].trim().to_string());
            }
        }
        Ok(ResponseMatrix {
            item_ids,
            person_ids: persons,
            weights,
            cells,
        })
    }

    /// Writes the matrix as CSV in the format [`Self::from_csv`] reads: a `person` column first if there
    /// are person ids, then the items, then `freq` if any weight differs from 1. Missing cells are empty.
    pub fn to_csv(&self) -> String {
        let with_freq = self.weights.iter().any(|&w| w != 1.0);
        let mut out = String::new();
        let mut header: Vec<String> = Vec::new();
        if self.person_ids.is_some() {
            header.push("person".into());
        }
        header.extend(self.item_ids.iter().map(|id| quote(id)));
        if with_freq {
            header.push("freq".into());
        }
        out.push_str(&header.join(","));
        out.push('\n');
        for p in 0..self.n_persons() {
            if let Some(ids) = &self.person_ids {
                out.push_str(&quote(&ids[p]));
                out.push(',');
            }
            for (i, cell) in self.row_cells(p).iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if *cell != MISSING {
                    out.push_str(&cell.to_string());
                }
            }
            if with_freq {
                out.push(',');
                out.push_str(&self.weights[p].to_string());
            }
            out.push('\n');
        }
        out
    }

    /// Item ids, in column order.
    pub fn item_ids(&self) -> &[String] {
        &self.item_ids
    }
    /// Person ids, if the input had a `person` column.
    pub fn person_ids(&self) -> Option<&[String]> {
        self.person_ids.as_deref()
    }
    /// Number of items (columns).
    pub fn n_items(&self) -> usize {
        self.item_ids.len()
    }
    /// Number of rows.
    pub fn n_persons(&self) -> usize {
        self.weights.len()
    }
    /// Row weights (frequencies).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }
    /// Sum of the row weights: the number of persons represented.
    pub fn total_weight(&self) -> f64 {
        self.weights.iter().sum()
    }
    /// Response of row `person` to item `item` (`None`: not presented).
    pub fn response(&self, person: usize, item: usize) -> Option<u8> {
        let v = self.cells[person * self.n_items() + item];
        (v != MISSING).then_some(v)
    }
    /// The responses of one row.
    pub fn row(&self, person: usize) -> Vec<Option<u8>> {
        self.row_cells(person)
            .iter()
            .map(|&v| (v != MISSING).then_some(v))
            .collect()
    }
    /// The raw cells of one row, [`u8::MAX`] meaning not presented.
    pub(crate) fn row_cells(&self, person: usize) -> &[u8] {
        let n = self.n_items();
        &self.cells[person * n..(person + 1) * n]
    }
    /// Highest category observed per item (`None` if the item was never presented).
    pub fn max_category(&self) -> Vec<Option<u8>> {
        let mut max = vec![None; self.n_items()];
        for p in 0..self.n_persons() {
            for (m, &v) in max.iter_mut().zip(self.row_cells(p)) {
                if v != MISSING {
                    *m = Some(m.map_or(v, |old: u8| old.max(v)));
                }
            }
        }
        max
    }
    /// Index of an item id.
    pub fn item_index(&self, id: &str) -> Option<usize> {
        self.item_ids.iter().position(|x| x == id)
    }
}

/// The serialized shape of [`ResponseMatrix`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatrix {
    item_ids: Vec<String>,
    person_ids: Option<Vec<String>>,
    weights: Vec<f64>,
    rows: Vec<Vec<Option<u8>>>,
}

impl From<ResponseMatrix> for RawMatrix {
    fn from(m: ResponseMatrix) -> Self {
        let rows = (0..m.n_persons()).map(|p| m.row(p)).collect();
        RawMatrix {
            item_ids: m.item_ids,
            person_ids: m.person_ids,
            weights: m.weights,
            rows,
        }
    }
}

impl TryFrom<RawMatrix> for ResponseMatrix {
    type Error = String;

    fn try_from(raw: RawMatrix) -> Result<Self, String> {
        let n = raw.rows.len();
        if raw.weights.len() != n || raw.weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(format!("{n} rows need {n} finite non-negative weights"));
        }
        if raw.person_ids.as_ref().is_some_and(|ids| ids.len() != n) {
            return Err(format!("{n} rows need {n} person ids"));
        }
        let mut m = ResponseMatrix::new(raw.item_ids, &raw.rows).map_err(|e| e.to_string())?;
        m.weights = raw.weights;
        m.person_ids = raw.person_ids;
        Ok(m)
    }
}

/// `true` if the raw cell holds a response.
#[inline]
pub(crate) fn is_present(cell: u8) -> bool {
    cell != MISSING
}

fn check_ids(ids: &[String]) -> Result<(), CsvError> {
    let mut seen = std::collections::HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        if id.is_empty() {
            return Err(CsvError::Header {
                column: i + 1,
                message: "empty item id".into(),
            });
        }
        if !seen.insert(id.as_str()) {
            return Err(CsvError::Header {
                column: i + 1,
                message: format!("duplicate item id `{id}`"),
            });
        }
    }
    Ok(())
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) || field.trim() != field {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Splits one CSV line into fields, unquoting double-quoted fields.
fn split_fields(line: &str, line_no: usize) -> Result<Vec<String>, CsvError> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    let mut column = 1;
    loop {
        let mut field = String::new();
        // skip leading spaces before a possible quote
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => {
                        return Err(CsvError::Cell {
                            line: line_no,
                            column,
                            message: "unterminated quoted field".into(),
                        });
                    }
                }
            }
            while chars.peek() == Some(&' ') {
                chars.next();
            }
            match chars.peek() {
                None | Some(',') => {}
                Some(_) => {
                    return Err(CsvError::Cell {
                        line: line_no,
                        column,
                        message: "text after a closing quote".into(),
                    });
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                if c == '"' {
                    return Err(CsvError::Cell {
                        line: line_no,
                        column,
                        message: "quote inside an unquoted field".into(),
                    });
                }
                field.push(c);
                chars.next();
            }
        }
        fields.push(field);
        match chars.next() {
            Some(',') => column += 1,
            _ => return Ok(fields),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lsat_files_as_they_are() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/");
        for (file, first) in [
            ("LSAT6_patterns.csv", "Item_1"),
            ("LSAT7_patterns.csv", "Item.1"),
        ] {
            let text = std::fs::read_to_string(format!("{dir}{file}")).unwrap();
            let m = ResponseMatrix::from_csv(&text).unwrap();
            assert_eq!(m.n_items(), 5);
            assert_eq!(m.item_ids()[0], first);
            assert_eq!(m.total_weight(), 1000.0);
        }
    }

    #[test]
    fn missing_person_freq_and_round_trip() {
        let csv = "Person,q1,\"q,2\",FREQ\r\nann,1,,3\nbob,0,2,1\n\n";
        let m = ResponseMatrix::from_csv(csv).unwrap();
        assert_eq!(m.item_ids(), &["q1".to_string(), "q,2".to_string()]);
        assert_eq!(
            m.person_ids().unwrap(),
            &["ann".to_string(), "bob".to_string()]
        );
        assert_eq!(m.row(0), vec![Some(1), None]);
        assert_eq!(m.weights(), &[3.0, 1.0]);
        assert_eq!(m.max_category(), vec![Some(1), Some(2)]);
        let back = ResponseMatrix::from_csv(&m.to_csv()).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn json_round_trip() {
        let m = ResponseMatrix::from_csv("person,a,b,freq\np1,1,,2\np2,0,3,1\n").unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(
            json,
            r#"{"item_ids":["a","b"],"person_ids":["p1","p2"],"weights":[2.0,1.0],"rows":[[1,null],[0,3]]}"#
        );
        assert_eq!(serde_json::from_str::<ResponseMatrix>(&json).unwrap(), m);
        let bad = r#"{"item_ids":["a"],"person_ids":null,"weights":[1.0],"rows":[[1],[0]]}"#;
        assert!(serde_json::from_str::<ResponseMatrix>(bad).is_err());
    }

    #[test]
    fn errors_name_line_and_column() {
        assert_eq!(ResponseMatrix::from_csv(""), Err(CsvError::Empty));
        let e = ResponseMatrix::from_csv("a,b\n1,x\n").unwrap_err();
        assert!(
            matches!(
                e,
                CsvError::Cell {
                    line: 2,
                    column: 2,
                    ..
                }
            ),
            "{e}"
        );
        let e = ResponseMatrix::from_csv("a,b\n1,0\n1\n").unwrap_err();
        assert_eq!(
            e,
            CsvError::RowLength {
                line: 3,
                found: 1,
                expected: 2
            }
        );
        let e = ResponseMatrix::from_csv("a,freq,a\n").unwrap_err();
        assert!(matches!(e, CsvError::Header { column: 3, .. }), "{e}");
        let e = ResponseMatrix::from_csv("a,freq\n1,-2\n").unwrap_err();
        assert!(
            matches!(
                e,
                CsvError::Cell {
                    line: 2,
                    column: 2,
                    ..
                }
            ),
            "{e}"
        );
        let e = ResponseMatrix::from_csv("a\n\"1\n").unwrap_err();
        assert!(e.to_string().contains("line 2, column 1"), "{e}");
        let e = ResponseMatrix::from_csv("a\n255\n").unwrap_err();
        assert!(matches!(
            e,
            CsvError::Cell {
                line: 2,
                column: 1,
                ..
            }
        ));
    }
}
