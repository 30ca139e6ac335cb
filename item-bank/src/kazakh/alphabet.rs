//! The 42 letters of the Kazakh Cyrillic alphabet and their spellings in the three Latin alphabets.

use serde::{Deserialize, Serialize};

/// An alphabet a piece of Kazakh text can be written in.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Alphabet {
    /// The Kazakh Cyrillic alphabet of 42 letters.
    Cyrillic,
    /// The Latin alphabet of April 2021 (`ä ğ ı i ñ ö q ş ū ü y`).
    Latin2021,
    /// The Latin alphabet of February 2018 (acute accents, `sh`, `ch`).
    Latin2018,
    /// The Latin alphabet of October 2017 (apostrophes).
    Latin2017,
}

/// One letter of the Kazakh Cyrillic alphabet and how each Latin alphabet writes it (lower case).
///
/// Loan letters (`native == false`) have no official Latin spelling; the values are this library's choice,
/// documented in [`super`].
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Letter {
    /// Capital Cyrillic letter.
    pub upper: char,
    /// Small Cyrillic letter.
    pub lower: char,
    /// Latin 2021 spelling (may be empty or two letters for loan letters).
    pub latin2021: &'static str,
    /// Latin 2018 spelling.
    pub latin2018: &'static str,
    /// Latin 2017 spelling.
    pub latin2017: &'static str,
    /// False for the nine letters found only in loan words: Ё Ц Ч Щ Ъ Ь Э Ю Я.
    pub native: bool,
}

const fn l(
    upper: char,
    lower: char,
    latin2021: &'static str,
    latin2018: &'static str,
    latin2017: &'static str,
    native: bool,
) -> Letter {
    Letter {
        upper,
        lower,
        latin2021,
        latin2018,
        latin2017,
        native,
    }
}

/// The Kazakh Cyrillic alphabet in its official order, with the Latin spellings of each letter.
///
/// The nine Kazakh letters are Ә U+04D8/9, Ғ U+0492/3, Қ U+049A/B, Ң U+04A2/3, Ө U+04E8/9, Ұ U+04B0/1,
/// Ү U+04AE/F, Һ U+04BA/B, І U+0406/0456.
pub const LETTERS: [Letter; 42] = [
    l('А', 'а', "a", "a", "a", true),
    l('Ә', 'ә', "ä", "á", "a'", true),
    l('Б', 'б', "b", "b", "b", true),
    l('В', 'в', "v", "v", "v", true),
    l('Г', 'г', "g", "g", "g", true),
    l('Ғ', 'ғ', "ğ", "ǵ", "g'", true),
    l('Д', 'д', "d", "d", "d", true),
    l('Е', 'е', "e", "e", "e", true),
    l('Ё', 'ё', "io", "ıo", "io", false),
    l('Ж', 'ж', "j", "j", "j", true),
    l('З', 'з', "z", "z", "z", true),
    l('И', 'и', "i", "ı", "i", true),
    l('Й', 'й', "i", "ı", "i", true),
    l('К', 'к', "k", "k", "k", true),
    l('Қ', 'қ', "q", "q", "q", true),
    l('Л', 'л', "l", "l", "l", true),
    l('М', 'м', "m", "m", "m", true),
    l('Н', 'н', "n", "n", "n", true),
    l('Ң', 'ң', "ñ", "ń", "n'", true),
    l('О', 'о', "o", "o", "o", true),
    l('Ө', 'ө', "ö", "ó", "o'", true),
    l('П', 'п', "p", "p", "p", true),
    l('Р', 'р', "r", "r", "r", true),
    l('С', 'с', "s", "s", "s", true),
    l('Т', 'т', "t", "t", "t", true),
    l('У', 'у', "u", "ý", "y'", true),
    l('Ұ', 'ұ', "ū", "u", "u", true),
    l('Ү', 'ү', "ü", "ú", "u'", true),
    l('Ф', 'ф', "f", "f", "f", true),
    l('Х', 'х', "h", "h", "h", true),
    l('Һ', 'һ', "h", "h", "h", true),
    l('Ц', 'ц', "ts", "ts", "ts", false),
    l('Ч', 'ч', "ch", "ch", "c'", false),
    l('Ш', 'ш', "ş", "sh", "s'", true),
    l('Щ', 'щ', "şş", "shsh", "s's'", false),
    l('Ъ', 'ъ', "", "", "", false),
    l('Ы', 'ы', "y", "y", "y", true),
    l('І', 'і', "ı", "i", "i'", true),
    l('Ь', 'ь', "", "", "", false),
    l('Э', 'э', "e", "e", "e", false),
    l('Ю', 'ю', "iu", "ıý", "iy'", false),
    l('Я', 'я', "ia", "ıa", "ia", false),
];

/// Latin 2021 spelling of a small Kazakh Cyrillic letter, or `None` for any other character.
///
/// This is [`LETTERS`] as a `match`, for speed; a test checks that the two agree.
pub fn cyrillic_to_latin2021_char(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'ә' => "ä",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ғ' => "ğ",
        'д' => "d",
        'е' | 'э' => "e",
        'ё' => "io",
        'ж' => "j",
        'з' => "z",
        'и' | 'й' => "i",
        'к' => "k",
        'қ' => "q",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'ң' => "ñ",
        'о' => "o",
        'ө' => "ö",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ұ' => "ū",
        'ү' => "ü",
        'ф' => "f",
        'х' | 'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "ş",
        'щ' => "şş",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'і' => "ı",
        'ю' => "iu",
        'я' => "ia",
        _ => return None,
    })
}

/// Small form of a Kazakh Cyrillic capital; other characters unchanged.
pub(crate) fn cyrillic_lower(c: char) -> char {
    match c {
        'А'..='Я' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
        'Ѐ'..='Џ' => char::from_u32(c as u32 + 0x50).unwrap_or(c),
        'Ә' | 'Ғ' | 'Қ' | 'Ң' | 'Ө' | 'Ұ' | 'Ү' | 'Һ' => {
            char::from_u32(c as u32 + 1).unwrap_or(c)
        }
        _ => c,
    }
}

/// True for the nine letters a Russian keyboard lacks.
pub(crate) fn is_kazakh_specific(c: char) -> bool {
    matches!(
        c,
        'ә' | 'ғ'
            | 'қ'
            | 'ң'
            | 'ө'
            | 'ұ'
            | 'ү'
            | 'һ'
            | 'і'
            | 'Ә'
            | 'Ғ'
            | 'Қ'
            | 'Ң'
            | 'Ө'
            | 'Ұ'
            | 'Ү'
            | 'Һ'
            | 'І'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_the_42_letters_and_the_nine_kazakh_code_points() {
        assert_eq!(LETTERS.len(), 42);
        assert_eq!(LETTERS.iter().filter(|x| !x.native).count(), 9);
        let kazakh: Vec<(u32, u32)> = LETTERS
            .iter()
            .filter(|x| is_kazakh_specific(x.lower))
            .map(|x| (x.upper as u32, x.lower as u32))
            .collect();
        let mut expected = vec![
            (0x4D8, 0x4D9),
            (0x492, 0x493),
            (0x49A, 0x49B),
            (0x4A2, 0x4A3),
            (0x4E8, 0x4E9),
            (0x4B0, 0x4B1),
            (0x4AE, 0x4AF),
            (0x4BA, 0x4BB),
            (0x406, 0x456),
        ];
        let mut got = kazakh.clone();
        got.sort();
        expected.sort();
        assert_eq!(got, expected);
    }

    #[test]
    fn match_agrees_with_table_and_casing_is_simple() {
        for x in LETTERS {
            assert_eq!(
                cyrillic_to_latin2021_char(x.lower),
                Some(x.latin2021),
                "{}",
                x.lower
            );
            assert_eq!(cyrillic_lower(x.upper), x.lower);
            assert_eq!(
                x.upper.to_lowercase().collect::<String>(),
                x.lower.to_string()
            );
        }
    }
}
