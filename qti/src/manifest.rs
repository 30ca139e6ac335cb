//! `imsmanifest.xml`: which resources of a content package are QTI 3.0 items, and where their files are.

use roxmltree::Node;

use crate::path::manifest_href;
use crate::{Limits, QtiError, xml};

/// The entry name of a package's manifest.
pub(crate) const MANIFEST: &str = "imsmanifest.xml";
/// The resource type of a QTI 3.0 item.
pub(crate) const ITEM_TYPE: &str = "imsqti_item_xmlv3p0";

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// What the importer does with one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resource {
    /// A QTI 3.0 item in the entry `href`.
    Item { identifier: String, href: String },
    /// A resource that is not imported, and why (it appears in the report).
    Skip { identifier: String, reason: String },
}

/// The resources of the manifest `text`, in document order. Files, stylesheets, media and stimuli are
/// not listed: items bring what they use.
pub(crate) fn read(text: &str, limits: &Limits) -> Result<Vec<Resource>, QtiError> {
    let doc = xml::parse(MANIFEST, text, limits)?;
    let root = doc.root_element();
    if root.tag_name().name() != "manifest" {
        return Err(QtiError::Xml {
            file: MANIFEST.into(),
            message: format!(
                "the root element is <{}>, not <manifest>",
                root.tag_name().name()
            ),
        });
    }
    let mut out = Vec::new();
    for resources in children(root, "resources") {
        let base = resources.attribute((XML_NS, "base")).unwrap_or_default();
        for resource in children(resources, "resource") {
            if let Some(r) = resource_of(resource, base)? {
                out.push(r);
            }
        }
    }
    Ok(out)
}

fn children<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn resource_of(node: Node<'_, '_>, base: &str) -> Result<Option<Resource>, QtiError> {
    let identifier = node.attribute("identifier").unwrap_or_default().to_owned();
    let kind = node.attribute("type").unwrap_or_default();
    let skip = |reason: &str| {
        Ok(Some(Resource::Skip {
            identifier: identifier.clone(),
            reason: reason.to_owned(),
        }))
    };
    if kind.starts_with("imsqti_item_xmlv2") {
        return skip("QTI 2 items are not supported (only QTI 3.0)");
    }
    if kind.starts_with("imsqti_test_xml") || kind.starts_with("imsqti_section_xml") {
        return skip(
            "tests and sections are not imported; their items are, from their own resources",
        );
    }
    if kind != ITEM_TYPE {
        return Ok(None);
    }
    let own_base = node.attribute((XML_NS, "base")).unwrap_or_default();
    let base = format!("{base}{own_base}");
    let href = node
        .attribute("href")
        .or_else(|| children(node, "file").find_map(|f| f.attribute("href")));
    let Some(href) = href else {
        return skip("the resource names no file");
    };
    Ok(Some(Resource::Item {
        identifier,
        href: manifest_href(&base, href)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" identifier="m">
  <metadata><schema>QTI Package</schema><schemaversion>3.0.0</schemaversion></metadata>
  <organizations/>
  <resources>
    <resource identifier="i1" type="imsqti_item_xmlv3p0" href="items/one.xml"><file href="items/one.xml"/></resource>
    <resource identifier="i2" type="imsqti_item_xmlv3p0" xml:base="items/"><file href="two.xml"/></resource>
    <resource identifier="t" type="imsqti_test_xmlv3p0" href="test.xml"/>
    <resource identifier="old" type="imsqti_item_xmlv2p2" href="old.xml"/>
    <resource identifier="css" type="webcontent" href="style.css"/>
  </resources>
</manifest>"#;

    #[test]
    fn lists_items_and_says_why_others_are_skipped() {
        let resources = read(MANIFEST_XML, &Limits::default()).unwrap();
        assert_eq!(resources.len(), 4);
        assert_eq!(
            resources[0],
            Resource::Item {
                identifier: "i1".into(),
                href: "items/one.xml".into()
            }
        );
        assert_eq!(
            resources[1],
            Resource::Item {
                identifier: "i2".into(),
                href: "items/two.xml".into()
            }
        );
        assert!(matches!(&resources[2], Resource::Skip { identifier, .. } if identifier == "t"));
        assert!(matches!(&resources[3], Resource::Skip { reason, .. } if reason.contains("QTI 2")));
    }

    #[test]
    fn refuses_hrefs_that_leave_the_package() {
        for href in [
            "../outside.xml",
            "/etc/passwd",
            "items\\x.xml",
            "https://example.org/x.xml",
        ] {
            let xml = MANIFEST_XML.replace("items/one.xml\"><file", &format!("{href}\"><file"));
            assert!(
                matches!(
                    read(&xml, &Limits::default()),
                    Err(QtiError::UnsafePath { .. })
                ),
                "{href}"
            );
        }
    }

    #[test]
    fn malformed_xml_is_an_error() {
        let broken = MANIFEST_XML.replace("</resources>", "");
        assert!(matches!(
            read(&broken, &Limits::default()),
            Err(QtiError::Xml { .. })
        ));
    }
}
