//! The states and decisions the database stores, as enums. Each is kept as its wire string in a text column,
//! so the stored value, the JSON value and the contract's word are one and the same (`in_progress`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Declares a state stored as its snake_case word: the same word in the database (`DeriveActiveEnum`), in
/// JSON and in the OpenAPI description.
macro_rules! stored_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident,)* }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
            ToSchema,
        )]
        #[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }
    };
}

stored_enum! {
    /// Where a session stands.
    pub enum SessionStatus {
        /// Started in a sitting that needs a proctor's authorization; the clock has not started.
        AwaitingAuthorization,
        InProgress,
        /// A proctor stopped the clock.
        Paused,
        Finished,
        /// A proctor ended the session; it has no result.
        Terminated,
    }
}

stored_enum! {
    /// Where a sitting is taken.
    pub enum SittingMode {
        /// At a test centre, on its computers.
        Centre,
        /// At home, on the candidate's own computer.
        Online,
    }
}

stored_enum! {
    /// Where one section of a session stands.
    pub enum SectionStatus {
        /// Not opened yet: its items are hidden.
        Pending,
        /// The candidate's clock runs.
        Open,
        Closed,
    }
}

stored_enum! {
    /// A certificate as stored. `expired` is not stored: it is derived from `valid_until` when read.
    pub enum CertificateStatus {
        Valid,
        Revoked,
    }
}

stored_enum! {
    /// What an event of the results feed announces.
    pub enum FeedEventType {
        Certified,
        Revoked,
    }
}

stored_enum! {
    /// Whether a result waits for a reviewer, and what they decided.
    pub enum ReviewStatus {
        /// Never held: certified (or shown, for a blueprint that is not certified) at once.
        None,
        /// Held for review: not in the feed; the candidate sees "under review".
        Held,
        /// Released by a reviewer: certified.
        Released,
        /// Voided by a reviewer: no certificate (a certified one is revoked); the attempt still counts.
        Voided,
    }
}

stored_enum! {
    /// Where a review stands.
    pub enum ReviewState {
        Open,
        Closed,
    }
}

stored_enum! {
    /// What a reviewer decided.
    pub enum ReviewDecision {
        Release,
        Void,
    }
}

stored_enum! {
    /// Who recorded an integrity event.
    pub enum EventSource {
        /// The candidate's browser.
        Client,
        /// The server itself.
        Server,
    }
}

/// How serious a flag is (mirrors [`proctoring::policy::Severity`]).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl From<proctoring::policy::Severity> for Severity {
    fn from(s: proctoring::policy::Severity) -> Self {
        match s {
            proctoring::policy::Severity::Low => Severity::Low,
            proctoring::policy::Severity::Medium => Severity::Medium,
            proctoring::policy::Severity::High => Severity::High,
        }
    }
}

stored_enum! {
    /// What raised a flag.
    pub enum FlagSource {
        /// A rule of the policy, from integrity events.
        Policy,
        /// A proctor's report of an irregularity.
        Report,
        /// The post-test statistics.
        Forensics,
    }
}

stored_enum! {
    /// What a proctor may do to a session.
    pub enum ProctorAction {
        /// Lets the clock of a session awaiting authorization start.
        Authorize,
        /// Stops the clock.
        Pause,
        /// Starts it again; every remaining deadline moves by the pause.
        Resume,
        /// Adds time to the open section, or to every remaining section.
        Extend,
        /// Ends the session; it gets no result.
        Terminate,
        /// Records an irregularity and raises a flag.
        Report,
        /// Brings a terminated session back, paused.
        Reactivate,
    }
}

stored_enum! {
    /// Where an item version stands in its lifecycle (see `services::authoring::lifecycle`). Only
    /// `pretest` and `operational` versions are drawn onto forms.
    pub enum ItemStatus {
        /// Being written; the only state in which a version may be edited.
        Draft,
        /// Sent to another author for review.
        Review,
        /// Approved by a second author; not yet on forms.
        Approved,
        /// On forms in pretest slots only, gathering responses for calibration; counts for nothing.
        Pretest,
        /// On forms, scored.
        Operational,
        /// Off forms for good.
        Retired,
    }
}

impl ItemStatus {
    /// The states whose versions are drawn onto forms.
    pub const LIVE: [ItemStatus; 2] = [ItemStatus::Pretest, ItemStatus::Operational];
}

stored_enum! {
    /// Whether an item version's parameters come from real responses (mirrors
    /// [`item_bank::bank::ParamStatus`], the bank's word for it).
    pub enum ParamStatus {
        Provisional,
        Calibrated,
    }
}

impl From<item_bank::bank::ParamStatus> for ParamStatus {
    fn from(s: item_bank::bank::ParamStatus) -> Self {
        match s {
            item_bank::bank::ParamStatus::Provisional => ParamStatus::Provisional,
            item_bank::bank::ParamStatus::Calibrated => ParamStatus::Calibrated,
        }
    }
}

impl From<ParamStatus> for item_bank::bank::ParamStatus {
    fn from(s: ParamStatus) -> Self {
        match s {
            ParamStatus::Provisional => item_bank::bank::ParamStatus::Provisional,
            ParamStatus::Calibrated => item_bank::bank::ParamStatus::Calibrated,
        }
    }
}

stored_enum! {
    /// The pre-selection decision of a result (mirrors [`item_bank::bank::Decision`]).
    pub enum Decision {
        Pass,
        Fail,
    }
}

impl From<item_bank::bank::Decision> for Decision {
    fn from(d: item_bank::bank::Decision) -> Self {
        match d {
            item_bank::bank::Decision::Pass => Decision::Pass,
            item_bank::bank::Decision::Fail => Decision::Fail,
        }
    }
}

/// The level a result reaches: a CEFR level of the national test, or below the blueprint's lowest.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum LevelReached {
    #[sea_orm(string_value = "A1")]
    A1,
    #[sea_orm(string_value = "A2")]
    A2,
    #[sea_orm(string_value = "B1")]
    B1,
    #[sea_orm(string_value = "B2")]
    B2,
    #[sea_orm(string_value = "C1")]
    C1,
    /// Below the lowest level the blueprint awards ([`item_bank::bank::BELOW_LOWEST_LEVEL`]).
    #[sea_orm(string_value = "below_A1")]
    #[serde(rename = "below_A1")]
    BelowA1,
}

impl LevelReached {
    /// The level of a blueprint's judgement (`"A1"`, …, `"below_A1"`).
    pub fn of_judged(level: &str) -> Option<LevelReached> {
        <LevelReached as sea_orm::ActiveEnum>::try_from_value(&level.to_owned()).ok()
    }
}

/// The stored word of any of these enums, for the few raw statements that spell a state in SQL.
pub fn word<E: sea_orm::ActiveEnum<Value = String>>(e: E) -> String {
    e.to_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored word and the JSON word of every state are the same, so the database, the API and the
    /// contract agree.
    fn agree<E>()
    where
        E: sea_orm::ActiveEnum<Value = String> + Serialize + sea_orm::Iterable + std::fmt::Debug,
    {
        for e in E::iter() {
            let json = serde_json::to_value(&e).unwrap();
            assert_eq!(json, serde_json::json!(e.to_value()), "{e:?}");
        }
    }

    #[test]
    fn stored_and_wire_words_agree() {
        agree::<SessionStatus>();
        agree::<SittingMode>();
        agree::<SectionStatus>();
        agree::<CertificateStatus>();
        agree::<FeedEventType>();
        agree::<ItemStatus>();
        agree::<ReviewStatus>();
        agree::<ReviewState>();
        agree::<ReviewDecision>();
        agree::<EventSource>();
        agree::<Severity>();
        agree::<FlagSource>();
        agree::<ProctorAction>();
        agree::<ParamStatus>();
        agree::<Decision>();
        agree::<LevelReached>();
    }

    #[test]
    fn judged_levels_parse() {
        assert_eq!(LevelReached::of_judged("A2"), Some(LevelReached::A2));
        assert_eq!(
            LevelReached::of_judged(item_bank::bank::BELOW_LOWEST_LEVEL),
            Some(LevelReached::BelowA1)
        );
        assert_eq!(LevelReached::of_judged("Z9"), None);
        assert_eq!(word(SessionStatus::InProgress), "in_progress");
    }
}
