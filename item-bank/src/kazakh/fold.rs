//! Keyboard folds: the letters a keyboard without Kazakh letters forces a candidate to type instead.
//!
//! Folds are known and reported here but never applied silently: only the `lenient` grading policy uses them,
//! and only under the safeguards documented in [`crate::grading::text`].

use serde::{Deserialize, Serialize};

use super::alphabet::is_kazakh_specific;

/// A keyboard that lacks the Kazakh letters.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Keyboard {
    /// The Russian layout: Cyrillic without ә ғ қ ң ө ұ ү һ і.
    Russian,
    /// A plain Latin layout: Latin 2021 without ä ğ ñ ö ş ū ü ı (and `q` typed as `k`, as in Russian-style
    /// transliteration).
    Latin,
}

/// The letters a candidate on `keyboard` types for the small letter `expected`; empty when the keyboard has it.
///
/// Russian layout: ә→а, ғ→г, қ→к, ң→н, ө→о, ұ→у, ү→у, һ→х, і→ы or и. Latin layout (on Latin 2021 text):
/// ä→a, ğ→g, ñ→n, ö→o, ş→s, ū→u, ü→u, ı→i, q→k.
pub fn keyboard_substitutes(keyboard: Keyboard, expected: char) -> &'static [char] {
    match (keyboard, expected) {
        (Keyboard::Russian, 'ә') => &['а'],
        (Keyboard::Russian, 'ғ') => &['г'],
        (Keyboard::Russian, 'қ') => &['к'],
        (Keyboard::Russian, 'ң') => &['н'],
        (Keyboard::Russian, 'ө') => &['о'],
        (Keyboard::Russian, 'ұ' | 'ү') => &['у'],
        (Keyboard::Russian, 'һ') => &['х'],
        (Keyboard::Russian, 'і') => &['ы', 'и'],
        (Keyboard::Latin, 'ä') => &['a'],
        (Keyboard::Latin, 'ğ') => &['g'],
        (Keyboard::Latin, 'ñ') => &['n'],
        (Keyboard::Latin, 'ö') => &['o'],
        (Keyboard::Latin, 'ş') => &['s'],
        (Keyboard::Latin, 'ū' | 'ü') => &['u'],
        (Keyboard::Latin, 'ı') => &['i'],
        (Keyboard::Latin, 'q') => &['k'],
        _ => &[],
    }
}

/// One substitution found by [`fold_match`].
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    /// The letter of the expected text.
    pub expected: char,
    /// The letter typed instead.
    pub typed: char,
    /// How many times.
    pub count: usize,
}

/// Whether `typed` is `expected` as typed on `keyboard`, and with which substitutions.
///
/// Both texts must already be in the same script and lower case. Returns `None` unless they have the same
/// number of characters and every character of `typed` is the one of `expected` or one of its
/// [`keyboard_substitutes`]; `Some(vec![])` when they are equal.
///
/// A substitution is only plausible when the keyboard really lacks the letter, so:
/// * Russian layout: `typed` must contain none of the nine Kazakh letters (whoever typed one has a Kazakh
///   layout, and the other differences are spelling errors);
/// * Latin layout: a letter is folded only if `typed` never contains it (whoever typed `ı` somewhere can
///   type it everywhere).
pub fn fold_match(typed: &str, expected: &str, keyboard: Keyboard) -> Option<Vec<Fold>> {
    if typed == expected {
        return Some(Vec::new());
    }
    if keyboard == Keyboard::Russian && typed.chars().any(is_kazakh_specific) {
        return None;
    }
    let mut folds: Vec<Fold> = Vec::new();
    let mut t = typed.chars();
    let mut e = expected.chars();
    loop {
        match (t.next(), e.next()) {
            (None, None) => return Some(folds),
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => {
                if !keyboard_substitutes(keyboard, b).contains(&a)
                    || (keyboard == Keyboard::Latin && typed.contains(b))
                {
                    return None;
                }
                match folds.iter_mut().find(|f| f.expected == b && f.typed == a) {
                    Some(f) => f.count += 1,
                    None => folds.push(Fold {
                        expected: b,
                        typed: a,
                        count: 1,
                    }),
                }
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_layout() {
        let f = fold_match("кыз", "қыз", Keyboard::Russian).unwrap();
        assert_eq!(
            f,
            vec![Fold {
                expected: 'қ',
                typed: 'к',
                count: 1
            }]
        );
        assert_eq!(
            fold_match("кызыл", "қызыл", Keyboard::Russian).map(|f| f.len()),
            Some(1)
        );
        assert!(fold_match("бир", "бір", Keyboard::Russian).is_some());
        assert!(fold_match("быр", "бір", Keyboard::Russian).is_some());
        assert_eq!(
            fold_match("кітап", "кітап", Keyboard::Russian),
            Some(vec![])
        );
        // a Kazakh letter typed elsewhere: this candidate has the layout
        assert_eq!(
            fold_match("қызмет", "қызмет", Keyboard::Russian),
            Some(vec![])
        );
        assert_eq!(
            fold_match("кызмет", "қызмет", Keyboard::Russian).map(|f| f.len()),
            Some(1)
        );
        assert_eq!(fold_match("қазак", "қазақ", Keyboard::Russian), None);
        // folds go one way only
        assert_eq!(fold_match("қыз", "кыз", Keyboard::Russian), None);
        assert_eq!(fold_match("кыздар", "қыз", Keyboard::Russian), None);
    }

    #[test]
    fn latin_layout() {
        assert!(fold_match("kitap", "kıtap", Keyboard::Latin).is_some());
        assert!(fold_match("kazak", "qazaq", Keyboard::Latin).is_some());
        assert_eq!(fold_match("kazaq", "qazaq", Keyboard::Latin), None);
        assert_eq!(
            fold_match("jane", "jäne", Keyboard::Latin).map(|f| f[0].typed),
            Some('a')
        );
    }
}
