//! Generated banks for simulations, benchmarks and tests: items shaped like the starter bank (sections,
//! levels, topics, types and the 2PL parameter ranges of `content/README.md`), in any number.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

use crate::bank::{ChoiceOption, Item, ItemIrt, ItemType, Level, ParamStatus, TextKey};
use crate::irt::ItemParams;

/// The starter bank's topics.
pub const TOPICS: [&str; 11] = [
    "greetings",
    "family",
    "numbers-time",
    "food",
    "shopping",
    "home",
    "city-transport",
    "weather-nature",
    "work-study",
    "health-body",
    "leisure",
];

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerateOptions {
    /// Operational listening items (72 % A1, 28 % A2, single choice, 3 options).
    pub listening: usize,
    /// Operational reading items (60 % A1 single choice, 20 % A1 gap fill, 20 % A2 single choice).
    pub reading: usize,
    /// Reading passages with three A1 single-choice questions each (a `set`), on top of `reading`.
    pub reading_sets: usize,
    /// Random enemy pairs within each section.
    pub enemy_pairs: usize,
    /// Pretest items per section.
    pub pretest: usize,
    pub seed: u64,
}

impl GenerateOptions {
    /// A bank of `n` operational items, one third listening, like the starter bank.
    pub fn plain(n: usize, seed: u64) -> Self {
        GenerateOptions {
            listening: n / 3,
            reading: n - n / 3,
            reading_sets: 0,
            enemy_pairs: 0,
            pretest: 0,
            seed,
        }
    }
}

fn make(
    id: String,
    section: &str,
    level: Level,
    topic: &str,
    item_type: ItemType,
    options: usize,
    rng: &mut ChaCha20Rng,
) -> Item {
    let a = rng.random_range(0.8..1.6);
    let b = match level {
        Level::A1 => rng.random_range(-2.5..0.5),
        _ => rng.random_range(0.0..2.0),
    };
    let text = item_type.is_text();
    Item {
        id,
        version: 1,
        section: section.into(),
        level,
        topic: topic.into(),
        item_type,
        stem: "?".into(),
        stimulus: None,
        transcript: None,
        audio: None,
        image: None,
        options: if text {
            Vec::new()
        } else {
            ["a", "b", "c", "d"][..options]
                .iter()
                .map(|o| ChoiceOption {
                    id: (*o).into(),
                    text: (*o).into(),
                })
                .collect()
        },
        key: (!text).then(|| "a".into()),
        // Through serde, so that fields the grader adds to `TextKey` take their defaults.
        text_key: text.then(|| {
            serde_json::from_str::<TextKey>(r#"{"accept": ["үй"]}"#).expect("a valid text key")
        }),
        writing: None,
        irt: ItemIrt {
            params: ItemParams::two_pl(a, b),
            status: ParamStatus::Calibrated,
        },
        set: None,
        enemies: Vec::new(),
        pretest: false,
    }
}

/// A generated bank; the same options give the same bank.
pub fn generate_bank(o: &GenerateOptions) -> Vec<Item> {
    let mut rng = ChaCha20Rng::seed_from_u64(o.seed);
    let mut items = Vec::new();
    for k in 0..o.listening {
        let level = if k % 25 < 18 { Level::A1 } else { Level::A2 };
        let topic = TOPICS[k % TOPICS.len()];
        items.push(make(
            format!("ls-g-{k:05}"),
            "listening",
            level,
            topic,
            ItemType::SingleChoice,
            3,
            &mut rng,
        ));
    }
    for k in 0..o.reading {
        let (level, ty) = match k % 5 {
            0..=2 => (Level::A1, ItemType::SingleChoice),
            3 => (Level::A1, ItemType::GapFill),
            _ => (Level::A2, ItemType::SingleChoice),
        };
        let topic = TOPICS[(k / 5 + k) % TOPICS.len()];
        items.push(make(
            format!("rd-g-{k:05}"),
            "reading",
            level,
            topic,
            ty,
            4,
            &mut rng,
        ));
    }
    for s in 0..o.reading_sets {
        let topic = TOPICS[s % TOPICS.len()];
        for q in 0..3 {
            let mut item = make(
                format!("rd-set-{s:04}-{q}"),
                "reading",
                Level::A1,
                topic,
                ItemType::SingleChoice,
                4,
                &mut rng,
            );
            item.set = Some(format!("passage-{s:04}"));
            items.push(item);
        }
    }
    for (section, prefix, n) in [
        ("listening", "ls", o.listening),
        ("reading", "rd", o.reading),
    ] {
        for _ in 0..o.enemy_pairs.min(n / 2) {
            let a = rng.random_range(0..n);
            let b = rng.random_range(0..n);
            if a != b {
                let other = format!("{prefix}-g-{b:05}");
                if let Some(item) = items
                    .iter_mut()
                    .find(|i| i.id == format!("{prefix}-g-{a:05}"))
                {
                    item.enemies.push(other);
                }
            }
        }
        for k in 0..o.pretest {
            let mut item = make(
                format!("{prefix}-pre-{k:04}"),
                section,
                if k % 3 == 0 { Level::A2 } else { Level::A1 },
                TOPICS[k % TOPICS.len()],
                ItemType::SingleChoice,
                if section == "listening" { 3 } else { 4 },
                &mut rng,
            );
            item.pretest = true;
            items.push(item);
        }
    }
    items.shuffle(&mut rng);
    items
}
