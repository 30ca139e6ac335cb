//! The adaptive settings of a blueprint section; the delivery itself is `assembly::AdaptiveSession`.

use serde::{Deserialize, Serialize};

/// The adaptive settings of a blueprint section (`[sections.adaptive]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdaptiveSpec {
    /// Stop once the EAP standard error is at most this. Default 0.3.
    #[serde(default = "default_target_se")]
    pub target_se: f64,
    /// Never stop before this many items. Default 5.
    #[serde(default = "default_min_items")]
    pub min_items: u32,
    /// Never give more than this many; the section's `items` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
    /// Pick at random among this many most informative items (exposure and item-security aid). Default 3.
    #[serde(default = "default_randomesque")]
    pub randomesque: u32,
}

fn default_target_se() -> f64 {
    0.3
}
fn default_min_items() -> u32 {
    5
}
fn default_randomesque() -> u32 {
    3
}

impl AdaptiveSpec {
    /// Checks the settings on their own.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.target_se > 0.0 && self.target_se < 1.0) {
            return Err("adaptive target_se lies in (0, 1)".into());
        }
        if self.randomesque == 0 || self.randomesque > 20 {
            return Err("adaptive randomesque is 1 to 20".into());
        }
        if self
            .max_items
            .is_some_and(|m| m < self.min_items || m == 0 || m > 200)
        {
            return Err("adaptive max_items is 1 to 200 and at least min_items".into());
        }
        Ok(())
    }
}
