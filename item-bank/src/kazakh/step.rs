//! What each processing step changed in a text, for the explanation of a grade.

use serde::{Deserialize, Serialize};

use super::alphabet::Alphabet;
use super::fold::Keyboard;

/// One thing a processing step changed, so that a reviewer can see why two texts were found equal.
///
/// Counts are numbers of characters (or of letters, for homoglyphs and folds) affected.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Unicode NFC changed the text (decomposed letters such as и + U+0306 were composed).
    Composed,
    /// Zero-width characters, soft hyphens, bidi controls or variation selectors were removed.
    InvisibleRemoved { count: usize },
    /// Whitespace of other kinds became U+0020, runs were collapsed, the ends trimmed.
    SpacesCanonicalized { count: usize },
    /// Hyphens, dashes and minus signs became U+002D.
    DashesCanonicalized { count: usize },
    /// Double quotation marks and guillemets became U+0022.
    QuotesCanonicalized { count: usize },
    /// Apostrophe look-alikes (U+2019, U+02BC, U+02BB, U+0060, U+00B4, …) became U+0027.
    ApostrophesCanonicalized { count: usize },
    /// Stress accents copied from a dictionary (an acute or grave accent over a vowel that makes no Kazakh
    /// letter, see [`remove_stress_marks`](super::remove_stress_marks)) were removed.
    StressRemoved { count: usize },
    /// A letter of the wrong script (or a non-Kazakh letter of the same shape) was replaced by the Kazakh one.
    HomoglyphRepaired { from: char, to: char, count: usize },
    /// The text was read in another alphabet to compare it.
    ScriptConverted { from: Alphabet, to: Alphabet },
    /// The Latin text reads differently in several alphabets; all of them were tried.
    AlphabetAmbiguous { candidates: Vec<Alphabet> },
    /// Upper and lower case were not distinguished.
    CaseIgnored,
    /// Punctuation was ignored and hyphens treated as spaces.
    PunctuationIgnored,
    /// The candidate typed `typed` where the answer has `expected`, as a keyboard without that letter forces.
    KeyboardFold {
        keyboard: Keyboard,
        expected: char,
        typed: char,
        count: usize,
    },
    /// The input was longer than the limit and was not graded.
    InputTooLong { chars: usize, max: usize },
}
