//! QTI 3.0 import and export of Synaq's items. Pure: bytes in, bytes out; no database, no HTTP.
//!
//! - [`import`] reads a content package (a zip with `imsmanifest.xml`) or one `qti-assessment-item` XML
//!   file into validated draft items (an extended-text task becomes a writing item, which stays out of
//!   forms), with the audio and pictures they bring, and reports every item it skips with the reason.
//! - [`export_package`] writes items (and their media) as a content package that [`import`] reads back
//!   into the same items; [`export_item_xml`] writes one item's XML.
//! - [`probe_ogg`] tells Ogg Opus and Ogg Vorbis from anything else, and their duration.
//!
//! What QTI has no element for (section, level, topic, set, IRT parameters, the text-matching policy) is
//! carried by Synaq's extension, documented in [`extension`]. Every bound of an import is a field of
//! [`Limits`], with the defaults in [`limits`].
//!
//! ```
//! use item_bank::bank::{ChoiceOption, Item, ItemIrt, ItemType, Level, ParamStatus};
//! use item_bank::irt::ItemParams;
//!
//! let item = Item {
//!     id: "rd-a1-family-001".into(),
//!     version: 1,
//!     section: "reading".into(),
//!     level: Level::A1,
//!     topic: "family".into(),
//!     item_type: ItemType::SingleChoice,
//!     stem: "Арман неше жаста?".into(),
//!     stimulus: Some("Менің інім Арман он екі жаста.".into()),
//!     transcript: None,
//!     audio: None,
//!     image: None,
//!     options: vec![
//!         ChoiceOption { id: "a".into(), text: "20 жаста".into() },
//!         ChoiceOption { id: "b".into(), text: "12 жаста".into() },
//!     ],
//!     key: Some("b".into()),
//!     text_key: None,
//!     writing: None,
//!     irt: ItemIrt { params: ItemParams::three_pl(1.1, -1.8, 0.5).unwrap(), status: ParamStatus::Provisional },
//!     set: None,
//!     enemies: vec![],
//!     pretest: false,
//! };
//! let package = qti::export_package(&[qti::ExportItem { item: item.clone(), audio: None, image: None }]).unwrap();
//! let report = qti::import(&package, &qti::Limits::default()).unwrap();
//! assert!(report.skipped.is_empty());
//! assert_eq!(report.imported[0].item, item);
//! ```

pub mod audio;
mod error;
mod export;
pub mod extension;
mod ids;
mod import;
mod item;
pub mod limits;
mod manifest;
mod package;
mod path;
mod xml;

use item_bank::bank::Item;

pub use audio::{AudioError, AudioInfo, Codec, probe_ogg};
pub use error::QtiError;
pub use export::{ExportItem, export_item_xml, export_package};
pub use import::import;
pub use item::{DEFAULT_LEVEL, DEFAULT_TOPIC, WRITING_SECTION};
pub use limits::Limits;

/// What one import brought in, and what it left out.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// In the order of the manifest (or the one item of an XML upload).
    pub imported: Vec<ImportedItem>,
    pub skipped: Vec<Skipped>,
}

/// One imported item with the media it brought.
#[derive(Debug)]
pub struct ImportedItem {
    /// The QTI identifier (`qti-assessment-item`'s, or the manifest resource's if the item has none).
    pub identifier: String,
    /// A draft at version 1 that passed [`Item::validate`].
    pub item: Item,
    /// The audio the item plays; `Item::audio` names it `audio/<id>.ogg`.
    pub audio: Option<ImportedAudio>,
    /// The SVG picture the item shows, checked like the bank's own; `Item::image` names it
    /// `images/<id>.svg`.
    pub image: Option<Vec<u8>>,
    /// For a choice item: each QTI choice identifier and the option id it became (`a`, `b`, … in order).
    pub choice_ids: Vec<(String, String)>,
}

/// Audio bytes and what the probe found in them.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedAudio {
    pub bytes: Vec<u8>,
    pub info: AudioInfo,
}

/// An item or resource that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub identifier: String,
    /// Names what is not supported, or what the validator refused.
    pub reason: String,
}
