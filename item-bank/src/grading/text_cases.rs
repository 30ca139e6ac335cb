//! Table of realistic responses and the verdict each policy must give.
//!
//! Each row: accepted answers (`|`-separated), rejected answers, the response, and three letters for the
//! `exact`, `standard` and `lenient` policies: `Y` full credit, `N` no credit, `P` partial credit for a
//! keyboard fold (0.5), `R` flagged for review with no provisional credit.

use super::{MatchPolicy, TextKey, Verdict, grade_text};

#[rustfmt::skip]
const CASES: &[(&str, &str, &str, &str)] = &[
    // кітап "book": script, case, homoglyphs, punctuation, invisibles
    ("кітап", "", "кітап", "YYY"),
    ("кітап", "", " кітап ", "YYY"),
    ("кітап", "", "кі\u{200B}тап", "YYY"),
    ("кітап", "", "кітап\u{AD}", "YYY"),
    ("кітап", "", "Кітап", "NYY"),
    ("кітап", "", "КІТАП", "NYY"),
    ("кітап", "", "кітап.", "NYY"),
    ("кітап", "", "«кітап»", "NYY"),
    ("кітап", "", "kıtap", "NYY"),
    ("кітап", "", "Kıtap", "NYY"),
    ("кітап", "", "KITAP", "NYY"),
    ("кітап", "", "kitap", "NYY"),
    ("кітап", "", "kіtap", "NYY"),
    ("кітап", "", "ki'tap", "NYY"),
    ("кітап", "", "кiтап", "NYY"),
    ("кітап", "", "кітaп", "NYY"),
    ("кітап", "", "КIТАП", "NYY"),
    ("кітап", "", "китап", "NNP"),
    ("кітап", "", "кытап", "NNP"),
    ("кітап", "", "кітаптар", "NNN"),
    ("кітап", "", "кітабы", "NNN"),
    ("кітап", "", "кітап кітап", "NNN"),
    ("кітап", "", "", "NNN"),
    ("кітап", "", "kitab", "NNN"),
    // қыз "girl" is not кыз
    ("қыз", "", "қыз", "YYY"),
    ("қыз", "", "кыз", "NNP"),
    ("қыз", "", "qyz", "NYY"),
    ("қыз", "", "Qyz", "NYY"),
    ("қыз", "", "QYZ", "NYY"),
    ("қыз", "", "kyz", "NNP"),
    ("қыз", "", "қыз.", "NYY"),
    ("қыз", "", "ҚЫЗ", "NYY"),
    ("қыз", "", "қыздар", "NNN"),
    ("қыз", "", "кіз", "NNN"),
    ("қыз", "", "қиз", "NNN"),
    // күн "day": кун could be күн or құн
    ("күн", "", "күн", "YYY"),
    ("күн", "", "кун", "NNR"),
    ("күн", "", "kün", "NYY"),
    ("күн", "", "kun", "NNR"),
    ("күн", "", "Күн", "NYY"),
    ("күн", "", "kún", "NYY"),
    ("күн", "", "ku'n", "NYY"),
    ("күн", "", "күн!", "NYY"),
    ("күн", "", "кӱн", "NYY"),
    ("күн", "", "кyн", "NYY"),
    ("күн", "", "күндер", "NNN"),
    // көл "lake": кол could be көл or қол
    ("көл", "", "көл", "YYY"),
    ("көл", "", "кол", "NNR"),
    ("көл", "", "köl", "NYY"),
    ("көл", "", "kól", "NYY"),
    ("көл", "", "ko'l", "NYY"),
    ("көл", "", "kol", "NNR"),
    ("көл", "", "қол", "NNN"),
    ("көл", "", "кɵл", "NYY"),
    ("көл", "", "КӨЛ", "NYY"),
    ("көл", "", "кел", "NNN"),
    // әл "strength": ал "take" is another word
    ("әл", "", "әл", "YYY"),
    ("әл", "", "ал", "NNN"),
    ("әл", "", "äl", "NYY"),
    ("әл", "", "al", "NNN"),
    ("әл", "", "əл", "NYY"),
    ("әл", "", "ӓл", "NYY"),
    ("әл", "", "a'l", "NYY"),
    ("әл", "", "Әл", "NYY"),
    // сән "fashion" / сан "number"; өт / от "fire"
    ("сән", "", "сән", "YYY"),
    ("сән", "", "сан", "NNN"),
    ("сән", "", "sän", "NYY"),
    ("сән", "", "san", "NNN"),
    ("сән", "", "sán", "NYY"),
    ("өт", "", "өт", "YYY"),
    ("өт", "", "от", "NNN"),
    ("өт", "", "öt", "NYY"),
    ("өт", "", "ot", "NNN"),
    // a phrase
    ("қазақ тілі", "", "қазақ тілі", "YYY"),
    ("қазақ тілі", "", "Қазақ тілі", "NYY"),
    ("қазақ тілі", "", "қазақ  тілі", "NYY"),
    ("қазақ тілі", "", "қазақ-тілі", "NYY"),
    ("қазақ тілі", "", "қазақтілі", "NNN"),
    ("қазақ тілі", "", "Qazaq tılı", "NYY"),
    ("қазақ тілі", "", "qazaq tili", "NYY"),
    ("қазақ тілі", "", "QAZAQ TILI", "NYY"),
    ("қазақ тілі", "", "Qazaq ti'li'", "NYY"),
    ("қазақ тілі", "", "казак тили", "NNP"),
    ("қазақ тілі", "", "казак тілі", "NNN"),
    ("қазақ тілі", "", "қазақ тілi", "NYY"),
    ("қазақ тілі", "", "қазақ тілі.", "NYY"),
    ("қазақ тілі", "", "қазақ тілі!!!", "NYY"),
    ("қазақ тілі", "", "\"қазақ тілі\"", "NYY"),
    ("қазақ тілі", "", "қазақ\u{A0}тілі", "NYY"),
    ("қазақ тілі", "", "қазақ тілі\n", "YYY"),
    ("қазақ тілі", "", "Qazaq tіlі", "NYY"),
    ("қазақ тілі", "", "қазақ тили", "NNN"),
    ("қазақ тілі", "", "kazak tili", "NNP"),
    // the key in both scripts: the Latin answer means what the Cyrillic one says
    ("кітап|kitap", "", "kitap", "YYY"),
    ("кітап|kitap", "", "KITAP", "NYY"),
    ("кітап|kitap", "", "кітап", "YYY"),
    ("кітап|kitap", "", "китап", "NNP"),
    ("кітап|kitap", "", "kıtap", "NYY"),
    ("мектеп|mektep", "", "мектеп", "YYY"),
    ("мектеп|mektep", "", "mektep", "YYY"),
    ("мектеп|mektep", "", "Mektep", "NYY"),
    ("мектеп|mektep", "", "МЕКТЕП", "NYY"),
    ("мектеп|mektep", "", "mектеп", "NYY"),
    ("мектеп|mektep", "", "mekteп", "NYY"),
    ("мектеп|mektep", "", "мектепке", "NNN"),
    ("мектеп|mektep", "", "mektebi", "NNN"),
    // ң: тан could be таң "dawn" or тән "body"
    ("таң", "", "таң", "YYY"),
    ("таң", "", "тан", "NNR"),
    ("таң", "", "tañ", "NYY"),
    ("таң", "", "taŋ", "NYY"),
    ("таң", "", "tań", "NYY"),
    ("таң", "", "tan'", "NYY"),
    ("таң", "", "таӊ", "NYY"),
    ("таң", "", "tan", "NNR"),
    // ғ and ш
    ("ағаш", "", "ағаш", "YYY"),
    ("ағаш", "", "агаш", "NNP"),
    ("ағаш", "", "ağaş", "NYY"),
    ("ағаш", "", "aǵash", "NYY"),
    ("ағаш", "", "ag'as'", "NYY"),
    ("ағаш", "", "agash", "NNP"),
    ("ағаш", "", "АҒАШ", "NYY"),
    ("ағаш", "", "ағаш.", "NYY"),
    // ұ and ү
    ("ұл", "", "ұл", "YYY"),
    ("ұл", "", "ул", "NNP"),
    ("ұл", "", "ūl", "NYY"),
    ("ұл", "", "ul", "NYY"),
    ("ұл", "", "үл", "NNN"),
    ("ұл", "", "Ұл", "NYY"),
    ("үй", "", "үй", "YYY"),
    ("үй", "", "уй", "NNP"),
    ("үй", "", "üi", "NYY"),
    ("үй", "", "úı", "NYY"),
    ("үй", "", "u'i", "NYY"),
    ("үй", "", "yй", "NYY"),
    ("үй", "", "Үй", "NYY"),
    // ө
    ("өзен", "", "өзен", "YYY"),
    ("өзен", "", "озен", "NNP"),
    ("өзен", "", "özen", "NYY"),
    ("өзен", "", "ózen", "NYY"),
    ("өзен", "", "o'zen", "NYY"),
    ("өзен", "", "ɵзен", "NYY"),
    ("өзен", "", "ӧзен", "NYY"),
    ("өзен", "", "Өзен!", "NYY"),
    ("өзен", "", "өзендер", "NNN"),
    ("өзен", "", "ozen", "NNP"),
    // һ
    ("шаһар", "", "шаһар", "YYY"),
    ("шаһар", "", "шахар", "NNP"),
    ("шаһар", "", "şahar", "NYY"),
    ("шаһар", "", "shahar", "NYY"),
    ("шаһар", "", "шаhар", "NYY"),
    ("шаһар", "", "s'ahar", "NYY"),
    // і
    ("бір", "", "бір", "YYY"),
    ("бір", "", "бир", "NNP"),
    ("бір", "", "быр", "NNP"),
    ("бір", "", "bır", "NYY"),
    ("бір", "", "bir", "NYY"),
    ("бір", "", "bi'r", "NYY"),
    ("бір", "", "бiр", "NYY"),
    ("бір", "", "BIR", "NYY"),
    ("іс", "", "іс", "YYY"),
    ("іс", "", "ыс", "NNN"),
    ("іс", "", "ис", "NNP"),
    ("іс", "", "ıs", "NYY"),
    ("іс", "", "is", "NYY"),
    ("сіз", "", "сіз", "YYY"),
    ("сіз", "", "сыз", "NNN"),
    ("сіз", "", "сиз", "NNP"),
    ("сіз", "", "sız", "NYY"),
    ("сіз", "", "siz", "NYY"),
    ("сіз", "", "Сіз?", "NYY"),
    // a sentence
    ("Мен мектепке барамын.", "", "Мен мектепке барамын.", "YYY"),
    ("Мен мектепке барамын.", "", "мен мектепке барамын", "NYY"),
    ("Мен мектепке барамын.", "", "Men mektepke baramyn.", "NYY"),
    ("Мен мектепке барамын.", "", "Мен мектепке барамын", "NYY"),
    ("Мен мектепке барамын.", "", "Мен  мектепке  барамын .", "NYY"),
    ("Мен мектепке барамын.", "", "Мен мектепке бардым.", "NNN"),
    ("Мен мектепке барамын.", "", "МЕН МЕКТЕПКЕ БАРАМЫН", "NYY"),
    ("Мен мектепке барамын.", "", "Мен мектепке барамын…", "NYY"),
    // loan letters
    ("компьютер", "", "компьютер", "YYY"),
    ("компьютер", "", "kompiuter", "NYY"),
    ("компьютер", "", "kompyuter", "NNN"),
    ("компьютер", "", "Компьютер", "NYY"),
    ("компьютер", "", "компютер", "NNN"),
    ("цирк", "", "цирк", "YYY"),
    ("цирк", "", "tsirk", "NYY"),
    ("цирк", "", "cirk", "NYY"),
    ("цирк", "", "sirk", "NNN"),
    ("чемпион", "", "chempion", "NYY"),
    ("чемпион", "", "чемпион", "YYY"),
    // и and й
    ("ит", "", "ит", "YYY"),
    ("ит", "", "it", "NYY"),
    ("ит", "", "İt", "NYY"),
    ("ит", "", "іт", "NNN"),
    ("ит", "", "ıt", "NYY"),
    ("ай", "", "ай", "YYY"),
    ("ай", "", "ai", "NYY"),
    ("ай", "", "aı", "NYY"),
    ("ай", "", "аи", "NNN"),
    // an explicit known wrong answer
    ("күн", "құн", "құн", "NNN"),
    ("күн", "құн", "qūn", "NNN"),
    ("күн", "құн", "күн", "YYY"),
    ("күн", "құн", "кун", "NNR"),
    // invisible and combining characters
    ("әже", "", "ә\u{200D}же", "YYY"),
    ("әже", "", "\u{202B}әже\u{202C}", "YYY"),
    ("әже", "", "ә\u{FE0F}же", "YYY"),
    ("әже", "", "а\u{308}же", "NYY"),
    ("әже", "", "äje", "NYY"),
    ("әже", "", "áje", "NYY"),
    ("әже", "", "a'je", "NYY"),
    ("әже", "", "аже", "NNP"),
    ("әже", "", "əже", "NYY"),
    ("әже", "", "ӘЖЕ", "NYY"),
    ("әже", "", "әжe", "NYY"),
    // every apostrophe of Latin 2017
    ("ғылым", "", "g'ylym", "NYY"),
    ("ғылым", "", "g’ylym", "NYY"),
    ("ғылым", "", "gʼylym", "NYY"),
    ("ғылым", "", "gʻylym", "NYY"),
    ("ғылым", "", "g`ylym", "NYY"),
    ("ғылым", "", "g´ylym", "NYY"),
    ("ғылым", "", "ğylym", "NYY"),
    ("ғылым", "", "ǵylym", "NYY"),
    ("ғылым", "", "гылым", "NNP"),
    ("ғылым", "", "ғылым", "YYY"),
    ("ғылым", "", "gylym", "NNP"),
    // қала "city"
    ("қала", "", "қала", "YYY"),
    ("қала", "", "кала", "NNP"),
    ("қала", "", "қалa", "NYY"),
    ("қала", "", "qala", "NYY"),
    ("қала", "", "kala", "NNP"),
    ("қала", "", "қара", "NNN"),
    ("қала", "", "қалалар", "NNN"),
    ("қала", "", "Qala.", "NYY"),
    // numbers and names
    ("1991", "", "1991", "YYY"),
    ("1991", "", "1991 ж.", "NNN"),
    ("1991", "", " 1991 ", "YYY"),
    ("Абай", "", "Абай", "YYY"),
    ("Абай", "", "абай", "NYY"),
    ("Абай", "", "Abai", "NYY"),
    ("Абай", "", "Abaı", "NYY"),
    ("Абай", "", "АБАЙ", "NYY"),
    ("әдебиет", "", "a'debiet", "NYY"),
    ("әдебиет", "", "ädebiet", "NYY"),
    ("әдебиет", "", "ádebıet", "NYY"),
    ("әдебиет", "", "adebiet", "NNP"),
    ("әдебиет", "", "әдебиет", "YYY"),
    ("әдебиет", "", "одебиет", "NNN"),
    // stress accents copied from a dictionary: forgiven, never taken for a letter's own mark
    ("бала", "", "бала\u{301}", "NYY"),
    ("бала", "", "ба\u{300}ла", "NYY"),
    ("бала", "", "бала\u{341}", "NYY"),
    ("мектеп", "", "ме\u{301}ктеп", "NYY"),
    ("әже", "", "ә\u{301}же", "NYY"),
    ("оқушы", "", "Оқу\u{301}шы.", "NYY"),
    ("кітап", "", "кітáп", "NYY"),
    ("кітап", "", "кітàп", "NYY"),
    ("ай", "", "а\u{301}и\u{306}", "NYY"),
    ("ой", "", "о\u{301}и", "NNN"),
    ("ел", "", "ѐл", "NYY"),
    ("мектеп", "", "mektép", "NYY"),
    ("бала", "", "balà", "NYY"),
    ("көл", "", "kól", "NYY"),
    ("қол", "", "kól", "NNN"),
    ("Мен мектепке барамын.", "", "Мен ме\u{301}ктепке бара\u{301}мын", "NYY"),
    // Latin 2017 letters whose apostrophe ends the word
    ("балаң", "", "balan'", "NYY"),
    ("балаң", "", "BALAN’", "NYY"),
    ("балаң", "", "«balan'»", "NYY"),
    ("балаң", "", "balan'.", "NYY"),
    ("балаң", "", "balan", "NNP"),
    ("балаң бала", "", "balan' bala", "NYY"),
    ("таң атты", "", "Tan' atty.", "NYY"),
    ("кең", "", "ken'", "NYY"),
    ("іні", "", "i'ni'", "NYY"),
    ("кісі", "", "ki'si'", "NYY"),
    ("тау", "", "tay'", "NYY"),
    ("су", "", "sy'?", "NYY"),
    ("бағ", "", "bag'", "NYY"),
    ("қош", "", "qos'", "NYY"),
    ("ағаш", "", "ag'as'", "NYY"),
    ("сен", "", "sen'", "NNN"),
];

fn split(s: &str) -> Vec<String> {
    s.split('|')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn table_of_responses() {
    assert!(CASES.len() >= 200, "{} cases", CASES.len());
    let mut failures = Vec::new();
    for &(accept, reject, input, expected) in CASES {
        for (policy, want) in [
            MatchPolicy::Exact,
            MatchPolicy::Standard,
            MatchPolicy::Lenient,
        ]
        .into_iter()
        .zip(expected.chars())
        {
            let key = TextKey {
                accept: split(accept),
                reject: split(reject),
                policy,
                ..TextKey::default()
            };
            let o = grade_text(&key, input);
            let folded = o.verdict == Verdict::Folded;
            let got = match (o.credit, o.needs_review) {
                (1.0, false) => 'Y',
                (0.0, false) => 'N',
                (0.5, false) if folded => 'P',
                (0.0, true) => 'R',
                _ => '?',
            };
            if got != want {
                failures.push(format!(
                    "{accept:?} {input:?} {policy:?}: want {want}, got {got} ({:?}, {:?})",
                    o.verdict, o.compared
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

mod properties {
    use proptest::prelude::*;

    use super::super::{MatchPolicy, TextKey, grade_text};
    use crate::kazakh::tests::{nativize, tricky_string};
    use crate::kazakh::{LETTERS, Step, normalize};

    /// One to three native words (standard spelling), lower case.
    fn native_words() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(prop::collection::vec(0usize..1000, 1..10), 1..4)
            .prop_map(|words| words.iter().map(|w| nativize(w)).collect())
    }

    /// `word` in the Latin 2017 alphabet, letter by letter from [`LETTERS`].
    fn latin2017(word: &str) -> String {
        word.chars()
            .map(|c| {
                LETTERS
                    .iter()
                    .find(|l| l.lower == c)
                    .map_or(c.to_string(), |l| l.latin2017.to_owned())
            })
            .collect()
    }

    fn grades(key: &str, response: &str) -> [(f64, Vec<Step>); 3] {
        [
            MatchPolicy::Exact,
            MatchPolicy::Standard,
            MatchPolicy::Lenient,
        ]
        .map(|policy| {
            let o = grade_text(&TextKey::new(vec![key.to_owned()], policy), response);
            (o.credit, o.explanation)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn grading_never_panics_and_credit_is_bounded(
            s in tricky_string(),
            k in tricky_string(),
            p in 0u8..3,
        ) {
            let policy = [MatchPolicy::Exact, MatchPolicy::Standard, MatchPolicy::Lenient][p as usize];
            let key = TextKey { accept: vec![k.clone(), s.clone()], policy, reject: vec![k], ..TextKey::default() };
            let o = grade_text(&key, &s);
            prop_assert!((0.0..=1.0).contains(&o.credit));
            prop_assert_eq!(o.correct, o.credit >= 1.0);
        }

        #[test]
        fn dictionary_stress_over_any_vowel_is_forgiven_but_not_under_exact(
            words in native_words(),
            marks in prop::collection::vec(0u8..4, 40),
        ) {
            let key = words.join(" ");
            let mut response = String::new();
            let mut added = 0;
            for (c, m) in key.chars().zip(marks.iter().cycle()) {
                response.push(c);
                if "аәеиіоөуүұы".contains(c) && *m < 2 {
                    response.push(if *m == 0 { '\u{301}' } else { '\u{300}' });
                    added += 1;
                }
            }
            prop_assume!(added > 0);
            let [exact, standard, lenient] = grades(&key, &response);
            prop_assert_eq!(exact.0, 0.0, "{}", response);
            for (credit, steps) in [standard, lenient] {
                prop_assert_eq!(credit, 1.0, "{} {:?}", response, steps);
                prop_assert!(steps.contains(&Step::StressRemoved { count: added }), "{:?}", steps);
            }
        }

        #[test]
        fn latin_2017_spelling_with_word_final_apostrophes_is_forgiven_but_not_under_exact(
            words in native_words(),
            last in prop::sample::select(vec!['ә', 'ғ', 'ң', 'ө', 'ү', 'ш', 'і', 'у']),
        ) {
            // Every word ends in a letter that Latin 2017 writes with an apostrophe.
            let words: Vec<String> = words.into_iter().map(|w| format!("{w}{last}")).collect();
            let key = words.join(" ");
            let response: Vec<String> = words.iter().map(|w| latin2017(w)).collect();
            let response = response.join(" ");
            prop_assert!(response.ends_with('\''));
            let [exact, standard, lenient] = grades(&key, &response);
            prop_assert_eq!(exact.0, 0.0, "{}", response);
            prop_assert_eq!(standard.0, 1.0, "{} {:?}", response, standard.1);
            prop_assert_eq!(lenient.0, 1.0, "{} {:?}", response, lenient.1);
        }

        #[test]
        fn a_response_always_matches_itself(s in tricky_string()) {
            prop_assume!(normalize(&s).text.chars().any(char::is_alphanumeric));
            for policy in [MatchPolicy::Exact, MatchPolicy::Standard, MatchPolicy::Lenient] {
                let o = grade_text(&TextKey::new(vec![s.clone()], policy), &s);
                prop_assert!(o.correct, "{:?} {:?}", policy, o);
            }
        }
    }
}
