//! Answer copying for ordered pairs (source, copier): Wollack's (1997) `ω` and the generalized
//! binomial test (GBT, van der Linden & Sotaridona, 2006), as aberrance's
//! `detect_ac(method = c("OMG_S", "GBT_S"))` computes them from item scores.
//!
//! The copier's ability `θ_c` is estimated from the copier's own scores
//! ([`super::estimate::theta`]). Over the items presented to both, let `m_i = 1` when the two scores
//! are equal and `π_i = P(the copier scores what the source scored | θ_c)`, i.e. `P_i(θ_c)` where the
//! source is right and `1 − P_i(θ_c)` where the source is wrong. Then
//!
//! * `ω = (Σ m_i − Σ π_i) / √(Σ π_i (1 − π_i))`, with the upper normal p-value `P(Z ≥ ω)`;
//! * the GBT statistic is the number of equal scores `M = Σ m_i`, and its p-value is the exact upper
//!   tail `P(Σ B_i ≥ M)` for independent `B_i ~ Bernoulli(π_i)` (aberrance reports this p-value as the
//!   statistic).
//!
//! Both are one-sided: agreement beyond chance given the copier's ability. The statistics are not
//! symmetric, so each unordered pair gives two ordered pairs.
//!
//! # Which pairs
//! Within a centre sitting every ordered pair is computed ([`Copying::all_pairs`]). For an online
//! sitting, or across sittings, [`screen`] first picks, by answer similarity alone and with bit
//! operations, the few partners most similar to each person, and the statistics are computed for
//! those pairs only ([`Copying::pairs`]).

use serde::Serialize;

use super::ForensicsError;
use super::estimate;
use super::items::ItemSet;
use super::scores::Scores;
use super::special::normal_upper;

/// The copying statistics of one ordered pair. Indices are rows of the scores (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairStats {
    /// The row whose answers may have been copied.
    pub source: usize,
    /// The row who may have copied.
    pub copier: usize,
    /// Items presented to both.
    pub common: usize,
    /// `ω`; `NaN` when undefined (no common item, or no variance).
    pub omega: f64,
    /// `P(Z ≥ ω)`.
    pub p_omega: f64,
    /// The GBT statistic: the number of equal scores.
    pub matches: usize,
    /// The GBT p-value `P(Σ B_i ≥ matches)`.
    pub p_gbt: f64,
}

/// Which ordered pairs to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Every ordered pair: a centre sitting.
    All,
    /// The pairs [`screen`] picks, both orders: an online sitting, or several sittings.
    Screened {
        /// Partners kept per person.
        per_person: usize,
        /// Items both must have been presented.
        min_common: usize,
    },
}

impl Selection {
    /// The screen of an online sitting: each person's 5 most similar partners among those sharing at
    /// least 20 items.
    pub const ONLINE: Selection = Selection::Screened {
        per_person: 5,
        min_common: 20,
    };
}

/// The statistics of the ordered pairs `selection` picks among the persons of `scores`.
///
/// # Errors
/// As [`Copying::new`].
pub fn detect(
    items: &ItemSet,
    scores: &Scores,
    selection: Selection,
) -> Result<Vec<PairStats>, ForensicsError> {
    let copying = Copying::new(items, scores)?;
    Ok(match selection {
        Selection::All => copying.all_pairs(),
        Selection::Screened {
            per_person,
            min_common,
        } => copying.pairs(&screen(scores, per_person, min_common)),
    })
}

/// The abilities and response probabilities of a group of persons, from which the statistics of any
/// pair of them are computed.
#[derive(Debug, Clone)]
pub struct Copying<'a> {
    scores: &'a Scores,
    thetas: Vec<f64>,
    /// `P_i(θ_p)`, row-major persons × items.
    probs: Vec<f64>,
    /// The scores as bytes, row-major, when every cell is presented (the fast path of a sitting).
    complete: Option<Vec<u8>>,
}

/// Scratch space reused across pairs. Both ordered pairs of an unordered pair are computed together:
/// they share the items in common, the number of equal scores and so the shape of the recursion, and
/// each slot holds `[a → b, b → a]`.
#[derive(Default)]
struct Scratch {
    pi: Vec<[f64; 2]>,
    current: Vec<[f64; 2]>,
    next: Vec<[f64; 2]>,
}

impl<'a> Copying<'a> {
    /// Estimates every person's ability and prepares the probabilities.
    ///
    /// # Errors
    /// [`ForensicsError::Mismatch`] when the scores and items differ in number of items.
    pub fn new(items: &ItemSet, scores: &'a Scores) -> Result<Copying<'a>, ForensicsError> {
        super::check_scores(items, scores)?;
        let n = items.len();
        let thetas: Vec<f64> = (0..scores.n_persons())
            .map(|p| estimate::theta(items, scores.row(p)))
            .collect();
        let mut probs = Vec::with_capacity(thetas.len() * n);
        for &theta in &thetas {
            probs.extend((0..n).map(|i| items.prob(i, theta)));
        }
        let complete = (0..scores.n_persons())
            .flat_map(|p| scores.row(p).iter().copied())
            .collect::<Option<Vec<u8>>>();
        Ok(Copying {
            scores,
            thetas,
            probs,
            complete,
        })
    }

    /// The estimated abilities, one per row.
    pub fn thetas(&self) -> &[f64] {
        &self.thetas
    }

    /// The statistics of one ordered pair.
    ///
    /// # Panics
    /// If an index is out of range.
    pub fn pair(&self, source: usize, copier: usize) -> PairStats {
        let [forward, _] = self.both_ways(source, copier, &mut Scratch::default());
        forward
    }

    /// Every ordered pair of distinct rows, by source, then copier.
    pub fn all_pairs(&self) -> Vec<PairStats> {
        let n = self.scores.n_persons();
        let slot = |source: usize, copier: usize| {
            source * (n - 1) + if copier > source { copier - 1 } else { copier }
        };
        let mut scratch = Scratch::default();
        let mut out = vec![None; n * n.saturating_sub(1)];
        for a in 0..n {
            for b in a + 1..n {
                let [ab, ba] = self.both_ways(a, b, &mut scratch);
                out[slot(a, b)] = Some(ab);
                out[slot(b, a)] = Some(ba);
            }
        }
        out.into_iter()
            .map(|s| s.expect("every ordered pair is computed"))
            .collect()
    }

    /// Both ordered pairs of each unordered pair `(a, b)` of `pairs` (e.g. from [`screen`]): `(a, b)`
    /// then `(b, a)`.
    pub fn pairs(&self, pairs: &[(usize, usize)]) -> Vec<PairStats> {
        let mut scratch = Scratch::default();
        pairs
            .iter()
            .flat_map(|&(a, b)| self.both_ways(a, b, &mut scratch))
            .collect()
    }

    /// `[(a → b), (b → a)]`: source `a` with copier `b`, then source `b` with copier `a`.
    fn both_ways(&self, a: usize, b: usize, scratch: &mut Scratch) -> [PairStats; 2] {
        let n = self.scores.n_items();
        let (pa, pb) = (
            &self.probs[a * n..(a + 1) * n],
            &self.probs[b * n..(b + 1) * n],
        );
        // π of copier b reproducing a's score, and of copier a reproducing b's.
        let pi = |xa: u8, xb: u8, pa: f64, pb: f64| {
            [
                if xa == 1 { pb } else { 1.0 - pb },
                if xb == 1 { pa } else { 1.0 - pa },
            ]
        };
        scratch.pi.clear();
        let observed = if let Some(all) = &self.complete {
            let (xa, xb) = (&all[a * n..(a + 1) * n], &all[b * n..(b + 1) * n]);
            scratch.pi.extend(
                xa.iter()
                    .zip(xb)
                    .zip(pa.iter().zip(pb))
                    .map(|((&xa, &xb), (&pa, &pb))| pi(xa, xb, pa, pb)),
            );
            xa.iter().zip(xb).filter(|(x, y)| x == y).count()
        } else {
            let (xa, xb) = (self.scores.row(a), self.scores.row(b));
            let mut observed = 0;
            for ((xa, xb), (&pa, &pb)) in xa.iter().zip(xb).zip(pa.iter().zip(pb)) {
                if let (Some(xa), Some(xb)) = (*xa, *xb) {
                    observed += usize::from(xa == xb);
                    scratch.pi.push(pi(xa, xb, pa, pb));
                }
            }
            observed
        };
        let common = scratch.pi.len();
        let (expected, variance) = moments(&scratch.pi);
        let p_gbt = if common == 0 {
            [f64::NAN; 2]
        } else {
            upper_tail(
                &scratch.pi,
                observed,
                &mut scratch.current,
                &mut scratch.next,
            )
        };
        let stats = |d: usize, source: usize, copier: usize| {
            let omega = if common == 0 || variance[d] <= 0.0 {
                f64::NAN
            } else {
                (observed as f64 - expected[d]) / variance[d].sqrt()
            };
            PairStats {
                source,
                copier,
                common,
                omega,
                p_omega: normal_upper(omega),
                matches: observed,
                p_gbt: p_gbt[d],
            }
        };
        [stats(0, a, b), stats(1, b, a)]
    }
}

/// `(Σ π_i, Σ π_i (1 − π_i))` of each direction, two items at a time.
fn moments(pi: &[[f64; 2]]) -> ([f64; 2], [f64; 2]) {
    let mut sum = [[0.0; 2]; 2];
    let mut var = [[0.0; 2]; 2];
    for (i, p) in pi.iter().enumerate() {
        for d in 0..2 {
            sum[i % 2][d] += p[d];
            var[i % 2][d] += p[d] * (1.0 - p[d]);
        }
    }
    (
        [sum[0][0] + sum[1][0], sum[0][1] + sum[1][1]],
        [var[0][0] + var[1][0], var[0][1] + var[1][1]],
    )
}

/// `P(Σ B_i ≥ k)` for independent `B_i ~ Bernoulli(pi[i][d])`, for both `d` at once, exactly, by the
/// recursion over items of the distribution of the count of successes, with "`k` or more" an
/// absorbing state.
///
/// Only live states are kept: after `t` items, a count below `k − (n − t)` can no longer reach `k`, and
/// one above `t` cannot have happened yet. The live band is at most `min(k, n − k) + 1` wide, so a pair
/// costs `O(n · min(k, n − k + 1))`; the answer is a sum of positive terms (no cancellation). Items
/// are taken two at a time (a three-term step), which halves the passes over the band.
fn upper_tail(
    pi: &[[f64; 2]],
    k: usize,
    current: &mut Vec<[f64; 2]>,
    next: &mut Vec<[f64; 2]>,
) -> [f64; 2] {
    /// Buffer slot of state `j` is `j + PAD`; the two slots below state 0 stay 0.
    const PAD: usize = 2;
    let n = pi.len();
    if k == 0 {
        return [1.0; 2];
    }
    if k > n {
        return [0.0; 2];
    }
    // Every slot starts at 0: states above the live band are read as 0.
    for buffer in [&mut *current, &mut *next] {
        buffer.clear();
        buffer.resize(k + 1 + PAD, [0.0; 2]);
    }
    current[PAD] = [1.0; 2];
    // The live states of `current` are lo..=hi after `done` items.
    let (mut lo, mut hi, mut done) = (0, 0, 0);
    for step in pi.chunks(2) {
        // The probabilities that the step adds 0, 1 or 2 successes, in each direction.
        let (mut c0, mut c1, mut c2) = ([0.0; 2], [0.0; 2], [0.0; 2]);
        for d in 0..2 {
            (c0[d], c1[d], c2[d]) = match *step {
                [p1, p2] => (
                    (1.0 - p1[d]) * (1.0 - p2[d]),
                    p1[d] * (1.0 - p2[d]) + (1.0 - p1[d]) * p2[d],
                    p1[d] * p2[d],
                ),
                [p] => (1.0 - p[d], p[d], 0.0),
                _ => unreachable!("chunks of one or two"),
            };
        }
        done += step.len();
        let new_lo = k.saturating_sub(n - done);
        let new_hi = (hi + step.len()).min(k);
        // States below the absorbing one. Their sources j, j − 1, j − 2 are live, padding or (with
        // c2 = 0 on a single last item) multiplied by 0.
        let top = new_hi.min(k - 1);
        if new_lo <= top {
            let (a, b) = (new_lo + PAD, top + PAD);
            for (((out, here), one), two) in next[a..=b]
                .iter_mut()
                .zip(&current[a..=b])
                .zip(&current[a - 1..b])
                .zip(&current[a - 2..b - 1])
            {
                for d in 0..2 {
                    out[d] = c0[d] * here[d] + c1[d] * one[d] + c2[d] * two[d];
                }
            }
        }
        if new_hi == k {
            let live = |j: usize| {
                if (lo..=hi).contains(&j) {
                    current[j + PAD]
                } else {
                    [0.0; 2]
                }
            };
            let (at, one) = (live(k), live(k - 1));
            let two = if k >= 2 { live(k - 2) } else { [0.0; 2] };
            for d in 0..2 {
                next[k + PAD][d] = at[d] + (c1[d] + c2[d]) * one[d] + c2[d] * two[d];
            }
        }
        std::mem::swap(current, next);
        (lo, hi) = (new_lo, new_hi);
    }
    current[k + PAD]
}

/// Picks the unordered pairs `(a, b)`, `a < b`, whose copying statistics are worth computing when
/// computing every pair is too much (an online sitting, or candidates of several sittings).
///
/// The rule, by answer similarity alone: for each pair with at least `min_common` items presented to
/// both, count the equal scores `m` among those `k` items, and compare it with what independent
/// answering gives when each person is right on the common items at their own rate `r_a`, `r_b`:
/// `e = r_a r_b + (1 − r_a)(1 − r_b)`, `z = (m − k e) / √(k e (1 − e))`. Each person keeps the
/// `per_person` partners of highest `z` (ties to the lower row); a pair is screened in when either
/// member keeps the other. So at most `per_person × persons` pairs come out, sorted, and every
/// person's most similar partners get the exact statistics.
///
/// The expectation treats the items as equally hard, which understates chance agreement on a test of
/// varied difficulty; that shifts every pair's `z` alike and does not change who is most similar. The
/// work is bit operations on packed patterns: `O(persons² · items / 64)`. On a simulated sitting of
/// 500 × 60 with ten planted copiers (each copying 40 % of a source's answers), every copier that the
/// full statistics detect at 1 % is among the pairs `screen(scores, 5, 20)` keeps (a unit test).
pub fn screen(scores: &Scores, per_person: usize, min_common: usize) -> Vec<(usize, usize)> {
    let n = scores.n_persons();
    if per_person == 0 || n < 2 {
        return Vec::new();
    }
    let words = scores.n_items().div_ceil(64);
    let mut presented = vec![0u64; n * words];
    let mut right = vec![0u64; n * words];
    for p in 0..n {
        for (i, x) in scores.row(p).iter().enumerate() {
            if let Some(x) = *x {
                presented[p * words + i / 64] |= 1 << (i % 64);
                if x == 1 {
                    right[p * words + i / 64] |= 1 << (i % 64);
                }
            }
        }
    }
    // best[p]: the kept partners of p, as (z, partner), highest z first.
    let mut best: Vec<Vec<(f64, usize)>> = vec![Vec::with_capacity(per_person + 1); n];
    for a in 0..n {
        let (pa, ra) = (
            &presented[a * words..][..words],
            &right[a * words..][..words],
        );
        for b in a + 1..n {
            let (pb, rb) = (
                &presented[b * words..][..words],
                &right[b * words..][..words],
            );
            let (mut common, mut equal, mut right_a, mut right_b) = (0u32, 0u32, 0u32, 0u32);
            for w in 0..words {
                let both = pa[w] & pb[w];
                common += both.count_ones();
                equal += (both & !(ra[w] ^ rb[w])).count_ones();
                right_a += (both & ra[w]).count_ones();
                right_b += (both & rb[w]).count_ones();
            }
            if (common as usize) < min_common.max(1) {
                continue;
            }
            let k = f64::from(common);
            let (r_a, r_b) = (f64::from(right_a) / k, f64::from(right_b) / k);
            let e = r_a * r_b + (1.0 - r_a) * (1.0 - r_b);
            let spread = (k * e * (1.0 - e)).sqrt();
            let excess = f64::from(equal) - k * e;
            // No spread (both all right or all wrong): as similar as possible, ranked first.
            let z = if spread > 0.0 {
                excess / spread
            } else {
                f64::INFINITY
            };
            keep(&mut best[a], (z, b), per_person);
            keep(&mut best[b], (z, a), per_person);
        }
    }
    let mut pairs: Vec<(usize, usize)> = best
        .iter()
        .enumerate()
        .flat_map(|(p, kept)| kept.iter().map(move |&(_, q)| (p.min(q), p.max(q))))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Inserts `candidate` into `kept` (sorted by z descending, then partner ascending) and keeps the
/// first `limit`.
fn keep(kept: &mut Vec<(f64, usize)>, candidate: (f64, usize), limit: usize) {
    let before = |x: &(f64, usize), y: &(f64, usize)| x.0 > y.0 || (x.0 == y.0 && x.1 < y.1);
    if kept.len() == limit && !before(&candidate, &kept[limit - 1]) {
        return;
    }
    let at = kept
        .iter()
        .position(|x| before(&candidate, x))
        .unwrap_or(kept.len());
    kept.insert(at, candidate);
    kept.truncate(limit);
}

#[cfg(test)]
mod tests {
    use super::*;
    use item_bank::irt::ItemParams;
    use proptest::prelude::*;

    /// The full distribution of a count, as the reference computes it, summed from `k`.
    fn upper_tail_by_full_distribution(pi: &[f64], k: usize) -> f64 {
        let mut f = vec![1.0];
        for &p in pi {
            let mut g = vec![0.0; f.len() + 1];
            for (j, &v) in f.iter().enumerate() {
                g[j] += (1.0 - p) * v;
                g[j + 1] += p * v;
            }
            f = g;
        }
        f[k.min(f.len())..].iter().sum()
    }

    /// The tail of `pi` (and, in the second lane, of the complements).
    fn tails(pi: &[f64], k: usize) -> [f64; 2] {
        let both: Vec<[f64; 2]> = pi.iter().map(|&p| [p, 1.0 - p]).collect();
        upper_tail(&both, k, &mut Vec::new(), &mut Vec::new())
    }

    fn tail(pi: &[f64], k: usize) -> f64 {
        tails(pi, k)[0]
    }

    #[test]
    fn tail_edges() {
        assert_eq!(tail(&[0.3, 0.4], 0), 1.0);
        assert_eq!(tail(&[0.3, 0.4], 3), 0.0);
        assert!((tail(&[0.3, 0.4], 2) - 0.12).abs() < 1e-15);
        assert!((tail(&[0.3, 0.4], 1) - (1.0 - 0.7 * 0.6)).abs() < 1e-15);
        assert!((tail(&[0.5; 10], 10) - 0.5f64.powi(10)).abs() < 1e-18);
    }

    fn group() -> (ItemSet, Scores) {
        let params: Vec<ItemParams> = (0..12)
            .map(|i| ItemParams::three_pl(1.0, -1.5 + 0.25 * f64::from(i), 0.2).unwrap())
            .collect();
        let rows = vec![
            vec![
                Some(1),
                Some(1),
                Some(1),
                Some(0),
                Some(1),
                Some(0),
                Some(1),
                Some(0),
                Some(0),
                Some(1),
                Some(0),
                Some(0),
            ],
            vec![
                Some(1),
                Some(1),
                Some(1),
                Some(0),
                Some(1),
                Some(0),
                Some(1),
                Some(0),
                Some(0),
                Some(1),
                Some(0),
                None,
            ],
            vec![
                Some(1),
                Some(0),
                Some(1),
                Some(1),
                Some(0),
                Some(1),
                Some(0),
                Some(1),
                Some(1),
                Some(0),
                Some(0),
                Some(1),
            ],
            vec![None; 12],
        ];
        (
            ItemSet::new(&params, None).unwrap(),
            Scores::new(&rows).unwrap(),
        )
    }

    #[test]
    fn identical_answers_are_flagged_and_pairs_are_ordered() {
        let (items, scores) = group();
        let c = Copying::new(&items, &scores).unwrap();
        let twin = c.pair(0, 1);
        assert_eq!((twin.common, twin.matches), (11, 11));
        assert!(twin.omega > 1.5 && twin.p_gbt < 0.05, "{twin:?}");
        let unlike = c.pair(0, 2);
        assert!(unlike.omega < 0.0 && unlike.p_gbt > 0.5, "{unlike:?}");
        let empty = c.pair(3, 0);
        assert_eq!(empty.common, 0);
        assert!(empty.omega.is_nan() && empty.p_gbt.is_nan());
        let all = c.all_pairs();
        assert_eq!(all.len(), 12);
        assert_eq!((all[0].source, all[0].copier), (0, 1));
        assert_eq!((all[3].source, all[3].copier), (1, 0));
        assert_eq!(c.pairs(&[(0, 2)]), vec![c.pair(0, 2), c.pair(2, 0)]);
    }

    #[test]
    fn the_screen_keeps_each_persons_most_similar_partners() {
        let (_, scores) = group();
        let pairs = screen(&scores, 1, 5);
        assert!(pairs.contains(&(0, 1)), "{pairs:?}");
        assert!(
            pairs.iter().all(|&(a, b)| a < b && b != 3),
            "no common item with row 3"
        );
        assert!(screen(&scores, 0, 5).is_empty());
        assert_eq!(screen(&scores, 5, 1).len(), 3);
    }

    #[test]
    fn the_screen_keeps_the_planted_copiers_the_statistics_detect() {
        use item_bank::irt::{Design, simulate};
        let params: Vec<ItemParams> = (0..60)
            .map(|i| {
                let t = f64::from(i) / 60.0;
                ItemParams::three_pl(0.7 + 0.8 * t, 2.0 - 4.0 * ((7.0 * t) % 1.0), 0.2).unwrap()
            })
            .collect();
        let sim = simulate(&params, 500, 11, Design::Complete);
        let rows: Vec<Vec<Option<u8>>> = (0..500).map(|p| sim.row(p)).collect();
        let mut scores = Scores::new(&rows).unwrap();
        // Ten copiers each take 40 % of the answers (24 items, a different stretch each) of a source.
        let planted: Vec<(usize, usize)> = (0..10).map(|k| (20 * k + 3, 20 * k + 250)).collect();
        for (k, &(source, copier)) in planted.iter().enumerate() {
            for i in (0..24).map(|j| (j + 3 * k) % 60) {
                scores.set(copier, i, scores.row(source)[i]);
            }
        }
        let pairs = screen(&scores, 5, 20);
        assert!(pairs.len() <= 5 * 500);
        let copying = Copying::new(&ItemSet::new(&params, None).unwrap(), &scores).unwrap();
        let detected: Vec<&(usize, usize)> = planted
            .iter()
            .filter(|&&(s, c)| {
                let stats = copying.pair(s, c);
                stats.p_omega < 0.01 && stats.p_gbt < 0.01
            })
            .collect();
        // Copying 40 % is not always visible: here 7 of the 10 copiers stand out at 1 %, enough for
        // the check below not to be vacuous.
        assert!(detected.len() >= 7, "{detected:?}");
        for pair in detected {
            assert!(pairs.contains(pair), "{pair:?} not screened in");
        }
    }

    proptest! {
        #[test]
        fn complete_and_incomplete_data_take_the_same_path(rows in proptest::collection::vec(proptest::collection::vec(0u8..=1, 12), 2..5)) {
            let (items, _) = group();
            let complete: Vec<Vec<Option<u8>>> = rows.iter().map(|r| r.iter().copied().map(Some).collect()).collect();
            let mut with_gap = complete.clone();
            with_gap.push(vec![None; 12]);
            let (a, b) = (Scores::new(&complete).unwrap(), Scores::new(&with_gap).unwrap());
            let (fast, general) = (Copying::new(&items, &a).unwrap(), Copying::new(&items, &b).unwrap());
            for s in 0..complete.len() {
                for c in (0..complete.len()).filter(|&c| c != s) {
                    let (x, y) = (fast.pair(s, c), general.pair(s, c));
                    prop_assert_eq!(x.matches, y.matches);
                    prop_assert!((x.omega - y.omega).abs() < 1e-12 || (x.omega.is_nan() && y.omega.is_nan()));
                    prop_assert!((x.p_gbt - y.p_gbt).abs() < 1e-15);
                }
            }
        }

        #[test]
        fn the_truncated_tail_is_the_full_distributions(pi in proptest::collection::vec(0.01f64..0.99, 1..70), k in 0usize..72) {
            let ours = tails(&pi, k);
            let complements: Vec<f64> = pi.iter().map(|p| 1.0 - p).collect();
            for (got, of) in ours.into_iter().zip([&pi, &complements]) {
                let full = upper_tail_by_full_distribution(of, k);
                prop_assert!((got - full).abs() <= 1e-12 * full.max(1e-300) + 1e-15, "{got} vs {full}");
                prop_assert!((0.0..=1.0 + 1e-12).contains(&got));
            }
        }

        #[test]
        fn p_values_are_probabilities(rows in proptest::collection::vec(proptest::collection::vec(proptest::option::weighted(0.9, 0u8..=1), 12), 2..6)) {
            let (items, _) = group();
            let scores = Scores::new(&rows).unwrap();
            let c = Copying::new(&items, &scores).unwrap();
            for s in c.all_pairs() {
                if s.common > 0 {
                    prop_assert!((0.0..=1.0).contains(&s.p_gbt));
                    prop_assert!(s.omega.is_nan() || (0.0..=1.0).contains(&s.p_omega));
                    prop_assert!(s.matches <= s.common);
                }
            }
        }
    }
}
