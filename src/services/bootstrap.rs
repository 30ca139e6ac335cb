//! What the first start of an empty database does: import the starter bank and create the `admin` user;
//! and what the first start after an upgrade fills in (the candidates' search keys). Later starts find
//! all of it and do nothing.

use std::path::Path;

use anyhow::Context;
use item_bank::assembly::{derive_target, exposure_problems, feasibility_problems};

use crate::store::{self, WriteDb, accounts};

/// Imports `content_dir` into an empty bank and checks every blueprint against the bank.
pub async fn ensure_bank(db: &WriteDb, content_dir: &Path) -> anyhow::Result<()> {
    if store::bank::is_empty(db).await? {
        let mut content = item_bank::content::load_dir(content_dir).with_context(|| {
            format!("importing the starter bank from {}", content_dir.display())
        })?;
        // Each blueprint version is stored with its parallel-forms target, derived from the bank it is
        // imported with, so every form drawn for it is held to the same target.
        for bp in &mut content.blueprints {
            if bp.target.is_none() {
                bp.target = Some(derive_target(bp, &content.items));
            }
        }
        store::bank::import(db, &content).await?;
        tracing::info!(
            items = content.items.len(),
            blueprints = content.blueprints.len(),
            media = content.media.len(),
            "imported the starter bank"
        );
    }
    let added = store::calibration::ensure_params(db).await?;
    if added > 0 {
        tracing::info!(
            items = added,
            "recorded the authors' item parameters as provisional"
        );
    }
    for bp in store::bank::latest_blueprints(db).await? {
        let sections: Vec<String> = bp.sections.iter().map(|s| s.id.clone()).collect();
        let items = store::bank::active_items(db, &sections).await?;
        for problem in feasibility_problems(&bp, &items) {
            tracing::warn!(blueprint = %bp.id, %problem, "the bank cannot carry this blueprint");
        }
        for problem in exposure_problems(&bp, &items) {
            tracing::warn!(blueprint = %bp.id, %problem, "the bank cannot keep this blueprint's exposure cap");
        }
    }
    Ok(())
}

/// Fills in the search key of candidates stored before keys existed, a batch at a time (a start after
/// the upgrade does it once; later starts find none).
pub async fn ensure_candidate_keys(db: &WriteDb) -> anyhow::Result<()> {
    let mut filled = 0;
    loop {
        let batch = store::registration::candidates_without_name_key(db, 500).await?;
        if batch.is_empty() {
            break;
        }
        for (id, full_name) in batch {
            let key = super::registration::name_key(&full_name);
            store::registration::set_name_key(db, id, &key).await?;
            filled += 1;
        }
    }
    if filled > 0 {
        tracing::info!(candidates = filled, "stored the candidates' search keys");
    }
    Ok(())
}

/// Creates `admin` when there is no user at all. The password is `admin_password`, or a random one that
/// is printed once to the terminal (never to the log).
pub async fn ensure_admin(db: &WriteDb, admin_password: Option<String>) -> anyhow::Result<()> {
    if accounts::count_users(db).await? > 0 {
        return Ok(());
    }
    let (password, generated) = match admin_password {
        Some(p) => (p, false),
        None => (crate::auth::secrets::new_client_secret(), true),
    };
    super::accounts::create_user(db, "admin", &password, "admin").await?;
    if generated {
        println!("Created the user 'admin' with the password: {password}");
        println!(
            "It is shown this once; change it or set SYNAQ_ADMIN_PASSWORD before the first start."
        );
    }
    tracing::info!("created the admin user");
    Ok(())
}
