//! The forensic statistics as `synaq forensics …` prints them: named inputs in, JSON-shaped outputs
//! out.
//!
//! Inputs are what the command line reads: the parameter JSON of `synaq irt` as a map from item id to
//! [`ForensicItem`] (an item may carry `"rt": {"alpha", "beta"}`), the responses CSV read by
//! `item_bank::irt::ResponseMatrix::from_csv`, and a times CSV read by [`TimeMatrix::from_csv`] with the
//! same item columns (in any order) and the same persons in the same order. Items are those of the
//! responses, in their column order; each needs parameters. Rows are named by the `person` column when
//! present, otherwise numbered from 1. An undefined number (see [`crate::forensics`]) is `null`.
//!
//! | function | output |
//! |---|---|
//! | [`person_fit()`] | `{"persons":[{"person","lz","lz_star","l_t"}]}` |
//! | [`preknowledge()`] | `{"persons":[{"person","pk_l_s","pk_s_s","pk_l_t"}]}` |
//! | [`copying()`] | `{"pairs":[{"source","copier","omega","p_omega","gbt","p_gbt"}]}` |
//! | [`rapid_guessing()`] | `{"items":[{"item","threshold_s"}],"persons":[{"person","rte"}]}` |

use std::collections::BTreeMap;

use item_bank::irt::ResponseMatrix;
use serde::Serialize;

use crate::forensics::copying::{self, Selection};
use crate::forensics::rapid_guessing::{self, Limits};
use crate::forensics::{
    ForensicItem, ForensicsError, ItemSet, Scores, TimeMatrix, person_fit as fit,
    preknowledge as pk,
};

/// `{"persons":[{"person","lz","lz_star","l_t"}]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonFitReport {
    /// One row per person, in input order.
    pub persons: Vec<PersonFitRow>,
}

/// The person-fit statistics of one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonFitRow {
    /// The person's name.
    pub person: String,
    /// `lz`.
    pub lz: Option<f64>,
    /// `lz*` (Snijders' correction).
    pub lz_star: Option<f64>,
    /// The lognormal `L_T`; `null` without times.
    pub l_t: Option<f64>,
}

/// `{"persons":[{"person","pk_l_s","pk_s_s","pk_l_t"}]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreknowledgeReport {
    /// One row per person, in input order.
    pub persons: Vec<PreknowledgeRow>,
}

/// The preknowledge statistics of one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreknowledgeRow {
    /// The person's name.
    pub person: String,
    /// Signed likelihood-ratio statistic of the scores.
    pub pk_l_s: Option<f64>,
    /// Signed score statistic of the scores.
    pub pk_s_s: Option<f64>,
    /// Signed likelihood-ratio statistic of the times; `null` without times.
    pub pk_l_t: Option<f64>,
}

/// `{"pairs":[{"source","copier","omega","p_omega","gbt","p_gbt"}]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CopyingReport {
    /// One row per ordered pair.
    pub pairs: Vec<CopyingRow>,
}

/// The copying statistics of one ordered pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CopyingRow {
    /// The person who may have been copied from.
    pub source: String,
    /// The person who may have copied.
    pub copier: String,
    /// Wollack's `ω`.
    pub omega: Option<f64>,
    /// `P(Z ≥ ω)`.
    pub p_omega: Option<f64>,
    /// The GBT statistic: the number of equal scores on the items presented to both.
    pub gbt: Option<usize>,
    /// The GBT p-value.
    pub p_gbt: Option<f64>,
}

/// `{"items":[{"item","threshold_s"}],"persons":[{"person","rte"}]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RapidGuessingReport {
    /// One row per item, in column order.
    pub items: Vec<ThresholdRow>,
    /// One row per person, in input order.
    pub persons: Vec<EffortRow>,
}

/// The rapid-guessing threshold of one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdRow {
    /// The item id.
    pub item: String,
    /// The threshold in seconds.
    pub threshold_s: Option<f64>,
}

/// The response-time effort of one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EffortRow {
    /// The person's name.
    pub person: String,
    /// The share of timed responses that are not rapid guesses.
    pub rte: Option<f64>,
}

/// The parameter JSON of `synaq irt`: item id → item.
pub type Params = BTreeMap<String, ForensicItem>;

/// `lz`, `lz*` and, with times, `L_T` of every person.
///
/// # Errors
/// A missing item parameter, an item without `rt` when times are given, times of other items or
/// persons, a score other than 0/1.
pub fn person_fit(
    params: &Params,
    responses: &ResponseMatrix,
    times: Option<&TimeMatrix>,
) -> Result<PersonFitReport, ForensicsError> {
    let input = Input::new(params, responses, times)?;
    let fits = fit::detect(&input.items, &input.scores, input.times.as_ref())?;
    Ok(PersonFitReport {
        persons: fits
            .iter()
            .zip(input.persons)
            .map(|(f, person)| PersonFitRow {
                person,
                lz: finite(f.scores.lz),
                lz_star: finite(f.scores.lz_star),
                l_t: f.times.and_then(|t| finite(t.l_t)),
            })
            .collect(),
    })
}

/// `L_S`, `S_S` and, with times, `L_T` of preknowledge of the items `compromised` (item ids) for every
/// person.
///
/// # Errors
/// As [`person_fit`]; also an unknown compromised item, none declared, or all of them.
pub fn preknowledge(
    params: &Params,
    responses: &ResponseMatrix,
    compromised: &[String],
    times: Option<&TimeMatrix>,
) -> Result<PreknowledgeReport, ForensicsError> {
    let input = Input::new(params, responses, times)?;
    let indices = compromised
        .iter()
        .map(|id| {
            responses.item_index(id).ok_or_else(|| {
                ForensicsError::Params(format!("compromised item `{id}` is not in the responses"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let stats = pk::detect(&input.items, &input.scores, input.times.as_ref(), &indices)?;
    Ok(PreknowledgeReport {
        persons: stats
            .iter()
            .zip(input.persons)
            .map(|(s, person)| PreknowledgeRow {
                person,
                pk_l_s: finite(s.l_s),
                pk_s_s: finite(s.s_s),
                pk_l_t: s.l_t.and_then(finite),
            })
            .collect(),
    })
}

/// `ω` and the GBT of the ordered pairs `selection` picks ([`Selection::All`]: every ordered pair, by
/// source then copier).
///
/// # Errors
/// A missing item parameter, a score other than 0/1.
pub fn copying(
    params: &Params,
    responses: &ResponseMatrix,
    selection: Selection,
) -> Result<CopyingReport, ForensicsError> {
    let input = Input::new(params, responses, None)?;
    let stats = copying::detect(&input.items, &input.scores, selection)?;
    Ok(CopyingReport {
        pairs: stats
            .iter()
            .map(|s| CopyingRow {
                source: input.persons[s.source].clone(),
                copier: input.persons[s.copier].clone(),
                omega: finite(s.omega),
                p_omega: finite(s.p_omega),
                gbt: (s.common > 0).then_some(s.matches),
                p_gbt: finite(s.p_gbt),
            })
            .collect(),
    })
}

/// NT thresholds (`nt` percent of each item's mean time; 10 for NT10, no cap) and every person's
/// response-time effort.
///
/// # Errors
/// `nt` outside `[0, 100]`.
pub fn rapid_guessing(times: &TimeMatrix, nt: f64) -> Result<RapidGuessingReport, ForensicsError> {
    let out = rapid_guessing::detect(times, nt, Limits::default())?;
    Ok(RapidGuessingReport {
        items: times
            .item_ids()
            .iter()
            .zip(&out.thresholds)
            .map(|(item, &t)| ThresholdRow {
                item: item.clone(),
                threshold_s: finite(t),
            })
            .collect(),
        persons: names(times.person_ids(), times.n_persons())
            .into_iter()
            .zip(&out.rte)
            .map(|(person, &rte)| EffortRow {
                person,
                rte: finite(rte),
            })
            .collect(),
    })
}

/// The inputs of a report, matched up.
struct Input {
    items: ItemSet,
    scores: Scores,
    times: Option<TimeMatrix>,
    persons: Vec<String>,
}

impl Input {
    fn new(
        params: &Params,
        responses: &ResponseMatrix,
        times: Option<&TimeMatrix>,
    ) -> Result<Input, ForensicsError> {
        let items = responses
            .item_ids()
            .iter()
            .map(|id| {
                let item = params.get(id).ok_or_else(|| {
                    ForensicsError::Params(format!("item `{id}` has no parameters"))
                })?;
                if times.is_some() && item.rt.is_none() {
                    return Err(ForensicsError::Params(format!(
                        "item `{id}` has no rt parameters, which the times need"
                    )));
                }
                Ok(item)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let times = times
            .map(|t| {
                if t.n_persons() != responses.n_persons() {
                    return Err(ForensicsError::Mismatch(format!(
                        "{} rows of times for {} rows of responses",
                        t.n_persons(),
                        responses.n_persons()
                    )));
                }
                if let (Some(a), Some(b)) = (responses.person_ids(), t.person_ids())
                    && let Some(row) = a.iter().zip(b).position(|(x, y)| x != y)
                {
                    return Err(ForensicsError::Mismatch(format!(
                        "row {}: person `{}` in the responses, `{}` in the times",
                        row + 1,
                        a[row],
                        b[row]
                    )));
                }
                t.with_items_in_order(responses.item_ids())
            })
            .transpose()?;
        Ok(Input {
            items: ItemSet::from_forensic_items(items)?,
            scores: Scores::from_matrix(responses)?,
            times,
            persons: names(responses.person_ids(), responses.n_persons()),
        })
    }
}

/// The given person ids, or `"1"`, `"2"`, … .
fn names(ids: Option<&[String]>, n: usize) -> Vec<String> {
    ids.map_or_else(
        || (1..=n).map(|i| i.to_string()).collect(),
        <[String]>::to_vec,
    )
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forensics::TimeUnit;

    fn params(with_rt: bool) -> Params {
        let rt = if with_rt {
            r#","rt":{"alpha":2.0,"beta":3.0}"#
        } else {
            ""
        };
        let json = format!(
            r#"{{"q1":{{"model":"2pl","a":1.0,"b":-1.0{rt}}},"q2":{{"model":"3pl","a":1.2,"b":0.0,"c":0.2{rt}}},
                 "q3":{{"model":"rasch","b":0.5{rt}}},"unused":{{"model":"2pl","a":1.0,"b":0.0}}}}"#
        );
        serde_json::from_str(&json).unwrap()
    }

    /// The keys of a JSON object, sorted.
    fn keys(value: &serde_json::Value) -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }

    const RESPONSES: &str = "person,q1,q2,q3\nann,1,0,1\nbob,1,1,\ncem,0,0,0\n";
    const TIMES: &str = "person,q3,q2,q1\nann,20,30,2\nbob,,25,15\ncem,12,18,22\n";

    #[test]
    fn person_fit_has_the_contract_shape() {
        let responses = ResponseMatrix::from_csv(RESPONSES).unwrap();
        let times = TimeMatrix::from_csv(TIMES, TimeUnit::Seconds).unwrap();
        let report = person_fit(&params(true), &responses, Some(&times)).unwrap();
        let json = serde_json::to_value(&report).unwrap();
        let first = &json["persons"][0];
        assert_eq!(first["person"], "ann");
        assert_eq!(keys(first), ["l_t", "lz", "lz_star", "person"]);
        assert!(first["l_t"].is_f64() && first["lz_star"].is_f64());
        let without = person_fit(&params(false), &responses, None).unwrap();
        assert!(without.persons.iter().all(|p| p.l_t.is_none()));
    }

    #[test]
    fn inputs_are_matched_by_name() {
        let responses = ResponseMatrix::from_csv(RESPONSES).unwrap();
        let times = TimeMatrix::from_csv(TIMES, TimeUnit::Seconds).unwrap();
        let e = person_fit(&params(false), &responses, Some(&times)).unwrap_err();
        assert!(e.to_string().contains("no rt parameters"), "{e}");
        let mut missing = params(true);
        missing.remove("q2");
        let e = person_fit(&missing, &responses, None).unwrap_err();
        assert!(e.to_string().contains("item `q2`"), "{e}");
        let other = TimeMatrix::from_csv(
            "person,q1,q2,q3\nann,1,1,1\nzed,1,1,1\ncem,1,1,1\n",
            TimeUnit::Seconds,
        )
        .unwrap();
        let e = person_fit(&params(true), &responses, Some(&other)).unwrap_err();
        assert!(e.to_string().contains("row 2"), "{e}");
        let short = TimeMatrix::from_csv("q1,q2,q3\n1,1,1\n", TimeUnit::Seconds).unwrap();
        assert!(person_fit(&params(true), &responses, Some(&short)).is_err());
    }

    #[test]
    fn preknowledge_copying_and_rapid_guessing_shapes() {
        let responses = ResponseMatrix::from_csv(RESPONSES).unwrap();
        let times = TimeMatrix::from_csv(TIMES, TimeUnit::Seconds).unwrap();
        let pk =
            preknowledge(&params(true), &responses, &["q2".to_string()], Some(&times)).unwrap();
        let row = serde_json::to_value(&pk.persons[0]).unwrap();
        assert_eq!(keys(&row), ["person", "pk_l_s", "pk_l_t", "pk_s_s"]);
        let e = preknowledge(&params(true), &responses, &["q9".to_string()], None).unwrap_err();
        assert!(e.to_string().contains("`q9`"), "{e}");

        let unnamed = ResponseMatrix::from_csv("q1,q2,q3\n1,0,1\n1,1,0\n").unwrap();
        let pairs = copying(&params(false), &unnamed, Selection::All).unwrap();
        let names: Vec<(&str, &str)> = pairs
            .pairs
            .iter()
            .map(|p| (p.source.as_str(), p.copier.as_str()))
            .collect();
        assert_eq!(names, [("1", "2"), ("2", "1")]);
        let row = serde_json::to_value(&pairs.pairs[0]).unwrap();
        assert_eq!(row["gbt"], 1, "equal on q1 only");
        assert_eq!(
            keys(&row),
            ["copier", "gbt", "omega", "p_gbt", "p_omega", "source"]
        );

        let rg = rapid_guessing(&times, 10.0).unwrap();
        assert_eq!(rg.items[0].item, "q3");
        assert!((rg.items[0].threshold_s.unwrap() - 1.6).abs() < 1e-12);
        assert_eq!(rg.persons[0].person, "ann");
        assert_eq!(rg.persons[0].rte, Some(1.0));
        let json = serde_json::to_value(&rg).unwrap();
        assert!(json["items"].is_array() && json["persons"].is_array());
    }
}
