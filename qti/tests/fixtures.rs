//! Importing the hand-written fixtures: items in the style of the QTI 3.0 examples, one by one and as a
//! content package.

mod support;

use item_bank::bank::{ItemType, Level, MatchPolicy, ParamStatus, WritingSpec};
use item_bank::irt::ItemModel;
use qti::{Codec, ImportReport, Limits, QtiError, import};

fn import_fixture(name: &str) -> Result<ImportReport, QtiError> {
    let bytes = std::fs::read(support::fixtures().join("items").join(name)).unwrap();
    import(&bytes, &Limits::default())
}

fn only_item(report: &ImportReport) -> &item_bank::bank::Item {
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(report.imported.len(), 1);
    &report.imported[0].item
}

fn only_skip(report: &ImportReport) -> &str {
    assert!(report.imported.is_empty(), "{:?}", report.imported);
    assert_eq!(report.skipped.len(), 1);
    &report.skipped[0].reason
}

#[test]
fn a_choice_item_with_the_purl_template() {
    let report = import_fixture("choice-purl-template.xml").unwrap();
    let item = only_item(&report);
    assert_eq!(item.id, "family-choice-01");
    assert_eq!(report.imported[0].identifier, "Family_Choice.01");
    assert_eq!(item.item_type, ItemType::SingleChoice);
    assert_eq!(item.version, 1);
    assert_eq!(item.stem, "Арман неше жаста?");
    assert_eq!(
        item.stimulus.as_deref(),
        Some("Менің атым Әсел. Мен жиырма жастамын. Менің інім Арман он екі жаста.")
    );
    let options: Vec<(&str, &str)> = item
        .options
        .iter()
        .map(|o| (o.id.as_str(), o.text.as_str()))
        .collect();
    assert_eq!(
        options,
        [
            ("a", "20 жаста"),
            ("b", "12 жаста"),
            ("c", "2 жаста"),
            ("d", "10 жаста")
        ]
    );
    assert_eq!(item.key.as_deref(), Some("b"));
    assert_eq!(
        report.imported[0].choice_ids[1],
        ("ChoiceB".to_owned(), "b".to_owned())
    );
    // Metadata from the extension; the section from the absence of audio.
    assert_eq!(
        (item.level, item.topic.as_str(), item.section.as_str()),
        (Level::A2, "family", "reading")
    );
    // Provisional 3PL defaults with the chance of guessing among four options.
    assert_eq!(item.irt.status, ParamStatus::Provisional);
    assert_eq!(item.irt.params.model(), ItemModel::ThreePl);
    assert_eq!((item.irt.params.a(), item.irt.params.c()), (1.0, 0.25));
    assert_eq!(item.irt.params.locations(), [0.0]);
}

#[test]
fn a_choice_item_with_the_imsglobal_template_and_no_prompt() {
    let report = import_fixture("choice-imsglobal-template.xml").unwrap();
    let item = only_item(&report);
    assert_eq!(item.stem, "Қазақстанның астанасы қай қала?");
    assert_eq!(item.stimulus, None);
    assert_eq!(item.key.as_deref(), Some("b"));
    assert_eq!(
        (item.level, item.topic.as_str()),
        (qti::DEFAULT_LEVEL, qti::DEFAULT_TOPIC)
    );
    assert!((item.irt.params.c() - 1.0 / 3.0).abs() < 1e-12);
}

#[test]
fn a_gap_fill_with_its_mapping_and_policy() {
    let report = import_fixture("text-entry-gap.xml").unwrap();
    let item = only_item(&report);
    assert_eq!(item.item_type, ItemType::GapFill);
    assert_eq!(item.stem, "Мен шайды ____ ішемін. (сүт)");
    let key = item.text_key.as_ref().unwrap();
    assert_eq!(key.accept, ["сүтпен", "sütpen"]);
    assert_eq!(key.reject, ["сүтті"]);
    assert_eq!(key.policy, MatchPolicy::Lenient);
    assert_eq!(item.irt.params.model(), ItemModel::TwoPl);
    assert_eq!(item.topic, "food");
}

#[test]
fn a_short_answer_takes_the_standard_policy() {
    let report = import_fixture("text-entry-short.xml").unwrap();
    let item = only_item(&report);
    assert_eq!(item.item_type, ItemType::ShortAnswer);
    assert_eq!(item.stem, "Жылдың бірінші айы қалай аталады?");
    let key = item.text_key.as_ref().unwrap();
    assert_eq!(
        (key.accept.as_slice(), key.policy),
        (&["қаңтар".to_owned()][..], MatchPolicy::Standard)
    );
}

#[test]
fn an_essay_is_a_writing_item_that_cannot_go_live() {
    let report = import_fixture("extended-text.xml").unwrap();
    let item = only_item(&report);
    assert_eq!(item.id, "essay-family");
    assert_eq!(item.item_type, ItemType::Writing);
    assert_eq!(item.stem, "Отбасыңыз туралы бес-алты сөйлем жазыңыз.");
    assert_eq!(item.stimulus.as_deref(), Some("Сіздің отбасыңыз үлкен бе?"));
    assert_eq!(
        (item.level, item.section.as_str()),
        (Level::A2, qti::WRITING_SECTION)
    );
    assert_eq!(
        item.writing,
        Some(WritingSpec {
            expected_lines: Some(8),
            expected_length: None
        })
    );
    assert!((item.options.is_empty(), &item.key, &item.text_key) == (true, &None, &None));
    assert_eq!(
        item.item_type.live_blocker(),
        Some(item_bank::bank::WRITING_NOT_LIVE)
    );
}

#[test]
fn an_essay_asking_for_a_size_out_of_bounds_is_skipped() {
    let xml = std::fs::read_to_string(support::fixtures().join("items/extended-text.xml"))
        .unwrap()
        .replace("expected-lines=\"8\"", "expected-lines=\"0\"");
    let report = import(xml.as_bytes(), &Limits::default()).unwrap();
    assert!(only_skip(&report).contains("1 to 200 lines"), "{report:?}");
    let xml = xml.replace("expected-lines=\"0\"", "expected-lines=\"many\"");
    let report = import(xml.as_bytes(), &Limits::default()).unwrap();
    assert!(
        only_skip(&report).contains("not a whole number"),
        "{report:?}"
    );
}

#[test]
fn unsupported_items_are_skipped_with_their_reason() {
    for (file, identifier, reason) in [
        ("two-correct.xml", "fruit-two", "2 correct answers"),
        (
            "order-interaction.xml",
            "days-order",
            "qti-order-interaction is not supported",
        ),
        (
            "custom-processing.xml",
            "custom-rp",
            "custom response processing",
        ),
    ] {
        let report = import_fixture(file).unwrap();
        assert!(
            only_skip(&report).contains(reason),
            "{file}: {:?}",
            report.skipped
        );
        assert_eq!(report.skipped[0].identifier, identifier);
    }
}

#[test]
fn malformed_xml_is_an_error() {
    assert!(matches!(
        import_fixture("malformed.xml"),
        Err(QtiError::Xml { .. })
    ));
}

#[test]
fn a_content_package_with_media() {
    let package = support::zip_dir(&support::fixtures().join("package"));
    let report = import(&package, &Limits::default()).unwrap();
    let ids: Vec<&str> = report.imported.iter().map(|i| i.item.id.as_str()).collect();
    assert_eq!(ids, ["listening-1", "listening-1-2", "notice-1"]);

    let media = &report.imported[0];
    let item = &media.item;
    assert_eq!(item.section, "listening");
    assert_eq!(item.audio.as_deref(), Some("audio/listening-1.ogg"));
    assert_eq!(
        item.transcript.as_deref(),
        Some("— Сәлеметсіз бе! Менің атым Нұрлан.\n— Танысқаныма қуаныштымын.")
    );
    assert_eq!(item.set.as_deref(), Some("greetings-set-9"));
    assert_eq!(item.key.as_deref(), Some("b"));
    let audio = media.audio.as_ref().unwrap();
    assert_eq!(audio.info.codec, Codec::Opus);
    assert_eq!(
        audio.bytes,
        std::fs::read(support::fixtures().join("package/media/tone-opus.ogg")).unwrap()
    );

    let object = &report.imported[1];
    assert_eq!(object.audio.as_ref().unwrap().info.codec, Codec::Vorbis);
    let item = &object.item;
    assert_eq!(item.audio.as_deref(), Some("audio/listening-1-2.ogg"));

    let reading = &report.imported[2].item;
    assert_eq!(
        reading.stimulus.as_deref(),
        Some("Құрметті жолаушылар!\n12-автобус сенбі күні жүрмейді.")
    );
    assert_eq!(
        (reading.irt.params.a(), reading.irt.params.locations()),
        (1.2, &[-0.8][..])
    );

    let skipped: Vec<(&str, &str)> = report
        .skipped
        .iter()
        .map(|s| (s.identifier.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(skipped[0].0 == "no-transcript" && skipped[0].1.contains("transcript"));
    assert!(skipped[1].0 == "match-colours" && skipped[1].1.contains("qti-match-interaction"));
    assert!(skipped[2].0 == "res-test" && skipped[2].1.contains("tests"));
}

#[test]
fn a_package_with_a_malformed_item_yields_nothing() {
    let good = std::fs::read(support::fixtures().join("items/choice-purl-template.xml")).unwrap();
    let bad = std::fs::read(support::fixtures().join("items/malformed.xml")).unwrap();
    let manifest = support::manifest(&["items/good.xml", "items/bad.xml"]);
    let package = support::zip_of(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("items/good.xml", &good),
        ("items/bad.xml", &bad),
    ]);
    assert!(
        matches!(import(&package, &Limits::default()), Err(QtiError::Xml { file, .. }) if file == "items/bad.xml")
    );
}
