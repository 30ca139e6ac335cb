//! Normalization, transliteration, detection and matching on arbitrary input.
//!
//! The input is split at tab characters into a response, an accepted answer and a rejected answer.
//! Checked: nothing panics; normalization is idempotent and bounded; credit is within 0..=1; a response
//! always matches itself as an accepted answer.

#![no_main]

use item_bank::grading::text::{MatchPolicy, TextKey, grade_text};
use item_bank::kazakh;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = s.splitn(3, '\t');
    let input = parts.next().unwrap_or_default();
    let accept = parts.next().unwrap_or_default();
    let reject = parts.next().unwrap_or_default();

    let n = kazakh::normalize(input);
    assert_eq!(
        kazakh::normalize(&n.text).text,
        n.text,
        "normalize is idempotent"
    );
    assert!(n.text.len() <= 3 * input.len(), "normalize is bounded");
    let m = kazakh::normalize_minimal(input);
    assert_eq!(kazakh::normalize_minimal(&m.text).text, m.text);
    assert!(kazakh::to_latin2021(input).len() <= 6 * input.len());
    assert!(kazakh::to_cyrillic(input).text.len() <= 6 * input.len());
    let _ = kazakh::detect(input);

    for policy in [
        MatchPolicy::Exact,
        MatchPolicy::Standard,
        MatchPolicy::Lenient,
    ] {
        let key = TextKey {
            accept: vec![accept.to_owned()],
            policy,
            reject: vec![reject.to_owned()],
            ..TextKey::default()
        };
        let o = grade_text(&key, input);
        assert!((0.0..=1.0).contains(&o.credit));
        assert_eq!(o.correct, o.credit >= 1.0);
        if n.text.chars().any(char::is_alphanumeric) && input.chars().nth(1000).is_none() {
            let own = grade_text(&TextKey::new(vec![input.to_owned()], policy), input);
            assert!(own.correct, "a response matches itself: {own:?}");
        }
    }
});
