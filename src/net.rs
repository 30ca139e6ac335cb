//! Network addresses: CIDR ranges (IPv4 and IPv6) and the client address of a request behind trusted
//! proxies.

use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Deserializer};

/// An address range such as `192.0.2.0/24` or `2001:db8::/32`; a bare address is a range of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Whether `ip` is in the range. An IPv4 address written as IPv6 (`::ffff:192.0.2.1`) is matched as
    /// IPv4.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// `ip` with an IPv4-mapped IPv6 address read as the IPv4 address it carries.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Why a range does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an address range such as 192.0.2.0/24 or 2001:db8::/32")]
pub struct CidrError(String);

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<Cidr, CidrError> {
        let err = || CidrError(s.to_owned());
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let network = canonical(IpAddr::from_str(addr).map_err(|_| err())?);
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u8>().map_err(|_| err())?
            }
            Some(_) => return Err(err()),
            None => max,
        };
        if prefix > max {
            return Err(err());
        }
        Ok(Cidr { network, prefix })
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cidr, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Cidr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}/{}", self.network, self.prefix))
    }
}

/// A list of ranges; from the environment as comma-separated text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct CidrList(pub Vec<Cidr>);

impl CidrList {
    /// Whether any range holds `ip`.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }
}

impl FromStr for CidrList {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<CidrList, CidrError> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(Cidr::from_str)
            .collect::<Result<_, _>>()
            .map(CidrList)
    }
}

/// The client's address: the socket peer, or, when the peer is a trusted proxy, the first address of
/// `X-Forwarded-For` counted from the right that is not itself a trusted proxy. A header that does not
/// parse is ignored (the peer stands), so a forged header from an untrusted peer changes nothing.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &CidrList) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.contains(peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut hops = Vec::new();
    for part in header.split(',') {
        match IpAddr::from_str(part.trim()) {
            Ok(ip) => hops.push(canonical(ip)),
            Err(_) => return peer,
        }
    }
    hops.into_iter()
        .rev()
        .find(|ip| !trusted.contains(*ip))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_hold_their_addresses() {
        let r: Cidr = "192.0.2.0/24".parse().unwrap();
        assert!(r.contains(ip("192.0.2.77")));
        assert!(!r.contains(ip("192.0.3.1")));
        assert!(r.contains(ip("::ffff:192.0.2.9")));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("192.0.2.1")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.4")));
        let one: Cidr = "198.51.100.7".parse().unwrap();
        assert!(one.contains(ip("198.51.100.7")) && !one.contains(ip("198.51.100.8")));
    }

    #[test]
    fn malformed_ranges_are_refused() {
        for bad in [
            "",
            "192.0.2.0/33",
            "::/129",
            "192.0.2.0/",
            "192.0.2/24",
            "x/8",
            "1.2.3.4/+8",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
        assert_eq!(
            "10.0.0.0/8, 2001:db8::/32"
                .parse::<CidrList>()
                .unwrap()
                .0
                .len(),
            2
        );
    }

    #[test]
    fn forwarded_for_counts_only_behind_trusted_proxies() {
        let trusted: CidrList = "10.0.0.0/8".parse().unwrap();
        // From a trusted proxy: the first untrusted hop from the right.
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("203.0.113.9, 10.0.0.3"), &trusted),
            ip("203.0.113.9")
        );
        // A spoofed left-most entry does not win over the hop the proxy saw.
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("1.1.1.1, 198.51.100.4"), &trusted),
            ip("198.51.100.4")
        );
        // From an untrusted peer the header is ignored.
        assert_eq!(
            client_address(ip("198.51.100.4"), Some("192.0.2.1"), &trusted),
            ip("198.51.100.4")
        );
        // A garbled header is ignored.
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("not-an-ip"), &trusted),
            ip("10.0.0.2")
        );
    }

    proptest! {
        #[test]
        fn a_v4_range_holds_exactly_the_addresses_sharing_its_prefix(a: u32, b: u32, prefix in 0u8..=32) {
            let r: Cidr = format!("{}/{prefix}", std::net::Ipv4Addr::from(a)).parse().unwrap();
            let shift = 32 - u32::from(prefix);
            let same = a.checked_shr(shift).unwrap_or(0) == b.checked_shr(shift).unwrap_or(0);
            prop_assert_eq!(r.contains(IpAddr::V4(b.into())), same);
        }
    }
}
