//! The vocabulary of the flow as types: dispositions, review states, submitter kinds and
//! typed ids. Strings from files and forms become these at the edge.

use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        pub struct $name(pub i64);
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { self.0.fmt(f) }
        }
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::BigInt, DB> for $name
        where
            DB: diesel::backend::Backend,
            i64: diesel::deserialize::FromSql<diesel::sql_types::BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                i64::from_sql(bytes).map($name)
            }
        }
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::BigInt, DB> for $name
        where
            DB: diesel::backend::Backend,
            i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
                self.0.to_sql(out)
            }
        }
    )*};
}
id_type!(
    ConsultationId,
    CommentId,
    SubmissionId,
    SubmitterId,
    ClauseId,
    CategoryId,
    UserId,
    GroupId,
    ResponseId,
    RevisionId,
    TopicId
);

/// Stores a type with `code()` and `FromStr` in a text column on both backends. A stored
/// value that is no code of the type is an error when read, never a default.
#[macro_export]
macro_rules! text_column {
    ($name:ty) => {
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let stored = String::from_sql(bytes)?;
                stored.parse::<$name>().map_err(|e| e.to_string().into())
            }
        }
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.code().to_sql(out)
            }
        }
    };
}

/// An enum stored as a short English code and shown in Japanese.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($code:literal, $label:literal)),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        text_column!($name);

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The code stored in the database.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),* } }
            /// The Japanese word shown to users and written in exports.
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),* } }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            /// Accepts the code or the Japanese label.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim();
                $name::ALL.iter().copied().find(|v| v.code() == s || v.label() == s)
                    .ok_or_else(|| UnknownValue { kind: stringify!($name), value: s.to_string() })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.label()) }
        }
    };
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} として不明な値です: 「{value}」")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

coded_enum!(
    /// What an audit event records (its code is stored; the history shows the label).
    AuditAction {
        Import => ("import", "意見の取込"),
        ImportClauses => ("import_clauses", "条項の取込"),
        Split => ("split", "意見の分割"),
        SplitUndo => ("split_undo", "分割の取消"),
        Tag => ("tag", "分類・該当箇所の設定"),
        Assign => ("assign", "担当者の割当"),
        CategoryAdd => ("category_add", "分類の追加"),
        SubmitterKind => ("submitter_kind", "提出者の区分の訂正"),
        RoutingRuleAdd => ("routing_rule_add", "振り分け規則の追加"),
        RoutingRuleDelete => ("routing_rule_delete", "振り分け規則の削除"),
        GroupPropose => ("group_propose", "同旨の候補の提案"),
        GroupConfirm => ("group_confirm", "同旨の確定"),
        GroupReject => ("group_reject", "同旨の却下"),
        GroupRemove => ("group_remove", "同旨からの除外"),
        TopicCreate => ("topic_create", "論点の作成"),
        TopicUpdate => ("topic_update", "論点の概要の変更"),
        TopicAdd => ("topic_add", "論点への追加"),
        TopicRemove => ("topic_remove", "論点からの除外"),
        TopicDelete => ("topic_delete", "論点の削除"),
        TopicDismiss => ("topic_dismiss", "論点の候補の却下"),
        TopicAnswer => ("topic_answer", "論点の回答の保存"),
        AnswerTopic => ("answer_topic", "論点の回答の反映"),
        AnswerSave => ("answer_save", "回答の保存"),
        AnswerGroup => ("answer_group", "同旨への一括回答"),
        AnswerBulk => ("answer_bulk", "一括回答"),
        ReviewSubmit => ("review_submit", "確認の依頼"),
        ReviewApprove => ("review_approve", "確定"),
        ReviewReturn => ("review_return", "差戻し"),
        ReviewReopen => ("review_reopen", "確定の解除"),
        RevisionCreate => ("revision_create", "修正内容の追加"),
        RevisionUpdate => ("revision_update", "修正内容の更新"),
        RevisionDelete => ("revision_delete", "修正内容の削除"),
        PhraseAdd => ("phrase_add", "定型文の追加"),
        PhraseDelete => ("phrase_delete", "定型文の削除"),
        Redact => ("redact", "個人情報の黒塗り"),
        Export => ("export", "書き出し"),
        ConsultationTitle => ("consultation_title", "案件名の変更"),
        UserAdd => ("user_add", "利用者の追加"),
        UserRole => ("user_role", "役割の変更"),
        UserDisable => ("user_disable", "利用者の無効化"),
        UserEnable => ("user_enable", "利用者の有効化"),
        Membership => ("membership", "担当案件の変更"),
        PasswordReset => ("password_reset", "パスワードの再設定"),
        PasswordChange => ("password_change", "パスワードの変更"),
        TokenCreate => ("token_create", "API トークンの発行"),
        TokenRevoke => ("token_revoke", "API トークンの失効"),
        LoginSuccess => ("login_success", "ログイン"),
        LoginFailure => ("login_failure", "ログイン失敗"),
        LoginLocked => ("login_locked", "ログインの停止"),
        LoginDisabled => ("login_disabled", "無効な利用者のログイン"),
        Logout => ("logout", "ログアウト"),
    }
);

coded_enum!(
    /// 対応区分: what the ministry does with a comment.
    Disposition {
        Revise => ("revise", "修正"),
        Keep => ("keep", "原案どおり"),
        Noted => ("noted", "参考"),
        FutureWork => ("future_work", "今後検討"),
        Explained => ("explained", "説明"),
        Thanks => ("thanks", "謝意"),
    }
);

coded_enum!(
    /// Review state of a response: 未着手 → 起案中 → 確認待ち → 確定, 差戻し back to 起案中.
    ResponseState {
        NotStarted => ("not_started", "未着手"),
        Drafting => ("drafting", "起案中"),
        InReview => ("in_review", "確認待ち"),
        Returned => ("returned", "差戻し"),
        Approved => ("approved", "確定"),
    }
);

coded_enum!(
    /// 属性: a person (個人) or an organisation (法人・団体).
    SubmitterKind {
        Individual => ("individual", "個人"),
        Organization => ("organization", "法人・団体"),
    }
);

impl SubmitterKind {
    /// Reads a 属性 cell as written in the tables: 個人, 法人, 団体, 法人・団体, 事業者, 会社員, ….
    /// `None` when the cell is empty or says neither (then the name decides: see `classify`).
    /// Words for a person's occupation (会社員, 団体職員, 自営業) are a person.
    pub fn from_attribute(attr: &str) -> Option<Self> {
        let a = crate::text::nfkc(attr.trim());
        if a.is_empty() {
            None
        } else if PERSON_ATTRIBUTE.is_match(&a) {
            Some(SubmitterKind::Individual)
        } else if ORGANIZATION_WORD.is_match(&a) {
            Some(SubmitterKind::Organization)
        } else {
            None
        }
    }

    /// A submitter is an individual unless the data says organisation: the 属性 cell, or
    /// a name of an organisation's shape (株式会社…, …協会, …大学, an acronym such as JAHIS).
    /// When unsure, a person: their name is then never published.
    pub fn classify(attribute: &str, name: &str) -> Self {
        Self::from_attribute(attribute).unwrap_or_else(|| {
            if looks_like_organization(name) {
                SubmitterKind::Organization
            } else {
                SubmitterKind::Individual
            }
        })
    }
}

/// Whether a name has the shape of an organisation's (not of a person's).
pub fn looks_like_organization(name: &str) -> bool {
    let n = crate::text::nfkc(name.trim());
    !n.starts_with("個人") && (ORGANIZATION_WORD.is_match(&n) || ORGANIZATION_NAME.is_match(&n))
}

static PERSON_ATTRIBUTE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        "個人|員$|職員|役員|自営|主婦|主夫|学生|無職|年金|パート|アルバイト|医師$|歯科医師$|薬剤師$|看護師$|弁護士$|患者|市民|県民|都民|国民",
    )
    .expect("static regex")
});

static ORGANIZATION_WORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        "法人|団体|企業|事業者|事業所|会社|組合|協会|協議会|連合会|連盟|財団|社団|機構|機関|自治体|医療機関|病院|大学|学会|研究所|省|庁|行政",
    )
    .expect("static regex")
});

static ORGANIZATION_NAME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)\(株\)|\(有\)|㈱|㈲|会$|部$|課$|室$|局$|センター|クリニック|医院|診療所|薬局|銀行|ホールディングス|グループ|製薬|工業|電機|商事|事務所|役所|役場|[都道府県市区町村]$|\b(inc|corp|co|ltd|llc|llp|gmbh|k\.k)\b\.?|(?-i:^[A-Z0-9&・\- ]{3,}$)",
    )
    .expect("static regex")
});

coded_enum!(
    /// What a revision does to the draft, read off its two sides (never typed by hand):
    /// 修正 in place, 新設 (no 原案), 削除 (no 修正後), 移動・番号変更 (another label).
    RevisionKind {
        Amend => ("amend", "修正"),
        New => ("new", "新設"),
        Delete => ("delete", "削除"),
        Move => ("move", "移動・番号変更"),
    }
);

impl RevisionKind {
    /// The kind of a revision from its labels and texts. `revised_label` is the 修正後
    /// side's own label ('' when it has none).
    pub fn of(original_label: &str, original: &str, revised_label: &str, revised: &str) -> Self {
        let marker = |t: &str, m: &str| {
            let t = t.trim();
            t.is_empty() || t.trim_matches(['（', '）', '(', ')', '「', '」']) == m
        };
        if !original.trim().is_empty() && marker(revised, "削除") {
            RevisionKind::Delete
        } else if original_label.trim().is_empty() && marker(original, "新設") {
            RevisionKind::New
        } else if !revised_label.trim().is_empty()
            && !original_label.trim().is_empty()
            && revised_label.trim() != original_label.trim()
        {
            RevisionKind::Move
        } else {
            RevisionKind::Amend
        }
    }
}

coded_enum!(
    /// Where a revision stands. A revision is approved through the answers that lead to it,
    /// so its own state stays 起案中; the column keeps room for a revision's own review.
    RevisionState {
        Drafting => ("drafting", "起案中"),
    }
);

coded_enum!(
    /// What a digest tells a user about a comment.
    NotificationKind {
        Assigned => ("assigned", "担当の割当"),
        Returned => ("returned", "差戻し"),
    }
);

/// What the 修正後 cell of a deleted clause says.
pub const DELETED_TEXT: &str = "（削除）";

coded_enum!(
    /// A 同旨 group's life: proposed by the machine, then confirmed or rejected by staff.
    GroupStatus {
        Proposed => ("proposed", "提案"),
        Confirmed => ("confirmed", "確定"),
        Rejected => ("rejected", "却下"),
    }
);

/// The stable No. of a comment: `12`, or `12-2` for the second point split from No. 12.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CommentNo {
    pub number: i32,
    pub part: i32,
}

impl CommentNo {
    /// Nos. as a published table lists them, runs compressed: `3–7, 12, 12-2`. Split parts
    /// are listed one by one; `nos` must be in order.
    pub fn ranges(nos: &[CommentNo]) -> String {
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        while i < nos.len() {
            let start = nos[i];
            let mut end = i;
            if start.part == 0 {
                while end + 1 < nos.len()
                    && nos[end + 1].part == 0
                    && nos[end + 1].number == nos[end].number + 1
                {
                    end += 1;
                }
            }
            out.push(match end - i {
                0 => start.to_string(),
                1 => format!("{start}, {}", nos[end]),
                _ => format!("{start}–{}", nos[end]),
            });
            i = end + 1;
        }
        out.join(", ")
    }
}

impl fmt::Display for CommentNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.part == 0 {
            write!(f, "{}", self.number)
        } else {
            write!(f, "{}-{}", self.number, self.part)
        }
    }
}

impl FromStr for CommentNo {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t: String = crate::text::nfkc(s).split_whitespace().collect();
        let bad = || UnknownValue {
            kind: "No.",
            value: s.trim().to_string(),
        };
        let (n, p) = match t.split_once('-') {
            Some((n, p)) => (n, p.parse::<i32>().map_err(|_| bad())?),
            None => (t.as_str(), 0),
        };
        let number = n.trim_end_matches('.').parse::<i32>().map_err(|_| bad())?;
        if number < 0 || p < 0 {
            return Err(bad());
        }
        Ok(CommentNo { number, part: p })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn comment_numbers_are_listed_with_runs_compressed() {
        let n = |number, part| CommentNo { number, part };
        let nos = [
            n(3, 0),
            n(4, 0),
            n(5, 0),
            n(6, 0),
            n(7, 0),
            n(9, 0),
            n(10, 0),
            n(12, 0),
            n(12, 2),
            n(13, 0),
            n(20, 0),
        ];
        assert_eq!(CommentNo::ranges(&nos), "3–7, 9, 10, 12, 12-2, 13, 20");
        assert_eq!(CommentNo::ranges(&[]), "");
    }

    #[test]
    fn audit_actions_have_distinct_codes_that_read_back() {
        let mut codes: Vec<&str> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), AuditAction::ALL.len());
        for a in AuditAction::ALL {
            assert_eq!(a.code().parse::<AuditAction>().unwrap(), *a);
        }
    }

    use super::*;

    #[test]
    fn dispositions_parse_from_code_and_japanese_label() {
        assert_eq!("修正".parse::<Disposition>().unwrap(), Disposition::Revise);
        assert_eq!(
            "future_work".parse::<Disposition>().unwrap(),
            Disposition::FutureWork
        );
        assert!("採用".parse::<Disposition>().is_err());
    }

    #[test]
    fn comment_numbers_read_full_width_and_split_parts() {
        assert_eq!(
            "１２".parse::<CommentNo>().unwrap(),
            CommentNo {
                number: 12,
                part: 0
            }
        );
        assert_eq!("52-2".parse::<CommentNo>().unwrap().to_string(), "52-2");
        assert!("abc".parse::<CommentNo>().is_err());
    }

    #[test]
    fn attribute_cells_map_to_submitter_kinds() {
        assert_eq!(
            SubmitterKind::from_attribute("個人"),
            Some(SubmitterKind::Individual)
        );
        assert_eq!(
            SubmitterKind::from_attribute("法人"),
            Some(SubmitterKind::Organization)
        );
        assert_eq!(SubmitterKind::from_attribute(" "), None);
        assert_eq!(
            SubmitterKind::from_attribute("会社員"),
            Some(SubmitterKind::Individual)
        );
        assert_eq!(
            SubmitterKind::from_attribute("団体職員"),
            Some(SubmitterKind::Individual)
        );
        assert_eq!(SubmitterKind::from_attribute("その他"), None);
    }

    #[test]
    fn revision_kinds_are_read_off_labels_and_texts() {
        use RevisionKind::*;
        assert_eq!(RevisionKind::of("1.2.2", "旧", "1.2.2", "新"), Amend);
        assert_eq!(RevisionKind::of("1.2.2", "旧", "1.2.3", "新"), Move);
        assert_eq!(RevisionKind::of("4.1.1", "また、…", "", "（削除）"), Delete);
        assert_eq!(RevisionKind::of("", "", "1.2.2", "新しい定義"), New);
        assert_eq!(RevisionKind::of("", "（新設）", "1.2.2", "新しい定義"), New);
        assert_eq!(RevisionKind::of("", "旧", "", "新"), Amend);
    }

    #[test]
    fn a_submitter_is_a_person_unless_the_data_says_organisation() {
        use SubmitterKind::*;
        for (attribute, name, kind) in [
            ("", "佐藤花子", Individual),
            ("会社員", "鈴木一郎", Individual),
            ("その他", "Taro Yamada", Individual),
            ("", "個人Ｃ", Individual),
            ("", "株式会社ＡＢＣ", Organization),
            ("", "一般社団法人日本医療情報学会", Organization),
            ("", "日本医師会", Organization),
            ("", "（株）テスト", Organization),
            ("", "JAHIS", Organization),
            ("", "Example Co., Ltd.", Organization),
            ("", "横浜市", Organization),
            ("", "情報システム部", Organization),
            ("法人", "山田", Organization),
            ("個人", "日本医師会", Individual),
        ] {
            assert_eq!(
                SubmitterKind::classify(attribute, name),
                kind,
                "{attribute} {name}"
            );
        }
    }
}
