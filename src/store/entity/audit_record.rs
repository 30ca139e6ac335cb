//! The `audit_log` table: one append-only record per change to the bank, chained by hashes (see
//! `store::audit`). The database refuses updates and deletes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// 1, 2, 3, … in the order the records were appended.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: DateTimeUtc,
    /// The acting user's id, or `system` for the starter bank's import and the command line.
    pub actor: String,
    /// What was done (`create`, `edit`, `new_version`, `transition`, `parameters`, `upload`, `import`).
    pub action: String,
    /// What it was done to (`item`, `blueprint`, `media`, `parameters`).
    pub entity: String,
    /// Which one (`<item id>@<version>`, `<blueprint id>@<version>`, the media id).
    pub entity_id: String,
    /// SHA-256 (hex) of the entity's canonical JSON before the change; `None` for a creation.
    pub before_digest: Option<String>,
    /// SHA-256 (hex) of the entity's canonical JSON after the change.
    pub after_digest: Option<String>,
    /// The previous record's `hash` (64 zeros for the first record).
    pub prev_hash: String,
    /// SHA-256 (hex) over `prev_hash` and this record's fields (see `store::audit::record_hash`).
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
