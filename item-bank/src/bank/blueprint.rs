//! Blueprints: a test's sections, what fills them, and how scores become a level and a decision.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::adaptive::AdaptiveSpec;
use super::error::BankError;
use super::item::{Item, ItemType, Level, is_valid_id};
use super::target::Target;

/// How many items of one kind a section takes. A constraint with `count` is exact; with `max`, an upper
/// bound; with `min`, a lower bound. The kind is any combination of `level`, `topic` and `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub item_type: Option<ItemType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

impl Constraint {
    /// Whether an item is of the kind this constraint counts.
    pub fn applies_to(&self, item: &Item) -> bool {
        self.level.is_none_or(|l| l == item.level)
            && self.topic.as_deref().is_none_or(|t| t == item.topic)
            && self.item_type.is_none_or(|t| t == item.item_type)
    }

    /// The fewest items of this kind a form may hold.
    pub fn lower(&self) -> u32 {
        self.count.or(self.min).unwrap_or(0)
    }

    /// The most items of this kind a form may hold.
    pub fn upper(&self) -> u32 {
        self.count.or(self.max).unwrap_or(u32::MAX)
    }
}

/// One timed section of a blueprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    pub id: String,
    pub title: String,
    pub time_limit_seconds: u32,
    /// How many items the section holds.
    pub items: u32,
    /// At most this many items of one topic, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_topic: Option<u32>,
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// Pretest slots added to the section's `items` scored items, filled with pretest items only and placed
    /// at random positions among them. Default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pretest: u32,
    /// Present when the section is delivered adaptively (see `assembly::AdaptiveSession`); `items` is then the
    /// length of the linear fallback form and the adaptive maximum unless `max_items` says otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adaptive: Option<AdaptiveSpec>,
    /// How often a candidate may play each recording of the section (1 to [`MAX_PLAY_LIMIT`]); the
    /// server counts the plays. Absent: [`DEFAULT_PLAY_LIMIT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub play_limit: Option<u32>,
}

/// How often a recording may be played when the blueprint does not say: twice, as the national test
/// allows.
pub const DEFAULT_PLAY_LIMIT: u32 = 2;
/// The most plays a blueprint may allow.
pub const MAX_PLAY_LIMIT: u32 = 10;

impl SectionSpec {
    /// How often a candidate may play each recording of this section.
    pub fn plays_allowed(&self) -> u32 {
        self.play_limit.unwrap_or(DEFAULT_PLAY_LIMIT)
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A level the rules can award: reached when every section scores at least `min_percent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    pub level: Level,
    pub min_percent: f64,
}

/// How section scores become a level and a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// The decision is `pass` exactly when every section reaches this percent correct.
    pub pass_min_percent: f64,
    /// Highest first; the level reached is the first whose every section meets its percent.
    #[serde(default)]
    pub levels: Vec<LevelRule>,
}

/// A test's design: its sections, what fills them, and how scores are judged. Versioned: a sitting pins
/// the version it was created with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Blueprint {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub sections: Vec<SectionSpec>,
    pub rules: Rules,
    /// Groups of item ids of which a form holds at most one (across all sections), in addition to the
    /// `enemies` each item names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enemies: Vec<Vec<String>>,
    /// The largest share of forms one item may appear on, in (0, 1]; default
    /// `assembly::DEFAULT_MAX_EXPOSURE` (0.25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_exposure: Option<f64>,
    /// The parallel-forms target pinned with this blueprint version (`assembly::derive_target`); when
    /// absent the assembler derives it from the bank it is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// Whether a finished session is certified and published to the results feed. A placement or
    /// diagnostic blueprint sets `certify = false`: its results are scored and shown to the candidate but
    /// never reach the pre-selection system.
    #[serde(default = "certified_by_default")]
    pub certify: bool,
}

fn certified_by_default() -> bool {
    true
}

/// The longest title of a blueprint or section, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// The lowest exposure cap a blueprint may set: below 1 %, a bank would need a hundred times a form's
/// length of items for every slot.
pub const MIN_MAX_EXPOSURE: f64 = 0.01;

/// A title is 1 to [`MAX_TITLE_CHARS`] characters, not all blank.
fn is_valid_title(title: &str) -> bool {
    !title.trim().is_empty() && title.chars().count() <= MAX_TITLE_CHARS
}

/// The level awarded when no level rule is met.
pub const BELOW_LOWEST_LEVEL: &str = "below_A1";

impl Blueprint {
    /// Parses a blueprint file and checks it.
    pub fn parse(file: &str, text: &str) -> Result<Blueprint, BankError> {
        let bp: Blueprint = toml::from_str(text).map_err(|e| BankError::Parse {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
        bp.validate().map_err(|message| BankError::Parse {
            file: file.to_owned(),
            message,
        })?;
        Ok(bp)
    }

    /// Checks the blueprint on its own (its feasibility against a bank is the assembler's to judge).
    pub fn validate(&self) -> Result<(), String> {
        if !is_valid_id(&self.id) {
            return Err("blueprint id must be 1–64 characters of a-z, 0-9 and '-'".into());
        }
        if self.version == 0 {
            return Err("version starts at 1".into());
        }
        if !is_valid_title(&self.title) {
            return Err(format!("title must have 1 to {MAX_TITLE_CHARS} characters"));
        }
        if self.sections.is_empty() || self.sections.len() > 10 {
            return Err("a blueprint has 1 to 10 sections".into());
        }
        let mut ids = HashSet::new();
        for s in &self.sections {
            if !ids.insert(s.id.as_str()) {
                return Err(format!("section {} appears twice", s.id));
            }
            if !is_valid_title(&s.title) {
                return Err(format!(
                    "section {}: title must have 1 to {MAX_TITLE_CHARS} characters",
                    s.id
                ));
            }
            if s.items == 0 || s.items > 200 {
                return Err(format!("section {}: 1 to 200 items", s.id));
            }
            if s.time_limit_seconds < 60 || s.time_limit_seconds > 6 * 3600 {
                return Err(format!("section {}: time limit between 60 s and 6 h", s.id));
            }
            if s.play_limit
                .is_some_and(|p| !(1..=MAX_PLAY_LIMIT).contains(&p))
            {
                return Err(format!(
                    "section {}: play_limit between 1 and {MAX_PLAY_LIMIT}",
                    s.id
                ));
            }
            for c in &s.constraints {
                if c.count.is_some() && (c.min.is_some() || c.max.is_some()) {
                    return Err(format!(
                        "section {}: a constraint has count, or min/max, not both",
                        s.id
                    ));
                }
                if c.lower() > c.upper() || c.lower() > s.items {
                    return Err(format!(
                        "section {}: a constraint asks for more items than it allows",
                        s.id
                    ));
                }
            }
        }
        let percents = std::iter::once(self.rules.pass_min_percent)
            .chain(self.rules.levels.iter().map(|l| l.min_percent));
        if percents.into_iter().any(|p| !(0.0..=100.0).contains(&p)) {
            return Err("percentages lie between 0 and 100".into());
        }
        if self
            .max_exposure
            .is_some_and(|e| !(MIN_MAX_EXPOSURE..=1.0).contains(&e))
        {
            return Err(format!(
                "max_exposure lies between {MIN_MAX_EXPOSURE} and 1"
            ));
        }
        for s in &self.sections {
            if let Some(a) = &s.adaptive {
                a.validate().map_err(|e| format!("section {}: {e}", s.id))?;
            }
        }
        Ok(())
    }

    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&SectionSpec> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// The level and decision that section percentages earn, in the blueprint's section order.
    pub fn judge(&self, percents: &[f64]) -> (String, Decision) {
        let all_at_least = |min: f64| percents.iter().all(|&p| reaches(p, min));
        let decision = if all_at_least(self.rules.pass_min_percent) {
            Decision::Pass
        } else {
            Decision::Fail
        };
        let level = self
            .rules
            .levels
            .iter()
            .find(|l| all_at_least(l.min_percent))
            .map(|l| l.level.as_str().to_owned())
            .unwrap_or_else(|| BELOW_LOWEST_LEVEL.to_owned());
        (level, decision)
    }
}

/// The share of a section's maximum that `raw` credit is, in percent, before rounding: `raw / max × 100`,
/// and 0 for a section with nothing to score.
pub fn percent_correct(raw: f64, max: u32) -> f64 {
    if max == 0 {
        0.0
    } else {
        raw / f64::from(max) * 100.0
    }
}

/// A percent as scores report it and the rules judge it: rounded to two decimals.
pub fn rounded_percent(percent: f64) -> f64 {
    (percent * 100.0).round() / 100.0
}

/// Whether a section's percent reaches a rule's `min_percent` (1e-9 absorbs the rounding of a percent
/// written in decimal): the test of [`Blueprint::judge`] and of each section's pass flag.
pub fn reaches(percent: f64, min_percent: f64) -> bool {
    percent + 1e-9 >= min_percent
}

/// The pre-selection decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Pass,
    Fail,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Pass => "pass",
            Decision::Fail => "fail",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blueprint() -> Blueprint {
        Blueprint::parse(
            "bp.toml",
            r#"
id = "bp"
version = 1
title = "t"
[[sections]]
id = "listening"
title = "L"
time_limit_seconds = 600
items = 2
[[sections]]
id = "reading"
title = "R"
time_limit_seconds = 600
items = 2
[rules]
pass_min_percent = 30
[[rules.levels]]
level = "A2"
min_percent = 70
[[rules.levels]]
level = "A1"
min_percent = 30
"#,
        )
        .unwrap()
    }

    #[test]
    fn judges_every_section_against_the_cut() {
        let bp = blueprint();
        assert_eq!(bp.judge(&[30.0, 30.0]), ("A1".into(), Decision::Pass));
        assert_eq!(bp.judge(&[80.0, 70.0]), ("A2".into(), Decision::Pass));
        assert_eq!(
            bp.judge(&[90.0, 29.9]),
            (BELOW_LOWEST_LEVEL.into(), Decision::Fail)
        );
    }

    #[test]
    fn a_recording_plays_twice_unless_the_section_says_otherwise() {
        let mut bp = blueprint();
        assert_eq!(bp.sections[0].plays_allowed(), DEFAULT_PLAY_LIMIT);
        bp.sections[0].play_limit = Some(3);
        assert_eq!(bp.sections[0].plays_allowed(), 3);
        assert!(bp.validate().is_ok());
        for bad in [0, MAX_PLAY_LIMIT + 1] {
            bp.sections[0].play_limit = Some(bad);
            assert!(bp.validate().unwrap_err().contains("play_limit"), "{bad}");
        }
    }

    #[test]
    fn titles_and_the_exposure_cap_are_bounded() {
        let mut bp = blueprint();
        bp.title = "т".repeat(MAX_TITLE_CHARS);
        assert!(bp.validate().is_ok());
        bp.title.push('т');
        assert!(bp.validate().unwrap_err().contains("title"));
        let mut bp = blueprint();
        bp.sections[1].title = " ".into();
        assert!(
            bp.validate()
                .unwrap_err()
                .contains("section reading: title")
        );
        for (cap, ok) in [
            (0.25, true),
            (1.0, true),
            (0.01, true),
            (0.009, false),
            (1e-300, false),
            (1.5, false),
        ] {
            let mut bp = blueprint();
            bp.max_exposure = Some(cap);
            assert_eq!(bp.validate().is_ok(), ok, "max_exposure {cap}");
        }
    }

    #[test]
    fn constraint_bounds() {
        let c = Constraint {
            level: Some(Level::A1),
            topic: None,
            item_type: None,
            count: Some(3),
            min: None,
            max: None,
        };
        assert_eq!((c.lower(), c.upper()), (3, 3));
        let c = Constraint {
            max: Some(4),
            count: None,
            ..c
        };
        assert_eq!((c.lower(), c.upper()), (0, 4));
    }
}
