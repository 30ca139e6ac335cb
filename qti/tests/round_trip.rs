//! Export then import gives back the same items: choice and text items with Kazakh text full of XML's
//! special characters, optional stimulus, audio and picture, every metadata field and exact IRT values.

use item_bank::bank::{
    ChoiceOption, Item, ItemIrt, ItemType, Level, MatchPolicy, ParamStatus, TextKey, WritingSpec,
};
use item_bank::irt::ItemParams;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use qti::{ExportItem, Limits, export_item_xml, export_package, import};

const OPUS: &[u8] = include_bytes!("fixtures/package/media/tone-opus.ogg");
const SVG: &[u8] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><title>Дөңгелек</title><circle r=\"4\"/></svg>".as_bytes();

/// A word of Kazakh Cyrillic, digits and the characters XML escapes.
fn word() -> impl Strategy<Value = String> {
    "[а-яА-ЯәғқңөұүһіӘҒҚҢӨҰҮҺІ0-9<>&\"'—«»?!.,]{1,9}"
}

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..7).prop_map(|w| w.join(" "))
}

/// Lines of text, as stimuli and transcripts have them.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(sentence(), 1..4).prop_map(|l| l.join("\n"))
}

fn name() -> impl Strategy<Value = String> {
    "[a-z]{2,8}(-[a-z0-9]{1,6}){0,2}"
}

fn irt(choices: usize) -> impl Strategy<Value = ItemIrt> {
    let params = prop_oneof![
        (0.2..3.0f64, -4.0..4.0f64).prop_map(|(a, b)| ItemParams::two_pl(a, b)),
        (0.2..3.0f64, -4.0..4.0f64, 0.0..0.5f64)
            .prop_map(|(a, b, c)| ItemParams::three_pl(a, b, c).unwrap()),
        (-4.0..4.0f64).prop_map(ItemParams::rasch),
        (0.2..3.0f64, -4.0..4.0f64).prop_map(move |(a, b)| {
            ItemParams::three_pl(a, b, 1.0 / choices.max(2) as f64).unwrap()
        }),
    ];
    (params, any::<bool>()).prop_map(|(params, calibrated)| ItemIrt {
        params,
        status: if calibrated {
            ParamStatus::Calibrated
        } else {
            ParamStatus::Provisional
        },
    })
}

/// The fields every item has, around a choice or text body.
#[derive(Debug, Clone)]
struct Common {
    section: String,
    level: Level,
    topic: String,
    stimulus: Option<String>,
    listening: Option<String>,
    picture: bool,
    set: Option<String>,
    enemies: Vec<String>,
    pretest: bool,
}

fn common() -> impl Strategy<Value = Common> {
    let level = prop::sample::select(vec![Level::A1, Level::A2, Level::B1, Level::B2, Level::C1]);
    (
        (name(), level, name()),
        prop::option::of(text()),
        prop::option::of(text()),
        any::<bool>(),
        (
            prop::option::of(name()),
            prop::collection::vec(name(), 0..3),
            any::<bool>(),
        ),
    )
        .prop_map(
            |((section, level, topic), stimulus, listening, picture, (set, enemies, pretest))| {
                Common {
                    section,
                    level,
                    topic,
                    stimulus,
                    listening,
                    picture,
                    set,
                    enemies,
                    pretest,
                }
            },
        )
}

fn item_with(common: Common, item_type: ItemType, stem: String, irt: ItemIrt) -> Item {
    Item {
        id: String::new(),
        version: 1,
        section: common.section,
        level: common.level,
        topic: common.topic,
        item_type,
        stem,
        stimulus: common.stimulus,
        transcript: common.listening.clone(),
        audio: common.listening.map(|_| String::new()),
        image: common.picture.then(String::new),
        options: Vec::new(),
        key: None,
        text_key: None,
        writing: None,
        irt,
        set: common.set,
        enemies: common.enemies,
        pretest: common.pretest,
    }
}

fn choice_item() -> impl Strategy<Value = Item> {
    (2..=6usize).prop_flat_map(|n| {
        (
            common(),
            sentence(),
            prop::collection::vec(sentence(), n),
            0..n,
            irt(n),
        )
            .prop_map(|(common, stem, texts, key, irt)| {
                let mut item = item_with(common, ItemType::SingleChoice, stem, irt);
                item.options = texts
                    .into_iter()
                    .enumerate()
                    .map(|(i, text)| ChoiceOption {
                        id: char::from(b'a' + i as u8).to_string(),
                        text,
                    })
                    .collect();
                item.key = Some(item.options[key].id.clone());
                item
            })
    })
}

fn text_item() -> impl Strategy<Value = Item> {
    let policy = prop::sample::select(vec![
        MatchPolicy::Exact,
        MatchPolicy::Standard,
        MatchPolicy::Lenient,
    ]);
    let answer = "[а-яәғқңөұүһі]{2,10}";
    (
        common(),
        prop::collection::vec(word(), 1..8),
        any::<prop::sample::Index>(),
        prop::option::of(Just(())),
        (
            prop::collection::vec(answer, 1..4),
            prop::collection::vec(answer, 0..3),
        ),
        (policy, 0.0..=1.0f64, any::<bool>()),
        irt(0),
    )
        .prop_map(
            |(
                common,
                words,
                at,
                gap,
                (accept, reject),
                (policy, fold_credit, fold_review),
                irt,
            )| {
                let mut accept = accept;
                accept.dedup();
                let (item_type, stem) = match gap {
                    Some(()) => {
                        let mut words = words;
                        words.insert(at.index(words.len() + 1), "____".to_owned());
                        (ItemType::GapFill, words.join(" "))
                    }
                    None => (ItemType::ShortAnswer, words.join(" ")),
                };
                let mut item = item_with(common, item_type, stem, irt);
                let reject = reject.into_iter().filter(|r| !accept.contains(r)).collect();
                item.text_key = Some(TextKey {
                    accept,
                    policy,
                    reject,
                    fold_credit,
                    fold_review,
                });
                item
            },
        )
}

fn writing_item() -> impl Strategy<Value = Item> {
    let size = |max: u32| prop::option::of(1..=max);
    (
        common(),
        sentence(),
        size(WritingSpec::MAX_LINES),
        size(WritingSpec::MAX_LENGTH),
        irt(0),
    )
        .prop_map(|(common, stem, expected_lines, expected_length, irt)| {
            let mut item = item_with(common, ItemType::Writing, stem, irt);
            let spec = WritingSpec {
                expected_lines,
                expected_length,
            };
            item.writing = (spec != WritingSpec::default()).then_some(spec);
            item
        })
}

/// Items of every type the bank holds.
fn any_item() -> impl Strategy<Value = Item> {
    prop_oneof![choice_item(), text_item(), writing_item()]
}

/// Items with distinct ids, each with its media.
fn items() -> impl Strategy<Value = Vec<ExportItem>> {
    prop::collection::vec(any_item(), 1..6).prop_map(|items| {
        items
            .into_iter()
            .enumerate()
            .map(|(i, mut item)| {
                item.id = format!("it-{i}-{}", item.item_type.as_str().replace('_', "-"));
                item.audio = item.audio.map(|_| format!("audio/{}.ogg", item.id));
                item.image = item.image.map(|_| format!("images/{}.svg", item.id));
                ExportItem {
                    audio: item.audio.as_ref().map(|_| OPUS.to_vec()),
                    image: item.image.as_ref().map(|_| SVG.to_vec()),
                    item,
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn export_then_import_gives_back_the_same_items(exports in items()) {
        for export in &exports {
            prop_assume!(export.item.validate().is_ok());
        }
        let package = export_package(&exports).unwrap();
        let report = import(&package, &Limits::default()).unwrap();
        prop_assert!(report.skipped.is_empty(), "{:?}", report.skipped);
        prop_assert_eq!(report.imported.len(), exports.len());
        for (export, imported) in exports.iter().zip(&report.imported) {
            prop_assert_eq!(&imported.identifier, &export.item.id);
            prop_assert_eq!(&imported.item, &export.item);
            prop_assert_eq!(imported.audio.as_ref().map(|a| &a.bytes), export.audio.as_ref());
            prop_assert_eq!(&imported.image, &export.image);
        }
    }

    #[test]
    fn one_item_xml_imports_on_its_own(item in any_item()) {
        let mut item = item;
        item.id = "single".into();
        item.audio = None;
        item.transcript = None;
        item.image = None;
        prop_assume!(item.validate().is_ok());
        let report = import(export_item_xml(&item).as_bytes(), &Limits::default()).unwrap();
        prop_assert!(report.skipped.is_empty(), "{:?}", report.skipped);
        prop_assert_eq!(&report.imported[0].item, &item);
    }
}

#[test]
fn export_needs_the_media_an_item_names() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut exports = items().new_tree(&mut runner).unwrap().current();
    let mut item = exports.remove(0);
    item.item.audio = Some(format!("audio/{}.ogg", item.item.id));
    item.item.transcript = Some("Сәлем".into());
    item.audio = None;
    assert!(matches!(
        export_package(&[item]),
        Err(qti::QtiError::MissingMedia { .. })
    ));
}
