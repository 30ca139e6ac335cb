//! Grading of typed answers (gap-fill and short answer) under an author-chosen matching policy.
//!
//! An item's [`TextKey`] lists the accepted answers, each in either script, and a [`MatchPolicy`]:
//!
//! | policy | forgives |
//! |---|---|
//! | `exact` | only NFC, invisible characters, and whitespace at both ends |
//! | `standard` (default) | also script and alphabet, case, homoglyphs, spacing, punctuation and dictionary stress accents |
//! | `lenient` | also keyboard folds, for the item's [`TextKey::fold_credit`] or a human review |
//!
//! # What `standard` compares
//!
//! Both the response and each accepted answer are [normalized](crate::kazakh::normalize), their stress
//! accents [removed](crate::kazakh::remove_stress_marks) (`бала́` is бала; the Latin 2018 letters `á ó ú ý`
//! and every mark that belongs to a Kazakh letter stay), their homoglyphs
//! [repaired](crate::kazakh::repair_homoglyphs), lower-cased by Kazakh rules, and reduced to their words
//! (letters and digits) joined by single spaces: punctuation is ignored and a hyphen counts as a space, so
//! `«Қарым-қатынас.»` equals `қарым қатынас`. Words are never glued: `қарымқатынас` is a different answer.
//!
//! * When both are Cyrillic they are compared in Cyrillic, letter for letter: кыз is not қыз, ит is not іт.
//! * Otherwise both are compared in Latin 2021, the response read in every alphabet that [fits it
//!   best](crate::kazakh::to_cyrillic) (`kitap` is tried as 2021 китап and as 2018 кітап). Latin 2021 does not
//!   tell И from Й nor Х from Һ; neither does this comparison when one side is Latin.
//! * A Latin `y` inside a Cyrillic word may stand for у or ү; both are tried.
//!
//! # Keyboard folds (`lenient` only)
//!
//! A candidate on a Russian keyboard types кун for күн, and one on a plain Latin keyboard types `kun` for `kün`.
//! A fold match is credited only when all of these hold, and each is checked:
//!
//! 1. the response has no exact or `standard` match, and matches no rejected answer;
//! 2. the candidate plausibly lacks the letters: a Russian-layout response contains none of the nine Kazakh
//!    letters, and a Latin response never contains a letter it is folded for
//!    ([`crate::kazakh::fold_match`]);
//! 3. the typed word is not itself another word: `ал` for `әл`, `сан` for `сән`, `от` for `өт` are wrong
//!    answers, not keyboard accidents (checked against a list of common words and the item's `reject` list);
//! 4. no other known word folds to the same form: `кун` is күн or құн, `кол` is көл or қол. Such a response is
//!    flagged for review with no provisional credit, since only a reader can tell what was meant.
//!
//! A fold match that passes earns [`TextKey::fold_credit`] (default 0.5: the word is known but not spelled)
//! and is flagged for review if [`TextKey::fold_review`] is set. Responses matching both an accepted and a
//! rejected answer under different alphabet readings are flagged for review with no provisional credit.
//!
//! # Limits
//!
//! Responses longer than [`MAX_ANSWER_CHARS`] characters are not graded: they get no credit, are flagged for
//! review, and store their first [`MAX_ANSWER_CHARS`] characters normalized.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use crate::bank::{MatchPolicy, TextKey};
use crate::kazakh::{
    self, Alphabet, Keyboard, Step, fold_match, normalize, normalize_minimal, remove_stress_marks,
    repair_homoglyphs, to_latin2021, to_lowercase,
};

/// The common words of [`kazakh::lexicon`], in Cyrillic and in Latin 2021.
static LEXICON_CYRILLIC: LazyLock<Vec<String>> = LazyLock::new(|| {
    kazakh::lexicon::WORDS
        .iter()
        .map(|w| w.to_string())
        .collect()
});
static LEXICON_LATIN: LazyLock<Vec<String>> = LazyLock::new(|| {
    kazakh::lexicon::WORDS
        .iter()
        .map(|w| to_latin2021(w))
        .collect()
});

/// Longest response graded, in characters (Unicode scalar values), before any normalization.
pub const MAX_ANSWER_CHARS: usize = 1000;

/// A [`TextKey`] that cannot be graded against.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TextKeyError {
    /// `accept` is empty.
    #[error("a text key needs at least one accepted answer")]
    NoAnswer,
    /// An accepted answer has no letters or digits.
    #[error("accepted answer #{0} is blank")]
    BlankAnswer(usize),
    /// An accepted or rejected answer is longer than [`MAX_ANSWER_CHARS`].
    #[error("answer {0:?}… is longer than {MAX_ANSWER_CHARS} characters")]
    TooLong(String),
    /// `fold_credit` is outside `0.0..=1.0` or not a number.
    #[error("fold_credit {0} is not within 0..=1")]
    FoldCredit(f64),
    /// A Latin answer reads as different words in different alphabets and no Cyrillic answer of the key says
    /// which is meant (`kitap` is китап or кітап): add the Cyrillic form. Grading tries every reading.
    #[error("answer {0:?} is ambiguous between alphabets ({1:?}); add its Cyrillic form")]
    AmbiguousAnswer(String, Vec<String>),
    /// An answer is both accepted and rejected under the key's policy.
    #[error("{0:?} is both accepted and rejected")]
    Conflict(String),
}

impl TextKey {
    /// Checks the key for authoring errors. Grading never fails: an invalid key simply matches less.
    pub fn validate(&self) -> Result<(), TextKeyError> {
        if self.accept.is_empty() {
            return Err(TextKeyError::NoAnswer);
        }
        if !(0.0..=1.0).contains(&self.fold_credit) {
            return Err(TextKeyError::FoldCredit(self.fold_credit));
        }
        for a in self.accept.iter().chain(&self.reject) {
            if a.chars().nth(MAX_ANSWER_CHARS).is_some() {
                return Err(TextKeyError::TooLong(a.chars().take(20).collect()));
            }
        }
        for (i, a) in self.accept.iter().enumerate() {
            if !a.chars().any(char::is_alphanumeric) {
                return Err(TextKeyError::BlankAnswer(i));
            }
        }
        for (a, form) in prepare(&self.accept) {
            if form.readings.len() > 1 {
                return Err(TextKeyError::AmbiguousAnswer(
                    a.clone(),
                    form.readings.clone(),
                ));
            }
            if let Some(r) = self
                .reject
                .iter()
                .find(|r| form.equivalent(&Form::of(r)).is_some())
            {
                return Err(TextKeyError::Conflict(r.clone()));
            }
        }
        Ok(())
    }
}

/// How a response was judged.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Equal to an accepted answer after minimal normalization.
    Exact,
    /// Equal to an accepted answer under the `standard` rules.
    Equivalent,
    /// Equal to an accepted answer up to keyboard folds (`lenient`).
    Folded,
    /// Could be right or wrong depending on a reading only a person can choose; flagged for review.
    Ambiguous,
    /// Equal to a rejected answer, or a fold that lands on another word.
    KnownWrong,
    /// Matches nothing.
    NoMatch,
    /// No letters or digits.
    Empty,
    /// Longer than [`MAX_ANSWER_CHARS`]; not graded.
    TooLong,
}

/// The result of grading one response, stored with it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TextOutcome {
    /// Credit in `0.0..=1.0`.
    pub credit: f64,
    /// True exactly when the credit is full.
    pub correct: bool,
    /// True when a person should look at the response; `credit` is then provisional.
    pub needs_review: bool,
    /// How the response was judged.
    pub verdict: Verdict,
    /// The policy applied.
    pub policy: MatchPolicy,
    /// The response after [`normalize`] (after [`normalize_minimal`] under `exact`).
    pub normalized: String,
    /// The form that was compared: small Cyrillic or Latin 2021 words joined by spaces (the minimal form under
    /// `exact`). For a match, the form that matched.
    pub compared: String,
    /// The accepted answer matched, as written in the key.
    pub matched: Option<String>,
    /// Every step that changed the response on the way to the verdict.
    pub explanation: Vec<Step>,
}

/// Grades one response against a text item's key. Never panics; see the [module](self) docs for the rules.
pub fn grade_text(key: &TextKey, input: &str) -> TextOutcome {
    grade(key, input)
}

/// Grades `input` against `accept` under `policy` with the default lenient settings (fold credit 0.5, no review
/// flag, no rejected answers): the call behind `synaq text match`.
pub fn match_answer(input: &str, accept: &[String], policy: MatchPolicy) -> TextOutcome {
    grade(&TextKey::new(accept.to_vec(), policy), input)
}

/// Comparison forms of one text.
struct Form {
    steps: Vec<Step>,
    normalized: String,
    /// Small Cyrillic words joined by spaces (with у/ү variants), when the text is written in Cyrillic.
    cyrillic: Vec<String>,
    /// Small Cyrillic words of every reading, whatever the script (for Russian-keyboard folds).
    readings: Vec<String>,
    /// Latin 2021 forms, with the alphabets they were read in (empty for Cyrillic text).
    latin: Vec<(String, Vec<Alphabet>)>,
    ambiguous: Vec<Alphabet>,
    case_changed: bool,
    punctuation: bool,
}

/// Letters, digits and marks kept; everything else separates words; words joined by one space.
fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() || matches!(c, '\u{300}'..='\u{36F}' | '\u{483}'..='\u{489}') {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

fn has_latin_letter(text: &str) -> bool {
    text.chars().any(|c| {
        c.is_ascii_alphabetic() || ('\u{C0}'..='\u{2AF}').contains(&c) && c.is_alphabetic()
    })
}

impl Form {
    fn of(text: &str) -> Form {
        let n = normalize(text);
        let unstressed = remove_stress_marks(&n.text);
        let repaired = repair_homoglyphs(&unstressed.text);
        let mut steps = n.steps;
        if unstressed.count > 0 {
            steps.push(Step::StressRemoved {
                count: unstressed.count,
            });
        }
        for r in &repaired.repairs {
            match steps.iter_mut().find(
                |s| matches!(s, Step::HomoglyphRepaired { from, to, .. } if *from == r.from && *to == r.to),
            ) {
                Some(Step::HomoglyphRepaired { count, .. }) => *count += 1,
                _ => steps.push(Step::HomoglyphRepaired { from: r.from, to: r.to, count: 1 }),
            }
        }
        let variants = repaired.variants();
        let mut form = Form {
            steps,
            normalized: n.text,
            cyrillic: Vec::new(),
            readings: Vec::new(),
            latin: Vec::new(),
            ambiguous: Vec::new(),
            case_changed: false,
            punctuation: false,
        };
        if has_latin_letter(&repaired.text) {
            for v in &variants {
                let t = kazakh::to_cyrillic(v);
                if t.ambiguous {
                    for a in t.candidates.iter().flat_map(|r| &r.alphabets) {
                        if !form.ambiguous.contains(a) {
                            form.ambiguous.push(*a);
                        }
                    }
                }
                for r in &t.candidates {
                    let lower = to_lowercase(&r.text, Alphabet::Cyrillic);
                    form.case_changed |= lower != r.text;
                    let w = words(&lower);
                    form.punctuation |= w != lower;
                    form.latin.push((to_latin2021(&w), r.alphabets.clone()));
                    form.readings.push(w);
                }
            }
        } else {
            for v in &variants {
                let lower = to_lowercase(v, Alphabet::Cyrillic);
                form.case_changed |= lower != *v;
                let w = words(&lower);
                form.punctuation |= w != lower;
                form.latin.push((to_latin2021(&w), Vec::new()));
                form.cyrillic.push(w.clone());
                form.readings.push(w);
            }
        }
        form
    }

    fn is_empty(&self) -> bool {
        self.readings.iter().all(String::is_empty)
    }

    /// The first pair of equal forms: (the response's form, the alphabets it was read in).
    fn equivalent(&self, answer: &Form) -> Option<(String, Vec<Alphabet>)> {
        if !self.cyrillic.is_empty() && !answer.cyrillic.is_empty() {
            return self
                .cyrillic
                .iter()
                .find(|c| !c.is_empty() && answer.cyrillic.contains(c))
                .map(|c| (c.clone(), vec![]));
        }
        self.latin
            .iter()
            .find(|(l, _)| !l.is_empty() && answer.latin.iter().any(|(a, _)| a == l))
            .cloned()
    }

    /// Steps explaining a match on the form read in `alphabets`.
    fn explain(&self, alphabets: &[Alphabet]) -> Vec<Step> {
        let mut steps = self.steps.clone();
        if let Some(&from) = alphabets.first() {
            steps.push(Step::ScriptConverted {
                from,
                to: Alphabet::Cyrillic,
            });
        }
        if !self.ambiguous.is_empty() {
            steps.push(Step::AlphabetAmbiguous {
                candidates: self.ambiguous.clone(),
            });
        }
        if self.case_changed {
            steps.push(Step::CaseIgnored);
        }
        if self.punctuation {
            steps.push(Step::PunctuationIgnored);
        }
        steps
    }

    /// Keeps, of an ambiguous Latin answer's readings, those that are also the Cyrillic answers of the key
    /// (`kitap` next to `кітап` means кітап, not китап). Without such a match every reading stays.
    fn resolve(&mut self, cyrillic_answers: &[&str]) {
        if !self.cyrillic.is_empty() || self.latin.len() < 2 {
            return;
        }
        let keep: Vec<bool> = self
            .latin
            .iter()
            .map(|(l, _)| cyrillic_answers.contains(&l.as_str()))
            .collect();
        if keep.contains(&true) {
            let mut flags = keep.iter();
            self.latin
                .retain(|_| flags.next().copied().unwrap_or(false));
            let mut flags = keep.iter();
            self.readings
                .retain(|_| flags.next().copied().unwrap_or(false));
        }
    }

    fn primary(&self) -> String {
        self.cyrillic
            .first()
            .or(self.readings.first())
            .cloned()
            .unwrap_or_default()
    }
}

/// Comparison forms of a key's accepted answers, ambiguous Latin answers [resolved](Form::resolve) by the
/// Cyrillic ones.
fn prepare(accept: &[String]) -> Vec<(&String, Form)> {
    let mut forms: Vec<(&String, Form)> = accept.iter().map(|a| (a, Form::of(a))).collect();
    let cyrillic: Vec<String> = forms
        .iter()
        .filter(|(_, f)| !f.cyrillic.is_empty())
        .flat_map(|(_, f)| f.latin.iter().map(|(l, _)| l.clone()))
        .collect();
    let cyrillic: Vec<&str> = cyrillic.iter().map(String::as_str).collect();
    for (_, f) in &mut forms {
        f.resolve(&cyrillic);
    }
    forms
}

fn outcome(
    policy: MatchPolicy,
    verdict: Verdict,
    credit: f64,
    normalized: String,
    compared: String,
) -> TextOutcome {
    let credit = if credit.is_finite() {
        credit.clamp(0.0, 1.0)
    } else {
        0.0
    };
    TextOutcome {
        credit,
        correct: credit >= 1.0,
        needs_review: matches!(verdict, Verdict::Ambiguous | Verdict::TooLong),
        verdict,
        policy,
        normalized,
        compared,
        matched: None,
        explanation: Vec::new(),
    }
}

fn grade(key: &TextKey, input: &str) -> TextOutcome {
    let policy = key.policy;
    if let Some((cut, _)) = input.char_indices().nth(MAX_ANSWER_CHARS) {
        let chars = MAX_ANSWER_CHARS + input[cut..].chars().count();
        let normalized = match policy {
            MatchPolicy::Exact => normalize_minimal(&input[..cut]).text,
            _ => normalize(&input[..cut]).text,
        };
        let mut o = outcome(policy, Verdict::TooLong, 0.0, normalized, String::new());
        o.explanation.push(Step::InputTooLong {
            chars,
            max: MAX_ANSWER_CHARS,
        });
        return o;
    }
    let minimal = normalize_minimal(input);
    if policy == MatchPolicy::Exact {
        let text = minimal.text;
        let mut o = if text.is_empty() {
            outcome(policy, Verdict::Empty, 0.0, text.clone(), text)
        } else if let Some(a) = key
            .accept
            .iter()
            .find(|a| normalize_minimal(a).text == text)
        {
            let mut o = outcome(policy, Verdict::Exact, 1.0, text.clone(), text);
            o.matched = Some(a.clone());
            o
        } else if key.reject.iter().any(|r| normalize_minimal(r).text == text) {
            outcome(policy, Verdict::KnownWrong, 0.0, text.clone(), text)
        } else {
            outcome(policy, Verdict::NoMatch, 0.0, text.clone(), text)
        };
        o.explanation = minimal.steps;
        return o;
    }

    let form = Form::of(input);
    if form.is_empty() {
        let mut o = outcome(
            policy,
            Verdict::Empty,
            0.0,
            form.normalized.clone(),
            String::new(),
        );
        o.explanation = form.steps;
        return o;
    }
    let accepted = prepare(&key.accept);
    let rejected: Vec<Form> = key.reject.iter().map(|r| Form::of(r)).collect();
    let hit = accepted
        .iter()
        .find_map(|(a, f)| form.equivalent(f).map(|m| (*a, m)));
    let wrong = rejected.iter().find_map(|f| form.equivalent(f));
    match (hit, wrong) {
        (Some((a, (compared, alphabets))), None) => {
            let exact = accepted
                .iter()
                .any(|(x, _)| normalize_minimal(x).text == minimal.text);
            let verdict = if exact {
                Verdict::Exact
            } else {
                Verdict::Equivalent
            };
            let mut o = outcome(policy, verdict, 1.0, form.normalized.clone(), compared);
            o.matched = Some(a.clone());
            o.explanation = if exact {
                minimal.steps
            } else {
                form.explain(&alphabets)
            };
            return o;
        }
        (Some((a, (compared, alphabets))), Some(_)) => {
            let mut o = outcome(
                policy,
                Verdict::Ambiguous,
                0.0,
                form.normalized.clone(),
                compared,
            );
            o.matched = Some(a.clone());
            o.explanation = form.explain(&alphabets);
            return o;
        }
        (None, Some((compared, alphabets))) => {
            let mut o = outcome(
                policy,
                Verdict::KnownWrong,
                0.0,
                form.normalized.clone(),
                compared,
            );
            o.explanation = form.explain(&alphabets);
            return o;
        }
        (None, None) => {}
    }
    if policy == MatchPolicy::Lenient
        && let Some(o) = fold(key, &form, &accepted, &rejected)
    {
        return o;
    }
    let mut o = outcome(
        policy,
        Verdict::NoMatch,
        0.0,
        form.normalized.clone(),
        form.primary(),
    );
    o.explanation = form.explain(&[]);
    o
}

/// The `lenient` step: a fold match, checked against the safeguards of the module docs.
fn fold(
    key: &TextKey,
    form: &Form,
    accepted: &[(&String, Form)],
    rejected: &[Form],
) -> Option<TextOutcome> {
    // (typed form, expected form, keyboard, folds, accepted answer)
    let mut found = None;
    'search: for (answer, a) in accepted {
        if !form.cyrillic.is_empty() {
            for typed in &form.cyrillic {
                for expected in &a.readings {
                    if let Some(f) =
                        fold_match(typed, expected, Keyboard::Russian).filter(|f| !f.is_empty())
                    {
                        found = Some((
                            typed.clone(),
                            expected.clone(),
                            Keyboard::Russian,
                            f,
                            *answer,
                        ));
                        break 'search;
                    }
                }
            }
        } else {
            for (typed, _) in &form.latin {
                for (expected, _) in &a.latin {
                    if let Some(f) =
                        fold_match(typed, expected, Keyboard::Latin).filter(|f| !f.is_empty())
                    {
                        found =
                            Some((typed.clone(), expected.clone(), Keyboard::Latin, f, *answer));
                        break 'search;
                    }
                }
            }
        }
    }
    let (typed, expected, keyboard, folds, answer) = found?;
    let in_script = |w: &str| match keyboard {
        Keyboard::Russian => w.to_owned(),
        Keyboard::Latin => to_latin2021(w),
    };
    let accepted_forms: Vec<String> = accepted
        .iter()
        .flat_map(|(_, a)| a.readings.iter().map(|r| in_script(r)))
        .collect();
    let rejected_forms: Vec<String> = rejected
        .iter()
        .flat_map(|r| r.readings.iter().map(|x| in_script(x)))
        .collect();
    let lexicon: &[String] = match keyboard {
        Keyboard::Russian => &LEXICON_CYRILLIC,
        Keyboard::Latin => &LEXICON_LATIN,
    };
    let others: Vec<&str> = lexicon
        .iter()
        .chain(&rejected_forms)
        .map(String::as_str)
        .filter(|w| !accepted_forms.iter().any(|a| a == w))
        .collect();
    let mut verdict = Verdict::Folded;
    for (t, e) in typed
        .split(' ')
        .zip(expected.split(' '))
        .filter(|(t, e)| t != e)
    {
        if others.contains(&t) {
            verdict = Verdict::KnownWrong;
            break;
        }
        if others
            .iter()
            .any(|w| *w != e && fold_match(t, w, keyboard).is_some())
        {
            verdict = Verdict::Ambiguous;
        }
    }
    if verdict == Verdict::Folded
        && rejected_forms
            .iter()
            .any(|r| fold_match(&typed, r, keyboard).is_some())
    {
        verdict = Verdict::Ambiguous;
    }
    let credit = if verdict == Verdict::Folded {
        key.fold_credit
    } else {
        0.0
    };
    let mut o = outcome(key.policy, verdict, credit, form.normalized.clone(), typed);
    o.needs_review |= verdict == Verdict::Folded && key.fold_review;
    o.matched = (verdict != Verdict::KnownWrong).then(|| answer.clone());
    o.explanation = form.explain(&[]);
    o.explanation
        .extend(folds.into_iter().map(|f| Step::KeyboardFold {
            keyboard,
            expected: f.expected,
            typed: f.typed,
            count: f.count,
        }));
    Some(o)
}

#[cfg(test)]
#[path = "text_cases.rs"]
mod text_cases;

#[cfg(test)]
mod tests {
    use super::*;

    fn key(accept: &[&str], policy: MatchPolicy) -> TextKey {
        TextKey::new(accept.iter().map(|s| s.to_string()).collect(), policy)
    }

    #[test]
    fn key_deserializes_from_item_toml() {
        #[derive(Deserialize)]
        struct Item {
            text_key: TextKey,
        }
        let item: Item =
            toml::from_str(r#"text_key = { accept = ["кітап", "kitap"], policy = "standard" }"#)
                .unwrap();
        assert_eq!(
            item.text_key,
            key(&["кітап", "kitap"], MatchPolicy::Standard)
        );
        let item: Item = toml::from_str(r#"text_key = { accept = ["кітап"] }"#).unwrap();
        assert_eq!(item.text_key.policy, MatchPolicy::Standard);
        assert_eq!(item.text_key.fold_credit, 0.5);
        let item: Item = toml::from_str(
            r#"text_key = { accept = ["күн"], policy = "lenient", reject = ["кун"], fold_credit = 0.25, fold_review = true }"#,
        )
        .unwrap();
        assert_eq!(item.text_key.policy, MatchPolicy::Lenient);
        assert!(item.text_key.fold_review);
    }

    #[test]
    fn outcome_round_trips_through_json() {
        let o = grade_text(&key(&["кітап"], MatchPolicy::Standard), "KITAP");
        let json = serde_json::to_string(&o).unwrap();
        let back: TextOutcome = serde_json::from_str(&json).unwrap();
        assert_eq!(back, o);
    }

    #[test]
    fn validation() {
        assert_eq!(
            key(&[], MatchPolicy::Standard).validate(),
            Err(TextKeyError::NoAnswer)
        );
        assert_eq!(
            key(&["кітап", " - "], MatchPolicy::Standard).validate(),
            Err(TextKeyError::BlankAnswer(1))
        );
        let mut k = key(&["күн"], MatchPolicy::Lenient);
        k.fold_credit = 1.5;
        assert_eq!(k.validate(), Err(TextKeyError::FoldCredit(1.5)));
        k.fold_credit = 0.5;
        k.reject = vec!["KҮН".into()];
        assert_eq!(k.validate(), Err(TextKeyError::Conflict("KҮН".into())));
        k.reject = vec!["кун".into()];
        assert_eq!(k.validate(), Ok(()));
    }

    #[test]
    fn explanation_says_why() {
        let o = grade_text(&key(&["кітап"], MatchPolicy::Standard), "Kıtap.");
        assert_eq!(o.verdict, Verdict::Equivalent);
        assert!(o.explanation.contains(&Step::ScriptConverted {
            from: Alphabet::Latin2021,
            to: Alphabet::Cyrillic
        }));
        assert!(o.explanation.contains(&Step::CaseIgnored));
        assert!(o.explanation.contains(&Step::PunctuationIgnored));
        let o = grade_text(&key(&["кітап"], MatchPolicy::Standard), "кiтап");
        assert!(o.explanation.contains(&Step::HomoglyphRepaired {
            from: 'i',
            to: 'і',
            count: 1
        }));
        let o = grade_text(&key(&["күн"], MatchPolicy::Lenient), "кун");
        assert_eq!(o.verdict, Verdict::Ambiguous, "күн or құн");
        let o = grade_text(&key(&["күміс"], MatchPolicy::Lenient), "кумис");
        assert_eq!(o.verdict, Verdict::Folded);
        assert_eq!(o.credit, 0.5);
        assert!(o.explanation.contains(&Step::KeyboardFold {
            keyboard: Keyboard::Russian,
            expected: 'ү',
            typed: 'у',
            count: 1
        }));
    }

    #[test]
    fn limits() {
        let long = "а".repeat(MAX_ANSWER_CHARS + 5);
        let o = grade_text(&key(&["а"], MatchPolicy::Standard), &long);
        assert_eq!(o.verdict, Verdict::TooLong);
        assert!(o.needs_review && !o.correct && o.credit == 0.0);
        assert_eq!(o.normalized.chars().count(), MAX_ANSWER_CHARS);
        assert_eq!(
            o.explanation,
            vec![Step::InputTooLong {
                chars: MAX_ANSWER_CHARS + 5,
                max: MAX_ANSWER_CHARS
            }]
        );
        let at_limit = "а".repeat(MAX_ANSWER_CHARS);
        assert_eq!(
            grade_text(&key(&[&at_limit], MatchPolicy::Exact), &at_limit).verdict,
            Verdict::Exact
        );
        assert_eq!(
            grade_text(&key(&["а"], MatchPolicy::Standard), " ,\u{200B} ").verdict,
            Verdict::Empty
        );
    }
}
