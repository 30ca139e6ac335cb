//! Importing a generated content package of 1,000 listening items with audio: unzipping, XML parsing,
//! the Ogg probe of every clip and the validation of every item.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qti::{Limits, import};

#[path = "support/bulk.rs"]
mod bulk;

fn import_package(c: &mut Criterion) {
    let package = bulk::package(1000);
    let mut group = c.benchmark_group("qti");
    group.sample_size(20);
    group.throughput(Throughput::Elements(1000));
    group.bench_function("import 1000 items with audio", |b| {
        b.iter(|| {
            let report = import(&package, &Limits::default()).unwrap();
            assert_eq!(report.imported.len(), 1000);
            report
        })
    });
    group.finish();
}

criterion_group!(benches, import_package);
criterion_main!(benches);
