//! Integrity events: what a candidate's browser reports and what the server observes itself, and the
//! validation of one batch sent by a client.
//!
//! # Time
//! Every instant in this crate is a [`Millis`]: milliseconds since the Unix epoch, UTC. The HTTP layer
//! converts the contract's RFC 3339 strings to and from it.
//!
//! # Detail
//! An event may carry a [`Detail`]: a flat JSON object of at most [`Detail::MAX_KEYS`] keys whose values
//! are strings, finite numbers or booleans, bounded in size ([`Detail::MAX_BYTES`]). The keys the policy
//! reads are documented on the event types; for now one:
//!
//! * `paste` and `copy` carry `{"target": "text"}` when the clipboard action happened in a typed-answer
//!   field, `{"target": "other"}` anywhere else (a stem, an option, the page).
//!
//! Other keys are kept and shown on the timeline but mean nothing to the policy.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// An instant: milliseconds since the Unix epoch (UTC).
pub type Millis = i64;

/// The kinds of integrity event. The first thirteen are reported by the candidate's browser; the last
/// five only by the server (see [`EventType::is_client`]).
///
/// Serialised in snake_case, e.g. `"focus_lost"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// The test window lost the keyboard focus (`blur`).
    FocusLost,
    /// The test window got the focus back (`focus`).
    FocusRegained,
    /// The page became hidden (another tab, a minimised window: `visibilitychange`).
    VisibilityHidden,
    /// The page became visible again.
    VisibilityVisible,
    /// The page left full-screen mode.
    FullscreenExit,
    /// The page entered full-screen mode.
    FullscreenEnter,
    /// Something was pasted; `detail.target` says where (`"text"`: a typed-answer field).
    Paste,
    /// Something was copied; `detail.target` as for `paste`.
    Copy,
    /// The context menu was opened.
    ContextMenu,
    /// The browser went offline.
    Offline,
    /// The browser came back online.
    Online,
    /// The browser's developer tools were seen open.
    DevtoolsOpened,
    /// The window was resized.
    Resize,
    /// Server: a candidate request came from another IP address than the session's earlier ones.
    IpChanged,
    /// Server: a candidate request came with another `User-Agent`.
    UserAgentChanged,
    /// Server: a second sign-in while the session was in progress (the earlier tokens stop working).
    ConcurrentLogin,
    /// Server: a request of a Safe Exam Browser sitting without a matching config-key or request hash.
    SebMismatch,
    /// Server: a request from outside the sitting's IP ranges.
    OutsideCentreNetwork,
}

impl EventType {
    /// Every event type, client types first, in declaration order.
    pub const ALL: [EventType; 18] = [
        EventType::FocusLost,
        EventType::FocusRegained,
        EventType::VisibilityHidden,
        EventType::VisibilityVisible,
        EventType::FullscreenExit,
        EventType::FullscreenEnter,
        EventType::Paste,
        EventType::Copy,
        EventType::ContextMenu,
        EventType::Offline,
        EventType::Online,
        EventType::DevtoolsOpened,
        EventType::Resize,
        EventType::IpChanged,
        EventType::UserAgentChanged,
        EventType::ConcurrentLogin,
        EventType::SebMismatch,
        EventType::OutsideCentreNetwork,
    ];

    /// The wire name, e.g. `"focus_lost"`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::FocusLost => "focus_lost",
            EventType::FocusRegained => "focus_regained",
            EventType::VisibilityHidden => "visibility_hidden",
            EventType::VisibilityVisible => "visibility_visible",
            EventType::FullscreenExit => "fullscreen_exit",
            EventType::FullscreenEnter => "fullscreen_enter",
            EventType::Paste => "paste",
            EventType::Copy => "copy",
            EventType::ContextMenu => "context_menu",
            EventType::Offline => "offline",
            EventType::Online => "online",
            EventType::DevtoolsOpened => "devtools_opened",
            EventType::Resize => "resize",
            EventType::IpChanged => "ip_changed",
            EventType::UserAgentChanged => "user_agent_changed",
            EventType::ConcurrentLogin => "concurrent_login",
            EventType::SebMismatch => "seb_mismatch",
            EventType::OutsideCentreNetwork => "outside_centre_network",
        }
    }

    /// The type of a wire name; `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Whether a candidate's browser may report this type. The others are the server's own
    /// observations and are refused in a client batch.
    pub fn is_client(self) -> bool {
        !matches!(
            self,
            EventType::IpChanged
                | EventType::UserAgentChanged
                | EventType::ConcurrentLogin
                | EventType::SebMismatch
                | EventType::OutsideCentreNetwork
        )
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One value of a [`Detail`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DetailValue {
    /// `true` or `false`.
    Bool(bool),
    /// A number (finite; checked by [`Detail::check`]).
    Number(f64),
    /// A string.
    Text(String),
}

impl DetailValue {
    /// The value as a string, if it is one.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            DetailValue::Text(s) => Some(s),
            _ => None,
        }
    }

    /// Bytes the value counts towards [`Detail::MAX_BYTES`]: a string's UTF-8 length, 8 otherwise.
    fn size(&self) -> usize {
        match self {
            DetailValue::Text(s) => s.len(),
            _ => 8,
        }
    }

    /// A total order: booleans, then numbers, then strings.
    fn total_cmp(&self, other: &DetailValue) -> Ordering {
        use DetailValue::{Bool, Number, Text};
        match (self, other) {
            (Bool(a), Bool(b)) => a.cmp(b),
            (Number(a), Number(b)) => a.total_cmp(b),
            (Text(a), Text(b)) => a.cmp(b),
            (Bool(_), _) | (Number(_), Text(_)) => Ordering::Less,
            _ => Ordering::Greater,
        }
    }
}

/// The optional detail of an event: a flat object of scalar values. See the module documentation for
/// the keys the policy reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Detail(BTreeMap<String, DetailValue>);

impl Detail {
    /// The most keys a detail may have.
    pub const MAX_KEYS: usize = 16;
    /// The most bytes a detail may hold: the UTF-8 lengths of its keys and string values, plus 8 for
    /// each number or boolean.
    pub const MAX_BYTES: usize = 1024;

    /// An empty detail.
    pub fn new() -> Detail {
        Detail::default()
    }

    /// The detail with `key` set to the string `value`.
    pub fn with(mut self, key: &str, value: &str) -> Detail {
        self.0
            .insert(key.to_string(), DetailValue::Text(value.to_string()));
        self
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&DetailValue> {
        self.0.get(key)
    }

    /// Whether the detail has no key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks the bounds: at most [`Self::MAX_KEYS`] keys, at most [`Self::MAX_BYTES`] bytes, numbers
    /// finite. The error says which bound was broken.
    pub fn check(&self) -> Result<(), String> {
        if self.0.len() > Self::MAX_KEYS {
            return Err(format!(
                "detail has {} keys, at most {} are allowed",
                self.0.len(),
                Self::MAX_KEYS
            ));
        }
        if let Some((key, _)) = self
            .0
            .iter()
            .find(|(_, v)| matches!(v, DetailValue::Number(n) if !n.is_finite()))
        {
            return Err(format!("detail `{key}` is not a finite number"));
        }
        let bytes: usize = self.0.iter().map(|(k, v)| k.len() + v.size()).sum();
        if bytes > Self::MAX_BYTES {
            return Err(format!(
                "detail holds {bytes} bytes, at most {} are allowed",
                Self::MAX_BYTES
            ));
        }
        Ok(())
    }

    fn total_cmp(&self, other: &Detail) -> Ordering {
        let mut a = self.0.iter();
        let mut b = other.0.iter();
        loop {
            match (a.next(), b.next()) {
                (None, None) => return Ordering::Equal,
                (None, Some(_)) => return Ordering::Less,
                (Some(_), None) => return Ordering::Greater,
                (Some((ka, va)), Some((kb, vb))) => {
                    let order = ka.cmp(kb).then_with(|| va.total_cmp(vb));
                    if order != Ordering::Equal {
                        return order;
                    }
                }
            }
        }
    }
}

/// A validated integrity event, as stored and as the policy reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// When it happened (client clock for client events, server clock for the server's own).
    pub at: Millis,
    /// The test section that was open at `at`, set by the server; `None` outside any section. Rules
    /// that count "within one section" group by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Optional detail; empty when the event carried none.
    #[serde(default, skip_serializing_if = "Detail::is_empty")]
    pub detail: Detail,
}

impl Event {
    /// An event without detail and without section.
    pub fn new(kind: EventType, at: Millis) -> Event {
        Event {
            kind,
            at,
            section: None,
            detail: Detail::new(),
        }
    }

    /// The event placed in `section`.
    pub fn in_section(mut self, section: &str) -> Event {
        self.section = Some(section.to_string());
        self
    }

    /// The event with `detail`.
    pub fn with_detail(mut self, detail: Detail) -> Event {
        self.detail = detail;
        self
    }

    /// A total order on events: by time, then type, section and detail. Sorting by it makes every
    /// computation on a set of events independent of the order the events arrived in.
    pub fn chronological(&self, other: &Event) -> Ordering {
        self.at
            .cmp(&other.at)
            .then_with(|| self.kind.cmp(&other.kind))
            .then_with(|| self.section.cmp(&other.section))
            .then_with(|| self.detail.total_cmp(&other.detail))
    }
}

/// One event as a client sends it: `{"type", "at", "detail"?}` with `type` still a string so that an
/// unknown type is reported with its position in the batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientEvent {
    /// The event type's wire name.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it happened on the client's clock.
    pub at: Millis,
    /// Optional detail.
    #[serde(default)]
    pub detail: Option<Detail>,
}

/// Bounds on one client batch. [`BatchLimits::default`] is what the service uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// The most events one batch may carry. Default 100 (the contract's bound).
    pub max_events: usize,
    /// How far ahead of the server's clock an event may be stamped. Default 60 s: browsers' clocks
    /// drift, but an event from further ahead is not a real observation.
    pub max_future_ms: Millis,
    /// How far behind the server's clock an event may be stamped. Default 6 h: a client buffers events
    /// while offline and sends them when back; no sitting, pauses included, lasts longer.
    pub max_age_ms: Millis,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            max_events: 100,
            max_future_ms: 60_000,
            max_age_ms: 6 * 3_600_000,
        }
    }
}

/// Why a client batch was refused. Errors about one event name its 0-based `index` in the batch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// The batch is empty.
    #[error("the batch has no event")]
    Empty,
    /// The batch carries more events than allowed.
    #[error("the batch has {count} events, at most {max} are allowed")]
    TooMany {
        /// Events in the batch.
        count: usize,
        /// [`BatchLimits::max_events`].
        max: usize,
    },
    /// The type is not an event type.
    #[error("event {index}: unknown type `{kind}`")]
    UnknownType {
        /// Position in the batch.
        index: usize,
        /// The type as sent.
        kind: String,
    },
    /// The type is one only the server records.
    #[error("event {index}: `{kind}` is recorded by the server, a client may not send it")]
    ServerType {
        /// Position in the batch.
        index: usize,
        /// The type.
        kind: EventType,
    },
    /// The event is stamped too far in the future.
    #[error(
        "event {index}: `at` is {ahead_ms} ms ahead of the server's clock, at most {max_ms} ms are allowed"
    )]
    InFuture {
        /// Position in the batch.
        index: usize,
        /// How far ahead it is.
        ahead_ms: Millis,
        /// [`BatchLimits::max_future_ms`].
        max_ms: Millis,
    },
    /// The event is stamped too far in the past.
    #[error(
        "event {index}: `at` is {age_ms} ms behind the server's clock, at most {max_ms} ms are allowed"
    )]
    TooOld {
        /// Position in the batch.
        index: usize,
        /// How far behind it is.
        age_ms: Millis,
        /// [`BatchLimits::max_age_ms`].
        max_ms: Millis,
    },
    /// The detail breaks a bound of [`Detail`].
    #[error("event {index}: {message}")]
    Detail {
        /// Position in the batch.
        index: usize,
        /// Which bound.
        message: String,
    },
}

/// Validates a client batch against the server's clock `now` and `limits`, and returns its events (in
/// the order sent, without section) or the first error found, naming the event's index.
///
/// A batch is all or nothing: one bad event refuses the whole batch, so that a client bug shows at once.
pub fn validate_batch(
    batch: &[ClientEvent],
    now: Millis,
    limits: &BatchLimits,
) -> Result<Vec<Event>, BatchError> {
    if batch.is_empty() {
        return Err(BatchError::Empty);
    }
    if batch.len() > limits.max_events {
        return Err(BatchError::TooMany {
            count: batch.len(),
            max: limits.max_events,
        });
    }
    batch
        .iter()
        .enumerate()
        .map(|(index, raw)| {
            let kind = EventType::from_name(&raw.kind).ok_or_else(|| BatchError::UnknownType {
                index,
                kind: raw.kind.clone(),
            })?;
            if !kind.is_client() {
                return Err(BatchError::ServerType { index, kind });
            }
            let ahead = raw.at.saturating_sub(now);
            if ahead > limits.max_future_ms {
                return Err(BatchError::InFuture {
                    index,
                    ahead_ms: ahead,
                    max_ms: limits.max_future_ms,
                });
            }
            let age = now.saturating_sub(raw.at);
            if age > limits.max_age_ms {
                return Err(BatchError::TooOld {
                    index,
                    age_ms: age,
                    max_ms: limits.max_age_ms,
                });
            }
            let detail = raw.detail.clone().unwrap_or_default();
            detail
                .check()
                .map_err(|message| BatchError::Detail { index, message })?;
            Ok(Event {
                kind,
                at: raw.at,
                section: None,
                detail,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: Millis = 1_760_000_000_000;

    fn client(kind: &str, at: Millis) -> ClientEvent {
        ClientEvent {
            kind: kind.to_string(),
            at,
            detail: None,
        }
    }

    #[test]
    fn names_round_trip_and_serde_agrees() {
        for kind in EventType::ALL {
            assert_eq!(EventType::from_name(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(EventType::from_name("focus-lost"), None);
        let clients: Vec<_> = EventType::ALL
            .into_iter()
            .filter(|t| t.is_client())
            .collect();
        assert_eq!(clients.len(), 13);
        assert!(!EventType::ConcurrentLogin.is_client());
        assert!(EventType::Resize.is_client());
    }

    #[test]
    fn a_good_batch_passes_in_order() {
        let mut paste = client("paste", NOW - 1_000);
        paste.detail = Some(Detail::new().with("target", "text"));
        let events = validate_batch(
            &[client("focus_lost", NOW - 5_000), paste],
            NOW,
            &BatchLimits::default(),
        )
        .unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].kind, EventType::FocusLost);
        assert_eq!(
            events[1]
                .detail
                .get("target")
                .and_then(DetailValue::as_text),
            Some("text")
        );
    }

    #[test]
    fn errors_name_the_event_index() {
        let limits = BatchLimits::default();
        let batch = [client("paste", NOW), client("teleport", NOW)];
        let e = validate_batch(&batch, NOW, &limits).unwrap_err();
        assert_eq!(e.to_string(), "event 1: unknown type `teleport`");
        let e = validate_batch(&[client("concurrent_login", NOW)], NOW, &limits).unwrap_err();
        assert_eq!(
            e,
            BatchError::ServerType {
                index: 0,
                kind: EventType::ConcurrentLogin
            }
        );
        let e = validate_batch(&[client("copy", NOW + 60_001)], NOW, &limits).unwrap_err();
        assert!(matches!(e, BatchError::InFuture { index: 0, .. }), "{e}");
        assert!(validate_batch(&[client("copy", NOW + 60_000)], NOW, &limits).is_ok());
        let old = NOW - limits.max_age_ms - 1;
        let e =
            validate_batch(&[client("copy", NOW), client("copy", old)], NOW, &limits).unwrap_err();
        assert!(matches!(e, BatchError::TooOld { index: 1, .. }), "{e}");
        assert_eq!(validate_batch(&[], NOW, &limits), Err(BatchError::Empty));
    }

    #[test]
    fn batch_size_is_bounded() {
        let limits = BatchLimits::default();
        let batch: Vec<_> = (0..101).map(|i| client("resize", NOW - i)).collect();
        assert_eq!(
            validate_batch(&batch, NOW, &limits),
            Err(BatchError::TooMany {
                count: 101,
                max: 100
            })
        );
        assert_eq!(
            validate_batch(&batch[..100], NOW, &limits).unwrap().len(),
            100
        );
    }

    #[test]
    fn detail_is_bounded_and_flat() {
        let limits = BatchLimits::default();
        let mut big = client("resize", NOW);
        big.detail = Some(Detail::new().with("note", &"x".repeat(Detail::MAX_BYTES)));
        let e = validate_batch(&[client("resize", NOW), big], NOW, &limits).unwrap_err();
        assert!(matches!(e, BatchError::Detail { index: 1, .. }), "{e}");
        let mut many = client("resize", NOW);
        let mut detail = Detail::new();
        for k in 0..=Detail::MAX_KEYS {
            detail = detail.with(&format!("k{k}"), "v");
        }
        many.detail = Some(detail);
        assert!(validate_batch(&[many], NOW, &limits).is_err());
        let json = r#"{"type":"resize","at":1,"detail":{"width":1024,"full":true,"why":"x"}}"#;
        let parsed: ClientEvent = serde_json::from_str(json).unwrap();
        assert_eq!(
            parsed.detail.unwrap().get("width"),
            Some(&DetailValue::Number(1024.0))
        );
        let nested = r#"{"type":"resize","at":1,"detail":{"size":{"w":1}}}"#;
        assert!(serde_json::from_str::<ClientEvent>(nested).is_err());
        let extra = r#"{"type":"resize","at":1,"who":"me"}"#;
        assert!(serde_json::from_str::<ClientEvent>(extra).is_err());
    }

    #[test]
    fn event_json_shape() {
        let e = Event::new(EventType::Paste, 5)
            .in_section("reading")
            .with_detail(Detail::new().with("target", "text"));
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"type":"paste","at":5,"section":"reading","detail":{"target":"text"}}"#
        );
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e);
        let bare = serde_json::to_string(&Event::new(EventType::Online, 7)).unwrap();
        assert_eq!(bare, r#"{"type":"online","at":7}"#);
    }

    proptest! {
        #[test]
        fn accepted_events_are_within_the_window(offsets in proptest::collection::vec(-30_000_000i64..30_000_000, 1..100)) {
            let limits = BatchLimits::default();
            let batch: Vec<_> = offsets.iter().map(|o| client("online", NOW + o)).collect();
            let in_window = offsets.iter().all(|&o| o <= limits.max_future_ms && -o <= limits.max_age_ms);
            let result = validate_batch(&batch, NOW, &limits);
            prop_assert_eq!(result.is_ok(), in_window);
            if let Ok(events) = result {
                prop_assert!(events.iter().zip(&batch).all(|(e, c)| e.at == c.at));
            }
        }
    }
}
