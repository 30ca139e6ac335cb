//! The authors' pages: the item bank (`/author`: filters, search, paging), one item
//! (`/author/items/{id}`: its preview as candidates see it, its characteristic curve, the lifecycle
//! buttons with a comment, the draft editor, versions, status history and statistics), a new item
//! (`/author/items/new`), QTI import and export (`/author/qti`), blueprints (`/author/blueprints`,
//! `/author/blueprints/{id}` with the feasibility report and the simulation picture) and calibration
//! runs (`/author/calibration`, `/author/calibration/{id}` with the before-and-after picture). Each is a
//! frame its script fills from the API; the pictures are drawn by the server (`crate::plot`).

mod blueprints;
mod calibration;
mod items;
mod qti;

use actix_web::web;
use maud::{Markup, html};

use crate::pages::Lang;
use crate::pages::text::get;

pub fn configure(cfg: &mut web::ServiceConfig) {
    items::configure(cfg);
    qti::configure(cfg);
    blueprints::configure(cfg);
    calibration::configure(cfg);
}

/// The id in an item's or a blueprint's address, when it has the form such ids take.
fn bank_id(raw: &str) -> Option<String> {
    item_bank::bank::is_valid_id(raw).then(|| raw.to_owned())
}

/// A figure the script fills with a picture the server draws: an `img` (its alternative text set from
/// the picture's own description) and a caption.
fn picture(lang: Lang, id: &str, caption: &str) -> Markup {
    let t = |key: &str| get(lang, key);
    html! {
        figure.plot {
            img id=(id) alt=(t("author.picture_loading")) hidden;
            figcaption { (t(caption)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_names_an_item_only_in_the_form_ids_take() {
        assert_eq!(bank_id("rd-a1-x-001").as_deref(), Some("rd-a1-x-001"));
        assert_eq!(bank_id("Rd"), None);
        assert_eq!(bank_id("a b"), None);
        assert_eq!(bank_id(""), None);
    }
}
