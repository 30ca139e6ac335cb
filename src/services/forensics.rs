//! Post-test forensics of a sitting: person fit (`lz*`) of every finished session and answer copying
//! (Wollack's ω with the GBT index) over the sitting's pairs — every ordered pair at a centre, pairs
//! screened by answer similarity online — computed by the `proctoring` crate from the graded responses
//! and the items' current parameters. A candidate the policy's thresholds flag gets a `forensics` flag
//! with the statistics and an open review: a held result stays held, a certified one waits for the
//! reviewer, who may void it (the feed then carries the revocation).
//!
//! The sweeper runs it once for every sitting whose window has closed; proctors and admins may run it
//! again at any time (flags and reviews are raised once, so a rerun changes nothing it found before).

use std::collections::{BTreeMap, HashMap};

use proctoring::forensics::ForensicItem;
use proctoring::forensics::copying::Selection;
use proctoring::forensics::special::normal_lower;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::AppState;
use crate::error::ApiError;
use crate::store::integrity::{self as store, NewFlag};
use crate::store::status::{FlagSource, Severity, SittingMode};
use crate::store::{calibration, registration};
use item_bank::irt::ResponseMatrix;

/// Pairs kept per candidate by the online screen.
const SCREEN_PER_PERSON: usize = 5;
/// Items two candidates must share for their pair to be screened.
const SCREEN_MIN_COMMON: usize = 10;

/// What one run found.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForensicsRun {
    pub sitting_id: Uuid,
    /// Finished sessions analysed.
    pub sessions: usize,
    /// Ordered pairs tested for copying.
    pub pairs_tested: usize,
    /// The sessions flagged, with why.
    pub flagged: Vec<ForensicFlag>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ForensicFlag {
    pub session_id: Uuid,
    /// `person_misfit` or `answer_copying`.
    pub rule: String,
    #[schema(value_type = Object)]
    pub statistics: serde_json::Value,
}

/// Runs the forensics of a sitting and raises what they find.
pub async fn run_sitting(state: &AppState, sitting_id: Uuid) -> Result<ForensicsRun, ApiError> {
    let sitting = registration::sitting(&state.db, sitting_id)
        .await?
        .ok_or(ApiError::NotFound("sitting"))?;
    let rows = calibration::sitting_responses(&state.db, sitting_id).await?;
    let mut sessions: Vec<Uuid> = Vec::new();
    let mut columns: BTreeMap<(String, i32), usize> = BTreeMap::new();
    let mut cells: HashMap<(Uuid, (String, i32)), u8> = HashMap::new();
    for (session, item, version, credit) in rows {
        if sessions.last() != Some(&session) {
            sessions.push(session);
        }
        let key = (item, version);
        let n = columns.len();
        columns.entry(key.clone()).or_insert(n);
        cells.insert((session, key), u8::from(credit >= 1.0));
    }
    let mut run = ForensicsRun {
        sitting_id,
        sessions: sessions.len(),
        pairs_tested: 0,
        flagged: Vec::new(),
    };
    if sessions.len() < 2 || columns.is_empty() {
        return Ok(run);
    }
    let keys: Vec<(String, i32)> = columns.keys().cloned().collect();
    let ids: Vec<String> = keys.iter().map(|(i, v)| format!("{i}@v{v}")).collect();
    let matrix_rows: Vec<Vec<Option<u8>>> = sessions
        .iter()
        .map(|s| {
            keys.iter()
                .map(|k| cells.get(&(*s, k.clone())).copied())
                .collect()
        })
        .collect();
    let responses =
        ResponseMatrix::new(ids.clone(), &matrix_rows).map_err(|e| ApiError::Internal(e.into()))?;
    let current = calibration::current_params(&state.db, &keys).await?;
    let params: proctoring::report::Params = keys
        .iter()
        .zip(&ids)
        .filter_map(|(k, id)| {
            current.get(k).map(|irt| {
                (
                    id.clone(),
                    ForensicItem {
                        params: irt.params.clone(),
                        rt: None,
                    },
                )
            })
        })
        .collect();
    if params.len() != ids.len() {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "an item of the sitting has no parameters"
        )));
    }
    let thresholds = &state.policy.forensics;
    let fit = proctoring::report::person_fit(&params, &responses, None)
        .map_err(|e| ApiError::Internal(e.into()))?;
    for (row, session) in fit.persons.iter().zip(&sessions) {
        if let Some(lz_star) = row.lz_star {
            let p = normal_lower(lz_star);
            if thresholds.person_fit_flags(p) {
                run.flagged.push(ForensicFlag {
                    session_id: *session,
                    rule: "person_misfit".into(),
                    statistics: serde_json::json!({"lz": row.lz, "lz_star": lz_star, "p": p}),
                });
            }
        }
    }
    let selection = match sitting.mode {
        SittingMode::Centre => Selection::All,
        SittingMode::Online => Selection::Screened {
            per_person: SCREEN_PER_PERSON,
            min_common: SCREEN_MIN_COMMON,
        },
    };
    let copying = proctoring::report::copying(&params, &responses, selection)
        .map_err(|e| ApiError::Internal(e.into()))?;
    run.pairs_tested = copying.pairs.len();
    let person_index: HashMap<String, usize> = (0..sessions.len())
        .map(|i| ((i + 1).to_string(), i))
        .collect();
    for pair in &copying.pairs {
        let (Some(p_omega), Some(p_gbt)) = (pair.p_omega, pair.p_gbt) else {
            continue;
        };
        if thresholds.copying_flags(p_omega, p_gbt, run.pairs_tested) {
            let (Some(&c), Some(&s)) = (
                person_index.get(&pair.copier),
                person_index.get(&pair.source),
            ) else {
                continue;
            };
            run.flagged.push(ForensicFlag {
                session_id: sessions[c],
                rule: "answer_copying".into(),
                statistics: serde_json::json!({
                    "source_session": sessions[s], "omega": pair.omega, "p_omega": p_omega,
                    "gbt": pair.gbt, "p_gbt": p_gbt, "pairs_tested": run.pairs_tested,
                }),
            });
        }
    }
    let now = crate::store::now();
    let txn = crate::store::begin(&state.writer).await?;
    for f in &run.flagged {
        store::upsert_flags(
            &txn,
            vec![NewFlag {
                session_id: f.session_id,
                rule: f.rule.clone(),
                severity: Severity::High,
                source: FlagSource::Forensics,
                first_at: now,
                count: 1,
                detail: Some(f.statistics.clone()),
            }],
            now,
        )
        .await?;
        store::open_review(&txn, f.session_id, now).await?;
    }
    registration::mark_forensics_done(&txn, sitting_id, now, false).await?;
    txn.commit().await?;
    tracing::info!(sitting = %sitting_id, sessions = run.sessions, flagged = run.flagged.len(), "forensics ran");
    Ok(run)
}

/// Runs the forensics of every sitting whose window has closed, whose sessions have all ended, and that
/// has not had them; each sitting is claimed first, so two instances never run the same one.
pub async fn sweep(state: &AppState) -> anyhow::Result<usize> {
    let now = crate::store::now();
    let due = registration::sittings_due_for_forensics(&state.db, now, 10).await?;
    let mut ran = 0;
    for sitting in due {
        // A session still running after the window closed is analysed with the others once it ends.
        if registration::has_running_sessions(&state.db, sitting.id).await? {
            continue;
        }
        if !registration::mark_forensics_done(&state.writer, sitting.id, now, true).await? {
            continue;
        }
        match run_sitting(state, sitting.id).await {
            Ok(_) => ran += 1,
            Err(e) => tracing::error!(sitting = %sitting.id, error = %e, "forensics failed"),
        }
    }
    Ok(ran)
}
