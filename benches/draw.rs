//! Whether the item lifecycle makes drawing a form slower: the server's own draw path (the live bank read
//! through `ItemCache::active`, then `assemble`) on an embedded database holding a generated 5,000-item
//! bank, first with every version live (as every item was before the lifecycle), then with a second,
//! non-live version of every item beside it (drafts, versions in review, retired ones), which the
//! lifecycle's `status IN ('pretest', 'operational')` filter has to pass over.
//!
//! - `live bank read …`: a cold read, as after the bank's revision moved (a fresh cache each time).
//! - `draw a form …`: what a start pays with the bank unchanged: the revision read and the assembly.
//!
//! Run: `cargo bench -p synaq --bench draw`

use std::collections::{HashMap, HashSet};
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use item_bank::assembly::{
    AssemblyContext, GenerateOptions, assemble, derive_target, generate_bank,
};
use item_bank::bank::Blueprint;
use item_bank::content::Content;
use sea_orm::{ConnectionTrait, Statement};
use synaq::services::items::ItemCache;
use synaq::store;

fn blueprint() -> Blueprint {
    Blueprint::parse(
        "a1.toml",
        include_str!("../item-bank/content/blueprints/kaztest-a1-preselection.toml"),
    )
    .unwrap()
}

/// Adds a second version of every item in one of the non-live states, by the same statement on both
/// backends (the `items` columns as the bank stores them).
const NON_LIVE_VERSIONS: &str = "INSERT INTO items (id, version, section, level, topic, item_type, status, \
     body, created_at, created_by) SELECT id, version + 1, section, level, topic, item_type, \
     CASE abs(length(id)) % 3 WHEN 0 THEN 'draft' WHEN 1 THEN 'review' ELSE 'retired' END, body, \
     created_at, created_by FROM items";

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("synaq-draw-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/bank.db?mode=rwc", dir.display());
    let pools = rt.block_on(store::connect(&url, 4)).unwrap();
    let mut bp = blueprint();
    let content = Content {
        items: generate_bank(&GenerateOptions::plain(5000, 1)),
        ..Content::default()
    };
    // Stored with the blueprint, as the server does when it imports or saves one.
    bp.target = Some(derive_target(&bp, &content.items));
    rt.block_on(store::bank::import(&pools.write, &content))
        .unwrap();
    let sections: Vec<String> = bp.sections.iter().map(|s| s.id.clone()).collect();
    let (seen, exposure) = (HashSet::new(), HashMap::new());
    let ctx = AssemblyContext {
        exclude: &seen,
        exposure: &exposure,
        target: bp.target.as_ref(),
    };
    let mut seed = 0u64;
    for shape in ["5,000 live", "5,000 live + 5,000 non-live versions"] {
        if shape != "5,000 live" {
            rt.block_on(pools.write.execute_raw(Statement::from_string(
                pools.write.get_database_backend(),
                NON_LIVE_VERSIONS,
            )))
            .unwrap();
        }
        c.bench_function(&format!("live bank read, cold, {shape}"), |b| {
            b.iter(|| {
                let cache = ItemCache::default();
                black_box(rt.block_on(cache.active(&pools.read, &sections)).unwrap())
            })
        });
        let cache = ItemCache::default();
        let live = rt.block_on(cache.active(&pools.read, &sections)).unwrap();
        assert_eq!(live.len(), 5000, "only live versions are drawn from");
        c.bench_function(&format!("draw a form, warm, {shape}"), |b| {
            b.iter(|| {
                seed += 1;
                let items = rt.block_on(cache.active(&pools.read, &sections)).unwrap();
                black_box(assemble(&bp, items.iter().map(|i| i.as_ref()), &ctx, seed).unwrap())
            })
        });
    }
    drop(pools);
    std::fs::remove_dir_all(&dir).ok();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
