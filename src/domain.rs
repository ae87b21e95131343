//! The vocabulary of the flow as types: dispositions, review states, submitter kinds and
//! typed ids. Strings from files and forms become these at the edge.

use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub struct $name(pub i64);
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { self.0.fmt(f) }
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
    UserId
);

/// An enum stored as a short English code and shown in Japanese.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($code:literal, $label:literal)),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

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
    /// Reads a 属性 cell as written in the tables: 個人, 法人, 団体, 法人・団体, 事業者, ….
    pub fn from_attribute(attr: &str) -> Option<Self> {
        let a = attr.trim();
        if a.is_empty() {
            None
        } else if a.contains("個人") {
            Some(SubmitterKind::Individual)
        } else {
            Some(SubmitterKind::Organization)
        }
    }
}

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
    }
}
