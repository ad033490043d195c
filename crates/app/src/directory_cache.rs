//! The organisations as the pages show them, kept in memory for a few seconds.
//!
//! Every case page lists the organisations (names and referral choices), and reading and decoding
//! the whole table each time was about a tenth of the page's cost under load (docs/PERFORMANCE.md).
//! The list changes rarely: a save through this process forgets the copy at once; a save by
//! another process (`mnir org add` beside a running server) shows within [`FRESH_FOR`]. Nothing
//! that grants access reads this copy: the acting user's organisation, and whether it
//! investigates, come with the session from the database.

use mnir_store::Organisation;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a copy read from the database is shown before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(10);

#[derive(Default)]
pub(crate) struct DirectoryCache {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Counts the saves seen, so that a read which began before a save does not keep its
    /// older copy after it.
    saves: u64,
    copy: Option<(Instant, Arc<Vec<Organisation>>)>,
}

impl DirectoryCache {
    /// The copy when it is fresh; otherwise the number of saves to hand back to [`Self::keep`].
    pub(crate) fn fresh(&self) -> Result<Arc<Vec<Organisation>>, u64> {
        let state = self.state.lock().expect("directory cache lock");
        match &state.copy {
            Some((read_at, list)) if read_at.elapsed() < FRESH_FOR => Ok(Arc::clone(list)),
            _ => Err(state.saves),
        }
    }

    /// Keeps a list read from the database, unless an organisation was saved since the read
    /// began (`saves_before` from [`Self::fresh`]).
    pub(crate) fn keep(&self, saves_before: u64, read_at: Instant, list: Arc<Vec<Organisation>>) {
        let mut state = self.state.lock().expect("directory cache lock");
        if state.saves == saves_before {
            state.copy = Some((read_at, list));
        }
    }

    /// An organisation was saved: the next reader reads the table again.
    pub(crate) fn forget(&self) {
        let mut state = self.state.lock().expect("directory cache lock");
        state.saves += 1;
        state.copy = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_copy_is_served_until_a_save_forgets_it() {
        let cache = DirectoryCache::default();
        let saves = cache.fresh().expect_err("nothing is kept at first");
        let list = Arc::new(Vec::new());
        cache.keep(saves, Instant::now(), Arc::clone(&list));
        assert!(Arc::ptr_eq(&cache.fresh().expect("kept"), &list));
        cache.forget();
        assert!(cache.fresh().is_err(), "a save forgets the copy");
    }

    #[test]
    fn a_read_that_began_before_a_save_is_not_kept() {
        let cache = DirectoryCache::default();
        let saves = cache.fresh().expect_err("nothing kept");
        cache.forget();
        cache.keep(saves, Instant::now(), Arc::new(Vec::new()));
        assert!(cache.fresh().is_err(), "the older read is dropped");
    }

    #[test]
    fn a_copy_older_than_its_freshness_is_read_again() {
        let cache = DirectoryCache::default();
        let saves = cache.fresh().expect_err("nothing kept");
        let long_ago = Instant::now()
            .checked_sub(FRESH_FOR + Duration::from_secs(1))
            .expect("the machine has been up longer than the freshness");
        cache.keep(saves, long_ago, Arc::new(Vec::new()));
        assert!(cache.fresh().is_err());
    }
}
