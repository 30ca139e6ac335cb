//! `synaq text`: how the grader reads Kazakh text, for authors and reviewers. Each command reads its text
//! from the argument or, when none is given, from standard input, and prints JSON.

use std::io::Read;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use item_bank::grading::text::{MatchPolicy, match_answer};
use item_bank::kazakh;
use serde_json::json;

/// The most bytes read from standard input.
const MAX_INPUT_BYTES: u64 = 1 << 20;

#[derive(Subcommand)]
pub enum TextCommand {
    /// NFC, invisible characters removed, spaces, dashes, quotes and apostrophes made canonical.
    Normalize { text: Option<String> },
    /// Transliterates Cyrillic to Latin 2021, or Latin (2017, 2018 or 2021, detected) to Cyrillic.
    Translit {
        #[arg(long, value_enum)]
        to: Target,
        text: Option<String>,
    },
    /// The script of every word and, for Latin words, the alphabets that can read it.
    Detect { text: Option<String> },
    /// How a response is judged against accepted answers: verdict, credit and every step taken.
    Match {
        /// An accepted answer; repeat for several.
        #[arg(long = "accept", required = true)]
        accept: Vec<String>,
        #[arg(long, value_enum, default_value = "standard")]
        policy: Policy,
        /// The candidate's response.
        input: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Target {
    Cyrillic,
    Latin2021,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Policy {
    Exact,
    Standard,
    Lenient,
}

fn text_or_stdin(text: Option<String>) -> anyhow::Result<String> {
    match text {
        Some(t) => Ok(t),
        None => {
            let mut s = String::new();
            std::io::stdin()
                .take(MAX_INPUT_BYTES)
                .read_to_string(&mut s)
                .context("reading standard input")?;
            Ok(s.trim_end_matches(['\n', '\r']).to_owned())
        }
    }
}

/// Runs one `synaq text` command and returns its JSON.
pub fn run(command: TextCommand) -> anyhow::Result<serde_json::Value> {
    Ok(match command {
        TextCommand::Normalize { text } => {
            serde_json::to_value(kazakh::normalize(&text_or_stdin(text)?))?
        }
        TextCommand::Translit {
            to: Target::Latin2021,
            text,
        } => {
            let text = text_or_stdin(text)?;
            json!({"input": text, "alphabet": "latin2021", "output": kazakh::to_latin2021(&text)})
        }
        TextCommand::Translit {
            to: Target::Cyrillic,
            text,
        } => serde_json::to_value(kazakh::to_cyrillic(&text_or_stdin(text)?))?,
        TextCommand::Detect { text } => {
            serde_json::to_value(kazakh::detect(&text_or_stdin(text)?))?
        }
        TextCommand::Match {
            accept,
            policy,
            input,
        } => {
            let policy = match policy {
                Policy::Exact => MatchPolicy::Exact,
                Policy::Standard => MatchPolicy::Standard,
                Policy::Lenient => MatchPolicy::Lenient,
            };
            serde_json::to_value(match_answer(&text_or_stdin(input)?, &accept, policy))?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_explains_a_russian_layout_answer() {
        let out = run(TextCommand::Match {
            accept: vec!["қыз".into()],
            policy: Policy::Lenient,
            input: Some("кыз".into()),
        })
        .unwrap();
        assert!(out["credit"].as_f64().unwrap() < 1.0, "{out}");
        let out = run(TextCommand::Match {
            accept: vec!["қыз".into()],
            policy: Policy::Standard,
            input: Some("QYZ".into()),
        })
        .unwrap();
        assert_eq!(out["correct"], true, "{out}");
    }

    #[test]
    fn translit_goes_both_ways() {
        let out = run(TextCommand::Translit {
            to: Target::Latin2021,
            text: Some("Қазақстан".into()),
        })
        .unwrap();
        assert_eq!(out["output"], "Qazaqstan");
        let out = run(TextCommand::Translit {
            to: Target::Cyrillic,
            text: Some("Qazaqstan".into()),
        })
        .unwrap();
        assert!(out.to_string().contains("Қазақстан"), "{out}");
    }
}
