//! Reading a `qti-item-body`: its text as paragraphs, in order, around the interactions; the media it shows;
//! and the transcript. Anything Synaq cannot show faithfully (a table, a formula, feedback, a video, an
//! interaction of another kind) is a reason to skip the item, never dropped.
//!
//! Text is read as a browser renders it: runs of ASCII white space become one space, a line starts and
//! ends with no space, `<br>` breaks a line, and every block element (`p`, `div`, `li`, …) is a paragraph.

use roxmltree::Node;

use super::Problem;
use crate::extension::TRANSCRIPT_USE;

/// The placeholder a gap-fill stem shows where the candidate types.
pub(crate) const GAP: &str = "____";

/// A piece of a paragraph.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Break,
    Gap,
}

/// A paragraph's pieces, as in the document.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Paragraph(Vec<Piece>);

impl Paragraph {
    /// The paragraph as Synaq text, a text-entry gap shown as [`GAP`].
    pub(crate) fn render(&self) -> String {
        let mut r = Renderer {
            out: String::new(),
            space: false,
            line_start: true,
        };
        for piece in &self.0 {
            match piece {
                Piece::Text(text) => {
                    for c in text.chars() {
                        if c.is_ascii_whitespace() {
                            r.space = true;
                        } else {
                            r.visible();
                            r.out.push(c);
                        }
                    }
                }
                Piece::Gap => {
                    r.visible();
                    r.out.push_str(GAP);
                }
                Piece::Break => {
                    r.out.push('\n');
                    r.space = false;
                    r.line_start = true;
                }
            }
        }
        r.out
    }

    /// Whether a text-entry gap stands in this paragraph.
    pub(crate) fn has_gap(&self) -> bool {
        self.0.contains(&Piece::Gap)
    }

    /// Whether the paragraph has text besides its gap (a sentence with a blank, not a lone answer box).
    pub(crate) fn has_text_around_gap(&self) -> bool {
        self.0
            .iter()
            .any(|p| matches!(p, Piece::Text(t) if t.chars().any(|c| !c.is_ascii_whitespace())))
    }

    fn is_blank(&self) -> bool {
        !self.has_gap() && self.render().trim().is_empty()
    }
}

/// Text being rendered: white space collapses into one owed space, paid before the next visible
/// character unless that character starts a line.
struct Renderer {
    out: String,
    space: bool,
    line_start: bool,
}

impl Renderer {
    fn visible(&mut self) {
        if self.space && !self.line_start {
            self.out.push(' ');
        }
        self.space = false;
        self.line_start = false;
    }
}

/// What the body holds, in document order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block<'a, 'input> {
    Text(Paragraph),
    /// A block interaction (choice, extended text) or the paragraph holding an inline one (text entry).
    Interaction(Node<'a, 'input>, Option<Paragraph>),
}

/// The content of an item body.
#[derive(Debug, Default)]
pub(crate) struct Body<'a, 'input> {
    pub blocks: Vec<Block<'a, 'input>>,
    /// The media sources of each `audio` or `object` element, in order.
    pub audio: Vec<Vec<&'a str>>,
    /// The `src` of each `img`.
    pub images: Vec<&'a str>,
    pub transcript: Option<String>,
}

/// Elements that are paragraphs (or hold paragraphs) and carry nothing else.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "nav",
    "address",
    "pre",
    "figure",
    "figcaption",
    "qti-content-body",
];
/// Inline elements whose text is all they carry for Synaq (formatting is not kept).
const INLINES: &[&str] = &[
    "span", "b", "i", "em", "strong", "u", "s", "sub", "sup", "small", "q", "abbr", "cite", "code",
    "kbd", "samp", "var", "dfn", "bdi", "bdo", "mark", "ins", "del", "label", "a",
];
/// The interactions Synaq imports: the one that is answered.
const ANSWERED: &[&str] = &[
    "qti-choice-interaction",
    "qti-text-entry-interaction",
    "qti-extended-text-interaction",
];

/// Reads an item body. Interactions are recorded, not read: that is the caller's business.
pub(crate) fn read<'a, 'input>(body: Node<'a, 'input>) -> Result<Body<'a, 'input>, Problem> {
    let mut walker = Walker {
        body: Body::default(),
        paragraph: Paragraph::default(),
        inline_interaction: None,
        text_only: false,
    };
    walker.walk(body)?;
    walker.flush();
    Ok(walker.body)
}

/// The text of an element that may hold only text (a prompt, a choice, a transcript), paragraphs joined
/// by line breaks.
pub(crate) fn text_of(node: Node<'_, '_>) -> Result<String, Problem> {
    let mut walker = Walker {
        body: Body::default(),
        paragraph: Paragraph::default(),
        inline_interaction: None,
        text_only: true,
    };
    walker.walk(node)?;
    walker.flush();
    let lines: Vec<String> = walker
        .body
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Text(p) => Some(p.render()),
            Block::Interaction(..) => None,
        })
        .collect();
    Ok(lines.join("\n"))
}

struct Walker<'a, 'input> {
    body: Body<'a, 'input>,
    paragraph: Paragraph,
    /// The inline interaction of the paragraph being read.
    inline_interaction: Option<Node<'a, 'input>>,
    /// Inside a prompt, a choice or a transcript: no interaction, no media.
    text_only: bool,
}

impl<'a, 'input> Walker<'a, 'input> {
    fn flush(&mut self) {
        let paragraph = std::mem::take(&mut self.paragraph);
        match self.inline_interaction.take() {
            Some(node) => self
                .body
                .blocks
                .push(Block::Interaction(node, Some(paragraph))),
            None if paragraph.is_blank() => {}
            None => self.body.blocks.push(Block::Text(paragraph)),
        }
    }

    fn walk(&mut self, node: Node<'a, 'input>) -> Result<(), Problem> {
        for child in node.children() {
            if child.is_text() {
                let text = child.text().unwrap_or_default().to_owned();
                self.paragraph.0.push(Piece::Text(text));
                continue;
            }
            if !child.is_element() {
                continue;
            }
            let name = child.tag_name().name();
            match name {
                "br" => self.paragraph.0.push(Piece::Break),
                _ if BLOCKS.contains(&name) => {
                    self.flush();
                    self.walk(child)?;
                    self.flush();
                }
                _ if INLINES.contains(&name) => self.walk(child)?,
                "qti-rubric-block" => self.rubric(child)?,
                _ if self.text_only => {
                    return Err(Problem::skip(format!(
                        "<{name}> inside a prompt, a choice or a transcript is not supported"
                    )));
                }
                "qti-text-entry-interaction" => {
                    if self.inline_interaction.is_some() {
                        return Err(several_interactions());
                    }
                    self.inline_interaction = Some(child);
                    self.paragraph.0.push(Piece::Gap);
                }
                _ if ANSWERED.contains(&name) => {
                    self.flush();
                    self.body.blocks.push(Block::Interaction(child, None));
                }
                "qti-media-interaction" => self.media_interaction(child)?,
                "audio" => self.body.audio.push(audio_sources(child)),
                "object" => self.object(child)?,
                "img" => match child.attribute("src") {
                    Some(src) => self.body.images.push(src),
                    None => return Err(Problem::skip("an <img> has no src")),
                },
                _ => return Err(unsupported(name)),
            }
        }
        Ok(())
    }

    /// A rubric block: a transcript, candidate-facing instructions (read as paragraphs), or notes for
    /// scorers and authors (not candidate content, so not read).
    fn rubric(&mut self, node: Node<'a, 'input>) -> Result<(), Problem> {
        if node.attribute("use") == Some(TRANSCRIPT_USE) {
            if self.body.transcript.is_some() {
                return Err(Problem::skip("the item has two transcripts"));
            }
            self.body.transcript = Some(text_of(node)?);
        } else if node
            .attribute("view")
            .is_some_and(|v| v.split_whitespace().any(|v| v == "candidate"))
        {
            self.flush();
            self.walk(node)?;
            self.flush();
        }
        Ok(())
    }

    /// A media interaction: its prompt is read as a paragraph, its `audio` or `object` as the audio.
    fn media_interaction(&mut self, node: Node<'a, 'input>) -> Result<(), Problem> {
        self.flush();
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "qti-prompt" => {
                    self.walk(child)?;
                    self.flush();
                }
                "audio" => self.body.audio.push(audio_sources(child)),
                "object" => self.object(child)?,
                "video" => return Err(unsupported("video")),
                other => return Err(unsupported(other)),
            }
        }
        Ok(())
    }

    /// An `object` of an audio type (or of none): its `data` is an audio source. Its children are the
    /// fallback a browser shows when it cannot play it, and are not read.
    fn object(&mut self, node: Node<'a, 'input>) -> Result<(), Problem> {
        let kind = node.attribute("type").unwrap_or("audio/ogg");
        if !kind.trim().starts_with("audio/") {
            return Err(Problem::skip(format!(
                "an <object> of type {kind:?} is not supported (only audio)"
            )));
        }
        let data = node
            .attribute("data")
            .ok_or_else(|| Problem::skip("an <object> has no data"))?;
        self.body.audio.push(vec![data]);
        Ok(())
    }
}

/// The sources of an `audio` element: its `src`, then each `source`'s.
fn audio_sources<'a>(node: Node<'a, '_>) -> Vec<&'a str> {
    node.attribute("src")
        .into_iter()
        .chain(
            node.children()
                .filter(|c| c.is_element() && c.tag_name().name() == "source")
                .filter_map(|c| c.attribute("src")),
        )
        .collect()
}

pub(crate) fn several_interactions() -> Problem {
    Problem::skip("several interactions in one item are not supported")
}

fn unsupported(name: &str) -> Problem {
    let what = if name.ends_with("-interaction") {
        format!("{name} is not supported (only choice, text entry, extended text and media)")
    } else {
        match name {
            "qti-feedback-block" | "qti-feedback-inline" => {
                format!("feedback ({name}) is not supported")
            }
            "qti-template-block" | "qti-template-inline" | "qti-printed-variable" => {
                format!("templates ({name}) are not supported")
            }
            "math" => "MathML is not supported".to_owned(),
            "table" => "tables are not supported".to_owned(),
            "video" => "video is not supported".to_owned(),
            _ => format!("<{name}> in the item body is not supported"),
        }
    };
    Problem::skip(what)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(xml: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(xml).unwrap()
    }

    fn texts(body: &Body<'_, '_>) -> Vec<String> {
        body.blocks
            .iter()
            .map(|b| match b {
                Block::Text(p) => p.render(),
                Block::Interaction(n, p) => format!(
                    "[{}{}]",
                    n.tag_name().name(),
                    p.as_ref()
                        .map(|p| format!(": {}", p.render()))
                        .unwrap_or_default()
                ),
            })
            .collect()
    }

    #[test]
    fn reads_text_as_a_browser_shows_it() {
        let doc = body_of(
            "<qti-item-body>\n  <div>\n    <p>  Мен   <b>мектепке</b>\n   барамын. </p>\n\
             <p>бір<br/> екі </p> қалған мәтін\n  </div>\n</qti-item-body>",
        );
        let body = read(doc.root_element()).unwrap();
        assert_eq!(
            texts(&body),
            ["Мен мектепке барамын.", "бір\nекі", "қалған мәтін"]
        );
    }

    #[test]
    fn a_text_entry_is_a_gap_in_its_paragraph() {
        let doc = body_of(
            r#"<qti-item-body><p>Мәтін.</p><p>Мен <qti-text-entry-interaction response-identifier="R"/> барамын.</p><p><qti-text-entry-interaction response-identifier="S"/></p></qti-item-body>"#,
        );
        let body = read(doc.root_element()).unwrap();
        assert_eq!(
            texts(&body),
            [
                "Мәтін.",
                "[qti-text-entry-interaction: Мен ____ барамын.]",
                "[qti-text-entry-interaction: ____]"
            ]
        );
        let Block::Interaction(_, Some(lone)) = &body.blocks[2] else {
            panic!("{:?}", body.blocks[2]);
        };
        assert!(!lone.has_text_around_gap());
    }

    #[test]
    fn collects_media_and_the_transcript() {
        let doc = body_of(
            r#"<qti-item-body>
              <qti-rubric-block use="transcript" view="author"><qti-content-body><p>— Сәлем!<br/>— Сәлеметсіз бе!</p></qti-content-body></qti-rubric-block>
              <qti-rubric-block view="scorer"><p>Бағалаушыға ескерту</p></qti-rubric-block>
              <qti-media-interaction response-identifier="M"><qti-prompt>Тыңдаңыз.</qti-prompt>
                <audio><source src="a.mp3" type="audio/mpeg"/><source src="a.ogg" type="audio/ogg"/></audio>
              </qti-media-interaction>
              <object data="b.ogg" type="audio/ogg">fallback</object>
              <img src="c.svg" alt=""/>
            </qti-item-body>"#,
        );
        let body = read(doc.root_element()).unwrap();
        assert_eq!(
            body.transcript.as_deref(),
            Some("— Сәлем!\n— Сәлеметсіз бе!")
        );
        assert_eq!(texts(&body), ["Тыңдаңыз."]);
        assert_eq!(body.audio, vec![vec!["a.mp3", "a.ogg"], vec!["b.ogg"]]);
        assert_eq!(body.images, vec!["c.svg"]);
    }

    #[test]
    fn what_cannot_be_shown_is_a_reason() {
        for (xml, reason) in [
            (
                "<qti-order-interaction/>",
                "qti-order-interaction is not supported",
            ),
            ("<p><math/></p>", "MathML"),
            ("<table/>", "tables"),
            ("<qti-feedback-block/>", "feedback"),
            (r#"<object data="x.png" type="image/png"/>"#, "only audio"),
            ("<video/>", "video"),
        ] {
            let wrapped = format!("<qti-item-body>{xml}</qti-item-body>");
            let doc = roxmltree::Document::parse(&wrapped).unwrap();
            match read(doc.root_element()) {
                Err(Problem::Skip(r)) => assert!(r.contains(reason), "{r}"),
                other => panic!("{xml}: {other:?}"),
            }
        }
    }
}
