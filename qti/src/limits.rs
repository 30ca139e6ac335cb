//! The bounds an import stays within, whatever the upload claims about itself.

/// The largest upload read at all, in bytes.
pub const MAX_PACKAGE_BYTES: u64 = 64 * 1024 * 1024;
/// The most entries a package's zip directory may list.
pub const MAX_ENTRIES: usize = 10_000;
/// The most bytes one entry may decompress to, counted while reading (a header's claim is not trusted).
pub const MAX_ENTRY_BYTES: u64 = 8 * 1024 * 1024;
/// The most bytes all the entries read from one package may decompress to, counted while reading.
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// The deepest element nesting of an XML document.
pub const MAX_XML_DEPTH: usize = 64;
/// The most nodes (elements, text, attributes…) of an XML document.
pub const MAX_XML_NODES: u32 = 200_000;
/// The largest audio file an item may bring: the media upload's own limit. A larger file skips its item.
pub const MAX_AUDIO_BYTES: u64 = 4 * 1024 * 1024;

/// The bounds of one import. [`Limits::default`] takes the constants of this module; tests and callers with
/// other needs may tighten or widen them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub max_package_bytes: u64,
    pub max_entries: usize,
    pub max_entry_bytes: u64,
    pub max_total_bytes: u64,
    pub max_xml_depth: usize,
    pub max_xml_nodes: u32,
    pub max_audio_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_package_bytes: MAX_PACKAGE_BYTES,
            max_entries: MAX_ENTRIES,
            max_entry_bytes: MAX_ENTRY_BYTES,
            max_total_bytes: MAX_TOTAL_BYTES,
            max_xml_depth: MAX_XML_DEPTH,
            max_xml_nodes: MAX_XML_NODES,
            max_audio_bytes: MAX_AUDIO_BYTES,
        }
    }
}
