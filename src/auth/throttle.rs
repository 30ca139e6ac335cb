//! Throttling of failed sign-ins: growing delays, then `429 rate_limited` with `Retry-After`.
//!
//! Every attempt is counted under several keys at once: the account with the client address (the pair),
//! the account alone, and — for staff passwords and client secrets — the address alone. A key allows a
//! number of failures freely; each failure beyond that locks the key for twice as long as the previous one
//! (1 s, 2 s, 4 s, … up to the longest delay), and an attempt on a locked key is refused before any hashing.
//!
//! The pair's allowance is small and the account's much larger, so a stranger guessing from one address is
//! stopped by the pair long before the account itself is locked: refused attempts are not counted, and at
//! the pair's doubling delays reaching the account's allowance takes hours. A real user signing in from
//! another address is therefore not locked out by a stranger. Access codes are counted per registration
//! and per registration and address, never per address alone: a test centre's candidates share one
//! address.
//!
//! An attempt counts as a failure from the moment it begins (so concurrent guesses cannot slip past the
//! allowance together) until it succeeds, or is abandoned (the server was too busy to check it). A success
//! clears the pair. A key without a failure for an hour is forgotten. The counts live in the memory of one
//! instance: with several instances behind a balancer, each enforces the limits on what it sees.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A key without a failure for this long is forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(3600);
/// The most keys kept; beyond, forgotten keys are dropped, then the quietest.
const MAX_KEYS: usize = 100_000;

/// What kind of secret an attempt presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Credential {
    Password,
    ClientSecret,
    AccessCode,
}

/// The free failures of each key and the longest delay.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failures of one account from one address before delays begin.
    pub pair: u32,
    /// Failures of one account from all addresses before delays begin (much higher than `pair`).
    pub account: u32,
    /// Failed staff and client sign-ins from one address, whatever the account, before delays begin.
    pub address: u32,
    /// The longest delay.
    pub max_delay: Duration,
}

/// One sign-in attempt: which secret, for which account (a username, client id or registration id), from
/// which address.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub credential: Credential,
    pub account: String,
    pub address: IpAddr,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(Credential, String, IpAddr),
    Account(Credential, String),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Pair,
    Account,
    Address,
}

impl Key {
    fn scope(&self) -> Scope {
        match self {
            Key::Pair(..) => Scope::Pair,
            Key::Account(..) => Scope::Account,
            Key::Address(_) => Scope::Address,
        }
    }
}

impl Attempt {
    fn keys(&self) -> Vec<Key> {
        let mut keys = vec![
            Key::Pair(self.credential, self.account.clone(), self.address),
            Key::Account(self.credential, self.account.clone()),
        ];
        if self.credential != Credential::AccessCode {
            keys.push(Key::Address(self.address));
        }
        keys
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: Instant,
    locked_until: Option<Instant>,
}

/// The failure counts of every key.
pub struct Throttle {
    limits: Limits,
    entries: Mutex<HashMap<Key, Entry>>,
}

/// An attempt under way. Resolve it with [`Pending::succeeded`] or [`Pending::failed`]; dropped unresolved,
/// it is abandoned and counts for nothing.
#[must_use]
pub struct Pending<'a> {
    throttle: &'a Throttle,
    keys: Vec<Key>,
    resolved: bool,
}

impl Throttle {
    pub fn new(limits: Limits) -> Throttle {
        Throttle {
            limits,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Begins an attempt at `now`, or refuses it with how long until it may be made.
    pub fn begin(&self, attempt: &Attempt, now: Instant) -> Result<Pending<'_>, Duration> {
        let keys = attempt.keys();
        let mut entries = self.entries.lock().expect("throttle lock");
        let wait = keys
            .iter()
            .filter_map(|k| entries.get(k))
            .filter(|e| now.duration_since(e.last_failure) < FORGET_AFTER)
            .filter_map(|e| e.locked_until)
            .filter(|&until| until > now)
            .map(|until| until - now)
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        if entries.len() + keys.len() > MAX_KEYS {
            make_room(&mut entries, now, keys.len());
        }
        for key in &keys {
            let free = self.free(key.scope());
            let entry = entries.entry(key.clone()).or_insert(Entry {
                failures: 0,
                last_failure: now,
                locked_until: None,
            });
            if now.duration_since(entry.last_failure) >= FORGET_AFTER {
                entry.failures = 0;
            }
            entry.failures = entry.failures.saturating_add(1);
            entry.last_failure = now;
            entry.locked_until = self.delay(entry.failures, free).map(|d| now + d);
        }
        Ok(Pending {
            throttle: self,
            keys,
            resolved: false,
        })
    }

    fn free(&self, scope: Scope) -> u32 {
        match scope {
            Scope::Pair => self.limits.pair,
            Scope::Account => self.limits.account,
            Scope::Address => self.limits.address,
        }
    }

    /// The lock after `failures` failures of a key that allows `free` (at least 1) without delay: none
    /// before the `free`th failure, 1 s after it, doubling with each further failure, capped at the longest
    /// delay.
    fn delay(&self, failures: u32, free: u32) -> Option<Duration> {
        let beyond = failures.checked_sub(free.max(1))?;
        let seconds = 1u64.checked_shl(beyond).unwrap_or(u64::MAX);
        Some(Duration::from_secs(seconds).min(self.limits.max_delay))
    }

    /// Takes back one provisional failure of every key (and, when `clear_pair`, forgets the pair).
    fn undo(&self, keys: &[Key], clear_pair: bool) {
        let mut entries = self.entries.lock().expect("throttle lock");
        for key in keys {
            if clear_pair && key.scope() == Scope::Pair {
                entries.remove(key);
                continue;
            }
            let free = self.free(key.scope());
            if let Some(entry) = entries.get_mut(key) {
                entry.failures = entry.failures.saturating_sub(1);
                entry.locked_until = self
                    .delay(entry.failures, free)
                    .map(|d| entry.last_failure + d);
            }
        }
    }
}

/// Drops forgotten keys, then, if still too many, the quietest, until `needed` more fit.
fn make_room(entries: &mut HashMap<Key, Entry>, now: Instant, needed: usize) {
    entries.retain(|_, e| now.duration_since(e.last_failure) < FORGET_AFTER);
    while entries.len() + needed > MAX_KEYS {
        let Some(quietest) = entries
            .iter()
            .min_by_key(|(_, e)| e.last_failure)
            .map(|(k, _)| k.clone())
        else {
            break;
        };
        entries.remove(&quietest);
    }
}

impl Pending<'_> {
    /// The secret was right: the attempt was no failure, and the pair starts afresh.
    pub fn succeeded(mut self) {
        self.resolved = true;
        self.throttle.undo(&self.keys, true);
    }

    /// The secret was wrong: the failure stands.
    pub fn failed(mut self) {
        self.resolved = true;
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if !self.resolved {
            self.throttle.undo(&self.keys, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        pair: 3,
        account: 10,
        address: 20,
        max_delay: Duration::from_secs(60),
    };

    fn attempt(account: &str, address: [u8; 4]) -> Attempt {
        Attempt {
            credential: Credential::Password,
            account: account.into(),
            address: IpAddr::from(address),
        }
    }

    /// Fails attempts at `now` until one is refused; returns how many were made and the wait.
    fn fail_until_refused(t: &Throttle, a: &Attempt, now: Instant) -> (u32, Duration) {
        let mut made = 0;
        loop {
            match t.begin(a, now) {
                Ok(p) => {
                    p.failed();
                    made += 1;
                }
                Err(wait) => return (made, wait),
            }
        }
    }

    #[test]
    fn delays_begin_after_the_free_failures_and_double() {
        let t = Throttle::new(LIMITS);
        let a = attempt("admin", [192, 0, 2, 1]);
        let mut now = Instant::now();
        let (made, mut wait) = fail_until_refused(&t, &a, now);
        assert_eq!(made, 3);
        assert_eq!(wait, Duration::from_secs(1));
        let mut waits = vec![];
        for _ in 0..8 {
            now += wait;
            let (made, next) = fail_until_refused(&t, &a, now);
            assert_eq!(made, 1, "one attempt after each delay");
            waits.push(next);
            wait = next;
        }
        let secs: Vec<u64> = waits.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [2, 4, 8, 16, 32, 60, 60, 60]);
    }

    #[test]
    fn a_stranger_does_not_lock_out_the_account_from_another_address() {
        let t = Throttle::new(LIMITS);
        let stranger = attempt("admin", [198, 51, 100, 7]);
        let mut now = Instant::now();
        for _ in 0..50 {
            let _ = t.begin(&stranger, now).map(Pending::failed);
            now += Duration::from_millis(10);
        }
        assert!(t.begin(&stranger, now).is_err(), "the stranger is stopped");
        let owner = attempt("admin", [192, 0, 2, 1]);
        t.begin(&owner, now)
            .expect("the owner may still try")
            .succeeded();
    }

    #[test]
    fn a_success_clears_the_pair_and_an_abandoned_attempt_counts_nothing() {
        let t = Throttle::new(LIMITS);
        let a = attempt("aigerim", [192, 0, 2, 1]);
        let now = Instant::now();
        for _ in 0..2 {
            t.begin(&a, now).unwrap().failed();
        }
        t.begin(&a, now).unwrap().succeeded();
        for _ in 0..10 {
            drop(t.begin(&a, now).unwrap());
        }
        assert_eq!(fail_until_refused(&t, &a, now).0, 3, "a fresh allowance");
    }

    #[test]
    fn the_address_alone_stops_spraying_but_not_access_codes() {
        let t = Throttle::new(LIMITS);
        let now = Instant::now();
        let address = [203, 0, 113, 9];
        let mut made = 0;
        while t
            .begin(&attempt(&format!("u{made}"), address), now)
            .map(Pending::failed)
            .is_ok()
        {
            made += 1;
        }
        assert_eq!(made, 20);
        let code = Attempt {
            credential: Credential::AccessCode,
            account: "registration".into(),
            address: IpAddr::from(address),
        };
        assert!(
            t.begin(&code, now).is_ok(),
            "candidates share a centre's address"
        );
    }

    #[test]
    fn failures_are_forgotten_after_an_hour_of_quiet() {
        let t = Throttle::new(LIMITS);
        let a = attempt("admin", [192, 0, 2, 1]);
        let now = Instant::now();
        fail_until_refused(&t, &a, now);
        let later = now + FORGET_AFTER;
        assert_eq!(fail_until_refused(&t, &a, later).0, 3);
    }
}
