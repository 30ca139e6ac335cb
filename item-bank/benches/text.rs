//! Normalization and matching of Kazakh text on a realistic mixed corpus.
//!
//! The corpus is the reference transliteration table (Cyrillic and Latin 2021) interleaved with candidate
//! responses as typed: Russian layout, the three Latin alphabets, homoglyphs, capitals, stray punctuation and
//! invisible characters, repeated to about 256 KiB. `nfc` is Unicode NFC alone on the same text, the yardstick
//! for `normalize`.
//!
//! Run: `cargo bench -p item-bank --bench text`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use item_bank::grading::text::{MatchPolicy, TextKey, grade_text};
use item_bank::kazakh;
use unicode_normalization::UnicodeNormalization;

const RESPONSES: &[&str] = &[
    "кітап",
    "Кiтап.",
    "KITAP",
    "kıtap",
    "китап",
    "ki'tap",
    "«қазақ тілі»",
    "Qazaq tılı",
    "казак тили",
    "қазақ\u{A0}тілі",
    "ә\u{200D}же",
    "а\u{308}же",
    "g’ylym",
    "ǵylym",
    "Мен мектепке барамын…",
    "Men mektepke baramyn.",
    "шаhар",
    "кун",
    "сіз?",
    "  Абай  ",
];

fn corpus() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/kazakh-latin-2021.tsv"
    );
    let table = std::fs::read_to_string(path).unwrap_or_default();
    let mut block = String::new();
    for (i, line) in table.lines().skip(1).enumerate() {
        for field in line.split('\t').skip(1) {
            block.push_str(field);
            block.push('\n');
        }
        block.push_str(RESPONSES[i % RESPONSES.len()]);
        block.push('\n');
    }
    block.push_str(&RESPONSES.join("\n"));
    let mut text = String::with_capacity(300 * 1024);
    while text.len() < 256 * 1024 {
        text.push_str(&block);
    }
    text
}

fn normalization(c: &mut Criterion) {
    let text = corpus();
    let mut g = c.benchmark_group("normalization");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("nfc", |b| {
        b.iter(|| black_box(text.as_str()).nfc().collect::<String>())
    });
    g.bench_function("normalize", |b| {
        b.iter(|| kazakh::normalize(black_box(&text)))
    });
    g.bench_function("normalize_minimal", |b| {
        b.iter(|| kazakh::normalize_minimal(black_box(&text)))
    });
    g.bench_function("to_latin2021", |b| {
        b.iter(|| kazakh::to_latin2021(black_box(&text)))
    });
    g.finish();
}

fn matching(c: &mut Criterion) {
    let key = |accept: &[&str], policy| {
        TextKey::new(accept.iter().map(|s| s.to_string()).collect(), policy)
    };
    let mut g = c.benchmark_group("match");
    let standard = key(&["кітап", "kitap"], MatchPolicy::Standard);
    g.bench_function("standard_cyrillic_exact", |b| {
        b.iter(|| grade_text(&standard, black_box("кітап")))
    });
    g.bench_function("standard_homoglyph", |b| {
        b.iter(|| grade_text(&standard, black_box("Кiтап.")))
    });
    g.bench_function("standard_latin", |b| {
        b.iter(|| grade_text(&standard, black_box("KITAP")))
    });
    g.bench_function("standard_wrong", |b| {
        b.iter(|| grade_text(&standard, black_box("кітаптар")))
    });
    let phrase = key(
        &["Мен мектепке барамын.", "Men mektepke baramyn."],
        MatchPolicy::Standard,
    );
    g.bench_function("standard_sentence_latin", |b| {
        b.iter(|| grade_text(&phrase, black_box("men mektepke baramyn")))
    });
    let lenient = key(&["күміс"], MatchPolicy::Lenient);
    g.bench_function("lenient_fold", |b| {
        b.iter(|| grade_text(&lenient, black_box("кумис")))
    });
    let lenient = key(&["күн"], MatchPolicy::Lenient);
    g.bench_function("lenient_ambiguous_fold", |b| {
        b.iter(|| grade_text(&lenient, black_box("кун")))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = normalization, matching
}
criterion_main!(benches);
