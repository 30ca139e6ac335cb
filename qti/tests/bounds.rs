//! The bounds of an import: sizes counted while decompressing (zip bombs), entry counts, unsafe paths,
//! broken archives, deep or DTD-laden XML. Each is an error, and nothing is imported.

mod support;

use qti::{Limits, QtiError, import};

const ITEM: &str = include_str!("fixtures/items/choice-purl-template.xml");

fn package(entries: &[(&str, &[u8])]) -> Vec<u8> {
    support::zip_of(entries)
}

/// A package whose one item is `item` at `items/x.xml`.
fn package_of(item: &[u8]) -> Vec<u8> {
    let manifest = support::manifest(&["items/x.xml"]);
    package(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("items/x.xml", item),
    ])
}

/// Overwrites the uncompressed size that the local and central headers of every entry claim.
fn understate_sizes(zip: &mut [u8], claimed: u32) {
    let mut i = 0;
    while i + 4 <= zip.len() {
        match &zip[i..i + 4] {
            b"PK\x03\x04" => zip[i + 22..i + 26].copy_from_slice(&claimed.to_le_bytes()),
            b"PK\x01\x02" => zip[i + 24..i + 28].copy_from_slice(&claimed.to_le_bytes()),
            _ => {}
        }
        i += 1;
    }
}

#[test]
fn a_zip_bomb_stops_at_the_entry_limit() {
    // 9 MiB of spaces after the item: well-formed XML that deflates to a few kilobytes.
    let mut bomb = ITEM.as_bytes().to_vec();
    bomb.extend(std::iter::repeat_n(b' ', 9 * 1024 * 1024));
    let honest = package_of(&bomb);
    assert!(honest.len() < 100 * 1024, "{}", honest.len());
    assert!(matches!(
        import(&honest, &Limits::default()),
        Err(QtiError::EntryTooLarge { name, .. }) if name == "items/x.xml"
    ));
    // The same archive with headers that claim 1 000 bytes: what is read is counted, not what is claimed,
    // and the reader refuses an entry that runs past its header's claim.
    let mut lying = honest.clone();
    understate_sizes(&mut lying, 1000);
    match import(&lying, &Limits::default()) {
        Err(QtiError::EntryTooLarge { name, .. }) => assert_eq!(name, "items/x.xml"),
        Err(QtiError::Zip(message)) => assert!(message.contains("larger than"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_total_decompressed_size_is_bounded() {
    let manifest = support::manifest(&["items/a.xml", "items/b.xml"]);
    let zip = package(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("items/a.xml", ITEM.as_bytes()),
        ("items/b.xml", ITEM.as_bytes()),
    ]);
    let limits = Limits {
        max_total_bytes: (manifest.len() + ITEM.len() + ITEM.len() / 2) as u64,
        ..Limits::default()
    };
    assert!(matches!(
        import(&zip, &limits),
        Err(QtiError::TotalTooLarge { .. })
    ));
    let roomy = Limits {
        max_total_bytes: (manifest.len() + 2 * ITEM.len()) as u64,
        ..Limits::default()
    };
    assert_eq!(import(&zip, &roomy).unwrap().imported.len(), 2);
}

#[test]
fn the_upload_size_and_entry_count_are_bounded() {
    let zip = package_of(ITEM.as_bytes());
    let small = Limits {
        max_package_bytes: zip.len() as u64 - 1,
        ..Limits::default()
    };
    assert!(matches!(
        import(&zip, &small),
        Err(QtiError::PackageTooLarge { .. })
    ));
    let few = Limits {
        max_entries: 1,
        ..Limits::default()
    };
    assert_eq!(
        import(&zip, &few).unwrap_err(),
        QtiError::TooManyEntries { count: 2, limit: 1 }
    );
}

#[test]
fn entry_names_that_leave_the_package_are_refused() {
    let manifest = support::manifest(&["items/x.xml"]);
    for evil in [
        "../../etc/cron.d/x",
        "/etc/passwd",
        "items\\..\\x.xml",
        "C:/x.xml",
    ] {
        let zip = package(&[
            ("imsmanifest.xml", manifest.as_bytes()),
            ("items/x.xml", ITEM.as_bytes()),
            (evil, b"x"),
        ]);
        assert!(
            matches!(import(&zip, &Limits::default()), Err(QtiError::UnsafePath { path }) if path == evil),
            "{evil}"
        );
    }
}

#[test]
fn manifest_hrefs_and_media_that_leave_the_package_are_refused() {
    let manifest = support::manifest(&["../x.xml"]);
    let zip = package(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("x.xml", ITEM.as_bytes()),
    ]);
    assert!(matches!(
        import(&zip, &Limits::default()),
        Err(QtiError::UnsafePath { .. })
    ));

    let item = ITEM.replace(
        "<qti-choice-interaction",
        r#"<audio src="../../../secret.ogg"/><qti-choice-interaction"#,
    );
    assert!(matches!(
        import(&package_of(item.as_bytes()), &Limits::default()),
        Err(QtiError::UnsafePath { path }) if path == "../../../secret.ogg"
    ));
}

#[test]
fn broken_or_incomplete_packages_are_errors() {
    assert!(matches!(
        import(b"PK\x03\x04 not really a zip", &Limits::default()),
        Err(QtiError::Zip(_))
    ));
    let no_manifest = package(&[("items/x.xml", ITEM.as_bytes())]);
    assert_eq!(
        import(&no_manifest, &Limits::default()).unwrap_err(),
        QtiError::NoManifest
    );
    let manifest = support::manifest(&["items/missing.xml"]);
    let missing = package(&[("imsmanifest.xml", manifest.as_bytes())]);
    assert_eq!(
        import(&missing, &Limits::default()).unwrap_err(),
        QtiError::MissingFile {
            path: "items/missing.xml".into()
        }
    );
    let broken_manifest = package(&[("imsmanifest.xml", b"<manifest><resources>")]);
    assert!(matches!(
        import(&broken_manifest, &Limits::default()),
        Err(QtiError::Xml { .. })
    ));
}

#[test]
fn deep_xml_and_dtds_are_refused() {
    let deep = ITEM
        .replace("<p>Менің", &format!("{}<p>Менің", "<div>".repeat(100)))
        .replace(
            "</p>\n    <qti-choice",
            &format!("</p>{}\n    <qti-choice", "</div>".repeat(100)),
        );
    assert!(matches!(
        import(&package_of(deep.as_bytes()), &Limits::default()),
        Err(QtiError::TooDeep { .. })
    ));

    let entity = ITEM.replacen(
        "<qti-assessment-item",
        "<!DOCTYPE qti-assessment-item [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<qti-assessment-item",
        1,
    );
    assert!(matches!(
        import(entity.as_bytes(), &Limits::default()),
        Err(QtiError::Xml { .. })
    ));
}

#[test]
fn what_is_not_qti_is_an_error() {
    for upload in [
        &b"\x00\x01binary"[..],
        b"{\"items\": []}",
        b"<html><body/></html>",
    ] {
        assert!(matches!(
            import(upload, &Limits::default()),
            Err(QtiError::NotQti(_))
        ));
    }
    let manifest = support::manifest(&["items/x.xml"]);
    assert!(matches!(
        import(manifest.as_bytes(), &Limits::default()),
        Err(QtiError::NotQti(_))
    ));
}
