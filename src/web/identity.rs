//! Who is asking: the signed-in user (session cookie) or an API token's holder, and what
//! they may do in which consultation.

use crate::auth::{Permission, Role};
use crate::error::AppError;
use crate::models::{consultation, membership, user::User, Conn};
use actix_web::{dev::Payload, FromRequest, HttpMessage, HttpRequest};
use std::future::{ready, Ready};

#[derive(Debug, Clone)]
pub enum Via {
    Session { id: i64, csrf: String },
    Token { id: i64, role: Role },
}

/// Put into the request by the `authenticate` middleware; handlers take it as an argument.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user: User,
    pub via: Via,
}

impl Identity {
    /// The role that counts for global actions: a token never exceeds its scope.
    pub fn global_role(&self) -> Role {
        match self.via {
            Via::Token { role, .. } => role.min(self.user.role()),
            Via::Session { .. } => self.user.role(),
        }
    }

    pub fn is_admin(&self) -> bool {
        self.global_role() == Role::Admin
    }

    pub fn csrf(&self) -> Option<&str> {
        match &self.via {
            Via::Session { csrf, .. } => Some(csrf),
            Via::Token { .. } => None,
        }
    }

    /// Whether submitters' names and contact details may be shown to this user.
    pub fn can_view_personal(&self) -> bool {
        self.user.can_view_personal
    }

    /// The role in a consultation: admins everywhere, others where they are members.
    pub fn role_in(
        &self,
        conn: &mut Conn,
        c: &consultation::Consultation,
    ) -> diesel::QueryResult<Option<Role>> {
        if self.is_admin() {
            return Ok(Some(Role::Admin));
        }
        let member = membership::role_in(conn, self.user.id(), c.id())?;
        Ok(member.map(|r| match self.via {
            Via::Token { role, .. } => r.min(role),
            Via::Session { .. } => r,
        }))
    }

    /// Requires a global permission (user administration, audit).
    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.global_role().allows(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The consultation named by `slug` if this user may do `p` in it. A consultation the
    /// user is not a member of is reported as not found, so its existence is not revealed.
    pub fn consultation(
        &self,
        conn: &mut Conn,
        slug: &str,
        p: Permission,
    ) -> Result<consultation::Consultation, AppError> {
        let c = consultation::find_by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
        match self.role_in(conn, &c)? {
            None => Err(AppError::NotFound),
            Some(r) if r.allows(p) => Ok(c),
            Some(_) => Err(AppError::Forbidden),
        }
    }

    /// The consultations this user can see.
    pub fn visible_consultations(
        &self,
        conn: &mut Conn,
    ) -> diesel::QueryResult<Vec<consultation::Consultation>> {
        let all = consultation::all(conn)?;
        if self.is_admin() {
            return Ok(all);
        }
        let mine = membership::consultations_of(conn, self.user.id())?;
        Ok(all.into_iter().filter(|c| mine.contains(&c.id.0)).collect())
    }
}

impl FromRequest for Identity {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Identity>()
                .cloned()
                .ok_or(AppError::Unauthorized),
        )
    }
}
