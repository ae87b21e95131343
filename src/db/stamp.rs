//! One timestamp bound in every row of a bulk insert.

use chrono::NaiveDateTime;
use diesel::expression::AsExpression;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Timestamp;
use std::sync::Arc;

/// A `TIMESTAMP` value with its SQLite text made once. SQLite stores timestamps as text and
/// diesel formats a `NaiveDateTime` anew for each bound value: three a comment in an import
/// (`created_at`, `updated_at`, the submission's) took 6% of the writing thread at 1M.
/// PostgreSQL gets the value itself, as for a `NaiveDateTime`.
#[derive(Debug, Clone, AsExpression)]
#[diesel(sql_type = Timestamp)]
pub struct Stamp {
    at: NaiveDateTime,
    text: Arc<str>,
}

impl Stamp {
    pub fn now() -> Stamp {
        Stamp::at(super::now())
    }

    pub fn at(at: NaiveDateTime) -> Stamp {
        Stamp {
            at,
            // As diesel writes a `NaiveDateTime` for SQLite.
            text: at.format("%F %T%.f").to_string().into(),
        }
    }
}

impl ToSql<Timestamp, diesel::sqlite::Sqlite> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::sqlite::Sqlite>) -> serialize::Result {
        out.set_value(&*self.text);
        Ok(IsNull::No)
    }
}

impl ToSql<Timestamp, diesel::pg::Pg> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::pg::Pg>) -> serialize::Result {
        ToSql::<Timestamp, diesel::pg::Pg>::to_sql(&self.at, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    #[test]
    fn sqlite_stores_the_same_text_as_for_the_time_itself() {
        let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        for at in [
            date.and_hms_micro_opt(9, 5, 7, 120_300).unwrap(),
            date.and_hms_nano_opt(23, 59, 59, 1).unwrap(),
            date.and_hms_opt(3, 4, 5).unwrap(),
        ] {
            let plain = diesel::dsl::sql::<Text>("CAST(")
                .bind::<Timestamp, _>(at)
                .sql(" AS TEXT)");
            let stamped = diesel::dsl::sql::<Text>("CAST(")
                .bind::<Timestamp, _>(Stamp::at(at))
                .sql(" AS TEXT)");
            let plain: String = diesel::select(plain).get_result(&mut conn).unwrap();
            let stamped: String = diesel::select(stamped).get_result(&mut conn).unwrap();
            assert_eq!(stamped, plain);
            assert!(plain.starts_with("2026-11-22 "), "{plain}");
        }
    }
}
