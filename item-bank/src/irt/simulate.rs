//! Simulation of response data from known item parameters.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

use super::data::ResponseMatrix;
use super::model::ItemParams;

/// Which items each simulated person is presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// Every person answers every item.
    Complete,
    /// Every person answers `per_person` items drawn uniformly without replacement; the other cells are
    /// missing. `per_person` is capped at the number of items.
    Random {
        /// Items per person.
        per_person: usize,
    },
}

/// Simulates `n` persons with θ ~ N(0, 1) answering `params` under `design`, reproducibly from `seed`
/// (ChaCha20). Items are named `item001`, `item002`, … (zero-padded to the width of the item count, at
/// least 3 digits); rows have unit weight and no person ids.
pub fn simulate(params: &[ItemParams], n: usize, seed: u64, design: Design) -> ResponseMatrix {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let width = params.len().to_string().len().max(3);
    let ids: Vec<String> = (1..=params.len())
        .map(|i| format!("item{i:0width$}"))
        .collect();
    let per_person = match design {
        Design::Complete => params.len(),
        Design::Random { per_person } => per_person.min(params.len()),
    };
    let mut order: Vec<usize> = (0..params.len()).collect();
    let mut rows = Vec::with_capacity(n);
    for _ in 0..n {
        let theta = standard_normal(&mut rng);
        let mut row = vec![None; params.len()];
        if per_person < params.len() {
            for k in 0..per_person {
                let j = rng.random_range(k..params.len());
                order.swap(k, j);
            }
        }
        for &i in &order[..per_person] {
            let item = &params[i];
            let u: f64 = rng.random();
            let category = if item.model().is_dichotomous() {
                u8::from(u < item.prob(theta))
            } else {
                let mut acc = 0.0;
                let probs = item.category_probs(theta);
                let last = probs.len() - 1;
                probs
                    .iter()
                    .position(|p| {
                        acc += p;
                        u < acc
                    })
                    .unwrap_or(last) as u8
            };
            row[i] = Some(category);
        }
        rows.push(row);
    }
    ResponseMatrix::new(ids, &rows).expect("simulated ids are unique and responses below 255")
}

/// A standard normal draw (Box–Muller).
pub(crate) fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproducible_and_respects_design() {
        let items: Vec<ItemParams> = (0..10)
            .map(|i| ItemParams::two_pl(1.0, i as f64 / 5.0 - 1.0))
            .collect();
        let a = simulate(&items, 500, 7, Design::Random { per_person: 4 });
        assert_eq!(
            a,
            simulate(&items, 500, 7, Design::Random { per_person: 4 })
        );
        assert_ne!(
            a,
            simulate(&items, 500, 8, Design::Random { per_person: 4 })
        );
        assert!((0..500).all(|p| a.row(p).iter().filter(|c| c.is_some()).count() == 4));
        let full = simulate(&items, 4000, 1, Design::Complete);
        let p0 = (0..4000)
            .filter(|&p| full.response(p, 0) == Some(1))
            .count() as f64
            / 4000.0;
        // marginal P for a = 1, b = −1 under N(0, 1) is about 0.70
        assert!((p0 - 0.70).abs() < 0.03, "{p0}");
        let poly = [ItemParams::grm(1.0, vec![-1.0, 0.0, 1.0]).unwrap()];
        let m = simulate(&poly, 1000, 3, Design::Complete);
        assert_eq!(m.max_category(), vec![Some(3)]);
    }
}
