//! What a session belongs to, loaded in one place: its registration, the sitting, and the blueprint version
//! the sitting pinned when it was created.

use anyhow::Context as _;
use item_bank::bank::Blueprint;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::registration::{self, Registration, Sitting};

/// A registration with its sitting and pinned blueprint.
#[derive(Debug, Clone)]
pub struct SessionContext {
    pub registration: Registration,
    pub sitting: Sitting,
    /// The blueprint version the sitting was created with (later versions never change a sitting).
    pub blueprint: Blueprint,
}

impl SessionContext {
    /// The context of `registration_id`; `None` when there is no such registration. A registration whose
    /// sitting or blueprint is missing is a broken database, not a missing resource: an error.
    pub async fn load(
        db: &impl ConnectionTrait,
        registration_id: Uuid,
    ) -> anyhow::Result<Option<SessionContext>> {
        let Some(registration) = registration::registration(db, registration_id).await? else {
            return Ok(None);
        };
        let sitting = registration::sitting(db, registration.sitting_id)
            .await?
            .with_context(|| format!("registration {registration_id} has no sitting"))?;
        let blueprint =
            super::bank::blueprint(db, &sitting.blueprint_id, Some(sitting.blueprint_version))
                .await?
                .with_context(|| {
                    format!(
                        "sitting {} names blueprint {} v{}, which is not stored",
                        sitting.id, sitting.blueprint_id, sitting.blueprint_version
                    )
                })?;
        Ok(Some(SessionContext {
            registration,
            sitting,
            blueprint,
        }))
    }
}
