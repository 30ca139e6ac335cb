//! The import: an upload (a content package or one item XML file, told apart by their content) read into
//! Synaq items and a report of what was skipped and why.

use std::collections::HashSet;

use crate::ids::Ids;
use crate::item::{self, Draft, Problem};
use crate::manifest::{self, MANIFEST, Resource};
use crate::package::{Files, NoFiles, Package};
use crate::{ImportReport, ImportedAudio, ImportedItem, Limits, QtiError, Skipped, xml};

/// The name a single uploaded item file goes by in errors.
const UPLOAD: &str = "the uploaded item";

/// Imports `bytes`: a zip content package (`imsmanifest.xml` listing `imsqti_item_xmlv3p0` resources) or a
/// single `qti-assessment-item` XML document, whichever the content is.
///
/// An upload that cannot be read whole (a broken zip, malformed XML in the manifest or in an item, a bound
/// of `limits` exceeded, an unsafe path, a file the manifest names but the package lacks) is an error, and
/// nothing is imported. An item that is read but cannot be imported as it stands (an unsupported
/// interaction, two correct answers, custom response processing, a key the validator refuses, …) is
/// skipped with its reason; the others are imported. Every imported item has passed
/// [`Item::validate`](item_bank::bank::Item::validate) and is a draft at version 1.
pub fn import(bytes: &[u8], limits: &Limits) -> Result<ImportReport, QtiError> {
    let size = bytes.len() as u64;
    if size > limits.max_package_bytes {
        return Err(QtiError::PackageTooLarge {
            size,
            limit: limits.max_package_bytes,
        });
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        import_package(bytes, limits)
    } else {
        import_item_file(bytes, limits)
    }
}

fn import_package(bytes: &[u8], limits: &Limits) -> Result<ImportReport, QtiError> {
    let mut package = Package::open(bytes, limits)?;
    let manifest = package.read(MANIFEST)?.ok_or(QtiError::NoManifest)?;
    let resources = manifest::read(xml::text(MANIFEST, &manifest)?, limits)?;
    let mut report = Report::default();
    let mut read_files = HashSet::new();
    for resource in resources {
        match resource {
            Resource::Skip { identifier, reason } => report.skip(identifier, reason),
            Resource::Item { identifier, href } => {
                if !read_files.insert(href.clone()) {
                    continue;
                }
                let bytes = package
                    .read(&href)?
                    .ok_or_else(|| QtiError::MissingFile { path: href.clone() })?;
                let text = xml::text(&href, &bytes)?;
                let doc = xml::parse(&href, text, limits)?;
                let root = doc.root_element();
                let identifier = root
                    .attribute("identifier")
                    .unwrap_or(&identifier)
                    .to_owned();
                report.add(identifier, item::read(root, &href, &mut package, limits))?;
            }
        }
    }
    Ok(report.done)
}

fn import_item_file(bytes: &[u8], limits: &Limits) -> Result<ImportReport, QtiError> {
    let text = xml::text(UPLOAD, bytes).map_err(|_| QtiError::NotQti("not UTF-8 text".into()))?;
    if !text.trim_start().starts_with('<') {
        return Err(QtiError::NotQti("not XML".into()));
    }
    let doc = xml::parse(UPLOAD, text, limits)?;
    let root = doc.root_element();
    match root.tag_name().name() {
        "qti-assessment-item" | "assessmentItem" => {}
        "manifest" => {
            return Err(QtiError::NotQti(
                "a manifest alone; upload the whole content package as a zip".into(),
            ));
        }
        other => return Err(QtiError::NotQti(format!("the root element is <{other}>"))),
    }
    let identifier = root.attribute("identifier").unwrap_or_default().to_owned();
    let mut report = Report::default();
    report.add(
        identifier,
        item::read(root, "item.xml", &mut NoFiles as &mut dyn Files, limits),
    )?;
    Ok(report.done)
}

/// The report being built, with the ids given so far.
#[derive(Default)]
struct Report {
    done: ImportReport,
    ids: Ids,
}

impl Report {
    fn skip(&mut self, identifier: String, reason: String) {
        self.done.skipped.push(Skipped { identifier, reason });
    }

    /// Adds one item's outcome: a draft is given its id and validated; a fatal problem ends the import.
    fn add(&mut self, identifier: String, read: Result<Draft, Problem>) -> Result<(), QtiError> {
        let draft = match read {
            Ok(draft) => draft,
            Err(Problem::Skip(reason)) => {
                self.skip(identifier, reason);
                return Ok(());
            }
            Err(Problem::Fatal(e)) => return Err(e),
        };
        let mut item = draft.item;
        let id = self.ids.assign(&identifier);
        item.audio = draft.audio.as_ref().map(|_| format!("audio/{id}.ogg"));
        item.image = draft.image.as_ref().map(|_| format!("images/{id}.svg"));
        item.id = id;
        if let Err(reason) = item.validate() {
            self.ids.release(&item.id);
            self.skip(identifier, reason.to_string());
            return Ok(());
        }
        self.done.imported.push(ImportedItem {
            identifier,
            item,
            audio: draft
                .audio
                .map(|(bytes, info)| ImportedAudio { bytes, info }),
            image: draft.image,
            choice_ids: draft.choice_ids,
        });
        Ok(())
    }
}
