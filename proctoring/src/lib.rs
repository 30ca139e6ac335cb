//! Integrity events, the anti-fraud policy and forensic statistics.
