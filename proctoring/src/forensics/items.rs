//! The item parameters the forensic statistics read: a dichotomous IRT model per item and, optionally,
//! lognormal response-time parameters.

use std::collections::BTreeMap;

use item_bank::irt::ItemParams;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::ForensicsError;

/// Lognormal response-time parameters of one item (van der Linden, 2006): the log time of a person with
/// speed `τ` is `log T ~ N(beta − τ, 1/alpha²)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RtParams {
    /// Time discrimination: the inverse standard deviation of the log time, `> 0`.
    pub alpha: f64,
    /// Time intensity: the mean log time (log seconds) of a person of average speed.
    pub beta: f64,
}

/// One item of the parameter JSON of `synaq irt` with its optional response-time parameters:
/// `{"model": "3pl", "a": 1.1, "b": -0.4, "c": 0.2, "rt": {"alpha": 2.0, "beta": 3.7}}`. Unknown keys
/// are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawForensicItem")]
pub struct ForensicItem {
    /// The IRT parameters (dichotomous models only for the forensics).
    #[serde(flatten)]
    pub params: ItemParams,
    /// The response-time parameters, if calibrated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rt: Option<RtParams>,
}

/// The read shape of [`ForensicItem`]: the keys the item's parameters and `rt` do not take are
/// collected, so that they can be refused.
#[derive(Deserialize)]
struct RawForensicItem {
    #[serde(flatten)]
    params: ItemParams,
    #[serde(default)]
    rt: Option<RtParams>,
    #[serde(flatten)]
    unknown: BTreeMap<String, IgnoredAny>,
}

impl TryFrom<RawForensicItem> for ForensicItem {
    type Error = String;

    fn try_from(raw: RawForensicItem) -> Result<Self, String> {
        if let Some(key) = raw.unknown.keys().next() {
            return Err(format!("unknown key `{key}`"));
        }
        Ok(ForensicItem {
            params: raw.params,
            rt: raw.rt,
        })
    }
}

/// Validated item parameters of one test: a dichotomous model for every item (Rasch, 2PL or 3PL, any
/// scaling constant and parameterization) and, if given, response-time parameters for every item.
///
/// Probabilities are `P_i(θ) = c_i + (1 − c_i) / (1 + exp(α_i (b_i − θ)))` with `α_i = D·a_i`, the
/// item's response function written as aberrance writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSet {
    slope: Vec<f64>,
    difficulty: Vec<f64>,
    guessing: Vec<f64>,
    rt: Option<Vec<RtParams>>,
}

impl ItemSet {
    /// Builds the set from IRT parameters and optional response-time parameters (one per item).
    ///
    /// # Errors
    /// [`ForensicsError::Params`] for a polytomous item, a count mismatch or a response-time `alpha`
    /// that is not positive (or a `beta` not finite), naming the item's index.
    pub fn new(
        params: &[ItemParams],
        rt: Option<Vec<RtParams>>,
    ) -> Result<ItemSet, ForensicsError> {
        let mut set = ItemSet {
            slope: Vec::with_capacity(params.len()),
            difficulty: Vec::with_capacity(params.len()),
            guessing: Vec::with_capacity(params.len()),
            rt: None,
        };
        for (i, item) in params.iter().enumerate() {
            if !item.model().is_dichotomous() {
                return Err(ForensicsError::Params(format!(
                    "item {}: the forensics need dichotomous items, got {:?}",
                    i + 1,
                    item.model()
                )));
            }
            set.slope.push(item.scaling() * item.a());
            set.difficulty.push(item.difficulties()[0]);
            set.guessing.push(item.c());
        }
        if let Some(rt) = &rt {
            if rt.len() != params.len() {
                return Err(ForensicsError::Params(format!(
                    "{} response-time parameters for {} items",
                    rt.len(),
                    params.len()
                )));
            }
            if let Some(i) = rt
                .iter()
                .position(|p| !(p.alpha > 0.0 && p.alpha.is_finite() && p.beta.is_finite()))
            {
                return Err(ForensicsError::Params(format!(
                    "item {}: response-time alpha must be positive and beta finite",
                    i + 1
                )));
            }
        }
        set.rt = rt;
        Ok(set)
    }

    /// From the parameter JSON's items: the response-time parameters are used when every item has them.
    pub fn from_forensic_items<'a>(
        items: impl IntoIterator<Item = &'a ForensicItem>,
    ) -> Result<ItemSet, ForensicsError> {
        let (params, rt): (Vec<ItemParams>, Vec<Option<RtParams>>) = items
            .into_iter()
            .map(|item| (item.params.clone(), item.rt))
            .unzip();
        let rt = rt.into_iter().collect::<Option<Vec<_>>>();
        ItemSet::new(&params, rt)
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.slope.len()
    }

    /// Whether the set has no item.
    pub fn is_empty(&self) -> bool {
        self.slope.is_empty()
    }

    /// The response-time parameters, if every item has them.
    pub fn rt(&self) -> Option<&[RtParams]> {
        self.rt.as_deref()
    }

    /// `P_i(θ)`, the probability of a correct answer to item `i`.
    #[inline]
    pub fn prob(&self, i: usize, theta: f64) -> f64 {
        let c = self.guessing[i];
        c + (1.0 - c) / (1.0 + (self.slope[i] * (self.difficulty[i] - theta)).exp())
    }

    /// `P_i(θ)` and its derivative `P_i'(θ) = (1 − c_i) α_i e / (1 + e)²`, `e = exp(−α_i (θ − b_i))`.
    #[inline]
    pub fn prob_and_slope(&self, i: usize, theta: f64) -> (f64, f64) {
        let (a, c) = (self.slope[i], self.guessing[i]);
        let e = (a * (self.difficulty[i] - theta)).exp();
        let p = c + (1.0 - c) / (1.0 + e);
        (p, (1.0 - c) * a * e / ((1.0 + e) * (1.0 + e)))
    }

    /// `ln P(x | θ)` of one response (`x` 0 or 1).
    #[inline]
    pub fn log_prob(&self, i: usize, theta: f64, x: u8) -> f64 {
        let p = self.prob(i, theta);
        if x == 1 { p.ln() } else { (1.0 - p).ln() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use item_bank::irt::{ItemModel, Parameterization};

    #[test]
    fn probabilities_are_the_item_banks_response_functions() {
        let params = vec![
            ItemParams::three_pl(1.2, -0.3, 0.2).unwrap(),
            ItemParams::two_pl(0.8, 1.1),
            ItemParams::rasch(-0.5),
            ItemParams::new(
                ItemModel::ThreePl,
                Parameterization::Intercept,
                1.702,
                0.9,
                vec![0.4],
                0.1,
            )
            .unwrap(),
        ];
        let set = ItemSet::new(&params, None).unwrap();
        for (i, item) in params.iter().enumerate() {
            for theta in [-3.0, -0.2, 0.0, 1.7, 4.0] {
                assert!((set.prob(i, theta) - item.prob(theta)).abs() < 1e-14);
                let h = 1e-6;
                let numeric = (set.prob(i, theta + h) - set.prob(i, theta - h)) / (2.0 * h);
                assert!((set.prob_and_slope(i, theta).1 - numeric).abs() < 1e-8);
            }
        }
    }

    #[test]
    fn polytomous_items_and_bad_times_are_refused() {
        let gpcm = ItemParams::gpcm(1.0, vec![-1.0, 1.0]).unwrap();
        let e = ItemSet::new(&[ItemParams::rasch(0.0), gpcm], None).unwrap_err();
        assert!(e.to_string().contains("item 2"), "{e}");
        let rt = vec![RtParams {
            alpha: 0.0,
            beta: 3.0,
        }];
        assert!(ItemSet::new(&[ItemParams::rasch(0.0)], Some(rt)).is_err());
        assert!(ItemSet::new(&[ItemParams::rasch(0.0)], Some(vec![])).is_err());
    }

    #[test]
    fn reads_the_parameter_json_with_rt() {
        let json = r#"{"model":"3pl","a":1.1,"b":-0.4,"c":0.2,"rt":{"alpha":2.0,"beta":3.7}}"#;
        let item: ForensicItem = serde_json::from_str(json).unwrap();
        assert_eq!(item.params, ItemParams::three_pl(1.1, -0.4, 0.2).unwrap());
        assert_eq!(
            item.rt,
            Some(RtParams {
                alpha: 2.0,
                beta: 3.7
            })
        );
        let plain: ForensicItem = serde_json::from_str(r#"{"model":"2pl","a":1,"b":0}"#).unwrap();
        assert_eq!(plain.rt, None);
        let set = ItemSet::from_forensic_items([&item, &plain]).unwrap();
        assert!(set.rt().is_none(), "rt is used only when every item has it");
        let e = serde_json::from_str::<ForensicItem>(r#"{"model":"2pl","a":1,"b":0,"x":1}"#);
        assert!(e.unwrap_err().to_string().contains("unknown key `x`"));
        let back: ForensicItem =
            serde_json::from_str(&serde_json::to_string(&item).unwrap()).unwrap();
        assert_eq!(back, item);
    }
}
