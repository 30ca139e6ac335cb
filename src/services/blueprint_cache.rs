//! Blueprint versions as delivery reads them, parsed once per process. A stored version never changes (a
//! change is saved as the next version), so an entry never goes stale and instances need no invalidation.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use item_bank::bank::Blueprint;
use uuid::Uuid;

use super::AppState;
use crate::error::ApiError;
use crate::store::{Connection, bank};

/// Parsed blueprint versions by (id, version).
#[derive(Default)]
pub struct BlueprintCache(RwLock<HashMap<(String, i32), Arc<Blueprint>>>);

impl BlueprintCache {
    /// Blueprint `id` at `version`; `None` when it is not stored.
    pub async fn get(
        &self,
        db: &impl Connection,
        id: &str,
        version: i32,
    ) -> anyhow::Result<Option<Arc<Blueprint>>> {
        let key = (id.to_owned(), version);
        if let Some(bp) = self.0.read().expect("blueprint cache").get(&key) {
            return Ok(Some(bp.clone()));
        }
        let Some(bp) = bank::blueprint(db, id, Some(version)).await? else {
            return Ok(None);
        };
        let bp = Arc::new(bp);
        self.0
            .write()
            .expect("blueprint cache")
            .insert(key, bp.clone());
        Ok(Some(bp))
    }

    /// The blueprint version of a registration's sitting.
    pub async fn of_registration(
        &self,
        state: &AppState,
        registration_id: Uuid,
    ) -> Result<Arc<Blueprint>, ApiError> {
        let admission = state
            .admissions
            .get(state, registration_id)
            .await?
            .ok_or(ApiError::NotFound("registration"))?;
        let (id, version) = &admission.blueprint;
        self.get(&state.db, id, *version).await?.ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!(
                "sitting {} names blueprint {id} v{version}, which is not stored",
                admission.sitting_id
            ))
        })
    }
}
