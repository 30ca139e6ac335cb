//! Classical item statistics, item fit, and differential item functioning.

use serde::{Deserialize, Serialize};

use super::IrtError;
use super::data::{ResponseMatrix, is_present};
use super::model::{ItemModel, ItemParams};
use super::quadrature::Quadrature;

/// Orlando–Thissen S-X² item fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ItemFit {
    /// The statistic `Σ_groups Σ_k (O − E)²/E` over summed-score groups.
    pub s_x2: f64,
    /// Degrees of freedom: `groups·(categories − 1) − item parameters`.
    pub df: usize,
    /// Upper-tail χ² probability.
    pub p_value: f64,
}

/// Statistics of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemStatistics {
    /// Item id.
    pub id: String,
    /// Persons (total weight) who were presented the item.
    pub n: f64,
    /// Mean item score divided by the highest observed category: the proportion correct for 0/1 items.
    pub p_value: f64,
    /// Corrected point-biserial (point-polyserial) correlation of the item score with the rest score: the
    /// proportion of the maximum on the *other* presented items. `None` without variation.
    pub point_biserial: Option<f64>,
    /// S-X² fit, when item parameters were given and at least one person answered every item.
    pub fit: Option<ItemFit>,
}

/// Item statistics of `data`. With `params` (one per column, in column order) the S-X² item fit is
/// computed from the persons who answered every item (summed scores need a common test), with
/// summed-score groups pooled until every expected count is at least 1, on the default quadrature.
///
/// # Errors
/// [`IrtError::Mismatch`] if `params` does not have one item per column or an item has fewer categories
/// than observed.
pub fn item_statistics(
    data: &ResponseMatrix,
    params: Option<&[ItemParams]>,
) -> Result<Vec<ItemStatistics>, IrtError> {
    let n_items = data.n_items();
    let max_cat: Vec<f64> = data
        .max_category()
        .iter()
        .map(|m| f64::from(m.unwrap_or(0).max(1)))
        .collect();
    if let Some(params) = params {
        if params.len() != n_items {
            return Err(IrtError::Mismatch(format!(
                "{} item parameters for {n_items} columns",
                params.len()
            )));
        }
        if let Some(i) = (0..n_items)
            .find(|&i| data.max_category()[i].is_some_and(|m| m > params[i].max_score()))
        {
            return Err(IrtError::Mismatch(format!(
                "item `{}`: responses above the model's categories",
                data.item_ids()[i]
            )));
        }
    }
    let fits = match params {
        Some(params) => s_x2(data, params),
        None => vec![None; n_items],
    };
    let moments = item_rest_moments(data);
    let out = fits
        .into_iter()
        .zip(moments)
        .enumerate()
        .map(|(i, (fit, m))| ItemStatistics {
            id: data.item_ids()[i].clone(),
            n: m.n,
            p_value: if m.n > 0.0 {
                m.mean / max_cat[i]
            } else {
                f64::NAN
            },
            point_biserial: m.correlation(),
            fit,
        })
        .collect();
    Ok(out)
}

/// Weighted moments of one item's score and the rest proportion (score on the other presented items over
/// their maximum), over the persons presented the item.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RestMoments {
    /// Persons (weight).
    pub n: f64,
    /// Mean item score.
    pub mean: f64,
    var_x: f64,
    var_y: f64,
    cov: f64,
}

impl RestMoments {
    /// Item–rest correlation, `None` without variation in either.
    pub fn correlation(&self) -> Option<f64> {
        (self.n > 0.0 && self.var_x > 1e-12 && self.var_y > 1e-12)
            .then(|| self.cov / (self.var_x * self.var_y).sqrt())
    }
}

/// [`RestMoments`] of every item, in one pass over the persons. The highest category of an item is its
/// highest observed category (at least 1).
pub(crate) fn item_rest_moments(data: &ResponseMatrix) -> Vec<RestMoments> {
    let max_cat: Vec<f64> = data
        .max_category()
        .iter()
        .map(|m| f64::from(m.unwrap_or(0).max(1)))
        .collect();
    // Sums of w, w·x, w·y, w·x², w·y², w·x·y per item.
    let mut sums = vec![[0.0_f64; 6]; data.n_items()];
    for p in 0..data.n_persons() {
        let w = data.weights()[p];
        let cells = data.row_cells(p);
        if w <= 0.0 {
            continue;
        }
        let (mut got, mut max) = (0.0, 0.0);
        for (&c, m) in cells.iter().zip(&max_cat) {
            if is_present(c) {
                got += f64::from(c);
                max += m;
            }
        }
        for (i, &c) in cells.iter().enumerate() {
            if !is_present(c) {
                continue;
            }
            let x = f64::from(c);
            let rest_max = max - max_cat[i];
            let y = if rest_max > 0.0 {
                (got - x) / rest_max
            } else {
                0.0
            };
            let s = &mut sums[i];
            s[0] += w;
            s[1] += w * x;
            s[2] += w * y;
            s[3] += w * x * x;
            s[4] += w * y * y;
            s[5] += w * x * y;
        }
    }
    sums.iter()
        .map(|s| {
            if s[0] <= 0.0 {
                return RestMoments::default();
            }
            let n = s[0];
            let (mx, my) = (s[1] / n, s[2] / n);
            RestMoments {
                n,
                mean: mx,
                var_x: s[3] / n - mx * mx,
                var_y: s[4] / n - my * my,
                cov: s[5] / n - mx * my,
            }
        })
        .collect()
}

/// Distribution of the summed score of `items` at `θ` (Lord–Wingersky).
fn score_distribution(items: &[&ItemParams], theta: f64) -> Vec<f64> {
    let max: usize = items.iter().map(|i| usize::from(i.max_score())).sum();
    let mut dist = vec![0.0; max + 1];
    dist[0] = 1.0;
    let mut top = 0;
    for item in items {
        let probs = item.category_probs(theta);
        let m = probs.len() - 1;
        for s in (0..=top + m).rev() {
            let mut v = 0.0;
            for (k, p) in probs.iter().enumerate() {
                if s >= k && s - k <= top {
                    v += dist[s - k] * p;
                }
            }
            dist[s] = v;
        }
        top += m;
    }
    dist
}

fn s_x2(data: &ResponseMatrix, params: &[ItemParams]) -> Vec<Option<ItemFit>> {
    let n_items = data.n_items();
    let complete: Vec<usize> = (0..data.n_persons())
        .filter(|&p| data.weights()[p] > 0.0 && data.row_cells(p).iter().all(|&c| is_present(c)))
        .collect();
    if complete.is_empty() {
        return vec![None; n_items];
    }
    let quad = Quadrature::default();
    let all: Vec<&ItemParams> = params.iter().collect();
    let max_total = score_distribution(&all, 0.0).len() - 1;
    let full: Vec<Vec<f64>> = quad
        .nodes()
        .iter()
        .map(|&t| score_distribution(&all, t))
        .collect();
    let marginal: Vec<f64> = (0..=max_total)
        .map(|s| full.iter().zip(quad.weights()).map(|(d, w)| w * d[s]).sum())
        .collect();
    let mut n_s = vec![0.0; max_total + 1];
    for &p in &complete {
        let s: usize = data.row_cells(p).iter().map(|&c| usize::from(c)).sum();
        n_s[s] += data.weights()[p];
    }
    (0..n_items)
        .map(|i| {
            let item = &params[i];
            let n_cat = item.n_categories();
            let rest: Vec<&ItemParams> = params
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, p)| p)
                .collect();
            // Expected proportion in category k among persons with summed score s.
            let mut expected = vec![vec![0.0; n_cat]; max_total + 1];
            for (&t, &w) in quad.nodes().iter().zip(quad.weights()) {
                let d = score_distribution(&rest, t);
                let probs = item.category_probs(t);
                for s in 0..=max_total {
                    for (k, p) in probs.iter().enumerate() {
                        if s >= k && s - k < d.len() {
                            expected[s][k] += w * p * d[s - k];
                        }
                    }
                }
            }
            let mut observed = vec![vec![0.0; n_cat]; max_total + 1];
            for &p in &complete {
                let cells = data.row_cells(p);
                let s: usize = cells.iter().map(|&c| usize::from(c)).sum();
                observed[s][usize::from(cells[i])] += data.weights()[p];
            }
            // Pool adjacent non-extreme scores until every expected count reaches 1.
            let mut groups: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
            let mut current = (vec![0.0; n_cat], vec![0.0; n_cat]);
            for s in 1..max_total {
                if marginal[s] <= 0.0 {
                    continue;
                }
                for k in 0..n_cat {
                    current.0[k] += observed[s][k];
                    current.1[k] += n_s[s] * expected[s][k] / marginal[s];
                }
                if current.1.iter().all(|&e| e >= 1.0) {
                    groups.push(std::mem::replace(
                        &mut current,
                        (vec![0.0; n_cat], vec![0.0; n_cat]),
                    ));
                }
            }
            if current.0.iter().sum::<f64>() > 0.0 {
                match groups.last_mut() {
                    Some(last) => {
                        for k in 0..n_cat {
                            last.0[k] += current.0[k];
                            last.1[k] += current.1[k];
                        }
                    }
                    None => groups.push(current),
                }
            }
            let n_par = match item.model() {
                ItemModel::Rasch => 1,
                ItemModel::TwoPl => 2,
                ItemModel::ThreePl => 3,
                ItemModel::Gpcm | ItemModel::Grm => n_cat,
            };
            let cells = groups.len() * (n_cat - 1);
            if cells <= n_par {
                return None;
            }
            let s_x2: f64 = groups
                .iter()
                .flat_map(|(o, e)| {
                    o.iter()
                        .zip(e)
                        .map(|(o, e)| if *e > 0.0 { (o - e).powi(2) / e } else { 0.0 })
                })
                .sum();
            let df = cells - n_par;
            Some(ItemFit {
                s_x2,
                df,
                p_value: chi_square_upper(s_x2, df as f64),
            })
        })
        .collect()
}

/// ETS classification of Mantel–Haenszel DIF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EtsCategory {
    /// Negligible: `|Δ| < 1` or not significant at 5 %.
    A,
    /// Moderate: neither A nor C.
    B,
    /// Large: `|Δ| ≥ 1.5` and `|Δ|` significantly above 1 (one-sided, 5 %).
    C,
}

/// Mantel–Haenszel DIF of one dichotomous item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DifResult {
    /// Item id.
    pub id: String,
    /// Common odds ratio `α_MH` of a correct answer, reference over focal; above 1 favours the reference
    /// group.
    pub odds_ratio: f64,
    /// ETS delta `Δ_MH = −2.35 ln α_MH`; negative values disadvantage the focal group.
    pub delta: f64,
    /// Standard error of `Δ_MH` (Robins–Breslow–Greenland).
    pub delta_se: f64,
    /// Mantel–Haenszel χ² with continuity correction, 1 df.
    pub chi_square: f64,
    /// Its upper-tail probability.
    pub p_value: f64,
    /// ETS category.
    pub category: EtsCategory,
    /// Reference-group persons (weight) used.
    pub n_reference: f64,
    /// Focal-group persons (weight) used.
    pub n_focal: f64,
}

/// Mantel–Haenszel DIF between the reference group (`focal[p] == false`) and the focal group
/// (`focal[p] == true`) for every item whose observed responses are 0/1 (polytomous items are skipped).
/// Persons are matched on their summed score over the presented items (including the studied item);
/// only persons presented the item count, and strata with fewer than two persons or one group only are
/// dropped. Items where no stratum remains, or `α_MH` is 0 or infinite, are skipped.
///
/// # Errors
/// [`IrtError::Mismatch`] if `focal` does not have one entry per row.
pub fn mantel_haenszel_dif(
    data: &ResponseMatrix,
    focal: &[bool],
) -> Result<Vec<DifResult>, IrtError> {
    if focal.len() != data.n_persons() {
        return Err(IrtError::Mismatch(format!(
            "{} group flags for {} rows",
            focal.len(),
            data.n_persons()
        )));
    }
    let scores: Vec<usize> = (0..data.n_persons())
        .map(|p| {
            data.row_cells(p)
                .iter()
                .filter(|&&c| is_present(c))
                .map(|&c| usize::from(c))
                .sum()
        })
        .collect();
    let max_score = scores.iter().copied().max().unwrap_or(0);
    let mut out = Vec::new();
    for (i, max_cat) in data.max_category().into_iter().enumerate() {
        if max_cat.is_none_or(|m| m > 1) {
            continue;
        }
        // Per stratum: [ref correct, ref wrong, focal correct, focal wrong].
        let mut table = vec![[0.0_f64; 4]; max_score + 1];
        for p in 0..data.n_persons() {
            if let Some(x) = data.response(p, i) {
                let slot = 2 * usize::from(focal[p]) + usize::from(x == 0);
                table[scores[p]][slot] += data.weights()[p];
            }
        }
        let (mut num, mut den, mut sum_a, mut sum_ea, mut sum_va) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let (mut pr, mut ps_qr, mut qs) = (0.0, 0.0, 0.0);
        let (mut n_ref, mut n_foc) = (0.0, 0.0);
        for [a, b, c, d] in table {
            let t = a + b + c + d;
            let (nr, nf, m1, m0) = (a + b, c + d, a + c, b + d);
            if t < 2.0 || nr <= 0.0 || nf <= 0.0 {
                continue;
            }
            n_ref += nr;
            n_foc += nf;
            let (r, s) = (a * d / t, b * c / t);
            let (pk, qk) = ((a + d) / t, (b + c) / t);
            num += r;
            den += s;
            pr += pk * r;
            ps_qr += pk * s + qk * r;
            qs += qk * s;
            sum_a += a;
            sum_ea += nr * m1 / t;
            sum_va += nr * nf * m1 * m0 / (t * t * (t - 1.0));
        }
        if num <= 0.0 || den <= 0.0 || sum_va <= 0.0 {
            continue;
        }
        let odds_ratio = num / den;
        let delta = -2.35 * odds_ratio.ln();
        let var_ln = pr / (2.0 * num * num) + ps_qr / (2.0 * num * den) + qs / (2.0 * den * den);
        let delta_se = 2.35 * var_ln.sqrt();
        let chi_square = ((sum_a - sum_ea).abs() - 0.5).max(0.0).powi(2) / sum_va;
        let p_value = chi_square_upper(chi_square, 1.0);
        let category = if delta.abs() < 1.0 || p_value >= 0.05 {
            EtsCategory::A
        } else if delta.abs() >= 1.5 && (delta.abs() - 1.0) / delta_se > 1.645 {
            EtsCategory::C
        } else {
            EtsCategory::B
        };
        out.push(DifResult {
            id: data.item_ids()[i].clone(),
            odds_ratio,
            delta,
            delta_se,
            chi_square,
            p_value,
            category,
            n_reference: n_ref,
            n_focal: n_foc,
        });
    }
    Ok(out)
}

/// `P(χ²_df > x)`, the regularised upper incomplete gamma function `Q(df/2, x/2)`.
pub(crate) fn chi_square_upper(x: f64, df: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let (a, x) = (df / 2.0, x / 2.0);
    let ln_front = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        // Series for P(a, x).
        let (mut sum, mut term, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        (1.0 - sum * ln_front.exp()).clamp(0.0, 1.0)
    } else {
        // Continued fraction for Q(a, x) (modified Lentz).
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (ln_front.exp() * h).clamp(0.0, 1.0)
    }
}

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, 9 terms).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut s = G[0];
    for (k, g) in G.iter().enumerate().skip(1) {
        s += g / (x + k as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + s.ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::irt::{Design, simulate};

    #[test]
    fn chi_square_tail_matches_tables() {
        assert!((chi_square_upper(3.841_458_820_694_124, 1.0) - 0.05).abs() < 1e-9);
        assert!((chi_square_upper(18.307_038_053_275_146, 10.0) - 0.05).abs() < 1e-9);
        assert!((chi_square_upper(2.0, 2.0) - (-1.0_f64).exp()).abs() < 1e-12);
        assert!((ln_gamma(5.0) - 24.0_f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn statistics_and_fit_on_simulated_data() {
        let items: Vec<ItemParams> = (0..15)
            .map(|i| ItemParams::two_pl(0.8 + 0.05 * i as f64, -1.5 + 0.2 * i as f64))
            .collect();
        let data = simulate(&items, 3000, 11, Design::Complete);
        let stats = item_statistics(&data, Some(&items)).unwrap();
        assert!(stats[0].p_value > stats[14].p_value);
        assert!(
            stats
                .iter()
                .all(|s| s.point_biserial.is_some_and(|r| r > 0.2 && r < 0.7))
        );
        // Data from the model fit it: S-X² p-values are not all tiny.
        let small = stats
            .iter()
            .filter(|s| s.fit.unwrap().p_value < 0.01)
            .count();
        assert!(small <= 2, "{stats:?}");
        // A misfitting model for item 0 (wrong slope) is detected.
        let mut wrong = items.clone();
        wrong[0] = ItemParams::two_pl(3.0, -1.5);
        let bad = item_statistics(&data, Some(&wrong)).unwrap();
        assert!(bad[0].fit.unwrap().p_value < 1e-6, "{:?}", bad[0].fit);
    }

    #[test]
    fn mantel_haenszel_detects_planted_dif() {
        let items: Vec<ItemParams> = (0..20)
            .map(|i| ItemParams::two_pl(1.0, -1.0 + 0.1 * i as f64))
            .collect();
        let reference = simulate(&items, 4000, 1, Design::Complete);
        let mut shifted = items.clone();
        shifted[3] = ItemParams::two_pl(1.0, 0.7 + 1.0);
        let focal = simulate(&shifted, 4000, 2, Design::Complete);
        let mut csv = reference.to_csv();
        csv.push_str(focal.to_csv().split_once('\n').unwrap().1);
        let data = ResponseMatrix::from_csv(&csv).unwrap();
        let groups: Vec<bool> = (0..8000).map(|p| p >= 4000).collect();
        let dif = mantel_haenszel_dif(&data, &groups).unwrap();
        assert_eq!(dif.len(), 20);
        assert_eq!(dif[3].category, EtsCategory::C, "{:?}", dif[3]);
        assert!(dif[3].delta < -1.5);
        assert!(
            dif.iter()
                .enumerate()
                .filter(|(i, _)| *i != 3)
                .all(|(_, d)| d.category != EtsCategory::C)
        );
    }
}
