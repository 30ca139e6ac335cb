//! Item response models, their parameterizations, and the per-item quantities that ability estimation,
//! information and calibration are built from.
//!
//! Every item carries its parameterization and its scaling constant `D` explicitly, so that a value read
//! from a file written by another program is never silently off by a factor of 1.7:
//!
//! * [`Parameterization::Difficulty`], `z = D·a·(θ − b)`: the locations are difficulties `b`;
//! * [`Parameterization::Intercept`], `z = D·(a·θ + d)`: the locations are intercepts `d = −a·b`.
//!
//! Internally everything is evaluated on the canonical logit `z = α·θ + δ` with `α = D·a` and
//! `δ = D·d = −D·a·b`.

use serde::{Deserialize, Serialize};

use super::IrtError;

/// The largest number of response categories of one item.
pub const MAX_CATEGORIES: usize = 64;

/// The item response model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemModel {
    /// Dichotomous Rasch model: slope `a ≡ 1`, `D ≡ 1`.
    #[serde(rename = "rasch")]
    Rasch,
    /// Dichotomous two-parameter logistic model.
    #[serde(rename = "2pl")]
    TwoPl,
    /// Dichotomous three-parameter logistic model with lower asymptote `c`:
    /// `P = c + (1 − c)/(1 + exp(−z))`.
    #[serde(rename = "3pl")]
    ThreePl,
    /// Generalized partial credit model (Muraki): `P(k) ∝ exp(Σ_{v≤k} z_v)`, `z_v = D·a·(θ − b_v)`;
    /// the locations are the step parameters `b_1..b_m` (categories `0..=m`).
    #[serde(rename = "gpcm")]
    Gpcm,
    /// Graded response model (Samejima): `P(X ≥ k) = 1/(1 + exp(−D·a·(θ − b_k)))`; the locations are the
    /// ordered thresholds `b_1 < … < b_m` (categories `0..=m`).
    #[serde(rename = "grm")]
    Grm,
}

impl ItemModel {
    /// Whether the model scores an item 0/1.
    pub fn is_dichotomous(self) -> bool {
        matches!(
            self,
            ItemModel::Rasch | ItemModel::TwoPl | ItemModel::ThreePl
        )
    }
}

/// How the location parameters of an item are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Parameterization {
    /// `z = D·a·(θ − b)`; locations are difficulties `b` (JSON key `b`).
    #[serde(rename = "a(theta-b)")]
    Difficulty,
    /// `z = D·(a·θ + d)`; locations are intercepts `d = −a·b` (JSON key `d`).
    #[serde(rename = "a*theta+d")]
    Intercept,
}

/// Parameters of one item under one model.
///
/// Invariants, checked by every constructor and by deserialization: all values finite; `a > 0`; `D > 0`;
/// Rasch has `a = 1` and `D = 1`; `0 ≤ c < 1` and `c = 0` unless 3PL; dichotomous models have one location,
/// polytomous models at least one; graded-response thresholds strictly increasing in the difficulty form
/// (decreasing as intercepts); at most [`MAX_CATEGORIES`] categories.
///
/// JSON shape (tagged by `model`; `parameterization` is implied by which of `b`/`d` is present, and if
/// given must agree; `D` defaults to 1; unknown fields are rejected):
///
/// ```json
/// { "model": "2pl", "a": 1.0, "b": -1.0 }
/// { "model": "3pl", "a": 1.2, "d": 0.4, "c": 0.2, "D": 1.702 }
/// { "model": "gpcm", "a": 0.9, "b": [-1.0, 0.3, 1.1] }
/// { "model": "rasch", "b": 0.5 }
/// ```
///
/// Serialization always writes `model`, `parameterization`, `D`, `a` (not for Rasch), `b` or `d`, and `c`
/// (3PL only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawItemParams", into = "RawItemParams")]
pub struct ItemParams {
    model: ItemModel,
    parameterization: Parameterization,
    scaling: f64,
    a: f64,
    locations: Vec<f64>,
    c: f64,
}

impl ItemParams {
    /// Builds and validates an item; see the type's invariants.
    pub fn new(
        model: ItemModel,
        parameterization: Parameterization,
        scaling: f64,
        a: f64,
        locations: Vec<f64>,
        c: f64,
    ) -> Result<Self, IrtError> {
        let item = ItemParams {
            model,
            parameterization,
            scaling,
            a,
            locations,
            c,
        };
        item.validate()?;
        Ok(item)
    }

    /// A 2PL item `1/(1 + exp(−a·(θ − b)))` on the logistic scale (`D = 1`, difficulty form).
    ///
    /// # Panics
    /// If `a ≤ 0` or a value is not finite.
    pub fn two_pl(a: f64, b: f64) -> Self {
        Self::new(
            ItemModel::TwoPl,
            Parameterization::Difficulty,
            1.0,
            a,
            vec![b],
            0.0,
        )
        .expect("2PL parameters must be finite with a > 0")
    }

    /// A Rasch item `1/(1 + exp(−(θ − b)))`.
    ///
    /// # Panics
    /// If `b` is not finite.
    pub fn rasch(b: f64) -> Self {
        Self::new(
            ItemModel::Rasch,
            Parameterization::Difficulty,
            1.0,
            1.0,
            vec![b],
            0.0,
        )
        .expect("Rasch difficulty must be finite")
    }

    /// A 3PL item `c + (1 − c)/(1 + exp(−a·(θ − b)))` with `D = 1`, difficulty form.
    pub fn three_pl(a: f64, b: f64, c: f64) -> Result<Self, IrtError> {
        Self::new(
            ItemModel::ThreePl,
            Parameterization::Difficulty,
            1.0,
            a,
            vec![b],
            c,
        )
    }

    /// A GPCM item with slope `a` and step difficulties `b` (`D = 1`); categories `0..=b.len()`.
    pub fn gpcm(a: f64, b: Vec<f64>) -> Result<Self, IrtError> {
        Self::new(
            ItemModel::Gpcm,
            Parameterization::Difficulty,
            1.0,
            a,
            b,
            0.0,
        )
    }

    /// A graded-response item with slope `a` and increasing thresholds `b` (`D = 1`); categories
    /// `0..=b.len()`.
    pub fn grm(a: f64, b: Vec<f64>) -> Result<Self, IrtError> {
        Self::new(ItemModel::Grm, Parameterization::Difficulty, 1.0, a, b, 0.0)
    }

    /// Builds an item from the canonical logit `z_v = α·θ + δ_v` (what calibration estimates), written in
    /// the requested parameterization and scaling constant.
    pub(crate) fn from_canonical(
        model: ItemModel,
        alpha: f64,
        deltas: &[f64],
        c: f64,
        parameterization: Parameterization,
        scaling: f64,
    ) -> Result<Self, IrtError> {
        let (a, scaling) = if model == ItemModel::Rasch {
            (1.0, 1.0)
        } else {
            (alpha / scaling, scaling)
        };
        let locations = deltas
            .iter()
            .map(|&delta| match parameterization {
                Parameterization::Intercept => delta / scaling,
                Parameterization::Difficulty => -delta / alpha,
            })
            .collect();
        Self::new(model, parameterization, scaling, a, locations, c)
    }

    fn validate(&self) -> Result<(), IrtError> {
        let bad = |msg: String| Err(IrtError::InvalidParams(msg));
        let all = [self.scaling, self.a, self.c]
            .into_iter()
            .chain(self.locations.iter().copied());
        if all.clone().any(|v| !v.is_finite()) {
            return bad(format!("{:?}: every parameter must be finite", self.model));
        }
        if self.a <= 0.0 || self.scaling <= 0.0 {
            return bad(format!("{:?}: a and D must be positive", self.model));
        }
        if !(0.0..1.0).contains(&self.c) || (self.c != 0.0 && self.model != ItemModel::ThreePl) {
            return bad(format!(
                "{:?}: c must be 0 (and in [0, 1) for 3PL)",
                self.model
            ));
        }
        if self.model == ItemModel::Rasch && (self.a != 1.0 || self.scaling != 1.0) {
            return bad("rasch: a and D are fixed at 1".into());
        }
        let m = self.locations.len();
        if self.model.is_dichotomous() && m != 1 {
            return bad(format!(
                "{:?}: exactly one location expected, got {m}",
                self.model
            ));
        }
        if m == 0 || m + 1 > MAX_CATEGORIES {
            return bad(format!(
                "{:?}: 1 to {} locations expected, got {m}",
                self.model,
                MAX_CATEGORIES - 1
            ));
        }
        if self.model == ItemModel::Grm {
            let deltas: Vec<f64> = (0..m).map(|v| self.delta(v)).collect();
            if deltas.windows(2).any(|w| w[1] >= w[0]) {
                return bad("grm: thresholds must be strictly ordered".into());
            }
        }
        Ok(())
    }

    /// The model.
    pub fn model(&self) -> ItemModel {
        self.model
    }
    /// How the locations are written.
    pub fn parameterization(&self) -> Parameterization {
        self.parameterization
    }
    /// The scaling constant `D`.
    pub fn scaling(&self) -> f64 {
        self.scaling
    }
    /// The slope `a` (1 for Rasch), on the scale given by `D`.
    pub fn a(&self) -> f64 {
        self.a
    }
    /// The locations as written: difficulties `b` or intercepts `d`, per [`Self::parameterization`].
    pub fn locations(&self) -> &[f64] {
        &self.locations
    }
    /// The lower asymptote (0 except for 3PL).
    pub fn c(&self) -> f64 {
        self.c
    }
    /// Number of response categories (2 for dichotomous models).
    pub fn n_categories(&self) -> usize {
        self.locations.len() + 1
    }
    /// Highest score, `n_categories() − 1`.
    pub fn max_score(&self) -> u8 {
        self.locations.len() as u8
    }

    /// The same item written in another parameterization and scaling constant (the response function is
    /// unchanged). Rasch items keep `D = 1`.
    pub fn to_parameterization(
        &self,
        parameterization: Parameterization,
        scaling: f64,
    ) -> Result<Self, IrtError> {
        let deltas: Vec<f64> = (0..self.locations.len()).map(|v| self.delta(v)).collect();
        Self::from_canonical(
            self.model,
            self.alpha(),
            &deltas,
            self.c,
            parameterization,
            scaling,
        )
    }

    /// The difficulties `b` (converted if the item is stored as intercepts).
    pub fn difficulties(&self) -> Vec<f64> {
        (0..self.locations.len())
            .map(|v| -self.delta(v) / self.alpha())
            .collect()
    }

    /// Canonical slope `α = D·a` of the logit.
    #[inline]
    pub(crate) fn alpha(&self) -> f64 {
        self.scaling * self.a
    }

    /// Canonical intercept `δ_v` of location `v` (0-based).
    #[inline]
    pub(crate) fn delta(&self, v: usize) -> f64 {
        match self.parameterization {
            Parameterization::Intercept => self.scaling * self.locations[v],
            Parameterization::Difficulty => -self.scaling * self.a * self.locations[v],
        }
    }

    /// The item after the linear transformation of the ability scale `θ* = A·θ + B` (slope `a/A`,
    /// difficulties `A·b + B`, `c` unchanged). Rasch items become 2PL unless `A = 1`.
    pub fn rescaled(&self, slope: f64, intercept: f64) -> Result<Self, IrtError> {
        let alpha = self.alpha() / slope;
        let deltas: Vec<f64> = (0..self.locations.len())
            .map(|v| self.delta(v) - self.alpha() * intercept / slope)
            .collect();
        let model = if self.model == ItemModel::Rasch && slope != 1.0 {
            ItemModel::TwoPl
        } else {
            self.model
        };
        let scaling = if model == ItemModel::Rasch {
            1.0
        } else {
            self.scaling
        };
        Self::from_canonical(
            model,
            alpha,
            &deltas,
            self.c,
            self.parameterization,
            scaling,
        )
    }

    /// Probability of a correct response at `θ` for dichotomous items; for polytomous items the expected
    /// score divided by the maximum score (which is the same quantity for a 0/1 item).
    pub fn prob(&self, theta: f64) -> f64 {
        self.expected_score(theta) / f64::from(self.max_score())
    }

    /// Probabilities of the categories `0..n_categories()` at `θ`; they sum to 1.
    pub fn category_probs(&self, theta: f64) -> Vec<f64> {
        (0..self.n_categories())
            .map(|k| self.terms(theta, k).log_p.exp())
            .collect()
    }

    /// Expected item score at `θ`.
    pub fn expected_score(&self, theta: f64) -> f64 {
        if self.model.is_dichotomous() {
            let s = sigmoid(self.alpha() * theta + self.delta(0));
            return self.c + (1.0 - self.c) * s;
        }
        self.category_probs(theta)
            .iter()
            .enumerate()
            .map(|(k, p)| k as f64 * p)
            .sum()
    }

    /// Fisher information of the item at `θ`.
    pub fn information(&self, theta: f64) -> f64 {
        self.terms(theta, 0).info
    }

    /// `ln P_k(θ)`; the fast path of EAP scoring and calibration tables. `k` must be below
    /// `n_categories()`.
    #[inline]
    pub(crate) fn log_prob(&self, theta: f64, k: usize) -> f64 {
        if self.c == 0.0 && self.model.is_dichotomous() {
            let z = self.alpha() * theta + self.delta(0);
            return if k == 1 { -softplus(-z) } else { -softplus(z) };
        }
        self.terms(theta, k).log_p
    }

    /// Log-probability of category `k`, its θ-derivative, the item information and Warm's `J` term
    /// `Σ_k P'_k P''_k / P_k`, all at `θ`. `k` must be below `n_categories()`.
    pub(crate) fn terms(&self, theta: f64, k: usize) -> Terms {
        let alpha = self.alpha();
        match self.model {
            ItemModel::Rasch | ItemModel::TwoPl | ItemModel::ThreePl => {
                let z = alpha * theta + self.delta(0);
                let s = sigmoid(z);
                let c = self.c;
                if c == 0.0 {
                    let pq = s * (1.0 - s);
                    let (log_p, score) = if k == 1 {
                        (-softplus(-z), alpha * (1.0 - s))
                    } else {
                        (-softplus(z), -alpha * s)
                    };
                    Terms {
                        log_p,
                        score,
                        info: alpha * alpha * pq,
                        j: alpha.powi(3) * pq * (1.0 - 2.0 * s),
                    }
                } else {
                    let p = c + (1.0 - c) * s;
                    let w = s * s * (1.0 - s) * (1.0 - c) / p;
                    let (log_p, score) = if k == 1 {
                        (p.ln(), alpha * (1.0 - c) * s * (1.0 - s) / p)
                    } else {
                        ((1.0 - c).ln() - softplus(z), -alpha * s)
                    };
                    Terms {
                        log_p,
                        score,
                        info: alpha * alpha * w,
                        j: alpha.powi(3) * w * (1.0 - 2.0 * s),
                    }
                }
            }
            ItemModel::Gpcm => {
                // z_k = k·α·θ + Σ_{v≤k} δ_v, cumulative; two passes (max, then moments).
                let m = self.locations.len();
                let mut zk = 0.0;
                let mut zmax: f64 = 0.0;
                let mut zobs = 0.0;
                for v in 0..m {
                    zk += alpha * theta + self.delta(v);
                    zmax = zmax.max(zk);
                    if v + 1 == k {
                        zobs = zk;
                    }
                }
                let (mut s0, mut s1, mut s2, mut s3) = (0.0, 0.0, 0.0, 0.0);
                let mut zk = 0.0;
                for v in 0..=m {
                    if v > 0 {
                        zk += alpha * theta + self.delta(v - 1);
                    }
                    let e = (zk - zmax).exp();
                    let x = v as f64;
                    s0 += e;
                    s1 += x * e;
                    s2 += x * x * e;
                    s3 += x * x * x * e;
                }
                let mean = s1 / s0;
                let var = (s2 / s0 - mean * mean).max(0.0);
                let mu3 = s3 / s0 - 3.0 * mean * s2 / s0 + 2.0 * mean.powi(3);
                Terms {
                    log_p: zobs - zmax - s0.ln(),
                    score: alpha * (k as f64 - mean),
                    info: alpha * alpha * var,
                    j: alpha.powi(3) * mu3,
                }
            }
            ItemModel::Grm => {
                let m = self.locations.len();
                // cumulative P*_v for v = 0..=m+1 with P*_0 = 1, P*_{m+1} = 0, computed on the fly.
                let cum = |v: usize| -> (f64, f64) {
                    if v == 0 {
                        (1.0, 0.0)
                    } else if v > m {
                        (0.0, 1.0)
                    } else {
                        let z = alpha * theta + self.delta(v - 1);
                        (sigmoid(z), sigmoid(-z))
                    }
                };
                let (mut info, mut j) = (0.0, 0.0);
                let mut out = Terms {
                    log_p: 0.0,
                    score: 0.0,
                    info: 0.0,
                    j: 0.0,
                };
                let (mut hi, mut hi_c) = cum(0);
                for cat in 0..=m {
                    let (lo, lo_c) = cum(cat + 1);
                    // P_k = P*_k − P*_{k+1}, computed on the side that avoids cancellation.
                    let p = if hi > 0.5 { lo_c - hi_c } else { hi - lo }.max(1e-300);
                    let w_hi = hi * hi_c;
                    let w_lo = lo * lo_c;
                    let d1 = alpha * (w_hi - w_lo);
                    let d2 = alpha * alpha * (w_hi * (1.0 - 2.0 * hi) - w_lo * (1.0 - 2.0 * lo));
                    info += d1 * d1 / p;
                    j += d1 * d2 / p;
                    if cat == k {
                        out.log_p = p.ln();
                        out.score = d1 / p;
                    }
                    (hi, hi_c) = (lo, lo_c);
                }
                out.info = info;
                out.j = j;
                out
            }
        }
    }
}

/// Per-item quantities at one θ for one observed category.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Terms {
    /// `ln P_k(θ)`.
    pub log_p: f64,
    /// `d ln P_k(θ) / dθ`.
    pub score: f64,
    /// Item Fisher information `Σ_k P'_k² / P_k`.
    pub info: f64,
    /// Warm's `Σ_k P'_k P''_k / P_k`.
    pub j: f64,
}

/// Logistic function, stable for all finite inputs.
#[inline]
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `ln(1 + exp(x))` without overflow.
#[inline]
pub(crate) fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// The serialized shape of [`ItemParams`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItemParams {
    model: ItemModel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parameterization: Option<Parameterization>,
    #[serde(rename = "D", default, skip_serializing_if = "Option::is_none")]
    scaling: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    a: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    b: Option<Locations>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    d: Option<Locations>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    c: Option<f64>,
}

/// One location (dichotomous models) or a list (polytomous models).
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Locations {
    One(f64),
    Many(Vec<f64>),
}

impl TryFrom<RawItemParams> for ItemParams {
    type Error = IrtError;

    fn try_from(raw: RawItemParams) -> Result<Self, IrtError> {
        let (found, locations) = match (raw.b, raw.d) {
            (Some(b), None) => (Parameterization::Difficulty, b),
            (None, Some(d)) => (Parameterization::Intercept, d),
            (Some(_), Some(_)) => {
                return Err(IrtError::InvalidParams(
                    "give either b or d, not both".into(),
                ));
            }
            (None, None) => {
                return Err(IrtError::InvalidParams("missing locations: b or d".into()));
            }
        };
        if raw.parameterization.is_some_and(|p| p != found) {
            return Err(IrtError::InvalidParams(
                "parameterization disagrees with the b/d key present".into(),
            ));
        }
        let locations = match (locations, raw.model.is_dichotomous()) {
            (Locations::One(v), true) => vec![v],
            (Locations::Many(v), false) => v,
            (_, true) => {
                return Err(IrtError::InvalidParams(
                    "dichotomous model: one location expected".into(),
                ));
            }
            (_, false) => {
                return Err(IrtError::InvalidParams(
                    "polytomous model: a list of locations expected".into(),
                ));
            }
        };
        let a = match (raw.model, raw.a) {
            (ItemModel::Rasch, a) => a.unwrap_or(1.0),
            (_, Some(a)) => a,
            (_, None) => return Err(IrtError::InvalidParams("missing slope a".into())),
        };
        if raw.c.is_some() && raw.model != ItemModel::ThreePl {
            return Err(IrtError::InvalidParams("c is a 3PL parameter".into()));
        }
        ItemParams::new(
            raw.model,
            found,
            raw.scaling.unwrap_or(1.0),
            a,
            locations,
            raw.c.unwrap_or(0.0),
        )
    }
}

impl From<ItemParams> for RawItemParams {
    fn from(item: ItemParams) -> Self {
        let locations = if item.model.is_dichotomous() {
            Locations::One(item.locations[0])
        } else {
            Locations::Many(item.locations)
        };
        let (b, d) = match item.parameterization {
            Parameterization::Difficulty => (Some(locations), None),
            Parameterization::Intercept => (None, Some(locations)),
        };
        RawItemParams {
            model: item.model,
            parameterization: Some(item.parameterization),
            scaling: Some(item.scaling),
            a: (item.model != ItemModel::Rasch).then_some(item.a),
            b,
            d,
            c: (item.model == ItemModel::ThreePl).then_some(item.c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric_derivative(f: impl Fn(f64) -> f64, x: f64) -> f64 {
        let h = 1e-5;
        (f(x + h) - f(x - h)) / (2.0 * h)
    }

    fn all_models() -> Vec<ItemParams> {
        vec![
            ItemParams::rasch(0.3),
            ItemParams::two_pl(1.4, -0.5),
            ItemParams::three_pl(1.1, 0.2, 0.2).unwrap(),
            ItemParams::new(
                ItemModel::ThreePl,
                Parameterization::Intercept,
                1.702,
                0.8,
                vec![0.4],
                0.15,
            )
            .unwrap(),
            ItemParams::gpcm(0.9, vec![-1.0, 0.5, 0.2]).unwrap(),
            ItemParams::grm(1.3, vec![-1.0, 0.1, 1.2]).unwrap(),
        ]
    }

    #[test]
    fn category_probabilities_sum_to_one_and_derivatives_match() {
        for item in all_models() {
            for &theta in &[-3.0, -0.7, 0.0, 1.3, 4.0] {
                let probs = item.category_probs(theta);
                assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{item:?}");
                let mut info = 0.0;
                for (k, p) in probs.iter().enumerate() {
                    let t = item.terms(theta, k);
                    let num = numeric_derivative(|x| item.terms(x, k).log_p, theta);
                    assert!(
                        (t.score - num).abs() < 1e-6,
                        "{item:?} k={k}: {} vs {num}",
                        t.score
                    );
                    info += p * t.score * t.score;
                }
                assert!((item.information(theta) - info).abs() < 1e-9, "{item:?}");
                // J = Σ P' P'' / P = d/dθ (info)/2 ... checked via Σ P_k s_k (s_k² + ds_k/dθ).
                let j: f64 = (0..item.n_categories())
                    .map(|k| {
                        let s = item.terms(theta, k).score;
                        let ds = numeric_derivative(|x| item.terms(x, k).score, theta);
                        probs[k] * s * (s * s + ds)
                    })
                    .sum();
                assert!(
                    (item.terms(theta, 0).j - j).abs() < 1e-5,
                    "{item:?}: {} vs {j}",
                    item.terms(theta, 0).j
                );
            }
        }
    }

    #[test]
    fn parameterizations_agree() {
        for item in all_models() {
            let other = item
                .to_parameterization(Parameterization::Intercept, 1.702)
                .unwrap();
            let back = other
                .to_parameterization(Parameterization::Difficulty, 1.0)
                .unwrap();
            for &theta in &[-2.0, 0.0, 2.5] {
                assert!((item.expected_score(theta) - other.expected_score(theta)).abs() < 1e-12);
                assert!((item.expected_score(theta) - back.expected_score(theta)).abs() < 1e-12);
            }
        }
        let item = ItemParams::two_pl(1.7, 0.5);
        assert_eq!(
            item.to_parameterization(Parameterization::Intercept, 1.0)
                .unwrap()
                .locations(),
            &[-0.85]
        );
    }

    #[test]
    fn json_shape_round_trips_and_defaults() {
        let item: ItemParams =
            serde_json::from_str(r#"{ "model": "2pl", "a": 1.0, "b": -1.0 }"#).unwrap();
        assert_eq!(item, ItemParams::two_pl(1.0, -1.0));
        let json = serde_json::to_string(&item).unwrap();
        assert_eq!(
            json,
            r#"{"model":"2pl","parameterization":"a(theta-b)","D":1.0,"a":1.0,"b":-1.0}"#
        );
        for item in all_models() {
            let back: ItemParams =
                serde_json::from_str(&serde_json::to_string(&item).unwrap()).unwrap();
            assert_eq!(back, item);
        }
        let si: ItemParams =
            serde_json::from_str(r#"{"model":"3pl","a":1.2,"d":0.4,"c":0.2,"D":1.702}"#).unwrap();
        assert_eq!(si.parameterization(), Parameterization::Intercept);
        assert_eq!(si.scaling(), 1.702);
        for bad in [
            r#"{"model":"2pl","a":1.0,"b":-1.0,"status":"provisional"}"#,
            r#"{"model":"2pl","a":1.0,"b":-1.0,"d":1.0}"#,
            r#"{"model":"2pl","a":-1.0,"b":0.0}"#,
            r#"{"model":"2pl","a":1.0,"b":0.0,"c":0.1}"#,
            r#"{"model":"2pl","a":1.0,"b":0.0,"parameterization":"a*theta+d"}"#,
            r#"{"model":"grm","a":1.0,"b":[1.0,0.0]}"#,
            r#"{"model":"gpcm","a":1.0,"b":0.0}"#,
            r#"{"model":"rasch","a":1.3,"b":0.0}"#,
        ] {
            assert!(serde_json::from_str::<ItemParams>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn flattened_inside_a_bank_record_with_a_status() {
        #[derive(Deserialize)]
        struct Record {
            #[serde(flatten)]
            params: ItemParams,
            status: String,
        }
        let r: Record = toml::from_str(
            r#"model = "2pl"
a = 1
b = -1.0
status = "provisional""#,
        )
        .unwrap();
        assert_eq!(r.params, ItemParams::two_pl(1.0, -1.0));
        assert_eq!(r.status, "provisional");
    }

    #[test]
    fn rescaling_preserves_response_function() {
        for item in all_models() {
            let moved = item.rescaled(1.3, -0.4).unwrap();
            for &theta in &[-1.5, 0.2, 2.0] {
                let diff = item.expected_score(theta) - moved.expected_score(1.3 * theta - 0.4);
                assert!(diff.abs() < 1e-12);
            }
        }
    }
}
