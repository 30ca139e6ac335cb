//! The language of a page: `?lang=kk|ru|en` chooses it and is remembered in a cookie; without either, the
//! browser's `Accept-Language`; Kazakh when nothing says otherwise. Item content stays Kazakh.

use actix_web::HttpRequest;

/// The cookie that remembers a `?lang=` choice.
const COOKIE: &str = "synaq_lang";

use crate::lang::Lang;

/// A language's name in itself, for the switch.
pub fn endonym(lang: Lang) -> &'static str {
    match lang {
        Lang::Kk => "Қазақша",
        Lang::Ru => "Русский",
        Lang::En => "English",
    }
}

/// The language a request gets, and whether the answer should remember it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chosen {
    pub lang: Lang,
    /// Chosen by `?lang=` just now: the answer sets the cookie.
    remember: bool,
}

impl Chosen {
    /// `?lang=` first (remembered), then the cookie, then `Accept-Language`, then Kazakh.
    pub fn of(req: &HttpRequest) -> Chosen {
        let header = |name| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        Chosen::from_parts(
            req.query_string(),
            header(actix_web::http::header::COOKIE),
            header(actix_web::http::header::ACCEPT_LANGUAGE),
        )
    }

    fn from_parts(query: &str, cookies: &str, accept: &str) -> Chosen {
        if let Some(lang) =
            pairs(query, '&').find_map(|(k, v)| (k == "lang").then(|| Lang::parse(v)).flatten())
        {
            return Chosen {
                lang,
                remember: true,
            };
        }
        let lang = pairs(cookies, ';')
            .find_map(|(k, v)| (k == COOKIE).then(|| Lang::parse(v)).flatten())
            .or_else(|| preferred(accept))
            .unwrap_or(Lang::Kk);
        Chosen {
            lang,
            remember: false,
        }
    }

    /// The `Set-Cookie` value that remembers a choice made with `?lang=`.
    pub fn set_cookie(&self) -> Option<String> {
        self.remember.then(|| {
            format!(
                "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                self.lang.tag()
            )
        })
    }
}

/// `k=v` pairs split by `sep`, trimmed.
fn pairs(s: &str, sep: char) -> impl Iterator<Item = (&str, &str)> {
    s.split(sep)
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
}

/// The first of our languages in an `Accept-Language` header, by its `q` weights.
fn preferred(accept: &str) -> Option<Lang> {
    let mut ranked: Vec<(f32, Lang)> = accept
        .split(',')
        .filter_map(|entry| {
            let mut parts = entry.split(';');
            let lang = Lang::parse(parts.next()?)?;
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, lang))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map(|(_, l)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_wins_and_is_remembered() {
        let c = Chosen::from_parts("x=1&lang=ru", "synaq_lang=en", "en");
        assert_eq!(c.lang, Lang::Ru);
        assert_eq!(
            c.set_cookie().unwrap(),
            "synaq_lang=ru; Path=/; Max-Age=31536000; SameSite=Lax"
        );
    }

    #[test]
    fn the_cookie_wins_over_the_browser_and_is_not_set_again() {
        let c = Chosen::from_parts("", "a=b; synaq_lang=en", "ru-RU,ru;q=0.9");
        assert_eq!(c.lang, Lang::En);
        assert_eq!(c.set_cookie(), None);
    }

    #[test]
    fn the_browser_preference_follows_its_weights() {
        assert_eq!(
            Chosen::from_parts("", "", "de;q=1, en;q=0.5, ru-KZ;q=0.8").lang,
            Lang::Ru
        );
        assert_eq!(Chosen::from_parts("", "", "EN-gb").lang, Lang::En);
        assert_eq!(Chosen::from_parts("", "", "ru;q=0").lang, Lang::Kk);
    }

    #[test]
    fn unknown_choices_fall_back_to_kazakh() {
        let c = Chosen::from_parts("lang=de", "synaq_lang=fr", "fr");
        assert_eq!(c.lang, Lang::Kk);
        assert_eq!(
            c.set_cookie(),
            None,
            "a language we do not have is not remembered"
        );
    }
}
