//! The counts the dashboard reads are kept by database triggers: after every kind of change
//! they must equal a plain recount of the rows.

use crate::helpers::*;
use diesel::prelude::*;
use pubcom::auth::{accounts::Actor, Role};
use pubcom::db::schema::{assignments, comment_tallies, comments, responses};
use pubcom::db::DbConnection;
use pubcom::domain::{CategoryId, ClauseId, CommentNo, Disposition};
use pubcom::drafting::answers::{self, Editor};
use pubcom::drafting::review::ReviewAction;
use pubcom::models::comment_list;
use pubcom::models::{category, comment, consultation, list_cache, user};
use pubcom::triage::{split, tagging};
use std::collections::BTreeMap;

type Counts = BTreeMap<(i64, String, String), i64>;
/// (consultation, category, clause, chapter) of a comment.
type Tags = (i64, Option<i64>, Option<i64>, Option<String>);

fn recount(conn: &mut DbConnection) -> Counts {
    let mut out = Counts::new();
    let mut add = |c: i64, d: &str, v: String| *out.entry((c, d.to_string(), v)).or_default() += 1;
    let rows: Vec<Tags> = comments::table
        .select((
            comments::consultation_id,
            comments::category_id,
            comments::clause_id,
            comments::chapter,
        ))
        .load(conn)
        .unwrap();
    let id = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
    for (c, category, clause, chapter) in rows {
        add(c, "all", String::new());
        add(c, "category", id(category));
        add(c, "clause", id(clause));
        add(
            c,
            "chapter",
            chapter.map_or(String::new(), |ch| format!("={ch}")),
        );
    }
    let answers: Vec<(i64, String, String)> = responses::table
        .inner_join(comments::table)
        .select((
            comments::consultation_id,
            responses::state,
            responses::disposition,
        ))
        .load(conn)
        .unwrap();
    for (c, state, disposition) in answers {
        add(c, "state", state);
        add(c, "disposition", disposition);
    }
    let assigned: Vec<i64> = assignments::table
        .inner_join(comments::table)
        .select(comments::consultation_id)
        .load(conn)
        .unwrap();
    for c in assigned {
        add(c, "assigned", String::new());
    }
    out
}

fn maintained(conn: &mut DbConnection) -> Counts {
    comment_tallies::table
        .filter(comment_tallies::n.ne(0))
        .select((
            comment_tallies::consultation_id,
            comment_tallies::dimension,
            comment_tallies::value,
            comment_tallies::n,
        ))
        .load::<(i64, String, String, i64)>(conn)
        .unwrap()
        .into_iter()
        .map(|(c, d, v, n)| ((c, d, v), n))
        .collect()
}

/// Comments whose `answer_state` (kept by triggers) differs from their answer's state.
fn answer_states_astray(conn: &mut DbConnection) -> i64 {
    #[derive(QueryableByName)]
    struct Astray {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(
        "SELECT COUNT(*) AS n FROM comments c LEFT JOIN responses r ON r.comment_id = c.id \
         WHERE COALESCE(c.answer_state, '') <> COALESCE(r.state, '')",
    )
    .get_result::<Astray>(conn)
    .unwrap()
    .n
}

fn assert_counts_agree(db: &TestDb, after: &str) {
    let mut conn = db.conn();
    assert_eq!(answer_states_astray(&mut conn), 0, "after {after}");
    let expected = recount(&mut conn);
    assert!(!expected.is_empty());
    assert_eq!(maintained(&mut conn), expected, "after {after}");
}

#[test]
fn maintained_counts_equal_a_recount_after_every_kind_of_change() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    import_file(&mut db.conn(), MIC_SAMPLE, "mic");
    assert_counts_agree(&db, "two imports");
    // A bulk import counts its rows itself instead of through the row triggers.
    let (mut csv, mut truth) = (Vec::new(), Vec::new());
    pubcom::bench::synth::write(2_500, 5, &mut csv, &mut truth).unwrap();
    let bulk = import_bytes(&mut db.conn(), "synth.csv", &csv, &options("bulk")).unwrap();
    assert_eq!(bulk.comments_added, 2_500);
    let bulk_id = consultation::find_by_slug(&mut db.conn(), "bulk")
        .unwrap()
        .unwrap()
        .id();
    assert_counts_agree(&db, "a bulk import");
    // The same submitters again (no submitter row written): only the comments move the
    // version that cached list pages are checked against.
    let before = list_cache::version(&mut db.conn(), bulk_id).unwrap();
    let again = String::from_utf8(csv).unwrap().replacen('。', "．", 1);
    let renumbered = pubcom::intake::import::ImportOptions {
        renumber: true,
        ..options("bulk")
    };
    let second = import_bytes(&mut db.conn(), "again.csv", again.as_bytes(), &renumbered);
    assert_eq!(second.unwrap().comments_added, 2_500);
    assert!(list_cache::version(&mut db.conn(), bulk_id).unwrap() > before);
    assert_counts_agree(&db, "a second bulk import");

    let mut conn = db.conn();
    let c = consultation::find_by_slug(&mut conn, "gl6")
        .unwrap()
        .unwrap();
    let actor = Actor::system("test");
    let find = |conn: &mut DbConnection, n: i32| {
        comment::find_by_no(conn, c.id(), CommentNo { number: n, part: 0 })
            .unwrap()
            .unwrap()
    };
    let targets: Vec<_> = (1..=20).map(|n| find(&mut conn, n)).collect();
    let other = category::find_or_create(&mut conn, c.id(), "新しい分類").unwrap();
    let change = tagging::TagChange {
        clause: None,
        category: Some(Some(other)),
    };
    tagging::tag(&mut conn, &actor, c.id(), &targets, change).unwrap();
    let untag = tagging::TagChange {
        clause: Some(None::<ClauseId>),
        category: Some(None::<CategoryId>),
    };
    tagging::tag(&mut conn, &actor, c.id(), &targets[..5], untag).unwrap();
    assert_counts_agree(&db, "tagging");

    add_user(&db, "drafter1", Role::Drafter, false, &["gl6"]);
    let drafter = user::find_by_login(&mut conn, "drafter1").unwrap().unwrap();
    let targets: Vec<_> = (1..=30).map(|n| find(&mut conn, n)).collect();
    tagging::assign(&mut conn, &actor, c.id(), &targets, drafter.id, None).unwrap();
    assert_counts_agree(&db, "assigning");

    let editor = Editor {
        actor: &actor,
        is_reviewer: true,
    };
    for n in [2, 3] {
        let comment = find(&mut conn, n);
        let version = answers::current(&mut conn, comment.id())
            .unwrap()
            .map(|r| r.version);
        answers::save(
            &mut conn,
            &editor,
            &comment,
            Disposition::Revise,
            "修正します。",
            version,
        )
        .unwrap();
    }
    assert_counts_agree(&db, "answering");
    for (n, actions) in [
        (2, &[ReviewAction::Submit][..]),
        (4, &[ReviewAction::Submit, ReviewAction::Approve]),
    ] {
        let comment = find(&mut conn, n);
        for action in actions {
            let version = answers::current(&mut conn, comment.id())
                .unwrap()
                .unwrap()
                .version;
            answers::review(&mut conn, &editor, &comment, *action, version, None).unwrap();
        }
    }
    assert_counts_agree(&db, "review moves");

    let first = find(&mut conn, 7);
    split::split(
        &mut conn,
        &actor,
        &first,
        &[
            "前半の意見です。".to_string(),
            "後半の意見です。".to_string(),
        ],
        split::AnswerOnSplit::KeepOnFirst,
    )
    .unwrap();
    assert_counts_agree(&db, "splitting");
    let part = comment::find_by_no(&mut conn, c.id(), CommentNo { number: 7, part: 1 })
        .unwrap()
        .unwrap();
    split::undo(&mut conn, &actor, &part).unwrap();
    assert_counts_agree(&db, "undoing the split");

    // A comment deleted with its answer and assignment (the cascade removes both).
    let answered = find(&mut conn, 3);
    diesel::delete(comments::table.find(answered.id))
        .execute(&mut conn)
        .unwrap();
    assert_counts_agree(&db, "deleting an answered, assigned comment");

    // List counts answered from the maintained counts equal the rows the list returns.
    import_bytes(
        &mut conn,
        "late.csv",
        "No.,御意見\n9001,締切後に届いた意見です\n".as_bytes(),
        &options("gl6"),
    )
    .unwrap();
    let filters = [
        comment_list::CommentFilter::default(),
        comment_list::CommentFilter {
            category: Some(other.0),
            ..Default::default()
        },
        comment_list::CommentFilter {
            status: Some("unanswered".into()),
            ..Default::default()
        },
        comment_list::CommentFilter {
            status: Some("drafting".into()),
            ..Default::default()
        },
        comment_list::CommentFilter {
            status: Some("approved".into()),
            ..Default::default()
        },
        comment_list::CommentFilter {
            untagged: Some("category".into()),
            ..Default::default()
        },
        comment_list::CommentFilter {
            untagged: Some("clause".into()),
            ..Default::default()
        },
        comment_list::CommentFilter {
            category: Some(other.0),
            status: Some("drafting".into()),
            ..Default::default()
        },
    ];
    for f in filters {
        let rows = comment_list::list(&mut conn, c.id(), &f, 0, None)
            .unwrap()
            .len() as i64;
        assert!(rows > 0, "{f:?} selects something");
        assert_eq!(
            comment_list::count_filtered(&mut conn, c.id(), &f).unwrap(),
            rows,
            "{f:?}"
        );
    }
}
