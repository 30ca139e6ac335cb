//! Building zip archives for the tests. Each test binary uses some of these helpers.
#![allow(dead_code)]

use std::io::{Cursor, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The fixtures directory.
pub fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

/// A zip of `entries` (name, bytes), deflated, in the given order.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A zip of every file below `dir`, named by its path relative to `dir`.
pub fn zip_dir(dir: &Path) -> Vec<u8> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    let entries: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip_of(&entries)
}

/// A minimal manifest listing `items` (href) as QTI 3.0 item resources.
pub fn manifest(items: &[&str]) -> String {
    let resources: String = items
        .iter()
        .enumerate()
        .map(|(i, href)| {
            format!(r#"<resource identifier="r{i}" type="imsqti_item_xmlv3p0" href="{href}"><file href="{href}"/></resource>"#)
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" identifier="m"><organizations/><resources>{resources}</resources></manifest>"#
    )
}
