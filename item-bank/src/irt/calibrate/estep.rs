//! The E-step: response patterns collapsed and sorted into a prefix tree, the posterior of each pattern
//! over the quadrature nodes (in probability space, in log space where products underflow), and the
//! expected counts per item, category and node that the M-step maximises.

use crate::irt::data::{ResponseMatrix, is_present};

/// Collapsed response patterns in compressed rows: the entries of pattern `p` are
/// `entries[starts[p]..starts[p + 1]]`, each the row index (item offset + category) of a log-probability
/// table with `Q` columns. Patterns are sorted by their entries, and `shared[p]` is the length of the
/// common prefix with pattern `p − 1`: the E-step walks the patterns as a prefix tree, so a prefix shared
/// by many patterns is added (and its expected counts accumulated) once.
pub(super) struct Patterns {
    starts: Vec<usize>,
    pub(super) entries: Vec<u32>,
    pub(super) weights: Vec<f64>,
    shared: Vec<usize>,
}

impl Patterns {
    pub(super) fn entries(&self, p: usize) -> &[u32] {
        &self.entries[self.starts[p]..self.starts[p + 1]]
    }
}

pub(super) fn collapse(data: &ResponseMatrix, offsets: &[usize]) -> Patterns {
    // Sorting rows by their cells both brings identical rows together and orders the patterns as the
    // prefix tree wants: a missing cell (255) sorts after every category, as the entry of the next
    // presented item sorts after the entries of this one.
    let mut order: Vec<usize> = (0..data.n_persons())
        .filter(|&p| data.weights()[p] > 0.0 && data.row_cells(p).iter().any(|&c| is_present(c)))
        .collect();
    order.sort_unstable_by(|&x, &y| data.row_cells(x).cmp(data.row_cells(y)));
    let mut patterns = Patterns {
        starts: vec![0],
        entries: Vec::new(),
        weights: Vec::new(),
        shared: Vec::new(),
    };
    let mut previous: Option<&[u8]> = None;
    for p in order {
        let cells = data.row_cells(p);
        let w = data.weights()[p];
        if previous == Some(cells) {
            *patterns.weights.last_mut().expect("a previous pattern") += w;
            continue;
        }
        let start = patterns.entries.len();
        patterns.entries.extend(
            cells
                .iter()
                .enumerate()
                .filter(|&(_, &c)| is_present(c))
                .map(|(i, &c)| (offsets[i] + usize::from(c)) as u32),
        );
        let shared = match patterns.starts.len() {
            1 => 0,
            n => {
                let (done, new) = patterns.entries.split_at(start);
                done[patterns.starts[n - 2]..]
                    .iter()
                    .zip(new)
                    .take_while(|(a, b)| a == b)
                    .count()
            }
        };
        patterns.shared.push(shared);
        patterns.starts.push(patterns.entries.len());
        patterns.weights.push(w);
        previous = Some(cells);
    }
    patterns
}

/// Accumulators of one E-step pass.
pub(super) struct EStep {
    /// Expected counts, same layout as the log-probability table.
    pub(super) r: Vec<f64>,
    /// Expected number of persons at each node.
    pub(super) at_node: Vec<f64>,
    pub(super) log_likelihood: f64,
}

/// Fewest collapsed responses for which the E-step is split across threads.
pub(super) const PARALLEL_MIN_RESPONSES: usize = 1 << 20;

/// Below this log-ratio to the largest node a posterior weight is set to zero (`e^−40 ≈ 4e−18`, under
/// the rounding error of the sums it would enter).
const NEGLIGIBLE_LOG_POSTERIOR: f64 = -40.0;

/// `e^NEGLIGIBLE_LOG_POSTERIOR`, the same threshold as a ratio.
const NEGLIGIBLE_POSTERIOR_RATIO: f64 = 4.248_354_255_291_589e-18;

/// Turns log-posterior values (in `post`) into weights summing to `weight`; returns the pattern's
/// weighted log-likelihood and the range of nodes outside which the posterior is zero (see
/// [`NEGLIGIBLE_LOG_POSTERIOR`]).
#[inline]
fn normalize(post: &mut [f64], weight: f64) -> (f64, std::ops::Range<usize>) {
    let max = post.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let floor = max + NEGLIGIBLE_LOG_POSTERIOR;
    let lo = post.iter().position(|&p| p > floor).unwrap_or(0);
    let hi = post.iter().rposition(|&p| p > floor).map_or(0, |q| q + 1);
    post[..lo].iter_mut().for_each(|p| *p = 0.0);
    post[hi..].iter_mut().for_each(|p| *p = 0.0);
    // Element-wise first (vectorises), then a sum with four independent accumulators.
    let support = &mut post[lo..hi];
    for p in support.iter_mut() {
        let d = *p - max;
        *p = if d > NEGLIGIBLE_LOG_POSTERIOR {
            exp_small(d)
        } else {
            0.0
        };
    }
    let mut lanes = [0.0; 4];
    let mut chunks = support.chunks_exact(4);
    for chunk in &mut chunks {
        for (l, p) in lanes.iter_mut().zip(chunk) {
            *l += p;
        }
    }
    let sum =
        chunks.remainder().iter().sum::<f64>() + (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    let scale = weight / sum;
    support.iter_mut().for_each(|p| *p *= scale);
    (weight * (max + sum.ln()), lo..hi)
}

/// `exp(x)` for `−40 < x ≤ 0` to within 2 ulp, branch-free and call-free so that loops over nodes
/// vectorise: `x = n·ln 2 + r`, `|r| ≤ ln 2 / 2`, `e^r` by its degree-12 Taylor polynomial (truncation
/// below 2e−16), times `2^n` assembled in the exponent bits. `n` is rounded by adding and subtracting
/// `1.5·2^52`, which leaves `n` in the low mantissa bits.
#[inline]
fn exp_small(x: f64) -> f64 {
    const LN2_HI: f64 = 0.693_147_180_369_123_8;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const SHIFTER: f64 = 6_755_399_441_055_744.0;
    let shifted = x * std::f64::consts::LOG2_E + SHIFTER;
    let n = shifted - SHIFTER;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let mut p = 1.0 / 479_001_600.0;
    for k in (1..12).rev() {
        p = p * r + 1.0 / FACTORIALS[k];
    }
    p = p * r + 1.0;
    let n_bits = shifted.to_bits().wrapping_sub(SHIFTER.to_bits());
    p * f64::from_bits(n_bits.wrapping_add(1023) << 52)
}

/// `k!` for `k = 0..12`.
const FACTORIALS: [f64; 12] = [
    1.0,
    1.0,
    2.0,
    6.0,
    24.0,
    120.0,
    720.0,
    5040.0,
    40320.0,
    362_880.0,
    3_628_800.0,
    39_916_800.0,
];

/// Prior weights and response probabilities at the nodes, in both scales: `log_p[row·Q + q]` =
/// `ln P(row's response | θ_q)` and `p` its exponential; `log_w`, `w` the quadrature weights.
pub(super) struct Tables {
    log_w: Vec<f64>,
    w: Vec<f64>,
    log_p: Vec<f64>,
    p: Vec<f64>,
}

impl Tables {
    pub(super) fn new(log_p: Vec<f64>, weights: &[f64]) -> Self {
        Tables {
            log_w: weights.iter().map(|w| w.max(1e-300).ln()).collect(),
            w: weights.to_vec(),
            p: log_p.iter().map(|l| l.exp()).collect(),
            log_p,
        }
    }

    fn nodes(&self) -> usize {
        self.w.len()
    }
}

/// Smallest largest-node posterior mass for which the probability-space product is trusted; below it
/// a pattern is recomputed in log space.
const PROBABILITY_SPACE_FLOOR: f64 = 1e-250;

/// Normalises a posterior computed in probability space (prior × likelihood at each node) to sum to
/// `weight`, like [`normalize`]; `None` if the largest value is below [`PROBABILITY_SPACE_FLOOR`] (the
/// products may have lost precision in the subnormal range), in which case the caller uses log space.
#[inline]
fn normalize_probabilities(post: &mut [f64], weight: f64) -> Option<(f64, std::ops::Range<usize>)> {
    // Largest value, four lanes at a time (a NaN is never selected, and then fails the check below).
    let mut lanes = [0.0_f64; 4];
    let mut chunks = post.chunks_exact(4);
    for chunk in &mut chunks {
        for (l, &p) in lanes.iter_mut().zip(chunk) {
            *l = if p > *l { p } else { *l };
        }
    }
    let max = chunks
        .remainder()
        .iter()
        .chain(&lanes)
        .fold(0.0, |m: f64, &p| if p > m { p } else { m });
    if !(max >= PROBABILITY_SPACE_FLOOR && max.is_finite()) {
        return None;
    }
    let floor = max * NEGLIGIBLE_POSTERIOR_RATIO;
    let lo = post.iter().position(|&p| p > floor).unwrap_or(0);
    let hi = post.iter().rposition(|&p| p > floor).map_or(0, |q| q + 1);
    post[..lo].iter_mut().for_each(|p| *p = 0.0);
    post[hi..].iter_mut().for_each(|p| *p = 0.0);
    let support = &mut post[lo..hi];
    let mut lanes = [0.0; 4];
    let mut chunks = support.chunks_exact(4);
    for chunk in &mut chunks {
        for (l, p) in lanes.iter_mut().zip(chunk) {
            *l += p;
        }
    }
    let sum =
        chunks.remainder().iter().sum::<f64>() + (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    let scale = weight / sum;
    support.iter_mut().for_each(|p| *p *= scale);
    Some((weight * sum.ln(), lo..hi))
}

/// Posterior of one pattern over the nodes, as [`normalize`]: by products of probabilities, or in log
/// space when those underflow.
pub(super) fn posterior(
    entries: &[u32],
    weight: f64,
    tables: &Tables,
    post: &mut [f64],
) -> (f64, std::ops::Range<usize>) {
    let nq = tables.nodes();
    post.copy_from_slice(&tables.w);
    for &e in entries {
        let row = &tables.p[e as usize * nq..(e as usize + 1) * nq];
        for (p, l) in post.iter_mut().zip(row) {
            *p *= l;
        }
    }
    normalize_probabilities(post, weight)
        .unwrap_or_else(|| log_posterior(entries, weight, tables, post))
}

/// Posterior of one pattern computed in log space, as [`normalize`].
fn log_posterior(
    entries: &[u32],
    weight: f64,
    tables: &Tables,
    post: &mut [f64],
) -> (f64, std::ops::Range<usize>) {
    let nq = tables.nodes();
    post.copy_from_slice(&tables.log_w);
    for &e in entries {
        let row = &tables.log_p[e as usize * nq..(e as usize + 1) * nq];
        for (p, l) in post.iter_mut().zip(row) {
            *p += l;
        }
    }
    normalize(post, weight)
}

/// `Σ a_q b_q` with four independent accumulators (so that it vectorises).
#[inline]
pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut lanes = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            lanes[k] += x[k] * y[k];
        }
    }
    tail + (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// Adds `src[range]` into `dst[range]`.
#[inline]
fn add_into(dst: &mut [f64], src: &[f64], range: std::ops::Range<usize>) {
    for (a, b) in dst[range.clone()].iter_mut().zip(&src[range]) {
        *a += b;
    }
}

/// One E-step over a contiguous range of (sorted) patterns, walking them as a prefix tree. Level `j` of
/// `path` holds the prior times the likelihood of the first `j` entries of the current pattern, so
/// a prefix shared with the previous pattern is not summed again. A pattern's posterior is added directly
/// to the expected counts of its entries past the shared prefix, and parked at the level where the shared
/// prefix ends (`pending`); when the walk leaves a prefix, its parked sum is added once to the counts of
/// the prefix's last entry and parked one level up. Level 0 collects the expected persons per node.
fn e_step(patterns: &Patterns, range: std::ops::Range<usize>, tables: &Tables) -> EStep {
    let nq = tables.nodes();
    let mut out = EStep {
        r: vec![0.0; tables.p.len()],
        at_node: vec![0.0; nq],
        log_likelihood: 0.0,
    };
    let depth = range
        .clone()
        .map(|p| patterns.starts[p + 1] - patterns.starts[p])
        .max()
        .unwrap_or(0);
    let mut path = vec![0.0; (depth + 1) * nq];
    path[..nq].copy_from_slice(&tables.w);
    let mut pending = vec![0.0; (depth + 1) * nq];
    let mut support = vec![nq..0; depth + 1];
    let mut post = vec![0.0; nq];
    let mut previous: &[u32] = &[];
    for p in range.clone() {
        let entries = patterns.entries(p);
        let shared = if p == range.start {
            0
        } else {
            patterns.shared[p]
        };
        close_levels(previous, shared, nq, &mut pending, &mut support, &mut out.r);
        for (j, &e) in entries.iter().enumerate().skip(shared) {
            let (done, next) = path.split_at_mut((j + 1) * nq);
            let row = &tables.p[e as usize * nq..(e as usize + 1) * nq];
            for ((n, d), l) in next[..nq].iter_mut().zip(&done[j * nq..]).zip(row) {
                *n = d * l;
            }
        }
        let len = entries.len();
        post.copy_from_slice(&path[len * nq..(len + 1) * nq]);
        let weight = patterns.weights[p];
        let (ll, range) = normalize_probabilities(&mut post, weight)
            .unwrap_or_else(|| log_posterior(entries, weight, tables, &mut post));
        out.log_likelihood += ll;
        for &e in &entries[shared..] {
            add_into(
                &mut out.r[e as usize * nq..(e as usize + 1) * nq],
                &post,
                range.clone(),
            );
        }
        add_into(
            &mut pending[shared * nq..(shared + 1) * nq],
            &post,
            range.clone(),
        );
        let s = &mut support[shared];
        *s = s.start.min(range.start)..s.end.max(range.end);
        previous = entries;
    }
    close_levels(previous, 0, nq, &mut pending, &mut support, &mut out.r);
    out.at_node.copy_from_slice(&pending[..nq]);
    out
}

/// Leaves the levels of the prefix path `previous` deeper than `keep` (see [`e_step`]).
fn close_levels(
    previous: &[u32],
    keep: usize,
    nq: usize,
    pending: &mut [f64],
    support: &mut [std::ops::Range<usize>],
    r: &mut [f64],
) {
    for j in (keep + 1..=previous.len()).rev() {
        let range = support[j].clone();
        if range.start >= range.end {
            continue;
        }
        let (parent, level) = pending.split_at_mut(j * nq);
        let level = &mut level[..nq];
        let e = previous[j - 1] as usize;
        add_into(&mut r[e * nq..(e + 1) * nq], level, range.clone());
        add_into(&mut parent[(j - 1) * nq..j * nq], level, range.clone());
        level[range.clone()].iter_mut().for_each(|x| *x = 0.0);
        let up = &mut support[j - 1];
        *up = up.start.min(range.start)..up.end.max(range.end);
        support[j] = nq..0;
    }
}

/// Runs `work` over `threads` contiguous chunks of `0..n` and returns the results in order.
pub(super) fn parallel<T: Send>(
    n: usize,
    threads: usize,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    if threads <= 1 {
        return vec![work(0..n)];
    }
    let chunk = n.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| (t * chunk).min(n)..((t + 1) * chunk).min(n))
            .map(|range| s.spawn(|| work(range)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("E-step worker panicked"))
            .collect()
    })
}

/// The E-step over every pattern, split over `threads` contiguous ranges and summed in order.
pub(super) fn e_step_all(patterns: &Patterns, threads: usize, tables: &Tables) -> EStep {
    let parts = parallel(patterns.weights.len(), threads, |range| {
        e_step(patterns, range, tables)
    });
    parts
        .into_iter()
        .reduce(|mut a, b| {
            a.r.iter_mut().zip(&b.r).for_each(|(x, y)| *x += y);
            a.at_node
                .iter_mut()
                .zip(&b.at_node)
                .for_each(|(x, y)| *x += y);
            a.log_likelihood += b.log_likelihood;
            a
        })
        .expect("at least one E-step part")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::irt::Quadrature;

    #[test]
    fn negligible_ratio_matches_its_log() {
        assert!((NEGLIGIBLE_POSTERIOR_RATIO / NEGLIGIBLE_LOG_POSTERIOR.exp() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn fast_exp_is_accurate() {
        let mut worst: f64 = 0.0;
        for i in 0..400_000 {
            let x = -40.0 * f64::from(i) / 400_000.0;
            worst = worst.max((exp_small(x) / x.exp() - 1.0).abs());
        }
        assert!(worst < 5e-16, "{worst}");
    }

    #[test]
    fn prefix_tree_e_step_equals_pattern_by_pattern_log_space_sums() {
        let data =
            ResponseMatrix::from_csv("a,b,c\n1,0,\n1,0,1\n1,1,0\n,0,1\n0,0,0\n1,0,\n").unwrap();
        let offsets = [0, 2, 4, 6];
        let patterns = collapse(&data, &offsets);
        assert_eq!(patterns.weights.len(), 5);
        let quad = Quadrature::default();
        let nq = quad.nodes().len();
        // Moderate log-probabilities, then ones so small that products underflow (log-space fallback).
        for scale in [0.2, 300.0] {
            let log_p: Vec<f64> = (0..6 * nq)
                .map(|x| -(((x * 7919) % 13) as f64) * scale)
                .collect();
            let tables = Tables::new(log_p, quad.weights());
            let tree = e_step(&patterns, 0..5, &tables);
            let mut r = vec![0.0; tables.p.len()];
            let mut ll = 0.0;
            let mut post = vec![0.0; nq];
            for p in 0..5 {
                ll += log_posterior(patterns.entries(p), patterns.weights[p], &tables, &mut post).0;
                for &e in patterns.entries(p) {
                    add_into(&mut r[e as usize * nq..(e as usize + 1) * nq], &post, 0..nq);
                }
            }
            assert!(
                (tree.log_likelihood - ll).abs() < 1e-9 * ll.abs(),
                "{} vs {ll}",
                tree.log_likelihood
            );
            assert!(
                tree.r.iter().zip(&r).all(|(a, b)| (a - b).abs() < 1e-12),
                "scale {scale}"
            );
            assert!((tree.at_node.iter().sum::<f64>() - 6.0).abs() < 1e-12);
        }
    }
}
