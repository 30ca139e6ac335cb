//! Response times: persons × items, in seconds, with missing cells.

use super::ForensicsError;

/// The unit of the cells of a times CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Seconds, positive.
    Seconds,
    /// Natural log of seconds (`--log-times`), any finite number.
    LogSeconds,
}

/// Response times of persons to items. A cell is `None` when the item was not presented (or its time
/// not recorded). Both seconds and log seconds are kept, each as given or converted once.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeMatrix {
    item_ids: Vec<String>,
    person_ids: Option<Vec<String>>,
    seconds: Vec<Option<f64>>,
    log_seconds: Vec<Option<f64>>,
}

impl TimeMatrix {
    /// Builds a matrix from rows of cells in `unit` (one per item) and optional person ids.
    ///
    /// # Errors
    /// [`ForensicsError::Data`] for a row of the wrong length, a duplicate or empty item id, a
    /// non-positive or non-finite time, or a person id count that differs from the row count.
    pub fn new(
        item_ids: Vec<String>,
        person_ids: Option<Vec<String>>,
        rows: &[Vec<Option<f64>>],
        unit: TimeUnit,
    ) -> Result<TimeMatrix, ForensicsError> {
        check_item_ids(&item_ids)?;
        if person_ids
            .as_ref()
            .is_some_and(|ids| ids.len() != rows.len())
        {
            return Err(ForensicsError::Data(format!(
                "{} rows need {} person ids",
                rows.len(),
                rows.len()
            )));
        }
        let n = item_ids.len();
        let mut seconds = Vec::with_capacity(rows.len() * n);
        let mut log_seconds = Vec::with_capacity(rows.len() * n);
        for (r, row) in rows.iter().enumerate() {
            if row.len() != n {
                return Err(ForensicsError::Data(format!(
                    "times row {}: {} cells for {n} items",
                    r + 1,
                    row.len()
                )));
            }
            for (i, cell) in row.iter().enumerate() {
                let (s, l) = match (*cell, unit) {
                    (None, _) => (None, None),
                    (Some(v), TimeUnit::Seconds) if v > 0.0 && v.is_finite() => {
                        (Some(v), Some(v.ln()))
                    }
                    (Some(v), TimeUnit::LogSeconds) if v.is_finite() => (Some(v.exp()), Some(v)),
                    (Some(v), _) => {
                        return Err(ForensicsError::Data(format!(
                            "times row {}, item `{}`: {v} is not a {}",
                            r + 1,
                            item_ids[i],
                            match unit {
                                TimeUnit::Seconds => "positive number of seconds",
                                TimeUnit::LogSeconds => "finite log of seconds",
                            }
                        )));
                    }
                };
                seconds.push(s);
                log_seconds.push(l);
            }
        }
        Ok(TimeMatrix {
            item_ids,
            person_ids,
            seconds,
            log_seconds,
        })
    }

    /// Reads a times CSV: a header of item ids (the responses' column names), an optional `person`
    /// column (any case), then one row per person of times in `unit`; an empty cell or `NA` is missing.
    /// Fields may be double-quoted; blank lines are skipped.
    ///
    /// # Errors
    /// [`ForensicsError::Data`] naming the line and column of the fault.
    pub fn from_csv(text: &str, unit: TimeUnit) -> Result<TimeMatrix, ForensicsError> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines
            .next()
            .ok_or_else(|| ForensicsError::Data("the times CSV is empty".into()))?;
        let header = split_fields(header, 1)?;
        let person_col = header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case("person"));
        let item_cols: Vec<usize> = (0..header.len())
            .filter(|&c| Some(c) != person_col)
            .collect();
        let item_ids = item_cols
            .iter()
            .map(|&c| header[c].trim().to_string())
            .collect();
        let mut persons = person_col.map(|_| Vec::new());
        let mut rows = Vec::new();
        for (index, line) in lines {
            let line_no = index + 1;
            let fields = split_fields(line, line_no)?;
            if fields.len() != header.len() {
                return Err(ForensicsError::Data(format!(
                    "times line {line_no}: {} cells, the header has {}",
                    fields.len(),
                    header.len()
                )));
            }
            let row = item_cols
                .iter()
                .map(|&c| {
                    let cell = fields[c].trim();
                    if cell.is_empty() || cell == "NA" {
                        return Ok(None);
                    }
                    cell.parse::<f64>().map(Some).map_err(|_| {
                        ForensicsError::Data(format!(
                            "times line {line_no}, column {}: `{cell}` is not a number",
                            c + 1
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(row);
            if let (Some(ids), Some(c)) = (persons.as_mut(), person_col) {
                ids.push(fields[c].trim().to_string());
            }
        }
        TimeMatrix::new(item_ids, persons, &rows, unit)
    }

    /// Item ids in column order.
    pub fn item_ids(&self) -> &[String] {
        &self.item_ids
    }
    /// Person ids, if the input had a `person` column.
    pub fn person_ids(&self) -> Option<&[String]> {
        self.person_ids.as_deref()
    }
    /// Number of items.
    pub fn n_items(&self) -> usize {
        self.item_ids.len()
    }
    /// Number of persons (rows).
    pub fn n_persons(&self) -> usize {
        self.seconds.len().checked_div(self.n_items()).unwrap_or(0)
    }
    /// One person's times in seconds.
    pub fn seconds(&self, person: usize) -> &[Option<f64>] {
        let n = self.n_items();
        &self.seconds[person * n..(person + 1) * n]
    }
    /// One person's times in log seconds.
    pub fn log_seconds(&self, person: usize) -> &[Option<f64>] {
        let n = self.n_items();
        &self.log_seconds[person * n..(person + 1) * n]
    }

    /// The same times with the items in the order of `item_ids` (each must be a column here).
    ///
    /// # Errors
    /// [`ForensicsError::Data`] naming an item without a times column.
    pub fn with_items_in_order(&self, item_ids: &[String]) -> Result<TimeMatrix, ForensicsError> {
        let columns = item_ids
            .iter()
            .map(|id| {
                self.item_ids.iter().position(|x| x == id).ok_or_else(|| {
                    ForensicsError::Data(format!("item `{id}` has no column in the times"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let pick = |cells: &[Option<f64>]| -> Vec<Option<f64>> {
            (0..self.n_persons())
                .flat_map(|p| {
                    let row = &cells[p * self.n_items()..(p + 1) * self.n_items()];
                    columns.iter().map(move |&c| row[c])
                })
                .collect()
        };
        Ok(TimeMatrix {
            item_ids: item_ids.to_vec(),
            person_ids: self.person_ids.clone(),
            seconds: pick(&self.seconds),
            log_seconds: pick(&self.log_seconds),
        })
    }
}

fn check_item_ids(ids: &[String]) -> Result<(), ForensicsError> {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if id.is_empty() {
            return Err(ForensicsError::Data("an empty item id in the times".into()));
        }
        if !seen.insert(id) {
            return Err(ForensicsError::Data(format!(
                "item `{id}` has two columns in the times"
            )));
        }
    }
    Ok(())
}

/// Splits one CSV line into fields; a double-quoted field may hold commas and `""` for a quote.
fn split_fields(line: &str, line_no: usize) -> Result<Vec<String>, ForensicsError> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        let field = fields.last_mut().expect("at least one field");
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (',', false) => fields.push(String::new()),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err(ForensicsError::Data(format!(
            "times line {line_no}: an unterminated quoted field"
        )));
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seconds_and_log_seconds() {
        let csv = "person,\"q,1\",q2\r\nann,12.5,\nbob,NA,3\n\n";
        let m = TimeMatrix::from_csv(csv, TimeUnit::Seconds).unwrap();
        assert_eq!(m.item_ids(), &["q,1".to_string(), "q2".to_string()]);
        assert_eq!(
            m.person_ids().unwrap(),
            &["ann".to_string(), "bob".to_string()]
        );
        assert_eq!(m.seconds(0), &[Some(12.5), None]);
        assert_eq!(m.log_seconds(1), &[None, Some(3f64.ln())]);
        let logs = TimeMatrix::from_csv("a\n0\n-1.5\n", TimeUnit::LogSeconds).unwrap();
        assert_eq!(logs.seconds(0), &[Some(1.0)]);
        assert_eq!(logs.n_persons(), 2);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = TimeMatrix::from_csv("a,b\n1,x\n", TimeUnit::Seconds).unwrap_err();
        assert!(e.to_string().contains("line 2, column 2"), "{e}");
        let e = TimeMatrix::from_csv("a,b\n1\n", TimeUnit::Seconds).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        let e = TimeMatrix::from_csv("a\n0\n", TimeUnit::Seconds).unwrap_err();
        assert!(e.to_string().contains("positive"), "{e}");
        assert!(TimeMatrix::from_csv("a,a\n1,1\n", TimeUnit::Seconds).is_err());
        assert!(TimeMatrix::from_csv("\"a\n", TimeUnit::Seconds).is_err());
        assert!(TimeMatrix::from_csv("", TimeUnit::Seconds).is_err());
    }

    #[test]
    fn reorders_columns() {
        let m = TimeMatrix::from_csv("b,a\n2,1\n4,3\n", TimeUnit::Seconds).unwrap();
        let ordered = m
            .with_items_in_order(&["a".to_string(), "b".to_string()])
            .unwrap();
        assert_eq!(ordered.seconds(1), &[Some(3.0), Some(4.0)]);
        assert!(m.with_items_in_order(&["c".to_string()]).is_err());
    }
}
