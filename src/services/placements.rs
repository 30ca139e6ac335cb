//! What a save needs to know of the item at a session's position, kept in memory: a placement never
//! changes once made (an adaptive section's later items are new placements, read when first asked for), so
//! an entry never goes stale and instances need no invalidation. A session's placements are kept all at
//! once, a few bytes each, when it starts or when this instance first saves to it; the map is cleared when
//! it grows past [`PlacementCache::MAX`].

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU32, Ordering};

use item_bank::bank::ItemType;
use uuid::Uuid;

use crate::store::Connection;
use crate::store::delivery as store;

/// The item at one position, as a save checks an answer against it.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    pub section_idx: i32,
    pub item_type: ItemType,
    pub option_count: usize,
    /// Chosen adaptively: its answer is final once the next item is shown.
    pub adaptive: bool,
}

impl Placement {
    fn of(item: &store::SessionItem) -> anyhow::Result<Placement> {
        Ok(Placement {
            section_idx: item.section_idx,
            item_type: serde_json::from_value(serde_json::Value::String(item.item_type.clone()))?,
            option_count: item.option_order.as_array().map_or(0, Vec::len),
            adaptive: item.adaptive,
        })
    }
}

/// A placement and the saves this instance has counted at it.
struct Entry {
    placement: Placement,
    saves: AtomicU32,
}

/// Placements by (session, position).
#[derive(Default)]
pub struct PlacementCache(RwLock<HashMap<(Uuid, i32), Entry>>);

impl PlacementCache {
    const MAX: usize = 2_000_000;

    /// The placement at `position` of `session_id`; `None` when no item is placed there (yet). A miss
    /// reads every item placed in the session, so that one read serves all of its saves on this instance.
    pub async fn get(
        &self,
        db: &impl Connection,
        session_id: Uuid,
        position: i32,
    ) -> anyhow::Result<Option<Placement>> {
        if let Some(p) = self.peek(session_id, position) {
            return Ok(Some(p));
        }
        self.remember(session_id, &store::items(db, session_id).await?)?;
        Ok(self.peek(session_id, position))
    }

    /// Keeps the placements of `items`, all of `session_id`: a session's items as its start wrote them, or
    /// as they were read.
    pub fn remember(&self, session_id: Uuid, items: &[store::SessionItem]) -> anyhow::Result<()> {
        let placements = items
            .iter()
            .map(|i| {
                let entry = Entry {
                    placement: Placement::of(i)?,
                    saves: AtomicU32::new(0),
                };
                Ok(((session_id, i.position), entry))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut map = self.0.write().expect("placements");
        if map.len() + placements.len() > Self::MAX {
            map.clear();
        }
        for (key, entry) in placements {
            // A placement already known keeps its count.
            map.entry(key).or_insert(entry);
        }
        Ok(())
    }

    /// Counts one save at `position` of `session_id` and returns how many this instance has counted there,
    /// this one included (0 when the placement is not kept). A count starts again when the map is cleared.
    pub fn count_save(&self, session_id: Uuid, position: i32) -> u32 {
        self.0
            .read()
            .expect("placements")
            .get(&(session_id, position))
            .map_or(0, |e| {
                e.saves.fetch_add(1, Ordering::Relaxed).saturating_add(1)
            })
    }

    fn peek(&self, session_id: Uuid, position: i32) -> Option<Placement> {
        self.0
            .read()
            .expect("placements")
            .get(&(session_id, position))
            .map(|e| e.placement)
    }
}
