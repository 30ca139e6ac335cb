//! Items that parse but cannot be imported as they stand: each is skipped with a reason that names what
//! is unsupported, and the rest of the upload is imported.

mod support;

use qti::{Limits, import};

const CHOICE: &str = include_str!("fixtures/items/choice-purl-template.xml");
const GAP: &str = include_str!("fixtures/items/text-entry-gap.xml");

/// The reason `item` is skipped with; panics if it is imported.
fn reason(item: &str) -> String {
    let report = import(item.as_bytes(), &Limits::default()).unwrap();
    assert!(
        report.imported.is_empty(),
        "{item}: imported {:?}",
        report.imported
    );
    assert_eq!(report.skipped.len(), 1);
    report.skipped[0].reason.clone()
}

#[test]
fn choice_items_that_are_not_single_choice_with_one_key() {
    for (from, to, expected) in [
        (
            "<qti-value>ChoiceB</qti-value>",
            "<qti-value>ChoiceZ</qti-value>",
            "names no choice",
        ),
        ("<qti-value>ChoiceB</qti-value>", "", "no correct response"),
        (r#"max-choices="1""#, r#"max-choices="2""#, "max-choices=2"),
        (
            r#"cardinality="single" base-type="identifier""#,
            r#"cardinality="multiple" base-type="identifier""#,
            "cardinality multiple",
        ),
        (
            r#"response-identifier="RESPONSE""#,
            r#"response-identifier="OTHER""#,
            "no response declaration",
        ),
        (r#"adaptive="false""#, r#"adaptive="true""#, "adaptive"),
        (
            "  <qti-outcome-declaration",
            "  <qti-template-declaration identifier=\"T\" cardinality=\"single\" base-type=\"integer\"/>\n  <qti-outcome-declaration",
            "templates",
        ),
        (
            "</qti-item-body>",
            "</qti-item-body>\n  <qti-modal-feedback outcome-identifier=\"FEEDBACK\" identifier=\"x\" show-hide=\"show\">Жарайсың!</qti-modal-feedback>",
            "feedback",
        ),
        (
            "rptemplates/match_correct.xml",
            "rptemplates/map_response_point.xml",
            "map_response_point",
        ),
        (
            "<qti-simple-choice identifier=\"ChoiceD\">10 жаста",
            "<qti-simple-choice identifier=\"ChoiceD\"><img src=\"x.png\" alt=\"\"/>10 жаста",
            "<img> inside",
        ),
        (
            "</qti-choice-interaction>",
            "</qti-choice-interaction><p><qti-text-entry-interaction response-identifier=\"RESPONSE\"/></p>",
            "several interactions",
        ),
        (
            "<p>Менің",
            "<qti-assessment-stimulus-ref identifier=\"s\" href=\"s.xml\"/><p>Менің",
            "not supported",
        ),
        (
            r#"data-synaq-level="A2""#,
            r#"data-synaq-level="Z9""#,
            "data-synaq-level",
        ),
        ("<em>он екі</em>", "<math><mn>12</mn></math>", "MathML"),
    ] {
        assert!(CHOICE.contains(from), "{from}");
        let item = CHOICE.replacen(from, to, 1);
        let got = reason(&item);
        assert!(got.contains(expected), "{from} → {to}: {got}");
    }
}

#[test]
fn text_items_that_cannot_be_graded_as_text() {
    for (from, to, expected) in [
        (r#"base-type="string""#, r#"base-type="float""#, "base-type"),
        (
            r#"data-synaq-policy="lenient""#,
            r#"data-synaq-policy="fuzzy""#,
            "data-synaq-policy",
        ),
        // The validator's word: an answer both accepted and rejected.
        (
            r#"map-key="сүтті" mapped-value="0""#,
            r#"map-key="СҮТПЕН!" mapped-value="0""#,
            "both accepted and rejected",
        ),
    ] {
        assert!(GAP.contains(from), "{from}");
        let got = reason(&GAP.replacen(from, to, 1));
        assert!(got.contains(expected), "{from} → {to}: {got}");
    }
}

#[test]
fn media_the_item_cannot_bring() {
    let with_audio = |src: &str| {
        CHOICE.replacen(
            "<p>Менің",
            &format!(
                "<qti-rubric-block use=\"transcript\" view=\"author\"><p>Сәлем</p></qti-rubric-block><audio src=\"{src}\"/><p>Менің"
            ),
            1,
        )
    };
    // One XML file brings no media.
    assert!(reason(&with_audio("a.ogg")).contains("not in the upload"));
    assert!(reason(&with_audio("https://cdn.example.org/a.ogg")).contains("another site"));

    let manifest = support::manifest(&["items/x.xml"]);
    let opus = include_bytes!("fixtures/package/media/tone-opus.ogg");
    let item = with_audio("../media/a.ogg");
    let in_package = |audio: &[u8], limits: &Limits| {
        let zip = support::zip_of(&[
            ("imsmanifest.xml", manifest.as_bytes()),
            ("items/x.xml", item.as_bytes()),
            ("media/a.ogg", audio),
        ]);
        import(&zip, limits).unwrap()
    };
    // Content is sniffed: an MP3 named .ogg is not Ogg.
    let mp3 = in_package(
        b"ID3\x03\x00\x00\x00\x00\x00\x00 mp3 frames",
        &Limits::default(),
    );
    assert!(
        mp3.skipped[0].reason.contains("not Ogg"),
        "{:?}",
        mp3.skipped
    );
    let small = Limits {
        max_audio_bytes: 100,
        ..Limits::default()
    };
    let large = in_package(opus, &small);
    assert!(
        large.skipped[0].reason.contains("larger than 100 bytes"),
        "{:?}",
        large.skipped
    );
    let fine = in_package(opus, &Limits::default());
    assert_eq!(fine.imported.len(), 1, "{:?}", fine.skipped);
    let item = &fine.imported[0].item;
    assert_eq!(
        (item.section.as_str(), item.transcript.as_deref()),
        ("listening", Some("Сәлем"))
    );
}

#[test]
fn pictures_must_be_safe_svg() {
    let manifest = support::manifest(&["items/x.xml"]);
    let item = CHOICE.replacen(
        "<p>Менің",
        "<p><img src=\"../images/p.svg\" alt=\"\"/></p><p>Менің",
        1,
    );
    let with_picture = |svg: &[u8]| {
        let zip = support::zip_of(&[
            ("imsmanifest.xml", manifest.as_bytes()),
            ("items/x.xml", item.as_bytes()),
            ("images/p.svg", svg),
        ]);
        import(&zip, &Limits::default()).unwrap()
    };
    let script = with_picture(b"<svg><script>alert(1)</script></svg>");
    assert!(
        script.skipped[0].reason.contains("script"),
        "{:?}",
        script.skipped
    );
    let untitled =
        with_picture(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>");
    assert!(
        untitled.skipped[0].reason.contains("text alternative"),
        "{:?}",
        untitled.skipped
    );
    let clock = with_picture(
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>Сағат: 7:30.</title><circle r=\"4\"/></svg>"
            .as_bytes(),
    );
    let item = &clock.imported[0].item;
    assert_eq!(item.image.as_deref(), Some("images/family-choice-01.svg"));
    assert!(clock.imported[0].image.is_some());
}

#[test]
fn one_skipped_item_does_not_stop_the_others() {
    let two = CHOICE.replace(
        "<qti-value>ChoiceB</qti-value>",
        "<qti-value>ChoiceA</qti-value><qti-value>ChoiceB</qti-value>",
    );
    let manifest = support::manifest(&["items/bad.xml", "items/good.xml"]);
    let zip = support::zip_of(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("items/bad.xml", two.as_bytes()),
        ("items/good.xml", GAP.as_bytes()),
    ]);
    let report = import(&zip, &Limits::default()).unwrap();
    assert_eq!(report.imported.len(), 1);
    assert_eq!(report.imported[0].item.id, "rd-a1-food-gap-002");
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].identifier, "Family_Choice.01");
}

#[test]
fn the_validator_has_the_last_word_and_a_refused_item_keeps_no_id() {
    let extra: String = (0..3)
        .map(|i| format!("<qti-simple-choice identifier=\"X{i}\">{i} жаста</qti-simple-choice>"))
        .collect();
    let seven = CHOICE.replacen(
        "</qti-choice-interaction>",
        &format!("{extra}</qti-choice-interaction>"),
        1,
    );
    let manifest = support::manifest(&["items/seven.xml", "items/four.xml"]);
    let zip = support::zip_of(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("items/seven.xml", seven.as_bytes()),
        ("items/four.xml", CHOICE.as_bytes()),
    ]);
    let report = import(&zip, &Limits::default()).unwrap();
    assert!(
        report.skipped[0].reason.contains("2 to 6 options"),
        "{:?}",
        report.skipped
    );
    assert_eq!(report.imported[0].item.id, "family-choice-01");
}
