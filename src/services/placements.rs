//! What a save needs to know of the item at a session's position, kept in memory: a placement never
//! changes once made (an adaptive section's later items are new placements, read when first asked for), so
//! an entry never goes stale and instances need no invalidation. Only positions that were saved to are
//! kept, a few bytes each; the map is cleared when it grows past [`PlacementCache::MAX`].

use std::collections::HashMap;
use std::sync::RwLock;

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

/// Placements by (session, position).
#[derive(Default)]
pub struct PlacementCache(RwLock<HashMap<(Uuid, i32), Placement>>);

impl PlacementCache {
    const MAX: usize = 2_000_000;

    /// The placement at `position` of `session_id`; `None` when no item is placed there (yet).
    pub async fn get(
        &self,
        db: &impl Connection,
        session_id: Uuid,
        position: i32,
    ) -> anyhow::Result<Option<Placement>> {
        if let Some(p) = self
            .0
            .read()
            .expect("placements")
            .get(&(session_id, position))
        {
            return Ok(Some(*p));
        }
        let Some(item) = store::item_at(db, session_id, position).await? else {
            return Ok(None);
        };
        let placement = Placement::of(&item)?;
        let mut map = self.0.write().expect("placements");
        if map.len() >= Self::MAX {
            map.clear();
        }
        map.insert((session_id, position), placement);
        Ok(Some(placement))
    }
}
