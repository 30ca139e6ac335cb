//! Rapid guessing by the normative threshold method (Wise & Ma, 2012) and response-time effort (Wise &
//! Kong, 2005), as aberrance's `detect_rg(method = "NT")` computes them.
//!
//! * The threshold of item `i` is `nt`% of its mean response time in seconds over the persons with a
//!   time (`nt = 10`: NT10), then clamped to [`Limits`] — by default `[0, ∞)`, i.e. no cap, as
//!   aberrance's `limits = c(0, Inf)`. Outliers are not removed (aberrance's default `outlier = 100`).
//! * A response faster than its item's threshold (strictly) is a rapid guess.
//! * A person's response-time effort (RTE) is the share of their timed responses that are not rapid
//!   guesses; `NaN` for a person without any time.

use std::cmp::Ordering;

use serde::Serialize;

use super::ForensicsError;
use super::times::TimeMatrix;

/// Bounds every threshold is clamped to, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    /// The smallest threshold. Default 0.
    pub min_seconds: f64,
    /// The largest threshold. Default ∞ (no cap).
    pub max_seconds: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            min_seconds: 0.0,
            max_seconds: f64::INFINITY,
        }
    }
}

/// The thresholds of every item and the effort of every person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RapidGuessing {
    /// Threshold of each item in seconds; `NaN` for an item nobody has a time on.
    pub thresholds: Vec<f64>,
    /// Response-time effort of each person, in `[0, 1]`.
    pub rte: Vec<f64>,
}

/// The normative thresholds (`nt`% of each item's mean time) clamped to `limits`.
///
/// # Errors
/// [`ForensicsError::Params`] when `nt` is not in `[0, 100]` or the limits are not ordered.
pub fn nt_thresholds(
    times: &TimeMatrix,
    nt: f64,
    limits: Limits,
) -> Result<Vec<f64>, ForensicsError> {
    if !(0.0..=100.0).contains(&nt) {
        return Err(ForensicsError::Params(format!(
            "nt is a percentage in [0, 100], got {nt}"
        )));
    }
    let ordered = limits.min_seconds.partial_cmp(&limits.max_seconds);
    if !matches!(ordered, Some(Ordering::Less | Ordering::Equal)) {
        return Err(ForensicsError::Params(
            "the threshold limits must be ordered".into(),
        ));
    }
    let mut sums = vec![(0.0, 0usize); times.n_items()];
    for p in 0..times.n_persons() {
        for (sum, t) in sums.iter_mut().zip(times.seconds(p)) {
            if let Some(t) = *t {
                sum.0 += t;
                sum.1 += 1;
            }
        }
    }
    Ok(sums
        .into_iter()
        .map(|(sum, n)| {
            let threshold = sum / n as f64 * nt / 100.0;
            if threshold.is_nan() {
                threshold // nobody has a time on the item
            } else {
                threshold.clamp(limits.min_seconds, limits.max_seconds)
            }
        })
        .collect())
}

/// The response-time effort of each person given the item thresholds.
///
/// # Panics
/// If `thresholds` has another length than the items of `times`.
pub fn effort(times: &TimeMatrix, thresholds: &[f64]) -> Vec<f64> {
    assert_eq!(thresholds.len(), times.n_items(), "one threshold per item");
    (0..times.n_persons())
        .map(|p| {
            let (mut timed, mut rapid) = (0usize, 0usize);
            for (t, &threshold) in times.seconds(p).iter().zip(thresholds) {
                if let Some(t) = *t {
                    timed += 1;
                    rapid += usize::from(t < threshold);
                }
            }
            1.0 - rapid as f64 / timed as f64
        })
        .collect()
}

/// Thresholds and efforts in one call.
///
/// # Errors
/// As [`nt_thresholds`].
pub fn detect(
    times: &TimeMatrix,
    nt: f64,
    limits: Limits,
) -> Result<RapidGuessing, ForensicsError> {
    let thresholds = nt_thresholds(times, nt, limits)?;
    let rte = effort(times, &thresholds);
    Ok(RapidGuessing { thresholds, rte })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forensics::times::TimeUnit;
    use proptest::prelude::*;

    fn matrix(rows: &[Vec<Option<f64>>]) -> TimeMatrix {
        let ids = (0..rows[0].len()).map(|i| format!("i{i}")).collect();
        TimeMatrix::new(ids, None, rows, TimeUnit::Seconds).unwrap()
    }

    #[test]
    fn ten_percent_of_the_mean_and_strictly_faster() {
        let t = matrix(&[
            vec![Some(10.0), Some(100.0), None],
            vec![Some(30.0), Some(5.0), None],
            vec![Some(2.0), Some(200.0), None],
        ]);
        let out = detect(&t, 10.0, Limits::default()).unwrap();
        assert!((out.thresholds[0] - 1.4).abs() < 1e-12);
        assert!((out.thresholds[1] - 10.166_666_666_666_666).abs() < 1e-12);
        assert!(out.thresholds[2].is_nan());
        assert_eq!(out.rte, vec![1.0, 0.5, 1.0]);
        let capped = detect(
            &t,
            10.0,
            Limits {
                min_seconds: 0.0,
                max_seconds: 3.0,
            },
        )
        .unwrap();
        assert_eq!(capped.thresholds[1], 3.0);
        assert!(capped.thresholds[2].is_nan());
        assert!(detect(&t, 120.0, Limits::default()).is_err());
        let nobody = effort(&matrix(&[vec![None]]), &[1.0]);
        assert!(nobody[0].is_nan());
    }

    proptest! {
        #[test]
        fn effort_is_a_share_and_falls_as_nt_rises(rows in proptest::collection::vec(proptest::collection::vec(proptest::option::weighted(0.8, 0.5f64..120.0), 6), 1..30), nt in 0.0f64..50.0) {
            let t = matrix(&rows);
            let low = detect(&t, nt, Limits::default()).unwrap();
            let high = detect(&t, nt * 2.0, Limits::default()).unwrap();
            for (a, b) in low.rte.iter().zip(&high.rte) {
                if a.is_nan() {
                    prop_assert!(b.is_nan());
                } else {
                    prop_assert!((0.0..=1.0).contains(a) && b <= a);
                }
            }
        }
    }
}
