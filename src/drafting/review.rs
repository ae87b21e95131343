//! The review states of an answer and the moves between them:
//! 未着手 → 起案中 → 確認待ち → 確定, and 差戻し (with a remark) back to the drafter.

use crate::domain::ResponseState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// The drafter asks for review.
    Submit,
    /// The reviewer approves: the answer is locked.
    Approve,
    /// The reviewer sends it back with a remark.
    Return,
    /// A reviewer unlocks an approved answer for changes.
    Reopen,
}

impl ReviewAction {
    pub fn label(self) -> &'static str {
        match self {
            ReviewAction::Submit => "確認を依頼",
            ReviewAction::Approve => "確定",
            ReviewAction::Return => "差戻し",
            ReviewAction::Reopen => "確定を解除",
        }
    }

    /// Only reviewers approve, return and reopen.
    pub fn needs_reviewer(self) -> bool {
        !matches!(self, ReviewAction::Submit)
    }

    pub fn audit_action(self) -> crate::domain::AuditAction {
        use crate::domain::AuditAction;
        match self {
            ReviewAction::Submit => AuditAction::ReviewSubmit,
            ReviewAction::Approve => AuditAction::ReviewApprove,
            ReviewAction::Return => AuditAction::ReviewReturn,
            ReviewAction::Reopen => AuditAction::ReviewReopen,
        }
    }
}

/// The state after `action`, or why it is not possible from `from`.
pub fn next(from: ResponseState, action: ReviewAction) -> Result<ResponseState, String> {
    use ResponseState::*;
    match (from, action) {
        (Drafting | Returned, ReviewAction::Submit) => Ok(InReview),
        (InReview, ReviewAction::Approve) => Ok(Approved),
        (InReview, ReviewAction::Return) => Ok(Returned),
        (Approved, ReviewAction::Reopen) => Ok(Drafting),
        (NotStarted, _) => Err("まだ回答が書かれていません".into()),
        (s, a) => Err(format!(
            "「{}」の回答は「{}」できません",
            s.label(),
            a.label()
        )),
    }
}

/// The state an answer is in after its text is saved: editing sends it back to drafting,
/// except a reviewer's edit during review.
pub fn after_edit(from: ResponseState, by_reviewer: bool) -> ResponseState {
    match from {
        ResponseState::InReview if by_reviewer => ResponseState::InReview,
        _ => ResponseState::Drafting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ResponseState::*;

    #[test]
    fn the_review_moves_follow_the_flow() {
        assert_eq!(next(Drafting, ReviewAction::Submit), Ok(InReview));
        assert_eq!(next(InReview, ReviewAction::Return), Ok(Returned));
        assert_eq!(next(Returned, ReviewAction::Submit), Ok(InReview));
        assert_eq!(next(InReview, ReviewAction::Approve), Ok(Approved));
        assert_eq!(next(Approved, ReviewAction::Reopen), Ok(Drafting));
        assert!(
            next(Drafting, ReviewAction::Approve).is_err(),
            "approval needs a review request"
        );
        assert!(next(Approved, ReviewAction::Return).is_err());
        assert!(next(NotStarted, ReviewAction::Submit).is_err());
    }

    #[test]
    fn editing_sends_an_answer_back_to_drafting_unless_a_reviewer_edits_in_review() {
        assert_eq!(after_edit(Returned, false), Drafting);
        assert_eq!(after_edit(InReview, false), Drafting);
        assert_eq!(after_edit(InReview, true), InReview);
    }
}
