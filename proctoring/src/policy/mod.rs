//! The anti-fraud policy: rules that turn integrity events into flags, the ban length, and the
//! significance levels of the post-test forensics.
//!
//! The policy is a TOML file; `proctoring/policy.toml` documents every key and is the default
//! ([`Policy::default`], built in). [`Policy::from_toml`] reads a centre's own file, which replaces the
//! default whole: every key is required except the optional ones of a rule. [`evaluate`] applies a
//! policy to a session's events.

mod evaluate;

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::events::{EventType, Millis};

pub use evaluate::evaluate;

/// The text of the default policy, `proctoring/policy.toml`.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../../policy.toml");

/// How serious a flag is. Ordered: `Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look.
    Low,
    /// A proctor should look.
    Medium,
    /// Holds the result for review when still open at the end of the session.
    High,
}

impl Severity {
    /// The policy-file name, e.g. `"high"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    fn from_name(name: &str) -> Option<Severity> {
        [Severity::Low, Severity::Medium, Severity::High]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A raised flag: `{rule, severity, first_at, count}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// The rule's name.
    pub rule: String,
    /// The rule's severity.
    pub severity: Severity,
    /// The time of the earliest event (or absence start) that counted.
    pub first_at: Millis,
    /// How many events (or absences) counted; never more than the events of the rule's types.
    pub count: u32,
}

/// One rule of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Unique name; the flag's `rule`.
    pub name: String,
    /// Severity of the flag.
    pub severity: Severity,
    /// What raises the flag.
    pub kind: RuleKind,
}

/// What raises a rule's flag; see `policy.toml` for the exact semantics.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// Events of one type, optionally only those whose detail has the given string values.
    Any {
        /// The event type.
        event: EventType,
        /// Detail keys and the string value each must have; empty: every event of the type.
        when: BTreeMap<String, String>,
        /// How many matching events raise the flag (≥ 1).
        at_least: u32,
    },
    /// Absences from a start type to the next end type, counted per section.
    Lasting {
        /// Types that begin an absence.
        start: Vec<EventType>,
        /// Types that end it (disjoint from `start`).
        end: Vec<EventType>,
        /// An absence counts when it lasts strictly longer than this.
        longer_than_ms: Millis,
        /// How many counted absences in one section raise the flag (≥ 1).
        at_least: u32,
    },
}

/// When the post-test forensics flag a candidate. See `policy.toml` for each level's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForensicThresholds {
    /// lz* lower-tail and L_T upper-tail level.
    pub person_fit_alpha: f64,
    /// Preknowledge L_S, S_S, L_T upper-tail level.
    pub preknowledge_alpha: f64,
    /// Family-wise level of copying over the ordered pairs tested in a sitting.
    pub copying_alpha: f64,
    /// Normative threshold percentage of rapid guessing (10 for NT10).
    pub rapid_guessing_nt: f64,
    /// Lowest response-time effort not flagged.
    pub rapid_guessing_min_rte: f64,
}

impl ForensicThresholds {
    /// Whether a one-sided p-value `p` of person fit is significant. `NaN` (undefined) never is.
    pub fn person_fit_flags(&self, p: f64) -> bool {
        p <= self.person_fit_alpha
    }

    /// Whether an upper-tail p-value of a preknowledge statistic is significant.
    pub fn preknowledge_flags(&self, p: f64) -> bool {
        p <= self.preknowledge_alpha
    }

    /// Whether a pair with ω p-value `p_omega` and GBT p-value `p_gbt` is flagged when `pairs_tested`
    /// ordered pairs were tested in the sitting (Bonferroni over the pairs; both tests must agree).
    pub fn copying_flags(&self, p_omega: f64, p_gbt: f64, pairs_tested: usize) -> bool {
        let level = self.copying_alpha / pairs_tested.max(1) as f64;
        p_omega <= level && p_gbt <= level
    }

    /// Whether a response-time effort is below the floor.
    pub fn rapid_guessing_flags(&self, rte: f64) -> bool {
        rte < self.rapid_guessing_min_rte
    }
}

/// A parsed, valid policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The rules, in file order (flags come out in this order).
    pub rules: Vec<Rule>,
    /// Length of a ban in days (≥ 1).
    pub ban_days: u32,
    /// Forensic significance levels.
    pub forensics: ForensicThresholds,
}

impl Default for Policy {
    /// The built-in policy, `proctoring/policy.toml`.
    fn default() -> Self {
        Policy::from_toml(DEFAULT_POLICY_TOML).expect("the built-in policy.toml is valid")
    }
}

/// Why a policy file was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    /// Not TOML, or not of the policy's shape (a missing or unknown key, a wrong type); the message
    /// has the line and column.
    #[error("policy: {0}")]
    Syntax(String),
    /// A rule is wrong.
    #[error("policy rule `{rule}`: {message}")]
    Rule {
        /// The rule's name.
        rule: String,
        /// What is wrong.
        message: String,
    },
    /// A value outside a rule is wrong.
    #[error("policy `{key}`: {message}")]
    Value {
        /// The key, e.g. `forensics.copying_alpha`.
        key: String,
        /// What is wrong.
        message: String,
    },
}

impl Policy {
    /// Reads and validates a policy file. Errors name the rule or key at fault: a syntax or shape
    /// error (with its line), an unknown event type, a bad severity or kind, a zero threshold, a key
    /// that does not belong to the rule's kind, a repeated rule name, an alpha outside (0, 1).
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let raw: RawPolicy =
            toml::from_str(text).map_err(|e| PolicyError::Syntax(e.to_string()))?;
        if raw.ban_days == 0 {
            return Err(value_error("ban_days", "must be at least 1"));
        }
        let mut names = HashSet::new();
        let mut rules = Vec::with_capacity(raw.rules.len());
        for raw_rule in raw.rules {
            let rule = raw_rule.validate()?;
            if !names.insert(rule.name.clone()) {
                return Err(rule_error(&rule.name, "a second rule has this name"));
            }
            rules.push(rule);
        }
        Ok(Policy {
            rules,
            ban_days: raw.ban_days,
            forensics: raw.forensics.validate()?,
        })
    }
}

fn rule_error(rule: &str, message: impl Into<String>) -> PolicyError {
    PolicyError::Rule {
        rule: rule.to_string(),
        message: message.into(),
    }
}

fn value_error(key: &str, message: impl Into<String>) -> PolicyError {
    PolicyError::Value {
        key: key.to_string(),
        message: message.into(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    ban_days: u32,
    #[serde(default)]
    rules: Vec<RawRule>,
    forensics: RawForensics,
}

/// One or several event types, as a string or a list of strings.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    severity: String,
    kind: Option<String>,
    event: Option<String>,
    when: Option<BTreeMap<String, String>>,
    at_least: Option<u32>,
    start: Option<OneOrMany>,
    end: Option<OneOrMany>,
    longer_than_seconds: Option<f64>,
}

impl RawRule {
    fn validate(self) -> Result<Rule, PolicyError> {
        let name = self.name;
        let fail = |message: String| Err(rule_error(&name, message));
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return fail("a name is letters, digits and `_`".into());
        }
        let Some(severity) = Severity::from_name(&self.severity) else {
            return fail(format!(
                "severity `{}` is not one of low, medium, high",
                self.severity
            ));
        };
        let event_type = |s: &str| {
            EventType::from_name(s)
                .ok_or_else(|| rule_error(&name, format!("unknown event type `{s}`")))
        };
        let at_least = match self.at_least {
            Some(0) => return fail("at_least must be at least 1".into()),
            Some(n) => n,
            None => 1,
        };
        let kind = match self.kind.as_deref().unwrap_or("any") {
            "any" => {
                let misplaced = [
                    ("start", self.start.is_some()),
                    ("end", self.end.is_some()),
                    ("longer_than_seconds", self.longer_than_seconds.is_some()),
                ];
                if let Some((key, _)) = misplaced.iter().find(|(_, present)| *present) {
                    return fail(format!("`{key}` belongs to kind = \"lasting\""));
                }
                let Some(event) = self.event else {
                    return fail("kind = \"any\" needs `event`".into());
                };
                RuleKind::Any {
                    event: event_type(&event)?,
                    when: self.when.unwrap_or_default(),
                    at_least,
                }
            }
            "lasting" => {
                if self.event.is_some() || self.when.is_some() {
                    return fail(
                        "`event` and `when` belong to kind = \"any\"; use `start` and `end`".into(),
                    );
                }
                let types =
                    |list: Option<OneOrMany>, key: &str| -> Result<Vec<EventType>, PolicyError> {
                        let list = list.map(OneOrMany::into_vec).unwrap_or_default();
                        if list.is_empty() {
                            return Err(rule_error(
                                &name,
                                format!("kind = \"lasting\" needs `{key}`"),
                            ));
                        }
                        let mut types = list
                            .iter()
                            .map(|s| event_type(s))
                            .collect::<Result<Vec<_>, _>>()?;
                        types.sort();
                        types.dedup();
                        Ok(types)
                    };
                let start = types(self.start, "start")?;
                let end = types(self.end, "end")?;
                if let Some(both) = start.iter().find(|t| end.contains(t)) {
                    return fail(format!("`{both}` is both a start and an end type"));
                }
                let seconds = match self.longer_than_seconds {
                    None => return fail("kind = \"lasting\" needs `longer_than_seconds`".into()),
                    Some(s) if !(s > 0.0 && s < 86_400.0) => {
                        return fail(format!(
                            "longer_than_seconds must be more than 0 and less than a day, got {s}"
                        ));
                    }
                    Some(s) => s,
                };
                RuleKind::Lasting {
                    start,
                    end,
                    longer_than_ms: (seconds * 1000.0).round() as Millis,
                    at_least,
                }
            }
            other => return fail(format!("kind `{other}` is not one of any, lasting")),
        };
        Ok(Rule {
            name,
            severity,
            kind,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForensics {
    person_fit_alpha: f64,
    preknowledge_alpha: f64,
    copying_alpha: f64,
    rapid_guessing_nt: f64,
    rapid_guessing_min_rte: f64,
}

impl RawForensics {
    fn validate(self) -> Result<ForensicThresholds, PolicyError> {
        for (key, alpha) in [
            ("person_fit_alpha", self.person_fit_alpha),
            ("preknowledge_alpha", self.preknowledge_alpha),
            ("copying_alpha", self.copying_alpha),
        ] {
            if !(alpha > 0.0 && alpha < 1.0) {
                return Err(value_error(
                    &format!("forensics.{key}"),
                    format!("a significance level is in (0, 1), got {alpha}"),
                ));
            }
        }
        if !(self.rapid_guessing_nt > 0.0 && self.rapid_guessing_nt <= 100.0) {
            return Err(value_error(
                "forensics.rapid_guessing_nt",
                format!("a percentage in (0, 100], got {}", self.rapid_guessing_nt),
            ));
        }
        if !(0.0..=1.0).contains(&self.rapid_guessing_min_rte) {
            return Err(value_error(
                "forensics.rapid_guessing_min_rte",
                format!("a share in [0, 1], got {}", self.rapid_guessing_min_rte),
            ));
        }
        Ok(ForensicThresholds {
            person_fit_alpha: self.person_fit_alpha,
            preknowledge_alpha: self.preknowledge_alpha,
            copying_alpha: self.copying_alpha,
            rapid_guessing_nt: self.rapid_guessing_nt,
            rapid_guessing_min_rte: self.rapid_guessing_min_rte,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORENSICS: &str = "[forensics]\nperson_fit_alpha = 0.01\npreknowledge_alpha = 0.01\n\
        copying_alpha = 0.01\nrapid_guessing_nt = 10\nrapid_guessing_min_rte = 0.9\n";

    fn with_rules(rules: &str) -> Result<Policy, PolicyError> {
        Policy::from_toml(&format!("ban_days = 30\n{rules}\n{FORENSICS}"))
    }

    fn rule_message(rules: &str) -> String {
        with_rules(rules).unwrap_err().to_string()
    }

    #[test]
    fn the_default_policy_has_the_required_rules() {
        let policy = Policy::default();
        assert_eq!(policy.ban_days, 30);
        let severity = |name: &str| {
            policy
                .rules
                .iter()
                .find(|r| r.name == name)
                .map(|r| r.severity)
        };
        assert_eq!(severity("concurrent_login"), Some(Severity::High));
        assert_eq!(severity("paste_into_text_answer"), Some(Severity::High));
        assert_eq!(severity("seb_mismatch"), Some(Severity::High));
        assert_eq!(severity("outside_centre_network"), Some(Severity::High));
        assert_eq!(severity("long_focus_losses"), Some(Severity::Medium));
        assert_eq!(severity("ip_changed"), Some(Severity::Medium));
        let paste = policy
            .rules
            .iter()
            .find(|r| r.name == "paste_into_text_answer")
            .unwrap();
        assert_eq!(
            paste.kind,
            RuleKind::Any {
                event: EventType::Paste,
                when: BTreeMap::from([("target".to_string(), "text".to_string())]),
                at_least: 1
            }
        );
        let focus = policy
            .rules
            .iter()
            .find(|r| r.name == "long_focus_losses")
            .unwrap();
        assert!(matches!(
            &focus.kind,
            RuleKind::Lasting { start, longer_than_ms: 10_000, at_least: 3, .. }
                if start.contains(&EventType::FocusLost)
        ));
        assert!(policy.forensics.person_fit_alpha > 0.0);
    }

    #[test]
    fn errors_name_the_rule_and_the_fault() {
        let unknown =
            rule_message("[[rules]]\nname = \"x\"\nseverity = \"high\"\nevent = \"teleport\"");
        assert_eq!(unknown, "policy rule `x`: unknown event type `teleport`");
        let severity =
            rule_message("[[rules]]\nname = \"x\"\nseverity = \"severe\"\nevent = \"paste\"");
        assert!(severity.contains("severity `severe`"), "{severity}");
        let zero = rule_message(
            "[[rules]]\nname = \"x\"\nseverity = \"low\"\nevent = \"paste\"\nat_least = 0",
        );
        assert!(zero.contains("at_least must be at least 1"), "{zero}");
        let lasting = "[[rules]]\nname = \"away\"\nseverity = \"low\"\nkind = \"lasting\"\n\
            start = \"focus_lost\"\nend = \"focus_regained\"\nat_least = 2\n";
        let no_seconds = rule_message(lasting);
        assert!(no_seconds.contains("longer_than_seconds"), "{no_seconds}");
        let zero_seconds = rule_message(&format!("{lasting}longer_than_seconds = 0"));
        assert!(zero_seconds.contains("more than 0"), "{zero_seconds}");
        assert!(with_rules(&format!("{lasting}longer_than_seconds = 2.5")).is_ok());
        let overlap = rule_message(
            "[[rules]]\nname = \"o\"\nseverity = \"low\"\nkind = \"lasting\"\nstart = \"online\"\n\
             end = [\"online\"]\nlonger_than_seconds = 1",
        );
        assert!(overlap.contains("both a start and an end"), "{overlap}");
        let misplaced = rule_message(
            "[[rules]]\nname = \"m\"\nseverity = \"low\"\nevent = \"copy\"\nstart = \"online\"",
        );
        assert!(misplaced.contains("`start` belongs to kind"), "{misplaced}");
        let kind = rule_message(
            "[[rules]]\nname = \"k\"\nseverity = \"low\"\nkind = \"sometimes\"\nevent = \"copy\"",
        );
        assert!(kind.contains("kind `sometimes`"), "{kind}");
        let twice = rule_message(
            "[[rules]]\nname = \"d\"\nseverity = \"low\"\nevent = \"copy\"\n\
             [[rules]]\nname = \"d\"\nseverity = \"low\"\nevent = \"paste\"",
        );
        assert!(twice.contains("a second rule"), "{twice}");
    }

    #[test]
    fn shape_and_value_errors() {
        let unknown_key = rule_message(
            "[[rules]]\nname = \"x\"\nseverity = \"low\"\nevent = \"copy\"\ncolour = 1",
        );
        assert!(
            unknown_key.starts_with("policy: ") && unknown_key.contains("colour"),
            "{unknown_key}"
        );
        let no_ban = Policy::from_toml(FORENSICS).unwrap_err();
        assert!(no_ban.to_string().contains("ban_days"), "{no_ban}");
        let zero_ban = Policy::from_toml(&format!("ban_days = 0\n{FORENSICS}")).unwrap_err();
        assert_eq!(
            zero_ban.to_string(),
            "policy `ban_days`: must be at least 1"
        );
        let bad_alpha = Policy::from_toml(&format!(
            "ban_days = 3\n{}",
            FORENSICS.replace("copying_alpha = 0.01", "copying_alpha = 1.5")
        ))
        .unwrap_err();
        assert!(
            bad_alpha.to_string().contains("forensics.copying_alpha"),
            "{bad_alpha}"
        );
    }

    #[test]
    fn forensic_threshold_decisions() {
        let t = Policy::default().forensics;
        assert!(t.person_fit_flags(t.person_fit_alpha));
        assert!(!t.person_fit_flags(f64::NAN));
        assert!(t.copying_flags(1e-9, 1e-9, 1000));
        assert!(!t.copying_flags(1e-9, 0.5, 1000));
        assert!(!t.copying_flags(t.copying_alpha / 10.0, 0.0, 1000));
        assert!(t.rapid_guessing_flags(0.5));
        assert!(!t.rapid_guessing_flags(1.0));
    }
}
