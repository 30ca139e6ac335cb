//! Scored responses: persons × items, 0 or 1, with missing cells.

use item_bank::irt::ResponseMatrix;

use super::ForensicsError;

/// Scored responses of persons to dichotomous items: `Some(0)`, `Some(1)` or `None` (not presented).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scores {
    n_items: usize,
    cells: Vec<Option<u8>>,
}

impl Scores {
    /// Builds the matrix from rows of equal length.
    ///
    /// # Errors
    /// [`ForensicsError::Data`] for a row of another length or a score other than 0 and 1, naming the
    /// row and item (1-based).
    pub fn new(rows: &[Vec<Option<u8>>]) -> Result<Scores, ForensicsError> {
        let n_items = rows.first().map_or(0, Vec::len);
        let mut cells = Vec::with_capacity(rows.len() * n_items);
        for (r, row) in rows.iter().enumerate() {
            if row.len() != n_items {
                return Err(ForensicsError::Data(format!(
                    "row {}: {} scores, the first row has {n_items}",
                    r + 1,
                    row.len()
                )));
            }
            if let Some(i) = row.iter().position(|x| x.is_some_and(|x| x > 1)) {
                return Err(ForensicsError::Data(format!(
                    "row {}, item {}: score {} is not 0 or 1",
                    r + 1,
                    i + 1,
                    row[i].unwrap_or_default()
                )));
            }
            cells.extend_from_slice(row);
        }
        Ok(Scores { n_items, cells })
    }

    /// The scores of a response matrix read by `item_bank` (one row per person: every weight must be
    /// 1, so a table of patterns with frequencies is refused).
    ///
    /// # Errors
    /// As [`Scores::new`]; also [`ForensicsError::Data`] for a row weight other than 1.
    pub fn from_matrix(matrix: &ResponseMatrix) -> Result<Scores, ForensicsError> {
        if let Some(r) = matrix.weights().iter().position(|&w| w != 1.0) {
            return Err(ForensicsError::Data(format!(
                "row {}: a frequency of {}; the forensics need one row per person",
                r + 1,
                matrix.weights()[r]
            )));
        }
        let rows: Vec<Vec<Option<u8>>> = (0..matrix.n_persons()).map(|p| matrix.row(p)).collect();
        let mut scores = Scores::new(&rows)?;
        scores.n_items = matrix.n_items();
        Ok(scores)
    }

    /// Number of persons.
    pub fn n_persons(&self) -> usize {
        self.cells.len().checked_div(self.n_items).unwrap_or(0)
    }
    /// Number of items.
    pub fn n_items(&self) -> usize {
        self.n_items
    }
    /// One person's scores.
    pub fn row(&self, person: usize) -> &[Option<u8>] {
        &self.cells[person * self.n_items..(person + 1) * self.n_items]
    }
    /// The rows of the first `n` persons (all of them if fewer).
    pub fn first(&self, n: usize) -> Scores {
        let n = n.min(self.n_persons());
        Scores {
            n_items: self.n_items,
            cells: self.cells[..n * self.n_items].to_vec(),
        }
    }
    /// Sets one cell.
    ///
    /// # Panics
    /// If the indices are out of range or the score is not 0 or 1.
    pub fn set(&mut self, person: usize, item: usize, score: Option<u8>) {
        assert!(score.is_none_or(|x| x <= 1), "a score is 0 or 1");
        assert!(item < self.n_items, "item out of range");
        self.cells[person * self.n_items + item] = score;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_response_matrix_and_refuses_frequencies() {
        let m = ResponseMatrix::from_csv("person,a,b\np1,1,\np2,0,1\n").unwrap();
        let s = Scores::from_matrix(&m).unwrap();
        assert_eq!((s.n_persons(), s.n_items()), (2, 2));
        assert_eq!(s.row(0), &[Some(1), None]);
        let freq = ResponseMatrix::from_csv("a,freq\n1,3\n").unwrap();
        assert!(Scores::from_matrix(&freq).is_err());
        let poly = ResponseMatrix::from_csv("a,b\n1,2\n").unwrap();
        let e = Scores::from_matrix(&poly).unwrap_err();
        assert!(e.to_string().contains("row 1, item 2"), "{e}");
        let empty = ResponseMatrix::from_csv("a,b\n").unwrap();
        assert_eq!(Scores::from_matrix(&empty).unwrap().n_items(), 2);
    }

    #[test]
    fn subsets_and_edits() {
        let mut s = Scores::new(&[vec![Some(1), Some(0)], vec![Some(0), None]]).unwrap();
        s.set(1, 1, Some(1));
        assert_eq!(s.row(1), &[Some(0), Some(1)]);
        assert_eq!(s.first(1).n_persons(), 1);
        assert!(Scores::new(&[vec![Some(1)], vec![]]).is_err());
    }
}
