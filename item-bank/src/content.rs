//! Reading a bank: the checks every item must pass (its key graded as the grader will grade it), items
//! files, and whole content directories. The format is documented for authors in `content/README.md`.
//!
//! Parsing is pure ([`parse_items`], [`Blueprint::parse`]); [`load_dir`] is the one function here that
//! reads files, so that the server and the command line import a content directory the same way.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::bank::{BankError, Blueprint, Item, ItemType, WritingSpec, is_valid_id};

/// The section whose items are heard: each needs its recording.
pub const LISTENING: &str = "listening";

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
            ItemType::Writing => {
                if self.key.is_some() || !self.options.is_empty() || self.text_key.is_some() {
                    return Err(invalid(
                        "a writing item has no options, key or text_key: raters score it",
                    ));
                }
                if !self.writing.unwrap_or_default().is_valid() {
                    return Err(invalid(&format!(
                        "a writing item expects 1 to {} lines and 1 to {} characters",
                        WritingSpec::MAX_LINES,
                        WritingSpec::MAX_LENGTH
                    )));
                }
            }
        }
        if self.writing.is_some() && self.item_type != ItemType::Writing {
            return Err(invalid("only a writing item has a writing answer space"));
        }
        if self.audio.is_some() != self.transcript.is_some() {
            return Err(invalid("audio and transcript go together"));
        }
        if self.section == LISTENING && self.audio.is_none() {
            return Err(invalid("a listening item needs its audio"));
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

/// The most characters a picture's text alternative (its `<title>`) may have.
pub const MAX_IMAGE_TITLE_CHARS: usize = 200;

/// Whether `bytes` is a picture the bank may show a candidate: UTF-8 SVG whose root is `<svg`, with no
/// script, event handler, external reference, embedded document or entity declaration, and with a text
/// alternative (see [`picture_title`]). The server also serves pictures with a sandboxing
/// Content-Security-Policy; this check keeps unsafe files out of the bank in the first place.
pub fn check_svg(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "a picture must be UTF-8 SVG".to_owned())?;
    let root = root_element(text)
        .ok_or_else(|| "a picture must be an SVG document (root element <svg>)".to_owned())?;
    let lower = text.to_ascii_lowercase();
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
    picture_title(root).map(|_| ())
}

/// The document from its root element's start tag on, when that root is `<svg>`: only a byte-order
/// mark, whitespace and an XML declaration may come before it.
fn root_element(text: &str) -> Option<&str> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let body = match strip_prefix_ignore_case(body, "<?xml") {
        Some(rest) => rest.split_once("?>").map_or("", |(_, r)| r).trim_start(),
        None => body,
    };
    let rest = strip_prefix_ignore_case(body, "<svg")?;
    rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .then_some(body)
}

/// The text alternative of the picture whose root element starts `root`: the text of a `<title>` that
/// is the root's first child (only whitespace between the root's start tag and it), trimmed. The
/// candidate's page gives it to screen readers as the picture's alt text, so it must be plain text (no
/// markup inside), not blank, and at most [`MAX_IMAGE_TITLE_CHARS`] characters, an entity or character
/// reference (`&amp;`) counting as one.
fn picture_title(root: &str) -> Result<&str, String> {
    const MISSING: &str = "a picture needs a text alternative: a <title> as the first child of the root \
                           <svg>, before anything it draws";
    let end = tag_end(root).ok_or("the root <svg> start tag is not closed")?;
    if root[..end].ends_with('/') {
        return Err(MISSING.into());
    }
    let first_child = root[end + 1..].trim_start();
    let after_name = strip_prefix_ignore_case(first_child, "<title").ok_or(MISSING)?;
    if !after_name.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/') {
        return Err(MISSING.into());
    }
    let title_end = tag_end(first_child).ok_or("the picture's <title> start tag is not closed")?;
    if first_child[..title_end].ends_with('/') {
        return Err("the picture's <title> (its text alternative) is empty".into());
    }
    let (content, rest) = first_child[title_end + 1..]
        .split_once('<')
        .ok_or("the picture's <title> is not closed")?;
    if strip_prefix_ignore_case(rest, "/title").is_none() {
        return Err("the picture's <title> must be plain text, without markup".into());
    }
    let title = content.trim();
    if title.is_empty() {
        return Err("the picture's <title> (its text alternative) is empty".into());
    }
    let chars = text_chars(title);
    if chars > MAX_IMAGE_TITLE_CHARS {
        return Err(format!(
            "the picture's <title> (its text alternative) has {chars} characters, more than \
             {MAX_IMAGE_TITLE_CHARS}"
        ));
    }
    Ok(title)
}

/// The byte offset of the `>` that ends the tag `tag` starts with, skipping quoted attribute values.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (at, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Some(at),
            _ => {}
        }
    }
    None
}

/// How many characters XML text shows: an entity or character reference (`&amp;`, `&#1179;`) is one.
fn text_chars(text: &str) -> usize {
    let mut pieces = text.split('&');
    let before_first = pieces.next().map_or(0, |piece| piece.chars().count());
    let after_each: usize = pieces
        .map(|piece| {
            let shown = match piece.split_once(';') {
                Some((name, after)) if !name.is_empty() && !name.contains(char::is_whitespace) => {
                    after
                }
                _ => piece,
            };
            1 + shown.chars().count()
        })
        .sum();
    before_first + after_each
}

/// `text` without `prefix`, compared ignoring ASCII case.
fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .map(|_| &text[prefix.len()..])
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
    use proptest::prelude::*;

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

    /// A picture whose root's first child is `title`, followed by a drawing.
    fn picture(title: &str) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{title}<circle r="4"/></svg>"#
        )
    }

    const WRITING: &str = r#"
[[items]]
id = "wr-a2-family-001"
version = 1
section = "writing"
level = "A2"
topic = "family"
type = "writing"
stem = "Отбасыңыз туралы бес-алты сөйлем жазыңыз."
writing = { expected_lines = 8 }
irt = { model = "2pl", a = 1.0, b = 0.0, status = "provisional" }
"#;

    #[test]
    fn a_writing_item_has_an_answer_space_and_no_key() {
        let items = parse_items("w.toml", WRITING).unwrap();
        assert_eq!(items[0].item_type, ItemType::Writing);
        assert_eq!(items[0].writing.unwrap().expected_lines, Some(8));
        assert!(items[0].item_type.live_blocker().is_some());
        for (from, to) in [
            (
                "writing = { expected_lines = 8 }",
                "writing = { expected_lines = 201 }",
            ),
            (
                "writing = { expected_lines = 8 }",
                "writing = { expected_length = 0 }",
            ),
            ("writing = { expected_lines = 8 }", "key = \"a\""),
        ] {
            let err = parse_items("w.toml", &WRITING.replace(from, to)).unwrap_err();
            assert!(err.to_string().contains("writing item"), "{to}: {err}");
        }
        let sized_choice = CHOICE.replace("key = \"b\"", "key = \"b\"\nwriting = {}");
        let err = parse_items("c.toml", &sized_choice).unwrap_err();
        assert!(err.to_string().contains("only a writing item"), "{err}");
        assert!(ItemType::SingleChoice.live_blocker().is_none());
    }

    #[test]
    fn a_listening_item_needs_its_recording() {
        let item = |audio: &str| {
            format!(
                r#"[[items]]
id = "ls-a1-x-001"
version = 1
section = "listening"
level = "A1"
topic = "x"
type = "single_choice"
stem = "Не естідіңіз?"
{audio}
options = [{{ id = "a", text = "бір" }}, {{ id = "b", text = "екі" }}]
key = "a"
irt = {{ model = "3pl", a = 1.0, b = 0.0, c = 0.5, status = "provisional" }}
"#
            )
        };
        let err = parse_items("x.toml", &item("")).unwrap_err().to_string();
        assert!(err.contains("needs its audio"), "{err}");
        let heard = item("audio = \"audio/x.ogg\"\ntranscript = \"Бір.\"");
        assert_eq!(parse_items("x.toml", &heard).unwrap().len(), 1);
    }

    #[test]
    fn pictures_are_plain_svg() {
        let clock = r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Сағат: 7:30.</title><circle r="4"/></svg>"#;
        assert!(check_svg(clock.as_bytes()).is_ok());
        for bad in [
            &br#"<svg><title>t</title><script>alert(1)</script></svg>"#[..],
            br#"<svg><title>t</title><rect onclick="x()"/></svg>"#,
            br#"<svg><title>t</title><image href="http://evil.example/x.png"/></svg>"#,
            br#"<!DOCTYPE svg [<!ENTITY a "b">]><svg><title>t</title></svg>"#,
            b"\x89PNG\r\n",
            br#"<html><svg><title>t</title></svg></html>"#,
            br#"<svgx><title>t</title></svgx>"#,
        ] {
            assert!(check_svg(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn the_title_first_in_the_root_is_the_text_alternative() {
        let tag = r#"<svg width="10" data-x="a>b" role="img" aria-labelledby="t">"#;
        let svg = format!("{tag}\n  <TITLE id=\"t\">  Баға: 900 теңге  </TITLE><rect/></svg>");
        assert_eq!(picture_title(&svg), Ok("Баға: 900 теңге"));
        assert!(check_svg(picture("<title>Сүт &amp; нан</title>").as_bytes()).is_ok());
    }

    #[test]
    fn refuses_a_picture_without_a_title() {
        for bad in [
            picture(""),
            "<svg/>".to_owned(),
            r#"<svg viewBox="0 0 1 1"><rect/><title>Сағат</title></svg>"#.to_owned(),
            "<svg><g><title>Сағат</title></g></svg>".to_owned(),
            "<svg><titles>Сағат</titles></svg>".to_owned(),
        ] {
            let err = check_svg(bad.as_bytes()).unwrap_err();
            assert!(err.contains("needs a text alternative"), "{bad}: {err}");
        }
    }

    #[test]
    fn refuses_an_empty_title() {
        for bad in [
            "<title></title>",
            "<title>  \n </title>",
            r#"<title id="t"/>"#,
        ] {
            let err = check_svg(picture(bad).as_bytes()).unwrap_err();
            assert!(err.contains("is empty"), "{bad}: {err}");
        }
    }

    #[test]
    fn refuses_markup_in_the_title_or_an_unclosed_title() {
        let err =
            check_svg(picture("<title>Сағат <tspan>7</tspan></title>").as_bytes()).unwrap_err();
        assert!(err.contains("plain text"), "{err}");
        let err = check_svg("<svg><title>Сағат".as_bytes()).unwrap_err();
        assert!(err.contains("not closed"), "{err}");
    }

    #[test]
    fn a_reference_counts_as_one_character() {
        assert_eq!(text_chars("Сүт &amp; нан"), 9);
        assert_eq!(text_chars("&#1179;&lt;"), 2);
        assert_eq!(text_chars("A & B; C"), 8);
    }

    proptest! {
        /// A title is accepted exactly when, trimmed, it holds 1 to 200 characters.
        #[test]
        fn a_title_holds_1_to_200_characters(title in "[ а-яәғқңөұүһі0-9:,.«»—]{0,260}") {
            let shown = title.trim().chars().count();
            let result = check_svg(picture(&format!("<title>{title}</title>")).as_bytes());
            prop_assert_eq!(result.is_ok(), (1..=MAX_IMAGE_TITLE_CHARS).contains(&shown), "{:?}", result);
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
        std::fs::write(
            dir.join("images/clock.svg"),
            picture("<title>Сағат: 7:30.</title>"),
        )
        .unwrap();
        let content = load_dir(&dir).unwrap();
        assert_eq!(content.items[0].image.as_deref(), Some("images/clock.svg"));
        assert!(content.media.contains_key("images/clock.svg"));
        std::fs::write(dir.join("images/clock.svg"), "<svg><script/></svg>").unwrap();
        assert!(load_dir(&dir).is_err());
        std::fs::write(dir.join("images/clock.svg"), picture("")).unwrap();
        let err = load_dir(&dir).unwrap_err().to_string();
        assert!(
            err.contains("images/clock.svg") && err.contains("text alternative"),
            "{err}"
        );
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
