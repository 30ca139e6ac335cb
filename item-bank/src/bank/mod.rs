//! The item bank as authors write it: items and blueprints, the records they carry (text keys, adaptive
//! settings, the pinned parallel-forms target), and the checks a blueprint passes on its own. The file
//! format is documented for authors in `content/README.md`; reading a content directory, with every check
//! an item must pass, is [`crate::content`].
//!
//! These are plain records: what grading, assembly and scoring do with them lives in those modules, which
//! depend on this one and never the other way round.

mod adaptive;
mod blueprint;
mod error;
mod item;
mod target;
mod text_key;

pub use adaptive::AdaptiveSpec;
pub use blueprint::{
    BELOW_LOWEST_LEVEL, Blueprint, Constraint, DEFAULT_PLAY_LIMIT, Decision, LevelRule,
    MAX_PLAY_LIMIT, Rules, SectionSpec, percent_correct, reaches, rounded_percent,
};
pub use error::BankError;
pub use item::{
    ChoiceOption, Item, ItemIrt, ItemType, Level, ParamStatus, WRITING_NOT_LIVE, WritingSpec,
    is_valid_id,
};
pub use target::{CutPoint, GridPoint, SectionTarget, Target};
pub use text_key::{MatchPolicy, TextKey};
