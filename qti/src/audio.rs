//! A pure probe of Ogg audio: is this Ogg Opus or Ogg Vorbis, and how long does it play?
//!
//! The probe sniffs the content and never trusts a file name, a MIME type or a header's claim. It walks every
//! page from the first byte: each must start with the capture pattern `OggS`, be version 0 and carry a correct
//! CRC. The first page of the first logical stream must hold the codec's identification header (`OpusHead`,
//! or `\x01vorbis`); the duration is read from the granule position of that stream's last page: 48 kHz samples
//! minus the pre-skip for Opus, samples at the identification header's sample rate for Vorbis.

/// The codec inside an Ogg container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Opus,
    Vorbis,
}

impl Codec {
    /// The codec's name as written in media types (`audio/ogg; codecs=opus`).
    pub fn as_str(self) -> &'static str {
        match self {
            Codec::Opus => "opus",
            Codec::Vorbis => "vorbis",
        }
    }
}

/// What the probe learnt about an audio file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioInfo {
    pub codec: Codec,
    /// The playing time, rounded down to the millisecond.
    pub duration_ms: u64,
}

/// Why bytes are not playable Ogg Opus or Ogg Vorbis.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AudioError {
    #[error("not an Ogg file (no OggS capture pattern at byte {0})")]
    NotOgg(usize),
    #[error("the Ogg file ends inside a page")]
    Truncated,
    #[error("Ogg page {0} has a wrong CRC")]
    BadCrc(usize),
    #[error("Ogg page {0} has an unknown stream structure version")]
    BadVersion(usize),
    #[error("the Ogg stream is neither Opus nor Vorbis")]
    UnknownCodec,
    #[error("the {0} identification header is malformed")]
    BadHeader(&'static str),
    #[error("the Ogg stream has no page with a granule position, so no duration")]
    NoDuration,
}

/// The Opus granule rate: Opus granule positions always count 48 kHz samples.
const OPUS_RATE: u64 = 48_000;
/// The granule position of a page on which no packet ends.
const NO_GRANULE: u64 = u64::MAX;
/// Size of an Ogg page header before its segment table.
const PAGE_HEADER: usize = 27;

/// Probes `bytes` as Ogg Opus or Ogg Vorbis. See the module documentation for what is checked.
pub fn probe_ogg(bytes: &[u8]) -> Result<AudioInfo, AudioError> {
    let mut pos = 0;
    let mut index = 0;
    let mut first: Option<(u32, Vec<u8>)> = None;
    let mut last_granule = None;
    while pos < bytes.len() {
        let page = read_page(bytes, pos, index)?;
        match &first {
            None => first = Some((page.serial, first_packet(&page)?)),
            Some((serial, _)) if *serial == page.serial && page.granule != NO_GRANULE => {
                last_granule = Some(page.granule);
            }
            Some(_) => {}
        }
        pos = page.end;
        index += 1;
    }
    let (_, header) = first.ok_or(AudioError::NotOgg(0))?;
    let (codec, rate, pre_skip) = identify(&header)?;
    let granule = last_granule.ok_or(AudioError::NoDuration)?;
    let samples = granule
        .checked_sub(pre_skip)
        .ok_or(AudioError::NoDuration)?;
    let duration_ms = u64::try_from(u128::from(samples) * 1000 / u128::from(rate))
        .map_err(|_| AudioError::NoDuration)?;
    Ok(AudioInfo { codec, duration_ms })
}

/// The codec an identification header announces, its granule rate and its pre-skip in granules.
fn identify(header: &[u8]) -> Result<(Codec, u64, u64), AudioError> {
    if let Some(rest) = header.strip_prefix(b"OpusHead") {
        if rest.len() < 11 || rest[0] >> 4 != 0 {
            return Err(AudioError::BadHeader("OpusHead"));
        }
        let pre_skip = u64::from(u16::from_le_bytes([rest[2], rest[3]]));
        return Ok((Codec::Opus, OPUS_RATE, pre_skip));
    }
    if let Some(rest) = header.strip_prefix(b"\x01vorbis") {
        if rest.len() < 23 || rest[..4] != [0, 0, 0, 0] || rest[4] == 0 {
            return Err(AudioError::BadHeader("Vorbis"));
        }
        let rate = u64::from(u32::from_le_bytes([rest[5], rest[6], rest[7], rest[8]]));
        if rate == 0 {
            return Err(AudioError::BadHeader("Vorbis"));
        }
        return Ok((Codec::Vorbis, rate, 0));
    }
    Err(AudioError::UnknownCodec)
}

/// One Ogg page, located in the file.
struct Page<'a> {
    granule: u64,
    serial: u32,
    segments: &'a [u8],
    body: &'a [u8],
    /// Where the next page starts.
    end: usize,
}

fn read_page(bytes: &[u8], pos: usize, index: usize) -> Result<Page<'_>, AudioError> {
    let rest = &bytes[pos..];
    if !rest.starts_with(b"OggS") {
        return Err(AudioError::NotOgg(pos));
    }
    if rest.len() < PAGE_HEADER {
        return Err(AudioError::Truncated);
    }
    if rest[4] != 0 {
        return Err(AudioError::BadVersion(index));
    }
    let field = |range: std::ops::Range<usize>| &rest[range];
    let granule = u64::from_le_bytes(field(6..14).try_into().expect("8 bytes"));
    let serial = u32::from_le_bytes(field(14..18).try_into().expect("4 bytes"));
    let crc = u32::from_le_bytes(field(22..26).try_into().expect("4 bytes"));
    let n_segments = usize::from(rest[26]);
    let segments = rest
        .get(PAGE_HEADER..PAGE_HEADER + n_segments)
        .ok_or(AudioError::Truncated)?;
    let body_len: usize = segments.iter().map(|&s| usize::from(s)).sum();
    let len = PAGE_HEADER + n_segments + body_len;
    let page = rest.get(..len).ok_or(AudioError::Truncated)?;
    if page_crc(page) != crc {
        return Err(AudioError::BadCrc(index));
    }
    Ok(Page {
        granule,
        serial,
        segments,
        body: &page[PAGE_HEADER + n_segments..],
        end: pos + len,
    })
}

/// The first packet that begins on `page` (the identification header, on a stream's first page). It must
/// end on this page, as both codecs require of their identification header.
fn first_packet(page: &Page<'_>) -> Result<Vec<u8>, AudioError> {
    let mut len = 0;
    for &lacing in page.segments {
        len += usize::from(lacing);
        if lacing < 255 {
            return Ok(page.body[..len].to_vec());
        }
    }
    Err(AudioError::UnknownCodec)
}

/// The Ogg CRC-32 (polynomial 0x04C11DB7, not reflected, initial value 0) of a page whose CRC field is
/// taken as zero.
fn page_crc(page: &[u8]) -> u32 {
    page.iter().enumerate().fold(0u32, |crc, (i, &byte)| {
        let byte = if (22..26).contains(&i) { 0 } else { byte };
        (crc << 8) ^ CRC_TABLE[usize::from((crc >> 24) as u8 ^ byte)]
    })
}

/// The CRC of each byte value, for [`page_crc`].
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u32) << 24;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04C1_1DB7
            } else {
                crc << 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    const OPUS: &[u8] = include_bytes!("../tests/fixtures/package/media/tone-opus.ogg");
    const VORBIS: &[u8] = include_bytes!("../tests/fixtures/package/media/tone-vorbis.ogg");

    #[test]
    fn reads_an_opus_file() {
        let info = probe_ogg(OPUS).unwrap();
        assert_eq!(info.codec, Codec::Opus);
        // 0.6 s of tone; the encoder pads the last frame, which the granule position excludes.
        assert!((590..=610).contains(&info.duration_ms), "{info:?}");
    }

    #[test]
    fn reads_a_vorbis_file() {
        let info = probe_ogg(VORBIS).unwrap();
        assert_eq!(info.codec, Codec::Vorbis);
        assert_eq!(info.duration_ms, 400);
    }

    #[test]
    fn refuses_what_is_not_ogg() {
        assert_eq!(probe_ogg(b"ID3\x04 an mp3"), Err(AudioError::NotOgg(0)));
        assert_eq!(probe_ogg(b""), Err(AudioError::NotOgg(0)));
        let mut trailing = OPUS.to_vec();
        trailing.extend_from_slice(b"junk");
        assert_eq!(probe_ogg(&trailing), Err(AudioError::NotOgg(OPUS.len())));
    }

    #[test]
    fn refuses_a_damaged_or_cut_file() {
        let mut damaged = OPUS.to_vec();
        let last = damaged.len() - 1;
        damaged[last] ^= 0xff;
        assert!(matches!(probe_ogg(&damaged), Err(AudioError::BadCrc(_))));
        assert_eq!(
            probe_ogg(&OPUS[..OPUS.len() - 3]),
            Err(AudioError::Truncated)
        );
    }

    #[test]
    fn refuses_another_codec() {
        let page = ogg_page(b"\x80theora-ish header", 0);
        assert_eq!(probe_ogg(&page), Err(AudioError::UnknownCodec));
    }

    #[test]
    fn the_duration_comes_from_the_last_granule_position() {
        // An Opus identification header with a pre-skip of 480 samples, then a page ending at 48 480.
        let mut head = b"OpusHead\x01\x01".to_vec();
        head.extend_from_slice(&480u16.to_le_bytes());
        head.extend_from_slice(&48_000u32.to_le_bytes());
        head.extend_from_slice(&[0, 0, 0]);
        let mut file = ogg_page(&head, 0);
        file.extend(ogg_page(b"audio", 48_480));
        let info = probe_ogg(&file).unwrap();
        assert_eq!(info.duration_ms, 1000);
        let only_header = ogg_page(&head, NO_GRANULE);
        assert_eq!(probe_ogg(&only_header), Err(AudioError::NoDuration));
    }

    /// One page holding one packet, with a correct CRC.
    fn ogg_page(packet: &[u8], granule: u64) -> Vec<u8> {
        assert!(packet.len() < 255);
        let mut page = b"OggS\0\x02".to_vec();
        page.extend_from_slice(&granule.to_le_bytes());
        page.extend_from_slice(&7u32.to_le_bytes());
        page.extend_from_slice(&0u32.to_le_bytes());
        page.extend_from_slice(&[0, 0, 0, 0, 1, packet.len() as u8]);
        page.extend_from_slice(packet);
        let crc = page_crc(&page);
        page[22..26].copy_from_slice(&crc.to_le_bytes());
        page
    }
}
