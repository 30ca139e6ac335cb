//! Item versions as the delivery path reads them, parsed once per process.
//!
//! A version that reaches delivery (pretest or operational, or placed on a session) never changes (an edit
//! is a new version; the database refuses changes to a used one), so a cached entry never goes stale and
//! instances sharing a database need no invalidation. Drafts, which authors edit, never pass through this
//! cache: authoring reads them from the database. Which versions are *live*, whether they fill pretest
//! slots, and their current IRT parameters (which a calibration run can change) are kept per set of
//! sections together with the bank's revision, a number the database raises at every change to items or
//! parameters: each draw reads that one number, and reads the live bank again only when it moved.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::store::Connection;
use item_bank::bank::Item;

use crate::store::{bank, calibration};

pub use crate::store::ItemKey;

/// The live items of a set of sections as read at a bank revision.
type LiveBank = (i64, Arc<[Arc<Item>]>);

/// Parsed item versions by key, and the live bank per set of sections at a revision.
#[derive(Default)]
pub struct ItemCache {
    items: RwLock<HashMap<ItemKey, Arc<Item>>>,
    live: RwLock<HashMap<Vec<String>, LiveBank>>,
}

impl ItemCache {
    /// The item versions named, reading from `db` only those not yet cached. A key the database does not
    /// hold is absent from the answer.
    pub async fn get_many(
        &self,
        db: &impl Connection,
        keys: &[ItemKey],
    ) -> anyhow::Result<HashMap<ItemKey, Arc<Item>>> {
        let mut found = HashMap::with_capacity(keys.len());
        let mut missing = Vec::new();
        {
            let cache = self.items.read().expect("item cache lock");
            for key in keys {
                match cache.get(key) {
                    Some(item) => {
                        found.insert(key.clone(), item.clone());
                    }
                    None => missing.push(key.clone()),
                }
            }
        }
        if !missing.is_empty() {
            let loaded = bank::item_versions(db, &missing).await?;
            let mut cache = self.items.write().expect("item cache lock");
            for (key, item) in loaded {
                let item = Arc::new(item);
                cache.insert(key.clone(), item.clone());
                found.insert(key, item);
            }
        }
        Ok(found)
    }

    /// Every live item of these sections (the highest live version of each id is the assembler's
    /// choice), carrying its lifecycle's pretest mark and its *current* parameters: a calibration run
    /// applied to the bank changes how forms are assembled and adaptive items chosen from then on. Read
    /// from the database only when the bank's revision has moved since the last read.
    pub async fn active(
        &self,
        db: &impl Connection,
        sections: &[String],
    ) -> anyhow::Result<Arc<[Arc<Item>]>> {
        // The revision is read first: a change that lands while the bank is read leaves the entry
        // tagged with the older number, so the next draw reads again.
        let revision = bank::revision(db).await?;
        if let Some((at, items)) = self.live.read().expect("live bank lock").get(sections)
            && *at == revision
        {
            return Ok(items.clone());
        }
        let items: Arc<[Arc<Item>]> = self.read_active(db, sections).await?.into();
        self.live
            .write()
            .expect("live bank lock")
            .insert(sections.to_vec(), (revision, items.clone()));
        Ok(items)
    }

    async fn read_active(
        &self,
        db: &impl Connection,
        sections: &[String],
    ) -> anyhow::Result<Vec<Arc<Item>>> {
        let live = bank::active_item_keys(db, sections).await?;
        let keys: Vec<ItemKey> = live.iter().map(|(k, _)| k.clone()).collect();
        let pretest: HashMap<ItemKey, bool> = live.into_iter().collect();
        let params = calibration::active_params(db, sections).await?;
        Ok(self
            .get_many(db, &keys)
            .await?
            .into_iter()
            .map(|(key, item)| {
                let current = params.get(&key).filter(|p| **p != item.irt);
                let is_pretest = pretest.get(&key).copied().unwrap_or(item.pretest);
                if current.is_none() && is_pretest == item.pretest {
                    return item;
                }
                let mut updated = (*item).clone();
                if let Some(p) = current {
                    updated.irt = p.clone();
                }
                updated.pretest = is_pretest;
                Arc::new(updated)
            })
            .collect())
    }
}
