//! Integrity events, the anti-fraud policy and the forensic statistics of a sitting — the pure core
//! of Synaq's anti-fraud measures. No I/O framework: the server (HTTP, SQL) and the command line call
//! into it.
//!
//! # During a session: events → flags
//! * [`events`]: the event types (thirteen a candidate's browser reports, five the server records
//!   itself), [`events::validate_batch`] for one client batch (at most 100 events, stamped within a
//!   bounded window around the server's clock, bounded detail; errors name the event's index).
//! * [`policy`]: the anti-fraud policy, `proctoring/policy.toml` (built in as the default, documented
//!   in the file), and [`policy::evaluate`], which turns a session's events into flags
//!   `{rule, severity, first_at, count}`, independently of the order the events arrived in.
//!
//! ```
//! use proctoring::events::{Detail, Event, EventType};
//! use proctoring::policy::{Policy, Severity, evaluate};
//!
//! let policy = Policy::default();
//! let paste = Event::new(EventType::Paste, 1_700_000_000_000)
//!     .in_section("reading")
//!     .with_detail(Detail::new().with("target", "text"));
//! let flags = evaluate(&policy, &[paste]);
//! assert_eq!(flags[0].rule, "paste_into_text_answer");
//! assert_eq!(flags[0].severity, Severity::High);
//! ```
//!
//! # After a sitting: forensics
//! [`forensics`] computes, exactly as the R package aberrance 0.3.0 defines them, person fit (`lz`,
//! `lz*`, the lognormal `L_T`), preknowledge of declared compromised items (`L_S`, `S_S`, `L_T`),
//! answer copying per ordered pair (`ω`, GBT; every pair of a centre sitting, or a similarity screen
//! for online sittings) and rapid guessing (NT thresholds, response-time effort). The policy's
//! [`policy::ForensicThresholds`] say when they flag a candidate.
//!
//! [`report`] wraps them for `synaq forensics …`: named CSV matrices and the parameter JSON in,
//! the contract's JSON shapes out.
//!
//! # Time
//! Instants are [`events::Millis`], milliseconds since the Unix epoch (UTC); the HTTP layer converts
//! the contract's RFC 3339 strings.

pub mod events;
pub mod forensics;
pub mod policy;
pub mod report;
