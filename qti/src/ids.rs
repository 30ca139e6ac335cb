//! Synaq item ids from QTI identifiers: lowercased, reduced to `[a-z0-9-]`, at most 64 characters, and
//! unique within one import.

use std::collections::HashSet;

/// The most characters of an id.
const MAX_ID: usize = 64;

/// The ids given so far in one import.
#[derive(Default)]
pub(crate) struct Ids(HashSet<String>);

impl Ids {
    /// The id for `identifier`: [`derive`]d, then `-2`, `-3`, … appended if an earlier item took it.
    pub(crate) fn assign(&mut self, identifier: &str) -> String {
        let base = derive(identifier);
        let mut id = base.clone();
        let mut n = 2;
        while self.0.contains(&id) {
            let suffix = format!("-{n}");
            let stem = base[..base.len().min(MAX_ID - suffix.len())].trim_end_matches('-');
            id = format!("{stem}{suffix}");
            n += 1;
        }
        self.0.insert(id.clone());
        id
    }

    /// Gives `id` back, for an item that was not imported after all.
    pub(crate) fn release(&mut self, id: &str) {
        self.0.remove(id);
    }
}

/// `identifier` lowercased, every run of characters outside `[a-z0-9]` turned into one `-`, without a
/// leading or trailing `-`, cut to 64 characters; `item` if nothing is left.
pub(crate) fn derive(identifier: &str) -> String {
    let mut id = String::new();
    for c in identifier.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    id.truncate(MAX_ID);
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "item".to_owned()
    } else {
        id.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn derives_ids_from_identifiers() {
        assert_eq!(derive("Choice_Item.01"), "choice-item-01");
        assert_eq!(derive("--RD  A1__x--"), "rd-a1-x");
        assert_eq!(derive("сұрақ"), "item");
        assert_eq!(derive("rd-a1-food-gap-001"), "rd-a1-food-gap-001");
        assert_eq!(derive(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn deduplicates() {
        let mut ids = Ids::default();
        assert_eq!(ids.assign("Q1"), "q1");
        assert_eq!(ids.assign("q1"), "q1-2");
        assert_eq!(ids.assign("q_1"), "q-1");
        assert_eq!(ids.assign("Q1"), "q1-3");
        ids.release("q1-3");
        assert_eq!(ids.assign("Q1"), "q1-3");
        let long = "a".repeat(70);
        assert_eq!(ids.assign(&long).len(), 64);
        let second = ids.assign(&long);
        assert_eq!(second.len(), 64);
        assert!(second.ends_with("-2"));
    }

    proptest! {
        #[test]
        fn every_id_is_valid_and_unique(identifiers in proptest::collection::vec(".{0,80}", 1..20)) {
            let mut ids = Ids::default();
            let mut seen = HashSet::new();
            for identifier in &identifiers {
                let id = ids.assign(identifier);
                prop_assert!((1..=64).contains(&id.len()), "{id}");
                prop_assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
                prop_assert!(seen.insert(id));
            }
        }
    }
}
