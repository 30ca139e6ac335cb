//! Fixed quadrature grids for integrating over the ability distribution.

use serde::Serialize;

/// Nodes and normalised weights of a discrete approximation to a normal ability distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quadrature {
    nodes: Vec<f64>,
    weights: Vec<f64>,
}

impl Quadrature {
    /// Default number of nodes.
    pub const DEFAULT_NODES: usize = 61;
    /// Default half-width of the grid: nodes span `[−6, 6]`.
    pub const DEFAULT_RANGE: f64 = 6.0;

    /// `n ≥ 2` equally spaced nodes on `[−range, range]`, weights proportional to the N(`mean`, `sd`²)
    /// density at the nodes, normalised to sum to 1.
    ///
    /// # Panics
    /// If `n < 2`, or `range` or `sd` is not positive and finite, or `mean` is not finite.
    pub fn normal(n: usize, range: f64, mean: f64, sd: f64) -> Self {
        assert!(
            n >= 2 && range > 0.0 && range.is_finite(),
            "quadrature needs n >= 2 nodes on a finite range"
        );
        let nodes: Vec<f64> = (0..n)
            .map(|q| -range + 2.0 * range * q as f64 / (n - 1) as f64)
            .collect();
        let mut q = Quadrature {
            weights: vec![0.0; n],
            nodes,
        };
        q.set_normal(mean, sd);
        q
    }

    /// `n`-point Gauss–Hermite rule for the standard normal: nodes `√2·x_k`, weights `w_k/√π` of the
    /// physicists' rule (computed by Newton's method on the Hermite recurrence; accurate to ~1e-14 for
    /// `n ≤ 100`). Re-weighting with [`Self::set_normal`] later uses the density at the nodes, as for any
    /// grid.
    ///
    /// # Panics
    /// If `n < 2` or `n > 100`.
    pub fn gauss_hermite(n: usize) -> Self {
        assert!(
            (2..=100).contains(&n),
            "Gauss–Hermite rule of 2 to 100 points"
        );
        let mut nodes = vec![0.0; n];
        let mut weights = vec![0.0; n];
        let pim4 = std::f64::consts::PI.powf(-0.25);
        let nf = n as f64;
        let mut z = 0.0_f64;
        for i in 0..n.div_ceil(2) {
            z = match i {
                0 => (2.0 * nf + 1.0).sqrt() - 1.85575 * (2.0 * nf + 1.0).powf(-1.0 / 6.0),
                1 => z - 1.14 * nf.powf(0.426) / z,
                2 => 1.86 * z - 0.86 * nodes[0],
                3 => 1.91 * z - 0.91 * nodes[1],
                _ => 2.0 * z - nodes[i - 2],
            };
            let mut pp = 0.0;
            for _ in 0..100 {
                let (mut p1, mut p2) = (pim4, 0.0);
                for j in 1..=n {
                    let p3 = p2;
                    p2 = p1;
                    let jf = j as f64;
                    p1 = z * (2.0 / jf).sqrt() * p2 - ((jf - 1.0) / jf).sqrt() * p3;
                }
                pp = (2.0 * nf).sqrt() * p2;
                let z1 = z;
                z = z1 - p1 / pp;
                if (z - z1).abs() <= 1e-15 {
                    break;
                }
            }
            nodes[i] = z;
            nodes[n - 1 - i] = -z;
            weights[i] = 2.0 / (pp * pp);
            weights[n - 1 - i] = weights[i];
        }
        let sqrt_pi = std::f64::consts::PI.sqrt();
        let nodes: Vec<f64> = nodes
            .iter()
            .rev()
            .map(|x| x * std::f64::consts::SQRT_2)
            .collect();
        let weights: Vec<f64> = weights.iter().rev().map(|w| w / sqrt_pi).collect();
        Quadrature { nodes, weights }
    }

    /// Re-weights the same nodes to the N(`mean`, `sd`²) density.
    ///
    /// # Panics
    /// If `sd` is not positive and finite or `mean` is not finite.
    pub fn set_normal(&mut self, mean: f64, sd: f64) {
        assert!(
            sd > 0.0 && sd.is_finite() && mean.is_finite(),
            "normal prior needs a finite mean and sd > 0"
        );
        let log_w: Vec<f64> = self
            .nodes
            .iter()
            .map(|x| -0.5 * ((x - mean) / sd).powi(2))
            .collect();
        let max = log_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = log_w.iter().map(|l| (l - max).exp()).sum();
        for (w, l) in self.weights.iter_mut().zip(&log_w) {
            *w = (l - max).exp() / sum;
        }
    }

    /// The nodes, ascending.
    pub fn nodes(&self) -> &[f64] {
        &self.nodes
    }
    /// The weights, summing to 1.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }
}

impl Default for Quadrature {
    /// 61 nodes on `[−6, 6]`, N(0, 1) weights.
    fn default() -> Self {
        Quadrature::normal(Self::DEFAULT_NODES, Self::DEFAULT_RANGE, 0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_grid_has_standard_normal_moments() {
        let q = Quadrature::default();
        assert_eq!(q.nodes().len(), 61);
        assert!((q.nodes()[0] + 6.0).abs() < 1e-15 && (q.nodes()[60] - 6.0).abs() < 1e-15);
        let mean: f64 = q.nodes().iter().zip(q.weights()).map(|(x, w)| x * w).sum();
        let var: f64 = q
            .nodes()
            .iter()
            .zip(q.weights())
            .map(|(x, w)| x * x * w)
            .sum();
        assert!(
            mean.abs() < 1e-12 && (var - 1.0).abs() < 1e-6,
            "{mean} {var}"
        );
    }

    #[test]
    fn gauss_hermite_integrates_polynomials_exactly() {
        let q = Quadrature::gauss_hermite(21);
        let moment = |k: i32| {
            q.nodes()
                .iter()
                .zip(q.weights())
                .map(|(x, w)| x.powi(k) * w)
                .sum::<f64>()
        };
        assert!((moment(0) - 1.0).abs() < 1e-13);
        assert!(moment(1).abs() < 1e-13);
        assert!((moment(2) - 1.0).abs() < 1e-12);
        assert!((moment(4) - 3.0).abs() < 1e-11);
        assert!((moment(10) - 945.0).abs() < 1e-8);
    }
}
