//! The run's one list of accounts and the batches of it that requests carry: a run of 100,000
//! accounts holds their ids once, shared by the selection, the plan and the merge.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

use super::AccountRef;

/// The accounts a run asks for, in the user's order, held once.
pub type AccountList = Arc<[AccountRef]>;

/// The accounts of one request: a range of the run's list (empty: every account the
/// credentials see). Reads as a slice of `AccountRef`.
#[derive(Clone)]
pub struct Batch {
    list: AccountList,
    range: Range<usize>,
}

impl Batch {
    /// The accounts `range` of `list`.
    ///
    /// # Panics
    /// When `range` is not within `list` (a planning bug).
    pub fn new(list: &AccountList, range: Range<usize>) -> Batch {
        assert!(range.start <= range.end && range.end <= list.len());
        Batch {
            list: Arc::clone(list),
            range,
        }
    }

    /// The whole list.
    pub fn all(list: &AccountList) -> Batch {
        Batch::new(list, 0..list.len())
    }

    /// Where the batch starts in the run's list.
    pub fn start(&self) -> usize {
        self.range.start
    }
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            list: Arc::from(Vec::new()),
            range: 0..0,
        }
    }
}

impl Deref for Batch {
    type Target = [AccountRef];

    fn deref(&self) -> &[AccountRef] {
        &self.list[self.range.clone()]
    }
}

/// Batches are equal when they hold the same accounts, whichever list they are cut from.
impl PartialEq for Batch {
    fn eq(&self, other: &Batch) -> bool {
        (Arc::ptr_eq(&self.list, &other.list) && self.range == other.range) || self[..] == other[..]
    }
}

impl Eq for Batch {}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A batch of its own list (tests and one-off requests).
impl From<Vec<AccountRef>> for Batch {
    fn from(accounts: Vec<AccountRef>) -> Batch {
        Batch::all(&AccountList::from(accounts))
    }
}
