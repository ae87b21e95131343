//! Submitters. Their names (of individuals), e-mail, phone and address are personal
//! information: only `public_name` may leave the system.

use super::{Conn, QueryResult};
use crate::db::{now, schema::submitters};
use crate::domain::{ConsultationId, SubmitterId, SubmitterKind};
use crate::intake::rows::SubmitterRow;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submitters)]
pub struct Submitter {
    pub id: crate::domain::SubmitterId,
    pub consultation_id: crate::domain::ConsultationId,
    pub kind: crate::domain::SubmitterKind,
    pub name: String,
    pub attribute: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    /// An individual's place among the consultation's individuals (1 = 個人A).
    pub public_number: Option<i32>,
    /// Staff set the kind by hand (the check no longer questions it).
    pub kind_confirmed: bool,
    /// [`identity_key`] of the name.
    pub identity_key: Option<String>,
}

/// Who a name names, whatever its width and spacing: `個人Ｃ` and `個人C`, `株式会社 ＡＢＣ`
/// and `株式会社ABC` are one submitter (the name first received is the one kept).
pub fn identity_key(name: &str) -> String {
    crate::text::nfkc(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Submitter {
    pub fn kind(&self) -> SubmitterKind {
        self.kind
    }
}

/// The same person or organisation (by kind and name, width and spacing aside) within a
/// consultation is one submitter.
pub fn find_or_create(
    conn: &mut Conn,
    consultation: ConsultationId,
    row: &SubmitterRow,
) -> QueryResult<SubmitterId> {
    let key = identity_key(&row.name);
    let existing = submitters::table
        .filter(submitters::consultation_id.eq(consultation.0))
        .filter(submitters::kind.eq(row.kind.code()))
        .filter(submitters::identity_key.eq(&key))
        .select(submitters::id)
        .first::<i64>(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok(SubmitterId(id));
    }
    let public_number = match row.kind {
        SubmitterKind::Individual => {
            let last: Option<i32> = submitters::table
                .filter(submitters::consultation_id.eq(consultation.0))
                .filter(submitters::kind.eq(SubmitterKind::Individual.code()))
                .select(diesel::dsl::max(submitters::public_number))
                .first(conn)?;
            Some(last.unwrap_or(0) + 1)
        }
        SubmitterKind::Organization => None,
    };
    diesel::insert_into(submitters::table)
        .values((
            submitters::consultation_id.eq(consultation.0),
            submitters::kind.eq(row.kind.code()),
            submitters::name.eq(&row.name),
            submitters::attribute.eq(&row.attribute),
            submitters::email.eq(&row.email),
            submitters::phone.eq(&row.phone),
            submitters::address.eq(&row.address),
            submitters::created_at.eq(now()),
            submitters::public_number.eq(public_number),
            submitters::identity_key.eq(&key),
        ))
        .returning(submitters::id)
        .get_result::<i64>(conn)
        .map(SubmitterId)
}

pub fn for_consultation(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<Vec<Submitter>> {
    submitters::table
        .filter(submitters::consultation_id.eq(consultation.0))
        .order(submitters::id)
        .select(Submitter::as_select())
        .load(conn)
}

pub fn of_submission(
    conn: &mut Conn,
    submission: crate::domain::SubmissionId,
) -> QueryResult<Option<Submitter>> {
    use crate::db::schema::submissions;
    submissions::table
        .inner_join(submitters::table)
        .filter(submissions::id.eq(submission.0))
        .select(Submitter::as_select())
        .first(conn)
        .optional()
}

/// The name a submitter is published under (個人A, 個人B, … or the organisation's name),
/// without loading every submitter: an individual's letter is their rank among individuals.
pub fn public_name(conn: &mut Conn, s: &Submitter) -> QueryResult<String> {
    if s.kind() == SubmitterKind::Organization {
        return Ok(s.name.clone());
    }
    let rank = match s.public_number {
        Some(n) => i64::from(n),
        None => submitters::table
            .filter(submitters::consultation_id.eq(s.consultation_id))
            .filter(submitters::kind.eq(SubmitterKind::Individual.code()))
            .filter(submitters::id.le(s.id))
            .count()
            .get_result(conn)?,
    };
    Ok(format!("個人{}", crate::text::column_letter(rank as usize)))
}

pub fn find(conn: &mut Conn, id: SubmitterId) -> QueryResult<Option<Submitter>> {
    submitters::table
        .find(id.0)
        .select(Submitter::as_select())
        .first(conn)
        .optional()
}

/// Sets the kind as staff confirmed it. An individual gets the next public number (個人X)
/// unless it had one.
pub fn set_kind(conn: &mut Conn, s: &Submitter, kind: SubmitterKind) -> QueryResult<usize> {
    let public_number = match (kind, s.public_number) {
        (SubmitterKind::Individual, None) => {
            let last: Option<i32> = submitters::table
                .filter(submitters::consultation_id.eq(s.consultation_id))
                .select(diesel::dsl::max(submitters::public_number))
                .first(conn)?;
            Some(last.unwrap_or(0) + 1)
        }
        (_, n) => n,
    };
    diesel::update(submitters::table.find(s.id))
        .set((
            submitters::kind.eq(kind.code()),
            submitters::kind_confirmed.eq(true),
            submitters::public_number.eq(public_number),
        ))
        .execute(conn)
}
