//! Reading a bank: the checks every item must pass (its key graded as the grader will grade it), items
//! files, and whole content directories. The format is documented for authors in `content/README.md`.
//!
//! Parsing is pure ([`parse_items`], [`Blueprint::parse`]); [`load_dir`] is the one function here that
//! reads files, so that the server and the command line import a content directory the same way.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::bank::{BankError, Blueprint, Item, ItemType, is_valid_id};

/// The largest item or blueprint file the loader reads, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The largest audio file the loader reads, in bytes.
pub const MAX_MEDIA_BYTES: u64 = 8 * 1024 * 1024;
/// The largest picture the loader reads, in bytes.
pub const MAX_IMAGE_BYTES: u64 = 256 * 1024;

impl Item {
    /// Checks what the type system cannot: the id's form, the key against the options, the fields each
    /// type needs and nothing it must not have; a text key as [`TextKey::validate`](crate::bank::TextKey)
    /// judges it (answers that are blank, ambiguous between alphabets, or also rejected).
    pub fn validate(&self) -> Result<(), BankError> {
        let invalid = |message: &str| BankError::Invalid {
            id: self.id.clone(),
            message: message.to_owned(),
        };
        if !is_valid_id(&self.id) {
            return Err(invalid("id must be 1–64 characters of a-z, 0-9 and '-'"));
        }
        if self.version == 0 {
            return Err(invalid("version starts at 1"));
        }
        if self.stem.trim().is_empty() {
            return Err(invalid("stem is empty"));
        }
        match self.item_type {
            ItemType::SingleChoice => {
                if !(2..=6).contains(&self.options.len()) {
                    return Err(invalid("a choice item has 2 to 6 options"));
                }
                let ids: HashSet<&str> = self.options.iter().map(|o| o.id.as_str()).collect();
                if ids.len() != self.options.len() {
                    return Err(invalid("option ids repeat"));
                }
                match &self.key {
                    Some(key) if ids.contains(key.as_str()) => {}
                    Some(_) => return Err(invalid("key names no option")),
                    None => return Err(invalid("a choice item needs a key")),
                }
                if self.text_key.is_some() {
                    return Err(invalid("a choice item has no text_key"));
                }
            }
            ItemType::GapFill | ItemType::ShortAnswer => {
                let key = self
                    .text_key
                    .as_ref()
                    .ok_or_else(|| invalid("a text item needs a text_key"))?;
                key.validate().map_err(|e| invalid(&e.to_string()))?;
                if self.key.is_some() || !self.options.is_empty() {
                    return Err(invalid("a text item has no options or key"));
                }
            }
        }
        if self.audio.is_some() != self.transcript.is_some() {
            return Err(invalid("audio and transcript go together"));
        }
        Ok(())
    }
}

/// The items of one file: `[[items]]` tables.
#[derive(Deserialize)]
struct ItemFile {
    items: Vec<Item>,
}

/// Parses one items file; `file` names it in errors. Each item is validated.
pub fn parse_items(file: &str, text: &str) -> Result<Vec<Item>, BankError> {
    let parsed: ItemFile = toml::from_str(text).map_err(|e| BankError::Parse {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    for item in &parsed.items {
        item.validate()?;
    }
    Ok(parsed.items)
}

/// A content directory read into memory: items, blueprints and the media the items name.
#[derive(Debug, Default)]
pub struct Content {
    pub items: Vec<Item>,
    pub blueprints: Vec<Blueprint>,
    /// Media by the path items use for them (`audio/….ogg`).
    pub media: BTreeMap<String, Vec<u8>>,
}

/// Reads `dir/items/**/*.toml`, `dir/blueprints/*.toml` and every file an item names. Fails on the first
/// problem, naming the file or item: a bank is imported whole or not at all.
pub fn load_dir(dir: &Path) -> Result<Content, BankError> {
    let mut content = Content::default();
    let mut seen = HashSet::new();
    for file in toml_files(&dir.join("items"))? {
        let text = read_bounded(&file, MAX_FILE_BYTES)?;
        for item in parse_items(&file.display().to_string(), &String::from_utf8_lossy(&text))? {
            if !seen.insert((item.id.clone(), item.version)) {
                return Err(BankError::Duplicate(item.id));
            }
            if let Some(audio) = &item.audio {
                load_media(dir, &item.id, audio, MAX_MEDIA_BYTES, &mut content.media)?;
            }
            if let Some(image) = &item.image {
                load_media(dir, &item.id, image, MAX_IMAGE_BYTES, &mut content.media)?;
                check_svg(&content.media[image]).map_err(|message| BankError::Invalid {
                    id: item.id.clone(),
                    message: format!("{image}: {message}"),
                })?;
            }
            content.items.push(item);
        }
    }
    for file in toml_files(&dir.join("blueprints"))? {
        let text = read_bounded(&file, MAX_FILE_BYTES)?;
        content.blueprints.push(Blueprint::parse(
            &file.display().to_string(),
            &String::from_utf8_lossy(&text),
        )?);
    }
    Ok(content)
}

/// Reads the media file `rel` that item `id` names into `media`, once per path, refusing paths that leave
/// the content directory.
fn load_media(
    dir: &Path,
    id: &str,
    rel: &str,
    limit: u64,
    media: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), BankError> {
    if rel.contains("..") || Path::new(rel).is_absolute() {
        return Err(BankError::Invalid {
            id: id.to_owned(),
            message: format!("{rel}: the path leaves the content directory"),
        });
    }
    if !media.contains_key(rel) {
        media.insert(rel.to_owned(), read_bounded(&dir.join(rel), limit)?);
    }
    Ok(())
}

/// Whether `bytes` is a picture safe to show inside a candidate's page: UTF-8 SVG whose root is `<svg`,
/// with no script, event handler, external reference, embedded document or entity declaration. The
/// server also serves pictures with a sandboxing Content-Security-Policy; this check keeps unsafe files
/// out of the bank in the first place.
pub fn check_svg(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "a picture must be UTF-8 SVG".to_owned())?;
    let lower = text.to_ascii_lowercase();
    let body = lower.trim_start_matches('\u{feff}').trim_start();
    let body = match body.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or("", |(_, r)| r).trim_start(),
        None => body,
    };
    if !body.starts_with("<svg") {
        return Err("a picture must be an SVG document (root element <svg>)".into());
    }
    const FORBIDDEN: [&str; 8] = [
        "<script",
        "<!entity",
        "<!doctype",
        "<foreignobject",
        "javascript:",
        "<iframe",
        "<use",
        "@import",
    ];
    if let Some(bad) = FORBIDDEN.iter().find(|f| lower.contains(*f)) {
        return Err(format!("a picture may not contain {bad}"));
    }
    let handler = lower
        .split(|c: char| c.is_whitespace())
        .any(|word| word.starts_with("on") && word.contains('='));
    if handler {
        return Err("a picture may not carry event handlers (on…=)".into());
    }
    if lower.contains("href=\"http") || lower.contains("href='http") || lower.contains("url(http") {
        return Err("a picture may not load anything from elsewhere".into());
    }
    Ok(())
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> BankError {
    BankError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, BankError> {
    let len = std::fs::metadata(path)
        .map_err(|e| io_error(path, e))?
        .len();
    if len > limit {
        return Err(io_error(path, format!("larger than {limit} bytes")));
    }
    std::fs::read(path).map_err(|e| io_error(path, e))
}

/// Every `*.toml` below `dir`, sorted so that imports are deterministic.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, BankError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| io_error(&d, e))? {
            let path = entry.map_err(|e| io_error(&d, e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{Level, ParamStatus};

    const CHOICE: &str = r#"
[[items]]
id = "rd-a1-family-001"
version = 1
section = "reading"
level = "A1"
topic = "family"
type = "single_choice"
stem = "Әйгерімнің інісі неше жаста?"
stimulus = "Әйгерімнің інісі жеті жаста."
options = [ { id = "a", text = "бес жаста" }, { id = "b", text = "жеті жаста" } ]
key = "b"
irt = { model = "2pl", a = 1.0, b = -1.2, status = "provisional" }
"#;

    #[test]
    fn pictures_are_plain_svg() {
        let clock = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>"#;
        assert!(check_svg(clock).is_ok());
        for bad in [
            &br#"<svg><script>alert(1)</script></svg>"#[..],
            br#"<svg><rect onclick="x()"/></svg>"#,
            br#"<svg><image href="http://evil.example/x.png"/></svg>"#,
            br#"<!DOCTYPE svg [<!ENTITY a "b">]><svg/>"#,
            b"\x89PNG\r\n",
            br#"<html><svg/></html>"#,
        ] {
            assert!(check_svg(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn loads_the_picture_an_item_names() {
        let dir = std::env::temp_dir().join(format!("synaq-bank-image-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("items/reading")).unwrap();
        std::fs::create_dir_all(dir.join("images")).unwrap();
        std::fs::create_dir_all(dir.join("blueprints")).unwrap();
        let item = CHOICE.replace("key = \"b\"", "key = \"b\"\nimage = \"images/clock.svg\"");
        std::fs::write(dir.join("items/reading/family.toml"), item).unwrap();
        std::fs::write(dir.join("images/clock.svg"), "<svg><circle r=\"1\"/></svg>").unwrap();
        let content = load_dir(&dir).unwrap();
        assert_eq!(content.items[0].image.as_deref(), Some("images/clock.svg"));
        assert!(content.media.contains_key("images/clock.svg"));
        std::fs::write(dir.join("images/clock.svg"), "<svg><script/></svg>").unwrap();
        assert!(load_dir(&dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn parses_a_choice_item() {
        let items = parse_items("t.toml", CHOICE).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].key.as_deref(), Some("b"));
        assert_eq!(items[0].level, Level::A1);
        assert_eq!(items[0].irt.status, ParamStatus::Provisional);
    }

    #[test]
    fn refuses_a_key_that_names_no_option() {
        let bad = CHOICE.replace("key = \"b\"", "key = \"z\"");
        let err = parse_items("t.toml", &bad).unwrap_err();
        assert!(err.to_string().contains("key names no option"), "{err}");
    }

    #[test]
    fn refuses_unknown_fields() {
        let bad = CHOICE.replace("version = 1", "version = 1\nanswer = \"b\"");
        assert!(matches!(
            parse_items("t.toml", &bad),
            Err(BankError::Parse { .. })
        ));
    }
}
