//! Holding back password guessing without handing anyone a way to lock others out.
//!
//! Failures are counted per (login as typed, client address) and per client address, never per
//! account alone or globally: a stranger failing against a login from their own address slows
//! only themselves, and the owner signing in from anywhere else is not held back at all. Past a
//! few free failures each key must wait a delay that doubles with every further failure, up to a
//! ceiling; nothing is ever locked. The keys are the login as typed, so a made-up login and a real
//! one are held back alike and the answer tells nothing about which logins exist.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// How many failures are free and how fast the delay grows.
#[derive(Debug, Clone)]
pub struct ThrottlePolicy {
    /// Failures of one login from one address before any delay.
    pub free_per_login: u32,
    /// Failures from one address, whatever the logins, before any delay: a whole office may sit
    /// behind one address and mistype now and then.
    pub free_per_address: u32,
    /// The wait after the first failure past the free ones; it doubles with each further one.
    pub first_delay_ms: i64,
    pub max_delay_ms: i64,
    /// A key with no failure for this long is forgotten.
    pub forget_after_ms: i64,
    /// At most this many keys are remembered, so a flood of addresses cannot exhaust memory.
    pub max_keys: usize,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            free_per_login: 3,
            free_per_address: 30,
            first_delay_ms: 1_000,
            max_delay_ms: 10 * 60 * 1000,
            forget_after_ms: 60 * 60 * 1000,
            max_keys: 100_000,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Login(String, String),
    Address(String),
}

/// The failure counts of a server (kept in memory: a restart forgets them, which errs towards
/// letting people in).
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<Key, Failures>>,
}

/// The part of an address one party controls: a whole IPv6 /64 belongs to one subscriber, so
/// counting its addresses apart would hand an attacker 2^64 fresh starts.
pub fn address_key(client: &str) -> String {
    match client.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(ip) => ip.to_string(),
        Err(_) => client.chars().take(64).collect(),
    }
}

/// Logins are at most 64 characters; what is kept of a longer one (which cannot exist) is
/// bounded, so a flood of huge made-up logins cannot fill memory.
const LOGIN_KEY_CHARS: usize = 64;

impl Throttle {
    fn keys(login: &str, client: &str) -> [Key; 2] {
        let address = address_key(client);
        [
            Key::Login(
                login.trim().chars().take(LOGIN_KEY_CHARS).collect(),
                address.clone(),
            ),
            Key::Address(address),
        ]
    }

    fn delay_ms(policy: &ThrottlePolicy, free: u32, count: u32) -> i64 {
        if count <= free {
            return 0;
        }
        let doublings = (count - free - 1).min(40);
        policy
            .first_delay_ms
            .saturating_mul(1_i64 << doublings)
            .min(policy.max_delay_ms)
    }

    fn wait_locked(
        failures: &HashMap<Key, Failures>,
        policy: &ThrottlePolicy,
        keys: &[Key; 2],
        now_ms: i64,
    ) -> Option<i64> {
        keys.iter()
            .filter_map(|key| {
                let f = failures.get(key)?;
                let free = match key {
                    Key::Login(..) => policy.free_per_login,
                    Key::Address(_) => policy.free_per_address,
                };
                let until = f.last_ms + Self::delay_ms(policy, free, f.count);
                (until > now_ms).then_some(until - now_ms)
            })
            .max()
    }

    /// How long this login from this address must still wait before it may be tried again;
    /// `None` when it may be tried now (for the tests: sign-in asks through `try_begin`).
    #[cfg(test)]
    fn wait_ms(
        &self,
        policy: &ThrottlePolicy,
        login: &str,
        client: &str,
        now_ms: i64,
    ) -> Option<i64> {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        Self::wait_locked(&failures, policy, &Self::keys(login, client), now_ms)
    }

    /// Starts a password check: refuses it with the wait still due, or counts it as a failure
    /// in advance, in one step under the lock. Counting before the (slow) check means a burst of
    /// parallel guesses cannot all pass the wait while none has been counted yet; a check that
    /// then succeeds takes its count back with [`Throttle::succeeded`].
    pub fn try_begin(
        &self,
        policy: &ThrottlePolicy,
        login: &str,
        client: &str,
        now_ms: i64,
    ) -> Result<(), i64> {
        let keys = Self::keys(login, client);
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(wait) = Self::wait_locked(&failures, policy, &keys, now_ms) {
            return Err(wait);
        }
        Self::count(&mut failures, policy, keys, now_ms);
        Ok(())
    }

    /// Counts a failure of this login from this address whatever the wait (what
    /// [`Throttle::try_begin`] does when it lets the attempt through); for the tests of the
    /// delays.
    #[cfg(test)]
    fn failed(&self, policy: &ThrottlePolicy, login: &str, client: &str, now_ms: i64) {
        let keys = Self::keys(login, client);
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        Self::count(&mut failures, policy, keys, now_ms);
    }

    fn count(
        failures: &mut HashMap<Key, Failures>,
        policy: &ThrottlePolicy,
        keys: [Key; 2],
        now_ms: i64,
    ) {
        Self::prune(failures, policy, now_ms);
        for key in keys {
            let entry = failures.entry(key).or_insert(Failures {
                count: 0,
                last_ms: now_ms,
            });
            if now_ms - entry.last_ms >= policy.forget_after_ms {
                entry.count = 0;
            }
            entry.count += 1;
            entry.last_ms = now_ms;
        }
    }

    fn prune(failures: &mut HashMap<Key, Failures>, policy: &ThrottlePolicy, now_ms: i64) {
        if failures.len() >= policy.max_keys {
            failures.retain(|_, f| now_ms - f.last_ms < policy.forget_after_ms);
        }
        if failures.len() >= policy.max_keys {
            // Still full of live keys: the least recent half goes (fewest failures first
            // among equals), so the map stays bounded and the keys hammered now are kept.
            let mut ranked: Vec<(i64, u32, Key)> = failures
                .iter()
                .map(|(key, f)| (f.last_ms, f.count, key.clone()))
                .collect();
            ranked.sort_unstable_by_key(|(last, count, _)| (*last, *count));
            for (_, _, key) in ranked.into_iter().take(policy.max_keys / 2 + 1) {
                failures.remove(&key);
            }
        }
    }

    /// After the password proved right: forgets this login's failures from this address and
    /// takes back the address's count made in advance by [`Throttle::try_begin`]. The address's
    /// earlier failures stay: one good account must not wipe the count of guesses at others.
    pub fn succeeded(&self, login: &str, client: &str) {
        let [login_key, address_key] = Self::keys(login, client);
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(&login_key);
        if let Some(f) = failures.get_mut(&address_key) {
            f.count = f.count.saturating_sub(1);
        }
    }

    /// A right password whose sign-in still waits for its second factor: the address's count
    /// is given back (every sign-in of an office behind one address would otherwise leave one
    /// behind), the login's stays, so that codes guessed after a right password are held back
    /// as much as passwords.
    pub fn password_ok(&self, login: &str, client: &str) {
        let [_, address_key] = Self::keys(login, client);
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = failures.get_mut(&address_key) {
            f.count = f.count.saturating_sub(1);
        }
    }

    /// How many keys are remembered (for tests of the bound).
    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy {
            free_per_login: 3,
            free_per_address: 10,
            first_delay_ms: 1000,
            max_delay_ms: 8000,
            forget_after_ms: 60_000,
            max_keys: 1000,
        }
    }

    #[test]
    fn the_delay_grows_after_the_free_failures_and_stops_at_its_ceiling() {
        let (t, p) = (Throttle::default(), policy());
        let mut waits = Vec::new();
        for _ in 0..8 {
            t.failed(&p, "ana", "10.0.0.1", 0);
            waits.push(t.wait_ms(&p, "ana", "10.0.0.1", 0));
        }
        assert_eq!(
            waits,
            [
                None,
                None,
                None,
                Some(1000),
                Some(2000),
                Some(4000),
                Some(8000),
                Some(8000)
            ]
        );
        assert_eq!(t.wait_ms(&p, "ana", "10.0.0.1", 7999), Some(1));
        assert_eq!(t.wait_ms(&p, "ana", "10.0.0.1", 8000), None);
    }

    #[test]
    fn another_address_or_another_login_is_not_held_back() {
        let (t, p) = (Throttle::default(), policy());
        for _ in 0..6 {
            t.failed(&p, "ana", "10.0.0.1", 0);
        }
        assert!(t.wait_ms(&p, "ana", "10.0.0.1", 0).is_some());
        assert_eq!(t.wait_ms(&p, "ana", "10.0.0.2", 0), None);
        assert_eq!(t.wait_ms(&p, "ion", "10.0.0.1", 0), None);
        t.succeeded("ana", "10.0.0.1");
        assert_eq!(t.wait_ms(&p, "ana", "10.0.0.1", 0), None);
    }

    #[test]
    fn many_logins_from_one_address_are_held_back_together() {
        let (t, p) = (Throttle::default(), policy());
        for i in 0..11 {
            t.failed(&p, &format!("made-up-{i}"), "10.0.0.9", 0);
        }
        assert_eq!(t.wait_ms(&p, "anyone", "10.0.0.9", 0), Some(1000));
        assert_eq!(t.wait_ms(&p, "anyone", "10.0.0.8", 0), None);
    }

    #[test]
    fn an_ipv6_subnet_counts_as_one_address_and_memory_stays_bounded() {
        let (t, p) = (Throttle::default(), policy());
        for i in 0..11 {
            t.failed(&p, &format!("x{i}"), &format!("2001:db8:1:2::{i:x}"), 0);
        }
        assert!(t.wait_ms(&p, "y", "2001:db8:1:2:ffff::1", 0).is_some());
        assert_eq!(t.wait_ms(&p, "y", "2001:db8:1:3::1", 0), None);
        let p = ThrottlePolicy { max_keys: 8, ..p };
        for i in 0..100 {
            t.failed(&p, "z", &format!("10.1.0.{i}"), i);
        }
        assert!(t.remembered() <= p.max_keys + 2, "{}", t.remembered());
        for _ in 0..3 {
            t.failed(&p, "z", "10.1.0.99", 100);
        }
        assert_eq!(
            t.wait_ms(&p, "z", "10.1.0.99", 100),
            Some(1000),
            "the newest keys survive the pruning"
        );
    }

    #[test]
    fn attempts_begun_together_are_counted_before_any_is_checked() {
        let (t, p) = (Throttle::default(), policy());
        // Ten guesses sent at once: only the free ones and the first counted one get through.
        let admitted = (0..10)
            .filter(|_| t.try_begin(&p, "ana", "10.0.0.1", 0).is_ok())
            .count();
        assert_eq!(admitted, 4);
        t.succeeded("ana", "10.0.0.1");
        assert_eq!(t.wait_ms(&p, "ana", "10.0.0.1", 0), None);
        assert_eq!(
            t.wait_ms(&p, "other", "10.0.0.1", 0),
            None,
            "the address keeps its count, below its free failures"
        );
    }

    #[test]
    fn a_mapped_ipv4_address_is_that_ipv4_address() {
        assert_eq!(address_key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(address_key("192.0.2.7"), "192.0.2.7");
        let huge = "x".repeat(10_000);
        let (t, p) = (Throttle::default(), policy());
        for _ in 0..5 {
            t.failed(&p, &huge, "10.0.0.1", 0);
        }
        assert!(
            t.wait_ms(&p, &"x".repeat(64), "10.0.0.1", 0).is_some(),
            "a long login is kept by its first 64 characters"
        );
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_hour() {
        let (t, p) = (Throttle::default(), policy());
        for _ in 0..5 {
            t.failed(&p, "ana", "10.0.0.1", 0);
        }
        t.failed(&p, "ana", "10.0.0.1", 60_000);
        assert_eq!(t.wait_ms(&p, "ana", "10.0.0.1", 60_000), None);
    }
}
