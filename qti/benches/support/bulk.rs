//! A generated content package of listening items with audio, for the benchmark and the memory
//! measurement.

use item_bank::bank::{ChoiceOption, Item, ItemIrt, ItemType, Level, ParamStatus};
use item_bank::irt::ItemParams;
use qti::{ExportItem, export_package};

/// A real Ogg Opus clip (0.6 s).
const OPUS: &[u8] = include_bytes!("../../tests/fixtures/package/media/tone-opus.ogg");

/// A package of `n` four-option listening items, each with its transcript and its audio.
pub fn package(n: usize) -> Vec<u8> {
    let items: Vec<ExportItem> = (0..n)
        .map(|i| ExportItem {
            item: Item {
                id: format!("ls-a1-bulk-{i:05}"),
                version: 1,
                section: "listening".into(),
                level: Level::A1,
                topic: "city-transport".into(),
                item_type: ItemType::SingleChoice,
                stem: format!("Ер адам дәріханаға қалай барады? ({i})"),
                stimulus: None,
                transcript: Some(
                    "— Кешіріңіз, дәріхана қайда?\n— Тура жүріңіз, сосын оңға бұрылыңыз.".into(),
                ),
                audio: Some(format!("audio/ls-a1-bulk-{i:05}.ogg")),
                image: None,
                options: [
                    "тура, сосын сол жаққа",
                    "артқа, сосын оң жаққа",
                    "тура, сосын оң жаққа",
                    "оң жаққа, сосын тура",
                ]
                .iter()
                .zip(["a", "b", "c", "d"])
                .map(|(text, id)| ChoiceOption {
                    id: id.into(),
                    text: (*text).into(),
                })
                .collect(),
                key: Some("c".into()),
                text_key: None,
                writing: None,
                irt: ItemIrt {
                    params: ItemParams::three_pl(1.2, -1.0, 0.25).expect("valid 3PL parameters"),
                    status: ParamStatus::Provisional,
                },
                set: None,
                enemies: Vec::new(),
                pretest: false,
            },
            audio: Some(OPUS.to_vec()),
            image: None,
        })
        .collect();
    export_package(&items).expect("the generated items are valid")
}
