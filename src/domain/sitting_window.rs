//! The time a sitting is open.

use chrono::{DateTime, Duration, Utc};

use super::DomainError;

/// The longest a sitting's window may last.
pub const MAX_WINDOW_DAYS: i64 = 31;

/// A sitting's window: it opens before it closes, and lasts at most [`MAX_WINDOW_DAYS`] days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SittingWindow {
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
}

impl SittingWindow {
    pub fn parse(
        opens_at: DateTime<Utc>,
        closes_at: DateTime<Utc>,
    ) -> Result<SittingWindow, DomainError> {
        if closes_at <= opens_at {
            return Err(DomainError::new("closes_at must be after opens_at"));
        }
        if closes_at - opens_at > Duration::days(MAX_WINDOW_DAYS) {
            return Err(DomainError::new(format!(
                "a sitting's window lasts at most {MAX_WINDOW_DAYS} days"
            )));
        }
        Ok(SittingWindow {
            opens_at,
            closes_at,
        })
    }

    pub fn opens_at(&self) -> DateTime<Utc> {
        self.opens_at
    }

    pub fn closes_at(&self) -> DateTime<Utc> {
        self.closes_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_opens_before_it_closes_and_is_bounded() {
        let t = Utc::now();
        let w = SittingWindow::parse(t, t + Duration::hours(3)).unwrap();
        assert_eq!((w.opens_at(), w.closes_at()), (t, t + Duration::hours(3)));
        assert!(SittingWindow::parse(t, t).is_err());
        assert!(SittingWindow::parse(t, t - Duration::hours(1)).is_err());
        assert!(SittingWindow::parse(t, t + Duration::days(MAX_WINDOW_DAYS)).is_ok());
        assert!(SittingWindow::parse(t, t + Duration::days(MAX_WINDOW_DAYS + 1)).is_err());
    }
}
