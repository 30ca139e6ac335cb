//! Certificates: the signed result (a compact JWS, EdDSA, `kid` in the header), the results feed that the
//! pre-selection system pulls, revocation, and the public status check.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use jsonwebtoken::{Algorithm, Header};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::AppState;
use super::scoring::SectionScore;
use crate::domain::Reason;
use crate::error::{ApiError, ErrorCode};
use crate::store::results::{self as store, Certificate, CertificateStatus, FeedEventType};
use crate::store::status::{Decision, LevelReached, ReviewStatus};

/// What a certificate's JWS payload holds.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CertificateClaims {
    pub iss: String,
    /// The certificate id.
    pub sub: String,
    pub iat: i64,
    pub candidate: CandidateClaim,
    pub test: TestClaim,
    pub sections: Vec<SectionScore>,
    pub level: LevelReached,
    pub decision: Decision,
    /// RFC 3339.
    pub valid_until: String,
    pub status: CertificateStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CandidateClaim {
    pub document_number: String,
    pub full_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TestClaim {
    pub blueprint: String,
    pub blueprint_version: u32,
    pub sitting_id: Uuid,
    pub session_id: Uuid,
    /// RFC 3339.
    pub taken_at: String,
}

/// What a session's certificate states.
pub struct CertificateInput {
    pub session_id: Uuid,
    pub sitting_id: Uuid,
    pub blueprint: String,
    pub blueprint_version: u32,
    pub taken_at: DateTime<Utc>,
    pub full_name: String,
    pub document_number: String,
    pub sections: Vec<SectionScore>,
    pub level: LevelReached,
    pub decision: Decision,
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn sign(state: &AppState, claims: &CertificateClaims) -> Result<String, ApiError> {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(state.keys.kid().to_owned());
    jsonwebtoken::encode(&header, claims, state.keys.encoding_key())
        .map_err(|e| ApiError::Internal(e.into()))
}

/// Issues the certificate of a graded session and appends it to the feed, inside `txn`.
pub async fn certify(
    state: &AppState,
    txn: &impl crate::store::Writer,
    input: CertificateInput,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let id = Uuid::now_v7();
    let valid_until = now + Duration::days(state.settings.certificate_validity_days);
    let claims = CertificateClaims {
        iss: state.settings.issuer.clone(),
        sub: id.to_string(),
        iat: now.timestamp(),
        candidate: CandidateClaim {
            document_number: input.document_number,
            full_name: input.full_name,
        },
        test: TestClaim {
            blueprint: input.blueprint,
            blueprint_version: input.blueprint_version,
            sitting_id: input.sitting_id,
            session_id: input.session_id,
            taken_at: rfc3339(input.taken_at),
        },
        sections: input.sections,
        level: input.level,
        decision: input.decision,
        valid_until: rfc3339(valid_until),
        status: CertificateStatus::Valid,
        revoked_at: None,
        revocation_reason: None,
    };
    let jws = sign(state, &claims)?;
    store::insert_certificate(
        txn,
        Certificate {
            id,
            session_id: input.session_id,
            level: input.level,
            decision: input.decision,
            jws: jws.clone(),
            issued_at: now,
            valid_until,
            status: CertificateStatus::Valid,
            revoked_at: None,
            revocation_reason: None,
        },
    )
    .await?;
    store::append_feed(txn, id, FeedEventType::Certified, now, &jws).await?;
    tracing::info!(certificate = %id, "certificate issued");
    Ok(id)
}

/// Certifies a session whose result is stored but was held: the certificate states the stored result.
/// Does nothing for a blueprint that is not certified.
pub async fn certify_stored(
    state: &AppState,
    txn: &crate::store::Transaction,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, ApiError> {
    let session = crate::store::delivery::session(txn, session_id)
        .await?
        .ok_or(ApiError::NotFound("session"))?;
    let ctx = crate::store::context::SessionContext::load(txn, session.registration_id)
        .await?
        .ok_or(ApiError::NotFound("registration"))?;
    if !ctx.blueprint.certify {
        return Ok(None);
    }
    let candidate = crate::store::registration::candidate(txn, ctx.registration.candidate_id)
        .await?
        .ok_or(ApiError::NotFound("candidate"))?;
    let result = store::result(txn, session_id).await?.ok_or_else(|| {
        ApiError::conflict(ErrorCode::ResultNotReady, "the session has no result")
    })?;
    let input = CertificateInput {
        session_id,
        sitting_id: ctx.sitting.id,
        blueprint: ctx.blueprint.id.clone(),
        blueprint_version: ctx.blueprint.version,
        taken_at: session.started_at,
        full_name: candidate.full_name,
        document_number: candidate.document_number,
        sections: serde_json::from_value(result.sections)
            .map_err(|e| ApiError::Internal(e.into()))?,
        level: result.level,
        decision: result.decision,
    };
    certify(state, txn, input, now).await.map(Some)
}

/// The claims inside one of our own stored JWS (already verified when it was made).
fn stored_claims(jws: &str) -> Result<CertificateClaims, ApiError> {
    use base64::Engine;
    let payload = jws
        .split('.')
        .nth(1)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("stored JWS is malformed")))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|e| ApiError::Internal(e.into()))?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::Internal(e.into()))
}

/// Revokes a valid certificate with a reason; the feed then carries a `revoked` event for it, signed like
/// the original with `status: "revoked"`.
pub async fn revoke(
    state: &AppState,
    certificate_id: Uuid,
    reason: &Reason,
) -> Result<Certificate, ApiError> {
    let reason = reason.as_str();
    let now = crate::store::now();
    let txn = crate::store::begin(&state.writer).await?;
    match revoke_in(state, &txn, certificate_id, reason, now).await? {
        Some(cert) => {
            txn.commit().await?;
            Ok(cert)
        }
        None => {
            txn.rollback().await?;
            match store::certificate(&state.db, certificate_id).await? {
                Some(_) => Err(ApiError::conflict(
                    ErrorCode::AlreadyRevoked,
                    "the certificate is revoked already",
                )),
                None => Err(ApiError::NotFound("certificate")),
            }
        }
    }
}

/// Revokes a valid certificate inside `txn` and appends the signed `revoked` event; `None` when there is
/// no valid certificate of that id (none, or revoked already).
pub(crate) async fn revoke_in(
    state: &AppState,
    txn: &crate::store::Transaction,
    certificate_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<Certificate>, ApiError> {
    if !store::mark_revoked(txn, certificate_id, reason, now).await? {
        return Ok(None);
    }
    let cert = store::certificate(txn, certificate_id)
        .await?
        .ok_or(ApiError::NotFound("certificate"))?;
    let mut claims = stored_claims(&cert.jws)?;
    claims.iat = now.timestamp();
    claims.status = CertificateStatus::Revoked;
    claims.revoked_at = Some(rfc3339(now));
    claims.revocation_reason = Some(reason.to_owned());
    let jws = sign(state, &claims)?;
    store::append_feed(txn, certificate_id, FeedEventType::Revoked, now, &jws).await?;
    tracing::info!(certificate = %certificate_id, "certificate revoked");
    Ok(Some(cert))
}

/// One event of the results feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedEventView {
    pub cursor: String,
    #[serde(rename = "type")]
    pub event_type: FeedEventType,
    pub certificate_id: Uuid,
    pub issued_at: DateTime<Utc>,
    /// A compact JWS; verify it with `/.well-known/jwks.json`.
    pub jws: String,
}

/// A page of the results feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedPage {
    pub events: Vec<FeedEventView>,
    /// Pass as `after` to read on; equal to `after` when there was nothing new (the zero cursor on an
    /// empty feed).
    pub next_cursor: String,
}

/// The most events one page returns.
pub const MAX_FEED_PAGE: u64 = 1000;

fn cursor(seq: i64) -> String {
    format!("{seq:016}")
}

fn parse_cursor(s: &str) -> Result<i64, ApiError> {
    // 18 digits: more than any feed reaches (a cursor has 16), and always an `i64`.
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::Validation(
            "after is not a cursor this feed issued".into(),
        ));
    }
    s.parse()
        .map_err(|_| ApiError::Validation("after is not a cursor this feed issued".into()))
}

/// Events after `after` (from the start when absent), oldest first, at most `limit` (default 100).
pub async fn feed(
    state: &AppState,
    after: Option<&str>,
    limit: Option<u64>,
) -> Result<FeedPage, ApiError> {
    let after_seq = after.map(parse_cursor).transpose()?.unwrap_or(0);
    let limit = limit.unwrap_or(100);
    if limit == 0 || limit > MAX_FEED_PAGE {
        return Err(ApiError::Validation(format!(
            "limit must be between 1 and {MAX_FEED_PAGE}"
        )));
    }
    let events = store::feed(&state.db, after_seq, limit).await?;
    let next = cursor(events.last().map_or(after_seq, |e| e.seq));
    Ok(FeedPage {
        events: events
            .into_iter()
            .map(|e| FeedEventView {
                cursor: cursor(e.seq),
                event_type: e.event_type,
                certificate_id: e.certificate_id,
                issued_at: e.issued_at,
                jws: e.jws,
            })
            .collect(),
        next_cursor: next,
    })
}

/// A certificate's standing as anyone may check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicStatus {
    Valid,
    Revoked,
    /// Past `valid_until`.
    Expired,
}

/// What anyone may learn of a certificate: no more than a printed certificate shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateView {
    pub certificate_id: Uuid,
    pub status: PublicStatus,
    pub level: LevelReached,
    pub decision: Decision,
    pub issued_at: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
}

/// Where a certificate stands at `now`.
fn public_status(cert: &Certificate, now: DateTime<Utc>) -> PublicStatus {
    if cert.status == CertificateStatus::Revoked {
        PublicStatus::Revoked
    } else if cert.valid_until < now {
        PublicStatus::Expired
    } else {
        PublicStatus::Valid
    }
}

/// Where a stored result stands at `now`, from its certificate (written in the same transaction as the
/// result: a result without one is a blueprint that is not certified, or one held for review) and what
/// its review made of it.
pub(crate) fn result_status(
    cert: Option<&Certificate>,
    review: ReviewStatus,
    now: DateTime<Utc>,
) -> OwnResultStatus {
    match (cert, review) {
        (_, ReviewStatus::Voided) => OwnResultStatus::Voided,
        (None, ReviewStatus::Held) => OwnResultStatus::UnderReview,
        (Some(c), _) => public_status(c, now).into(),
        (None, _) => OwnResultStatus::NotCertified,
    }
}

/// The public status of a certificate.
pub async fn status(state: &AppState, certificate_id: Uuid) -> Result<CertificateView, ApiError> {
    let cert = store::certificate(&state.db, certificate_id)
        .await?
        .ok_or(ApiError::NotFound("certificate"))?;
    Ok(CertificateView {
        certificate_id: cert.id,
        status: public_status(&cert, crate::store::now()),
        level: cert.level,
        decision: cert.decision,
        issued_at: cert.issued_at,
        valid_until: cert.valid_until,
    })
}

/// The candidate's own result.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnResult {
    pub session_id: Uuid,
    /// Absent for a blueprint that is not certified (a placement test).
    pub certificate_id: Option<Uuid>,
    pub level: LevelReached,
    pub decision: Decision,
    pub sections: Vec<SectionScore>,
    pub issued_at: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    pub status: OwnResultStatus,
}

/// Where the candidate's own result stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OwnResultStatus {
    Valid,
    Revoked,
    Expired,
    /// A blueprint that is not certified (a placement test): scored and shown, never published.
    NotCertified,
    /// Held for review: not certified until a reviewer releases it.
    UnderReview,
    /// Voided on review: no valid certificate.
    Voided,
}

impl From<PublicStatus> for OwnResultStatus {
    fn from(s: PublicStatus) -> Self {
        match s {
            PublicStatus::Valid => OwnResultStatus::Valid,
            PublicStatus::Revoked => OwnResultStatus::Revoked,
            PublicStatus::Expired => OwnResultStatus::Expired,
        }
    }
}

/// The result of the caller's own finished session.
pub async fn own_result(
    state: &AppState,
    call: &super::access::CandidateCall,
    session_id: Uuid,
) -> Result<OwnResult, ApiError> {
    let session = super::access::own_session(state, call, session_id).await?;
    let result = store::result(&state.db, session.id).await?.ok_or_else(|| {
        ApiError::conflict(ErrorCode::ResultNotReady, "the session is not finished")
    })?;
    let cert = store::certificate_for_session(&state.db, session.id).await?;
    let status = result_status(cert.as_ref(), result.review_status, crate::store::now());
    Ok(OwnResult {
        session_id,
        certificate_id: cert.as_ref().map(|c| c.id),
        level: result.level,
        decision: result.decision,
        sections: serde_json::from_value(result.sections)
            .map_err(|e| ApiError::Internal(e.into()))?,
        issued_at: cert.as_ref().map(|c| c.issued_at),
        valid_until: cert.as_ref().map(|c| c.valid_until),
        status,
    })
}
