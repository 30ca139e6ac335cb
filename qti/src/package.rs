//! Reading a content package (a zip) within the bounds: the upload's size, the number of entries, every
//! entry name checked before use, and each entry's and the package's decompressed size counted while
//! reading, so that an archive whose headers understate what it holds (a zip bomb) stops at the limit.
//! Entries are decompressed only when the manifest or an item names them.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::path::check_entry_name;
use crate::{Limits, QtiError};

/// Where an item's files come from.
pub(crate) trait Files {
    /// The bytes of the entry `name`, `None` if the upload has no such entry.
    fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, QtiError>;
}

/// An upload of one item XML file: it brings no other file.
pub(crate) struct NoFiles;

impl Files for NoFiles {
    fn read(&mut self, _name: &str) -> Result<Option<Vec<u8>>, QtiError> {
        Ok(None)
    }
}

/// An opened zip and what has been read from it so far.
pub(crate) struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    limits: &'a Limits,
    total: u64,
}

impl<'a> Package<'a> {
    /// Opens `bytes` as a zip, refusing too many entries and any unsafe entry name.
    pub(crate) fn open(bytes: &'a [u8], limits: &'a Limits) -> Result<Self, QtiError> {
        let archive =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| QtiError::Zip(e.to_string()))?;
        if archive.len() > limits.max_entries {
            return Err(QtiError::TooManyEntries {
                count: archive.len(),
                limit: limits.max_entries,
            });
        }
        for name in archive.file_names() {
            check_entry_name(&name.map_err(|e| QtiError::Zip(e.to_string()))?)?;
        }
        Ok(Package {
            archive,
            limits,
            total: 0,
        })
    }
}

impl Files for Package<'_> {
    fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, QtiError> {
        let limit = self.limits.max_entry_bytes;
        let too_large = || QtiError::EntryTooLarge {
            name: name.to_owned(),
            limit,
        };
        let entry = match self.archive.by_name(name) {
            Ok(entry) => entry,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(QtiError::Zip(format!("{name}: {e}"))),
        };
        if entry.is_dir() {
            return Ok(None);
        }
        if entry.size() > limit {
            return Err(too_large());
        }
        // The claimed size only sizes the buffer (up to 1 MiB, a claim may lie); what is read is counted.
        let mut bytes = Vec::with_capacity(entry.size().min(1 << 20) as usize + 1);
        entry
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| QtiError::Zip(format!("{name}: {e}")))?;
        if bytes.len() as u64 > limit {
            return Err(too_large());
        }
        self.total += bytes.len() as u64;
        if self.total > self.limits.max_total_bytes {
            return Err(QtiError::TotalTooLarge {
                limit: self.limits.max_total_bytes,
            });
        }
        Ok(Some(bytes))
    }
}
