//! Triage over HTTP: filters, bulk tagging, split and undo, 同旨 proposals, routing, the
//! dashboard.

use crate::helpers::*;
use diesel::connection::SimpleConnection;
use pubcom::auth::Role;
use pubcom::domain::CommentNo;
use pubcom::models::{comment, consultation};

fn count(body: &str) -> i64 {
    let re = regex::Regex::new(r"意見 (\d+) 件").unwrap();
    re.captures(body)
        .map(|c| c[1].parse().unwrap())
        .expect("a count")
}

fn find(db: &TestDb, slug: &str, number: i32, part: i32) -> Option<comment::Comment> {
    let mut conn = db.conn();
    let c = consultation::find_by_slug(&mut conn, slug)
        .unwrap()
        .unwrap();
    comment::find_by_no(&mut conn, c.id(), CommentNo { number, part }).unwrap()
}

fn gl6() -> (TestDb, String) {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "coord", Role::Coordinator, true, &["gl6"]);
    add_user(&db, "drafter", Role::Drafter, false, &["gl6"]);
    let base = spawn_app(db.pool.clone());
    (db, base)
}

#[test]
fn japanese_search_finds_substrings_of_any_length() {
    let (_db, base) = gl6();
    let c = Client::login(&base, "coord", PASSWORD);
    let q = |s: &str| {
        count(
            &c.get(&format!("/c/gl6?q={}", pubcom::web::guard::urlencode(s)))
                .body,
        )
    };
    assert_eq!(q("合冊版"), 1, "3+ characters: the trigram index");
    // Counts from the sample's 御意見 column, checked with a plain substring search.
    assert_eq!(q("サイバー攻撃"), 6);
    assert_eq!(q("パスワード"), 15);
    assert_eq!(q("監査"), 6, "two characters still match");
    assert_eq!(q("監"), 16, "one character too");
    assert_eq!(q("存在しない語句です"), 0);
}

#[test]
fn filters_combine_and_live_in_the_url() {
    let (db, base) = gl6();
    let c = Client::login(&base, "coord", PASSWORD);
    assert_eq!(
        count(&c.get("/c/gl6?status=unanswered").body),
        0,
        "the sample has an answer for every comment"
    );
    assert_eq!(count(&c.get("/c/gl6?status=drafting").body), 255);
    let noted = count(&c.get("/c/gl6?disposition=noted").body);
    assert!(noted > 100 && noted < 255);
    assert_eq!(
        count(&c.get("/c/gl6?drafter=-1").body),
        255,
        "nothing assigned yet"
    );
    assert_eq!(
        count(&c.get("/c/gl6?submitter=individual").body),
        0,
        "the mhlw table names no submitters"
    );
    let category = pubcom::models::category::for_consultation(
        &mut db.conn(),
        consultation::find_by_slug(&mut db.conn(), "gl6")
            .unwrap()
            .unwrap()
            .id(),
    )
    .unwrap();
    let first = &category[0];
    let both = count(
        &c.get(&format!("/c/gl6?category={}&disposition=noted", first.id))
            .body,
    );
    assert!(both <= noted && both > 0);
    let page = c
        .get(&format!(
            "/c/gl6?category={}&disposition=noted&page=1",
            first.id
        ))
        .body;
    assert!(
        page.contains(&format!("category={}", first.id)),
        "pager links keep the filters"
    );
}

#[test]
fn tagging_in_bulk_over_a_filter_changes_exactly_the_selection() {
    let (db, base) = gl6();
    let c = Client::login(&base, "coord", PASSWORD);
    assert_eq!(
        c.post("/c/gl6/categories", &[("name", "サイバー攻撃")])
            .status,
        303
    );
    let list = c.get("/c/gl6?q=%E3%83%A9%E3%83%B3%E3%82%B5%E3%83%A0"); // ランサム
    let re = regex::Regex::new(r#"name="no" value="([0-9-]+)""#).unwrap();
    let nos: Vec<String> = re
        .captures_iter(&list.body)
        .map(|m| m[1].to_string())
        .collect();
    assert!(nos.len() >= 2);
    let cat = pubcom::models::category::for_consultation(
        &mut db.conn(),
        consultation::find_by_slug(&mut db.conn(), "gl6")
            .unwrap()
            .unwrap()
            .id(),
    )
    .unwrap()
    .into_iter()
    .find(|k| k.name == "サイバー攻撃")
    .unwrap();
    let mut fields: Vec<(&str, &str)> = nos.iter().map(|n| ("no", n.as_str())).collect();
    let cat_id = cat.id.to_string();
    fields.push(("set_category", &cat_id));
    fields.push(("back", "q=%E3%83%A9%E3%83%B3%E3%82%B5%E3%83%A0"));
    let r = c.post("/c/gl6/tags/bulk", &fields);
    assert_eq!(r.status, 303);
    assert!(r
        .location
        .unwrap()
        .ends_with(&format!("tagged={}", nos.len())));
    assert_eq!(
        count(&c.get(&format!("/c/gl6?category={cat_id}")).body),
        nos.len() as i64
    );
    let dashboard = c.get("/c/gl6/dashboard").body;
    assert!(
        dashboard.contains("サイバー攻撃"),
        "the dashboard counts the new category"
    );
    assert_eq!(c.get("/c/gl6?drafter=-1").status, 200);
    let d = Client::login(&base, "drafter", PASSWORD);
    assert_eq!(
        d.post(
            "/c/gl6/tags/bulk",
            &[("no", "1"), ("set_category", &cat_id)]
        )
        .status,
        403,
        "drafters do not triage"
    );
}

#[test]
fn a_comment_is_split_into_numbered_parts_and_the_split_undone() {
    let db = TestDb::new();
    let csv = "No.,御意見\n7,以下の点について意見します。\n① 用語を統一すべき。\n② 図表を増やすべき。\n③ 参考文献を示すべき。\n";
    let csv = csv.replace("意見します。\n", "意見します。\r\n"); // keep a multi-line cell
    let csv = format!(
        "No.,御意見\n7,\"{}\"\n",
        csv.lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
            .trim_start_matches("7,")
    );
    import_bytes(&mut db.conn(), "x.csv", csv.as_bytes(), &options("x")).unwrap();
    add_user(&db, "coord", Role::Coordinator, false, &["x"]);
    let base = spawn_app(db.pool.clone());
    let c = Client::login(&base, "coord", PASSWORD);
    let form = c.get("/c/x/comments/7/split").body;
    let textarea = regex::Regex::new(r"(?s)<textarea name=\x22parts\x22[^>]*>(.*?)</textarea>")
        .unwrap()
        .captures(&form)
        .unwrap()[1]
        .to_string();
    assert_eq!(
        textarea.matches("\n---\n").count(),
        3,
        "suggested: preface and three points: {textarea}"
    );
    let received = |submission: i64| -> Option<String> {
        use diesel::prelude::*;
        use pubcom::db::schema::submissions;
        submissions::table
            .find(submission)
            .select(submissions::body)
            .first(&mut *db.conn())
            .unwrap()
    };
    let original = find(&db, "x", 7, 0).unwrap();
    assert_eq!(
        received(original.submission_id.0),
        None,
        "an imported text is stored once, in its comment"
    );
    let r = c.post("/c/x/comments/7/split", &[("parts", &textarea)]);
    assert_eq!(r.status, 303);
    assert_eq!(
        received(original.submission_id.0).as_deref(),
        Some(original.body.as_str()),
        "the text as received is kept when its comment is split"
    );
    let parts: Vec<String> = (1..=4)
        .map(|p| find(&db, "x", 7, p).expect("part").body)
        .collect();
    assert_eq!(parts[1], "① 用語を統一すべき。");
    assert!(find(&db, "x", 7, 0).is_none());
    let first = find(&db, "x", 7, 1).unwrap();
    let fourth = find(&db, "x", 7, 4).unwrap();
    assert_eq!(
        (fourth.submission_id, fourth.split_from_id),
        (first.submission_id, Some(first.id)),
        "the link to the submission is kept"
    );
    assert!(c
        .get("/c/x/comments/7-3")
        .body
        .contains("② 図表を増やすべき。"));
    assert_eq!(c.post("/c/x/comments/7/unsplit", &[]).status, 303);
    let whole = find(&db, "x", 7, 0).expect("No. 7 again");
    assert!(whole.body.contains("① 用語") && whole.body.contains("③ 参考文献"));
    assert!(find(&db, "x", 7, 2).is_none());
    assert_eq!(received(original.submission_id.0), Some(original.body));
}

#[test]
fn duplicates_in_the_sample_are_proposed_and_confirmed() {
    let (db, base) = gl6();
    let c = Client::login(&base, "coord", PASSWORD);
    assert_eq!(c.post("/c/gl6/groups/propose", &[]).status, 303);
    let seventy = find(&db, "gl6", 70, 0).unwrap();
    let seventy_two = find(&db, "gl6", 72, 0).unwrap();
    assert!(seventy.duplicate_group_id.is_some());
    assert_eq!(
        seventy.duplicate_group_id, seventy_two.duplicate_group_id,
        "No. 70 and 72 say the same thing"
    );
    assert_ne!(
        find(&db, "gl6", 1, 0).unwrap().duplicate_group_id,
        seventy.duplicate_group_id
    );
    let group = seventy.duplicate_group_id.unwrap();
    assert!(c
        .get("/c/gl6/groups")
        .body
        .contains(&format!("group-{group}")));
    assert_eq!(
        c.post(&format!("/c/gl6/groups/{group}"), &[("action", "confirm")])
            .status,
        303
    );
    // Proposing again keeps the confirmed group.
    c.post("/c/gl6/groups/propose", &[]);
    assert_eq!(
        find(&db, "gl6", 72, 0).unwrap().duplicate_group_id,
        Some(group)
    );
    assert_eq!(count(&c.get(&format!("/c/gl6?group={group}")).body), 2);
}

#[test]
fn routing_rules_assign_unassigned_comments_and_drafters_hear_of_it() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MIC_SAMPLE, "mic");
    let outline = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/import/samples/mic-cloud-gl-outline.md"
    ))
    .unwrap();
    pubcom::intake::clause_import::import_clauses(
        &mut db.conn(),
        "o.md",
        &outline,
        "mic",
        None,
        &pubcom::auth::accounts::Actor::system("t"),
    )
    .unwrap();
    add_user(&db, "coord", Role::Coordinator, false, &["mic"]);
    add_user(&db, "physical", Role::Drafter, false, &["mic"]);
    add_user(&db, "technical", Role::Drafter, false, &["mic"]);
    let base = spawn_app(db.pool.clone());
    let c = Client::login(&base, "coord", PASSWORD);
    let uid = |login: &str| {
        pubcom::models::user::find_by_login(&mut db.conn(), login)
            .unwrap()
            .unwrap()
            .id
    };
    let (p, t) = (uid("physical").to_string(), uid("technical").to_string());
    assert_eq!(
        c.post(
            "/c/mic/routing",
            &[
                ("clause_prefix", "3.2.2"),
                ("category", ""),
                ("drafter", &p)
            ]
        )
        .status,
        303
    );
    assert_eq!(
        c.post(
            "/c/mic/routing",
            &[("clause_prefix", "3.2"), ("category", ""), ("drafter", &t)]
        )
        .status,
        303
    );
    let r = c.post("/c/mic/routing/apply", &[("due_on", "2026-12-10")]);
    assert_eq!(r.location.as_deref(), Some("/c/mic/routing?routed=3"));
    let drafter_of = |n: i32| {
        pubcom::models::assignment::for_comment(
            &mut db.conn(),
            find(&db, "mic", n, 0).unwrap().id(),
        )
        .unwrap()
        .map(|a| a.drafter_id)
    };
    assert_eq!(
        drafter_of(52),
        Some(uid("physical")),
        "the first matching rule wins"
    );
    assert_eq!(drafter_of(53), Some(uid("physical")));
    assert_eq!(drafter_of(56), Some(uid("technical")));
    assert_eq!(drafter_of(1), None, "全般 matches no rule");
    let pending = pubcom::models::notification::pending(&mut db.conn()).unwrap();
    assert_eq!(pending.len(), 3);
    let workload = c.get("/c/mic/dashboard").body;
    assert!(workload.contains("physical さん") && workload.contains("technical さん"));
    // The answers imported with the published table are not the drafters' work yet.
    let cid = pubcom::models::consultation::find_by_slug(&mut db.conn(), "mic")
        .unwrap()
        .unwrap()
        .id();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let load = pubcom::models::stats::workload(&mut db.conn(), cid, today).unwrap();
    assert_eq!(load.iter().map(|w| w.assigned).sum::<i64>(), 3);
    assert_eq!(load.iter().map(|w| w.answered).sum::<i64>(), 0, "{load:?}");
    assert!(c.get("/c/mic?untagged=clause").body.contains("意見 2 件"));
}

#[test]
fn list_counts_follow_every_change_to_the_consultation() {
    let (db, base) = gl6();
    let c = Client::login(&base, "coord", PASSWORD);
    let n = |path: &str| count(&c.get(path).body);
    let search = "/c/gl6?q=%E3%83%91%E3%82%B9%E3%83%AF%E3%83%BC%E3%83%89"; // パスワード
    assert_eq!(n(search), 15);
    assert_eq!(n(search), 15, "the same count, now from the cache");
    // A row links to its comment, within the list's filters.
    let listed = |path: &str, no: &str| {
        let body = c.get(path).body;
        body.contains(&format!("/c/gl6/comments/{no}\""))
            || body.contains(&format!("/c/gl6/comments/{no}?"))
    };
    assert!(!listed(search, "9001"));
    // Another connection, as `pubcom import` from a second process would be.
    import_bytes(
        &mut db.conn(),
        "late.csv",
        "資料NO.,氏名・名称,意見\n9001,個人Z,パスワードの桁数について追記を求めます\n".as_bytes(),
        &options("gl6"),
    )
    .unwrap();
    assert_eq!(n(search), 16, "a new comment is counted");
    assert!(listed(search, "9001"), "and listed on the page");

    let untagged = "/c/gl6?untagged=category";
    let before = n(untagged);
    let mut conn = db.conn();
    conn.batch_execute(
        "UPDATE comments SET category_id = NULL \
         WHERE id = (SELECT MIN(id) FROM comments WHERE category_id IS NOT NULL)",
    )
    .unwrap();
    assert_eq!(n(untagged), before + 1, "a comment loses its category");

    let unanswered = "/c/gl6?status=unanswered";
    let before = n(unanswered);
    conn.batch_execute("DELETE FROM responses WHERE id = (SELECT MIN(id) FROM responses)")
        .unwrap();
    assert_eq!(n(unanswered), before + 1, "an answer is removed");
}

#[test]
fn proposing_again_rewrites_only_the_groups_that_changed() {
    use diesel::prelude::*;
    use pubcom::db::schema::{audit_events, comments, duplicate_groups};
    let db = TestDb::new();
    let a = "個人情報の定義について、匿名加工情報との違いを明確にしていただきたい。事業者が判断に迷うためです。";
    let b = "第3章の安全管理措置は中小事業者には負担が大きいので、段階的な適用を認めてほしい。";
    let csv = format!(
        "No.,御意見\n1,{a}\n2,{a}\n3,{a}\n4,{b}\n5,{b}\n6,{b}\n7,用語集を巻末に付けてください。\n"
    );
    import_bytes(&mut db.conn(), "x.csv", csv.as_bytes(), &options("x")).unwrap();
    let cid = consultation::find_by_slug(&mut db.conn(), "x")
        .unwrap()
        .unwrap()
        .id;
    let actor = pubcom::auth::accounts::Actor::system("test");
    let group_of = |number: i32| -> Option<i64> {
        comments::table
            .filter(comments::consultation_id.eq(cid.0))
            .filter(comments::number.eq(number))
            .select(comments::duplicate_group_id)
            .first(&mut db.conn())
            .unwrap()
    };
    let first = pubcom::triage::grouping::propose(&mut db.conn(), &actor, cid).unwrap();
    assert_eq!((first.groups, first.comments), (2, 6));
    let (group_a, group_b) = (group_of(1).unwrap(), group_of(4).unwrap());
    let last_event = || -> serde_json::Value {
        let after: Option<String> = audit_events::table
            .filter(audit_events::action.eq("group_propose"))
            .order(audit_events::id.desc())
            .select(audit_events::after_json)
            .first(&mut db.conn())
            .unwrap();
        serde_json::from_str(&after.unwrap()).unwrap()
    };

    let again = pubcom::triage::grouping::propose(&mut db.conn(), &actor, cid).unwrap();
    assert_eq!(again, first);
    assert_eq!((group_of(1), group_of(4)), (Some(group_a), Some(group_b)));
    assert_eq!(last_event()["new_groups"], 0);
    assert_eq!(last_event()["dropped_groups"], 0);

    // One more copy of the first text: only its group is replaced.
    let more = format!("No.,御意見\n8,{a}\n");
    let mut opts = options("x");
    opts.renumber = false;
    import_bytes(&mut db.conn(), "y.csv", more.as_bytes(), &opts).unwrap();
    let third = pubcom::triage::grouping::propose(&mut db.conn(), &actor, cid).unwrap();
    assert_eq!((third.groups, third.comments), (2, 7));
    assert_eq!(
        group_of(4),
        Some(group_b),
        "the unchanged group keeps its id"
    );
    let replaced = group_of(1).unwrap();
    assert_ne!(replaced, group_a);
    assert_eq!(group_of(8), Some(replaced));
    assert_eq!(group_of(7), None);
    assert_eq!(last_event()["new_groups"], 1);
    assert_eq!(last_event()["dropped_groups"], 1);
    let proposed: i64 = duplicate_groups::table
        .filter(duplicate_groups::consultation_id.eq(cid.0))
        .count()
        .get_result(&mut db.conn())
        .unwrap();
    assert_eq!(proposed, 2, "the replaced proposal is gone");
}

/// Confirming a 同旨 group is not blind: its page shows the representative, each member's
/// likeness and differences to it, and warns when members already hold different answers;
/// a member's own page names its group.
#[test]
fn a_group_shows_its_differences_and_warns_of_clashing_answers_before_confirming() {
    use pubcom::domain::{Disposition, ResponseState};
    use pubcom::models::{comment, consultation, response};
    let db = TestDb::new();
    let text = "電子カルテのバックアップは、ネットワークから切り離した媒体にも保管することを明記してください。";
    let csv = format!(
        "No.,意見\n1,{text}\n2,{text}\n3,{}\n4,まったく別の意見です。\n",
        text.replace("明記してください", "必ず明記すべきである")
    );
    import_bytes(&mut db.conn(), "g.csv", csv.as_bytes(), &options("g")).unwrap();
    add_user(&db, "coord", Role::Coordinator, false, &["g"]);
    let mut conn = db.conn();
    let c = consultation::find_by_slug(&mut conn, "g").unwrap().unwrap();
    let actor = pubcom::auth::accounts::Actor::system("test");
    pubcom::triage::grouping::propose(&mut conn, &actor, c.id()).unwrap();
    let no = |n| {
        comment::find_by_no(
            &mut db.conn(),
            c.id(),
            pubcom::domain::CommentNo { number: n, part: 0 },
        )
        .unwrap()
        .unwrap()
    };
    let (one, three) = (no(1), no(3));
    assert!(one.duplicate_group_id.is_some() && one.duplicate_group_id == three.duplicate_group_id);
    for (cm, d) in [(&one, Disposition::Noted), (&three, Disposition::Revise)] {
        response::insert(&mut conn, cm.id(), d, "回答", ResponseState::Drafting, None).unwrap();
    }
    drop(conn);
    let client = Client::login(&spawn_app(db.pool.clone()), "coord", PASSWORD);
    let page = client.get("/c/g/groups").body;
    assert!(page.contains("異なる回答があります"), "{page}");
    assert!(
        page.contains("参考 1 件") && page.contains("修正 1 件"),
        "{page}"
    );
    assert!(
        page.contains("代表と同文"),
        "No. 2 is the representative's text: {page}"
    );
    assert!(
        page.contains("<ins>"),
        "the differences to the representative: {page}"
    );
    assert!(page.contains("一致 "), "{page}");
    let member = client.get("/c/g/comments/3").body;
    let g = one.duplicate_group_id.unwrap();
    assert!(
        member.contains(&format!("href=\"/c/g/groups#group-{g}\"")),
        "a member's page names its group: {member}"
    );
}

/// Splitting an answered comment: its answer can be copied to every part (and the copies go
/// again with an undo); each part's page says it is a part and offers the undo itself.
#[test]
fn a_split_can_copy_the_answer_to_the_parts_and_parts_are_labelled_as_parts() {
    use pubcom::domain::{Disposition, ResponseState};
    let db = TestDb::new();
    let csv = "No.,御意見\n8,\"前置きです。\n① 用語を統一すべき。\n② 図表を増やすべき。\"\n";
    import_bytes(&mut db.conn(), "y.csv", csv.as_bytes(), &options("y")).unwrap();
    add_user(&db, "coord", Role::Coordinator, false, &["y"]);
    let eight = find(&db, "y", 8, 0).unwrap();
    pubcom::models::response::insert(
        &mut db.conn(),
        eight.id(),
        Disposition::Noted,
        "御意見として参考にさせていただきます。",
        ResponseState::Drafting,
        None,
    )
    .unwrap();
    let c = Client::login(&spawn_app(db.pool.clone()), "coord", PASSWORD);
    let form = c.get("/c/y/comments/8/split").body;
    assert!(
        form.contains("value=\"copy\""),
        "the answer's fate is asked: {form}"
    );
    let r = c.post(
        "/c/y/comments/8/split",
        &[
            (
                "parts",
                "前置きです。\n---\n① 用語を統一すべき。\n---\n② 図表を増やすべき。",
            ),
            ("answer", "copy"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    for part in 1..=3 {
        let p = find(&db, "y", 8, part).unwrap();
        let a = pubcom::models::response::for_comment(&mut db.conn(), p.id())
            .unwrap()
            .expect("every part is answered");
        assert_eq!(a.disposition, Disposition::Noted);
    }
    let page = c.get("/c/y/comments/8-2").body;
    assert!(
        page.contains("No. 8 を分割した 2 番目の部分（全 3 部分）"),
        "{page}"
    );
    assert!(
        page.contains("/c/y/comments/8-2/unsplit"),
        "undo on the part's own page"
    );
    assert_eq!(c.post("/c/y/comments/8-2/unsplit", &[]).status, 303);
    let whole = find(&db, "y", 8, 0).expect("No. 8 again");
    assert!(whole.body.contains("② 図表"));
    assert!(
        pubcom::models::response::for_comment(&mut db.conn(), whole.id())
            .unwrap()
            .is_some()
    );

    // Or the answer goes with the point it answers, past the preamble (the default offered).
    let form = c.get("/c/y/comments/8/split").body;
    assert!(
        form.contains("name=\"keep_on\" min=\"1\" value=\"2\""),
        "{form}"
    );
    let r = c.post(
        "/c/y/comments/8/split",
        &[
            (
                "parts",
                "前置きです。\n---\n① 用語を統一すべき。\n---\n② 図表を増やすべき。",
            ),
            ("answer", "keep"),
            ("keep_on", "2"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let answer_of_part = |part| {
        pubcom::models::response::for_comment(&mut db.conn(), find(&db, "y", 8, part).unwrap().id())
            .unwrap()
    };
    assert!(answer_of_part(1).is_none(), "not on the preamble");
    assert!(answer_of_part(2).is_some());
    assert!(answer_of_part(3).is_none());
    assert_eq!(c.post("/c/y/comments/8/unsplit", &[]).status, 303);
    let whole = find(&db, "y", 8, 0).expect("No. 8 again");
    assert!(
        pubcom::models::response::for_comment(&mut db.conn(), whole.id())
            .unwrap()
            .is_some(),
        "the answer comes back with the undo"
    );
}
