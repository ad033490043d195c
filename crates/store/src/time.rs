//! The one time type of the records: an instant as milliseconds since the Unix epoch (UTC).
//! A value is checked when it is made, read from the database included, so a stored time that
//! cannot be shown is an error where it is read, never a date in 1970.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::database::Database;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The epoch itself, for a record that has no time of its own (the built-in catalogue).
    pub const EPOCH: Timestamp = Timestamp(0);

    /// The instant `ms` milliseconds after the epoch, if a calendar can show it.
    pub fn from_millis(ms: i64) -> Option<Timestamp> {
        DateTime::<Utc>::from_timestamp_millis(ms).map(|_| Timestamp(ms))
    }

    pub fn from_utc(at: DateTime<Utc>) -> Timestamp {
        Timestamp(at.timestamp_millis())
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn to_utc(self) -> DateTime<Utc> {
        // Every value was checked by `from_millis` or came from a `DateTime`.
        DateTime::<Utc>::from_timestamp_millis(self.0).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// `ms` milliseconds later (earlier when negative), if still a time a calendar can show.
    pub fn plus_millis(self, ms: i64) -> Option<Timestamp> {
        self.0.checked_add(ms).and_then(Timestamp::from_millis)
    }

    /// `ms` milliseconds later (earlier when negative), or the last (first) time a calendar can
    /// show when that is past it: a deadline so far away that it never comes.
    pub fn later_by(self, ms: i64) -> Timestamp {
        self.plus_millis(ms).unwrap_or_else(|| {
            let bound = if ms >= 0 {
                DateTime::<Utc>::MAX_UTC
            } else {
                DateTime::<Utc>::MIN_UTC
            };
            Timestamp(bound.timestamp_millis())
        })
    }

    /// Milliseconds from `earlier` to `self` (negative when `earlier` is later).
    pub fn millis_since(self, earlier: Timestamp) -> i64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl<DB: Database> sqlx::Type<DB> for Timestamp
where
    i64: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <i64 as sqlx::Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <i64 as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'q, DB: Database> sqlx::Encode<'q, DB> for Timestamp
where
    i64: sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut <DB as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <i64 as sqlx::Encode<'q, DB>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r, DB: Database> sqlx::Decode<'r, DB> for Timestamp
where
    i64: sqlx::Decode<'r, DB>,
{
    fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let ms = <i64 as sqlx::Decode<'r, DB>>::decode(value)?;
        Timestamp::from_millis(ms).ok_or_else(|| format!("time out of range: {ms} ms").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_no_calendar_can_show_is_refused() {
        assert!(Timestamp::from_millis(i64::MAX).is_none());
        assert_eq!(
            Timestamp::from_millis(1_700_000_000_000).map(|t| t.to_utc().timestamp_millis()),
            Some(1_700_000_000_000)
        );
        let t = Timestamp::from_millis(1000).unwrap();
        assert_eq!(t.plus_millis(500).map(Timestamp::millis), Some(1500));
        assert_eq!(t.plus_millis(i64::MAX), None);
        assert_eq!(t.plus_millis(500).unwrap().millis_since(t), 500);
        assert!(t.later_by(i64::MAX) > t.later_by(1));
        assert!(t.later_by(i64::MIN) < t);
    }
}
