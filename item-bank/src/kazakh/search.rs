//! The form in which people's text is searched (item texts, candidates' names).

use super::{
    Alphabet, Keyboard, keyboard_substitutes, normalize, remove_stress_marks, to_cyrillic,
    to_lowercase,
};

/// `text` as it is searched: normalized as typed answers are (look-alike letters repaired, Latin of any
/// of the official alphabets read as Cyrillic, stress marks dropped, lower case), then the Kazakh letters
/// folded to what a Russian keyboard types for them (қ → к, ә → а, і → и, …), so that whoever searches,
/// at any keyboard, finds the text. Equal keys mean "the same text for a person searching"; a query
/// finds a text when the query's key is a substring of the text's.
///
/// ```
/// use item_bank::kazakh::search_key;
/// assert_eq!(search_key("Қала"), search_key("kala"));
/// assert_eq!(search_key("QALA"), search_key("Кала"));
/// assert!(search_key("Айгүл Серікқызы").contains(&search_key("серик")));
/// ```
pub fn search_key(text: &str) -> String {
    let normal = normalize(text);
    let unstressed = remove_stress_marks(&normal.text);
    let cyrillic = to_cyrillic(&unstressed.text);
    to_lowercase(&cyrillic.text, Alphabet::Cyrillic)
        .chars()
        .map(|c| {
            keyboard_substitutes(Keyboard::Russian, c)
                .last()
                .copied()
                .unwrap_or(c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn any_keyboard_finds_the_kazakh_letters() {
        let key = search_key("Әсем Құрманғазықызы");
        for query in ["әсем", "асем", "ASEM", "Qurmanğazy", "курманга"] {
            assert!(key.contains(&search_key(query)), "{query} in {key}");
        }
        assert!(!key.contains(&search_key("Асель")));
    }

    /// Words of Kazakh Cyrillic letters.
    fn kazakh_words() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::vec("[аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя]{1,12}", 1..4)
    }

    proptest! {
        #[test]
        fn a_name_is_found_by_each_of_its_words_in_either_case(words in kazakh_words()) {
            let name = words.join(" ");
            let key = search_key(&name);
            for word in &words {
                prop_assert!(key.contains(&search_key(word)), "{word} in {key}");
                let upper = super::super::to_uppercase(word, Alphabet::Cyrillic);
                prop_assert_eq!(search_key(&upper), search_key(word));
            }
        }
    }
}
