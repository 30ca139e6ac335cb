//! What the driver checks in the server's database after a run: every acknowledged answer is stored, and
//! the sessions it started were closed and certified as the rules say even when several instances and
//! their sweepers worked on them at once.

use std::collections::HashMap;

use chrono::Duration;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use uuid::Uuid;

use crate::store::entity::{certificate, feed_event, response_event, session_section};
use crate::store::status::{FeedEventType, SectionStatus};

/// What the database says about the run's sessions.
#[derive(Debug, Default, Serialize)]
pub struct Consistency {
    /// Acknowledged answers found in the database.
    pub stored_answers: usize,
    pub sessions: usize,
    /// Closed sections whose successor was opened at another moment than the close (a section closed
    /// twice, or the next one opened twice, would show here).
    pub sections_closed_out_of_step: usize,
    /// Sections closed later than their deadline plus the grace and one sweep interval (with one second of
    /// slack for the clock's resolution).
    pub sections_closed_late: usize,
    /// Answers stored after their section had closed.
    pub answers_after_close: usize,
    /// Sessions with more than one certificate, or certificates with more than one `certified` feed event.
    pub duplicate_certificates: usize,
}

impl Consistency {
    /// Everything held.
    pub fn holds(&self, acknowledged: usize) -> bool {
        self.stored_answers == acknowledged
            && self.sections_closed_out_of_step == 0
            && self.sections_closed_late == 0
            && self.answers_after_close == 0
            && self.duplicate_certificates == 0
    }
}

/// How late a section may close: the grace, one sweep interval and a second of slack.
#[derive(Debug, Clone, Copy)]
pub struct Lateness {
    pub grace_seconds: i64,
    pub sweep_interval_seconds: i64,
}

/// Checks the sessions of `acknowledged` (session, idempotency key) pairs and of `sessions`.
pub async fn check(
    url: &str,
    sessions: &[Uuid],
    acknowledged: &[(Uuid, String)],
    lateness: Lateness,
) -> anyhow::Result<Consistency> {
    let db = sea_orm::Database::connect(url).await?;
    let mut keys: HashMap<Uuid, Vec<&str>> = HashMap::new();
    for (s, k) in acknowledged {
        keys.entry(*s).or_default().push(k);
    }
    let allowed = Duration::seconds(lateness.grace_seconds + lateness.sweep_interval_seconds + 1);
    let mut out = Consistency {
        sessions: sessions.len(),
        ..Consistency::default()
    };
    for chunk in sessions.chunks(500) {
        let events = response_event::Entity::find()
            .filter(response_event::Column::SessionId.is_in(chunk.iter().copied()))
            .all(&db)
            .await?;
        let sections = session_section::Entity::find()
            .filter(session_section::Column::SessionId.is_in(chunk.iter().copied()))
            .all(&db)
            .await?;
        let certificates = certificate::Entity::find()
            .filter(certificate::Column::SessionId.is_in(chunk.iter().copied()))
            .all(&db)
            .await?;
        out.stored_answers += stored(&events, &keys);
        out.answers_after_close += after_close(&events, &sections);
        let (out_of_step, late) = section_timing(&sections, allowed);
        out.sections_closed_out_of_step += out_of_step;
        out.sections_closed_late += late;
        out.duplicate_certificates += duplicates(&db, &certificates).await?;
    }
    Ok(out)
}

fn stored(events: &[response_event::Model], keys: &HashMap<Uuid, Vec<&str>>) -> usize {
    let mut by_session: HashMap<Uuid, Vec<&str>> = HashMap::new();
    for e in events {
        by_session
            .entry(e.session_id)
            .or_default()
            .push(&e.idempotency_key);
    }
    keys.iter()
        .map(|(s, ks)| {
            let present = by_session.get(s).map_or(&[][..], Vec::as_slice);
            ks.iter().filter(|k| present.contains(k)).count()
        })
        .sum()
}

/// Answers received after the section holding their position closed.
fn after_close(events: &[response_event::Model], sections: &[session_section::Model]) -> usize {
    events
        .iter()
        .filter(|e| {
            sections
                .iter()
                .filter(|s| s.session_id == e.session_id && s.first_position <= e.position)
                .max_by_key(|s| s.first_position)
                .and_then(|s| s.closed_at)
                .is_some_and(|closed| e.received_at > closed)
        })
        .count()
}

/// (closed sections whose successor opened at another moment, sections closed too late).
fn section_timing(sections: &[session_section::Model], allowed: Duration) -> (usize, usize) {
    let mut by_session: HashMap<Uuid, Vec<&session_section::Model>> = HashMap::new();
    for s in sections {
        by_session.entry(s.session_id).or_default().push(s);
    }
    let mut out_of_step = 0;
    let mut late = 0;
    for list in by_session.values_mut() {
        list.sort_by_key(|s| s.idx);
        for pair in list.windows(2) {
            let (this, next) = (pair[0], pair[1]);
            if this.status == SectionStatus::Closed
                && next.opened_at.is_some()
                && next.opened_at != this.closed_at
            {
                out_of_step += 1;
            }
        }
        late += list
            .iter()
            .filter(|s| match (s.deadline, s.closed_at) {
                (Some(deadline), Some(closed)) => closed > deadline + allowed,
                _ => false,
            })
            .count();
    }
    (out_of_step, late)
}

async fn duplicates(
    db: &DatabaseConnection,
    certificates: &[certificate::Model],
) -> anyhow::Result<usize> {
    let mut per_session: HashMap<Uuid, usize> = HashMap::new();
    for c in certificates {
        *per_session.entry(c.session_id).or_default() += 1;
    }
    let mut found = per_session.values().filter(|&&n| n > 1).count();
    let issued: Vec<Uuid> = feed_event::Entity::find()
        .select_only()
        .column(feed_event::Column::CertificateId)
        .filter(feed_event::Column::CertificateId.is_in(certificates.iter().map(|c| c.id)))
        .filter(feed_event::Column::EventType.eq(FeedEventType::Certified))
        .into_tuple()
        .all(db)
        .await?;
    let mut per_certificate: HashMap<Uuid, usize> = HashMap::new();
    for id in issued {
        *per_certificate.entry(id).or_default() += 1;
    }
    found += per_certificate.values().filter(|&&n| n > 1).count();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};

    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + s, 0).unwrap()
    }

    fn section(
        idx: i32,
        opened: Option<i64>,
        deadline: Option<i64>,
        closed: Option<i64>,
    ) -> session_section::Model {
        session_section::Model {
            session_id: Uuid::nil(),
            idx,
            section_id: format!("s{idx}"),
            status: if closed.is_some() {
                SectionStatus::Closed
            } else if opened.is_some() {
                SectionStatus::Open
            } else {
                SectionStatus::Pending
            },
            time_limit_seconds: 60,
            opened_at: opened.map(at),
            deadline: deadline.map(at),
            closed_at: closed.map(at),
            adaptive: false,
            first_position: 1 + 20 * idx,
        }
    }

    fn answer(position: i32, received: i64) -> response_event::Model {
        response_event::Model {
            id: Uuid::now_v7(),
            session_id: Uuid::nil(),
            position,
            idempotency_key: Uuid::now_v7().to_string(),
            answer: serde_json::json!({"choice": "a"}),
            received_at: at(received),
            client_time_on_item_ms: None,
        }
    }

    #[test]
    fn a_section_closed_once_and_in_time_passes() {
        let sections = [
            section(0, Some(0), Some(60), Some(65)),
            section(1, Some(65), Some(125), None),
        ];
        assert_eq!(section_timing(&sections, Duration::seconds(16)), (0, 0));
        let answers = [answer(1, 10), answer(21, 70)];
        assert_eq!(after_close(&answers, &sections), 0);
    }

    #[test]
    fn a_second_opening_a_late_close_and_a_late_answer_are_each_found() {
        // The next section opened at another moment than the close: something ran the advance twice.
        let twice = [
            section(0, Some(0), Some(60), Some(65)),
            section(1, Some(70), Some(130), None),
        ];
        assert_eq!(section_timing(&twice, Duration::seconds(16)).0, 1);
        // Closed 40 s after its deadline, far beyond grace and one sweep.
        let late = [section(0, Some(0), Some(60), Some(100))];
        assert_eq!(section_timing(&late, Duration::seconds(16)).1, 1);
        // An answer to the first section stored after it closed.
        let sections = [
            section(0, Some(0), Some(60), Some(65)),
            section(1, Some(65), Some(125), None),
        ];
        assert_eq!(after_close(&[answer(3, 66)], &sections), 1);
    }
}
