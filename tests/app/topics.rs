//! 論点: made from the list, a 同旨 group, the API and suggestions; answered once for all
//! their comments; exported as the `summary` layout; checked before publication.

use crate::helpers::*;
use pubcom::auth::{accounts::Actor, Role};
use pubcom::domain::{CommentId, CommentNo, Disposition, GroupStatus, ResponseState};
use pubcom::models::{comment, consultation, duplicate_group, response, topic};
use pubcom::publish::check::{self, ProblemKind};
use pubcom::publish::results::{self, Layout, ResultOptions};
use serde_json::{json, Value};

/// Four points each made in different words, one of them also sent five times verbatim
/// (a campaign), and comments on nothing in particular. Nos. 1–40.
pub fn corpus() -> String {
    let themes: [&[&str]; 4] = [
        &[
            "クラウドサービス事業者との契約で、データの保存場所を国内に限定する条項を必須にすべきです。",
            "クラウド事業者に預けるデータの保存場所が海外になる場合の扱いを、契約条項で明記してください。",
            "データの保存場所（国内・海外）をクラウドサービスの契約で確認する手順を示してほしい。",
            "海外のデータセンターに保存される場合の契約上の留意点を、クラウドサービス利用の章に追記願います。",
            "クラウドサービス契約における保存場所の条項例を付録として示していただきたい。",
            "保存場所が国外となるクラウドサービスを契約する際の判断基準を明確にしてください。",
        ],
        &[
            "多要素認証の導入期限が短すぎます。中小の医療機関には猶予期間を設けてください。",
            "二要素認証・多要素認証を義務とする時期について、小規模な診療所への経過措置を求めます。",
            "多要素認証の実施は費用負担が大きく、導入期限の延長を検討していただきたい。",
            "小規模医療機関では多要素認証の導入が難しいため、段階的な期限設定をお願いしたい。",
            "多要素認証について、導入期限と猶予の考え方を具体的に記載してください。",
        ],
        &[
            "用語集に「ゼロトラスト」の定義を追加してください。本文での使い方が分かりにくいです。",
            "ゼロトラストという用語の意味が定まっていないので、定義を示していただきたい。",
            "本文中のゼロトラストアーキテクチャの説明を、用語の定義とあわせて整理すべきです。",
            "ゼロトラストの考え方を採るのか、境界型防御との関係を定義の形で明記してほしい。",
        ],
        &[
            "バックアップの世代管理とオフライン保管について、ランサムウェア対策として具体例を示してください。",
            "ランサムウェア被害に備え、オフラインバックアップの保管方法を詳しく記載すべきです。",
            "バックアップをネットワークから切り離して保管する手順を、ランサムウェア対策の章に追加願います。",
            "ランサムウェアからの復旧に必要なバックアップの世代数と保管場所の目安を示していただきたい。",
            "オフラインでのバックアップ保管について、医療機関の規模別の例を示してください。",
        ],
    ];
    let campaign = "電子カルテの更新費用に対する補助制度を創設してください。";
    let noise = [
        "全体として分かりやすくなったと思います。",
        "第3章の図の番号がずれています。",
        "ご検討をお願いいたします。",
        "参考文献の版が古いものがあります。",
        "意見募集の期間をもう少し長くしてほしかった。",
    ];
    let mut rows: Vec<String> = Vec::new();
    for t in themes {
        rows.extend(t.iter().map(|s| s.to_string()));
    }
    rows.extend(std::iter::repeat_n(campaign.to_string(), 5));
    rows.extend(noise.iter().map(|s| s.to_string()));
    while rows.len() < 40 {
        rows.push(format!("様式{}の記入例を追加してください。", rows.len()));
    }
    let mut csv = String::from("資料NO.,氏名・名称,属性,意見\n");
    for (i, body) in rows.iter().enumerate() {
        csv.push_str(&format!("{},個人{},個人,{}\n", i + 1, i + 1, body));
    }
    csv
}

fn setup() -> TestDb {
    let db = TestDb::new();
    import_bytes(
        &mut db.conn(),
        "topics.csv",
        corpus().as_bytes(),
        &options("pc"),
    )
    .unwrap();
    db
}

fn cid(db: &TestDb, n: i32) -> CommentId {
    let c = consultation::find_by_slug(&mut db.conn(), "pc")
        .unwrap()
        .unwrap();
    comment::find_by_no(&mut db.conn(), c.id(), CommentNo { number: n, part: 0 })
        .unwrap()
        .unwrap()
        .id()
}

fn json_of(r: &Resp) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|_| panic!("JSON: {} {}", r.status, r.body))
}

#[test]
fn a_topic_is_made_moved_answered_and_approved_through_the_api() {
    let db = setup();
    add_user(&db, "office", Role::Admin, false, &["pc"]);
    let token = api_token(&db, "office", Role::Admin);
    let base = spawn_app(db.pool.clone());
    let api = Client::anonymous(&base);
    let made = api.json_with_bearer(
        "POST",
        "/api/v1/consultations/pc/topics",
        &token,
        &json!({"title": "保存場所", "summary": "クラウドの保存場所を契約で定めるべきとの御意見"}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let t = json_of(&made)["id"].as_i64().unwrap();
    assert_eq!(
        api.json_with_bearer(
            "POST",
            "/api/v1/consultations/pc/topics",
            &token,
            &json!({"title": " "})
        )
        .status,
        400,
        "a topic needs a title"
    );
    let path = format!("/api/v1/consultations/pc/topics/{t}");
    let moved = api.json_with_bearer(
        "PUT",
        &format!("{path}/comments"),
        &token,
        &json!({"add": ["1", "2", "3", "4", "5", "6", "7"], "remove": []}),
    );
    assert_eq!(moved.status, 200, "{}", moved.body);
    let moved = api.json_with_bearer(
        "PUT",
        &format!("{path}/comments"),
        &token,
        &json!({"remove": ["7"]}),
    );
    assert_eq!(
        json_of(&moved)["comments"],
        json!(["1", "2", "3", "4", "5", "6"])
    );
    assert_eq!(
        api.json_with_bearer(
            "PUT",
            &format!("{path}/comments"),
            &token,
            &json!({"add": ["999"]})
        )
        .status,
        400,
        "an unknown No. is refused, nothing moves"
    );
    let got = json_of(&api.get_with_bearer(&path, &token));
    assert_eq!(got["answer"], Value::Null);
    assert_eq!(got["comments"].as_array().unwrap().len(), 6);

    let saved = api.json_with_bearer(
        "PUT",
        &format!("{path}/answer"),
        &token,
        &json!({"disposition": "future_work", "body": "契約条項の例は今後の改定で検討します。"}),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    let v = json_of(&saved)["version"].as_i64().unwrap();
    let stale = api.json_with_bearer(
        "PUT",
        &format!("{path}/answer"),
        &token,
        &json!({"disposition": "noted", "body": "古い画面から", "version": v - 1}),
    );
    assert_eq!(stale.status, 409);
    assert_eq!(
        json_of(&stale)["current"]["body"],
        "契約条項の例は今後の改定で検討します。"
    );

    // A member is answered by the topic: its own answer endpoint refuses.
    let own = api.json_with_bearer(
        "PUT",
        "/api/v1/consultations/pc/comments/3/answer",
        &token,
        &json!({"disposition": "noted", "body": "個別の回答"}),
    );
    assert_eq!(own.status, 400, "{}", own.body);
    for n in [1, 6] {
        let r = response::for_comment(&mut db.conn(), cid(&db, n))
            .unwrap()
            .unwrap();
        assert_eq!(r.body, "契約条項の例は今後の改定で検討します。");
        assert_eq!(r.disposition(), Disposition::FutureWork);
    }
    let submit = api.json_with_bearer(
        "POST",
        &format!("{path}/review"),
        &token,
        &json!({"action": "submit", "version": v}),
    );
    assert_eq!(submit.status, 200, "{}", submit.body);
    let v = json_of(&submit)["version"].as_i64().unwrap();
    let approve = api.json_with_bearer(
        "POST",
        &format!("{path}/review"),
        &token,
        &json!({"action": "approve", "version": v}),
    );
    assert_eq!(approve.status, 200, "{}", approve.body);
    assert_eq!(json_of(&approve)["answer"]["state"], "approved");
    let locked = api.json_with_bearer(
        "PUT",
        &format!("{path}/answer"),
        &token,
        &json!({"disposition": "noted", "body": "確定後の変更", "version": v + 1}),
    );
    assert_eq!(locked.status, 409, "an approved answer is locked");
    for n in 1..=6 {
        let r = response::for_comment(&mut db.conn(), cid(&db, n))
            .unwrap()
            .unwrap();
        assert_eq!(
            r.state(),
            ResponseState::Approved,
            "No. {n} follows its topic"
        );
    }
    // No. 7 left the topic before the answer: it has none, and is answered on its own.
    assert!(response::for_comment(&mut db.conn(), cid(&db, 7))
        .unwrap()
        .is_none());
    let alone = api.json_with_bearer(
        "PUT",
        "/api/v1/consultations/pc/comments/7/answer",
        &token,
        &json!({"disposition": "noted", "body": "個別の回答"}),
    );
    assert_eq!(alone.status, 200, "{}", alone.body);
    // Renaming with a stale version conflicts.
    let renamed = api.json_with_bearer(
        "PUT",
        &path,
        &token,
        &json!({"title": "保存場所の条項", "summary": "要約", "version": 1}),
    );
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let stale = api.json_with_bearer(
        "PUT",
        &path,
        &token,
        &json!({"title": "別名", "version": 1}),
    );
    assert_eq!(stale.status, 409);
    assert_eq!(
        json_of(&api.get_with_bearer(&path, &token))["title"],
        "保存場所の条項"
    );
    let detail = json_of(&api.get_with_bearer("/api/v1/consultations/pc/comments/2", &token));
    assert_eq!(detail["topic"], t);
}

#[test]
fn a_confirmed_duplicate_group_joins_a_topic_whole_and_a_taken_out_member_keeps_its_answer() {
    let db = setup();
    let c = consultation::find_by_slug(&mut db.conn(), "pc")
        .unwrap()
        .unwrap();
    let campaign: Vec<CommentId> = (21..=25).map(|n| cid(&db, n)).collect();
    let g = duplicate_group::create(
        &mut db.conn(),
        c.id(),
        &campaign,
        GroupStatus::Confirmed,
        "test",
    )
    .unwrap();
    let actor = Actor::system("test");
    let text = topic::TopicText {
        title: "補助".into(),
        summary: "補助制度を求める御意見".into(),
        ..Default::default()
    };
    let (t, moved) =
        pubcom::triage::topics::create(&mut db.conn(), &actor, c.id(), &text, &[campaign[2]])
            .unwrap();
    assert_eq!(
        moved.comments, 5,
        "one member brings its whole confirmed group"
    );
    assert_eq!(topic::members(&mut db.conn(), t.id).unwrap(), campaign);
    let editor = pubcom::drafting::answers::Editor {
        actor: &actor,
        is_reviewer: true,
    };
    pubcom::drafting::topic_answers::save(
        &mut db.conn(),
        &editor,
        &t,
        Disposition::Noted,
        "参考とします。",
        None,
        false,
    )
    .unwrap();
    let removed =
        pubcom::triage::topics::remove(&mut db.conn(), &actor, &t, &[campaign[0]]).unwrap();
    assert_eq!(removed.comments, 5, "the group leaves whole too");
    let kept = response::for_comment(&mut db.conn(), campaign[4])
        .unwrap()
        .unwrap();
    assert_eq!(
        kept.body, "参考とします。",
        "leaving a topic keeps the answer it had"
    );
    // The move is undone from its audit event.
    let back = pubcom::triage::topics::undo(&mut db.conn(), &actor, c.id(), removed.event).unwrap();
    assert_eq!(back, 5);
    assert_eq!(topic::members(&mut db.conn(), t.id).unwrap().len(), 5);
    let _ = g;
}

#[test]
fn the_summary_layout_has_a_row_per_topic_with_its_numbers_then_the_comments_in_none() {
    let db = setup();
    let c = consultation::find_by_slug(&mut db.conn(), "pc")
        .unwrap()
        .unwrap();
    let actor = Actor::system("test");
    let editor = pubcom::drafting::answers::Editor {
        actor: &actor,
        is_reviewer: true,
    };
    let make = |title: &str, summary: &str, nos: &[i32], answer: &str| {
        let ids: Vec<CommentId> = nos.iter().map(|n| cid(&db, *n)).collect();
        let text = topic::TopicText {
            title: title.into(),
            summary: summary.into(),
            ..Default::default()
        };
        let (t, _) =
            pubcom::triage::topics::create(&mut db.conn(), &actor, c.id(), &text, &ids).unwrap();
        pubcom::drafting::topic_answers::save(
            &mut db.conn(),
            &editor,
            &t,
            Disposition::Noted,
            answer,
            None,
            false,
        )
        .unwrap();
        t
    };
    make(
        "保存場所",
        "保存場所の概要",
        &[1, 2, 3, 4, 5, 6, 30],
        "保存場所への回答",
    );
    make(
        "多要素認証",
        "多要素認証の概要",
        &[7, 8, 9, 11, 12, 13, 14, 15, 16],
        "多要素認証への回答",
    );
    let table = results::build_with(
        &mut db.conn(),
        c.id(),
        "結果",
        Layout::Summary,
        &ResultOptions::default(),
    )
    .unwrap();
    assert_eq!(
        Layout::Summary.headers(),
        [
            "No.",
            "該当箇所",
            "御意見の概要",
            "件数",
            "意見番号",
            "御意見に対する考え方",
            "修正の有無"
        ]
    );
    assert_eq!(table.rows.len(), 2 + 40 - 16);
    assert_eq!(table.rows[0][2], "保存場所の概要");
    assert_eq!(table.rows[0][3], "7");
    assert_eq!(table.rows[0][4], "1–6, 30");
    assert_eq!(table.rows[0][5], "保存場所への回答");
    assert_eq!(table.rows[0][6], "無");
    assert_eq!(table.rows[1][4], "7–9, 11–16");
    // Comments in no topic follow with their full text, numbered on from the topics.
    assert_eq!(table.rows[2][0], "3");
    assert_eq!(table.rows[2][4], "10");
    assert!(
        table.rows[2][2].contains("小規模医療機関では多要素認証の導入が難しい"),
        "{:?}",
        table.rows[2]
    );
    assert_eq!(table.rows[2][3], "1");
    // The same through the web export as XLSX.
    add_user(&db, "office", Role::Admin, false, &["pc"]);
    let base = spawn_app(db.pool.clone());
    let web = Client::login(&base, "office", PASSWORD);
    let (status, bytes) = web.get_bytes("/c/pc/export?layout=summary&format=xlsx");
    assert_eq!(status, 200);
    let rows = xlsx_rows(&bytes);
    let header = rows
        .iter()
        .position(|r| r.first().map(String::as_str) == Some("No."))
        .expect("header row");
    assert_eq!(rows[header][2], "御意見の概要");
    assert_eq!(rows[header + 1][4], "1–6, 30");
    assert_eq!(rows[header + 2][4], "7–9, 11–16");
    assert_eq!(rows[header + 2][3], "9");
    // Per-comment layouts show the topic's answer on each member.
    let mhlw = results::build_with(
        &mut db.conn(),
        c.id(),
        "結果",
        Layout::Mhlw,
        &ResultOptions::default(),
    )
    .unwrap();
    assert_eq!(
        mhlw.rows[29][6], "保存場所への回答",
        "No. 30 carries its topic's answer"
    );
}

#[test]
fn a_topic_without_summary_or_approved_answer_blocks_the_final_table_and_its_members_count_through_it(
) {
    let db = setup();
    let c = consultation::find_by_slug(&mut db.conn(), "pc")
        .unwrap()
        .unwrap();
    let actor = Actor::system("test");
    let editor = pubcom::drafting::answers::Editor {
        actor: &actor,
        is_reviewer: true,
    };
    let ids: Vec<CommentId> = (1..=6).map(|n| cid(&db, n)).collect();
    let text = topic::TopicText {
        title: "保存場所".into(),
        ..Default::default()
    };
    let (t, _) =
        pubcom::triage::topics::create(&mut db.conn(), &actor, c.id(), &text, &ids).unwrap();
    let problems = check::run(&mut db.conn(), c.id(), "pc").unwrap();
    let kinds: Vec<ProblemKind> = problems.iter().map(|p| p.kind).collect();
    assert!(kinds.contains(&ProblemKind::TopicWithoutSummary));
    assert!(kinds.contains(&ProblemKind::TopicNotApproved));
    let not_approved = |db: &TestDb| {
        check::run(&mut db.conn(), c.id(), "pc")
            .unwrap()
            .into_iter()
            .filter(|p| p.kind == ProblemKind::NotApproved)
            .filter_map(|p| p.comment)
            .collect::<Vec<_>>()
    };
    let open = not_approved(&db);
    assert!(
        !open.contains(&"3".to_string()),
        "a member is reported through its topic"
    );
    assert!(
        open.contains(&"7".to_string()),
        "a comment in no topic needs its own answer"
    );
    assert_eq!(open.len(), 34);
    pubcom::triage::topics::update(
        &mut db.conn(),
        &actor,
        &t,
        t.version,
        &topic::TopicText {
            summary: "概要".into(),
            ..text.clone()
        },
    )
    .unwrap();
    let saved = pubcom::drafting::topic_answers::save(
        &mut db.conn(),
        &editor,
        &t,
        Disposition::Noted,
        "回答",
        None,
        true,
    )
    .unwrap();
    let pubcom::drafting::answers::Outcome::Saved { version, .. } = saved else {
        panic!("{saved:?}")
    };
    pubcom::drafting::topic_answers::review(
        &mut db.conn(),
        &editor,
        &t,
        pubcom::drafting::review::ReviewAction::Approve,
        version,
        None,
    )
    .unwrap();
    let kinds: Vec<ProblemKind> = check::run(&mut db.conn(), c.id(), "pc")
        .unwrap()
        .iter()
        .map(|p| p.kind)
        .collect();
    assert!(!kinds.contains(&ProblemKind::TopicWithoutSummary));
    assert!(!kinds.contains(&ProblemKind::TopicNotApproved));
    assert_eq!(not_approved(&db).len(), 34);
}

#[test]
fn staff_make_a_topic_from_the_list_filter_answer_it_and_undo_a_move_on_the_pages() {
    let db = setup();
    add_user(&db, "office", Role::Admin, false, &["pc"]);
    add_user(&db, "viewer", Role::Viewer, false, &["pc"]);
    let base = spawn_app(db.pool.clone());
    let web = Client::login(&base, "office", PASSWORD);
    // Every comment of a search (not only the rows on screen) becomes one topic.
    let made = web.post(
        "/c/pc/topics",
        &[
            ("scope", "filter"),
            ("back", "q=ランサムウェア"),
            ("title", "ランサムウェア"),
        ],
    );
    assert_eq!(made.status, 303, "{}", made.body);
    let at = made.location.clone().unwrap();
    assert!(at.starts_with("/c/pc/topics/1?moved=4&event="), "{at}");
    let page = web.get(&at);
    assert!(page.body.contains("4 件の意見"), "{}", page.body);
    assert!(page.body.contains("元に戻す"));
    // Ticked rows join it.
    let added = web.post("/c/pc/topics", &[("no", "20"), ("into", "1")]);
    assert_eq!(added.status, 303);
    let event = added
        .location
        .as_deref()
        .unwrap()
        .split("event=")
        .nth(1)
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .to_string();
    let c = consultation::find_by_slug(&mut db.conn(), "pc")
        .unwrap()
        .unwrap();
    let t = topic::numbered(&mut db.conn(), c.id(), 1).unwrap().unwrap();
    assert_eq!(topic::members(&mut db.conn(), t.id).unwrap().len(), 5);
    // The list filters by 論点; its cached counts follow the moves.
    assert!(web.get("/c/pc?topic=1").body.contains("意見 5 件"));
    assert!(web.get("/c/pc?topic=none").body.contains("意見 35 件"));
    let undone = web.post("/c/pc/topics/undo", &[("event", &event)]);
    assert_eq!(undone.status, 303);
    assert!(web.get("/c/pc?topic=1").body.contains("意見 4 件"));
    assert!(web.get("/c/pc?topic=none").body.contains("意見 36 件"));
    assert_eq!(
        topic::members(&mut db.conn(), t.id).unwrap().len(),
        4,
        "the added comment is out again"
    );
    // The 概要 and the answer on the topic page.
    let words = web.post(
        "/c/pc/topics/1",
        &[
            ("title", "ランサムウェア対策"),
            (
                "summary",
                "バックアップの保管方法を具体的に示すべきとの御意見",
            ),
            ("version", "1"),
            ("clause", ""),
            ("category", ""),
        ],
    );
    assert_eq!(words.status, 303, "{}", words.body);
    let stale = web.post(
        "/c/pc/topics/1",
        &[
            ("title", "古い"),
            ("summary", "古い概要"),
            ("version", "1"),
            ("clause", ""),
            ("category", ""),
        ],
    );
    assert_eq!(stale.status, 409);
    assert!(
        stale.body.contains("古い概要"),
        "the typed summary is shown back, not lost"
    );
    let answered = web.post(
        "/c/pc/topics/1/answer",
        &[
            ("disposition", "noted"),
            ("body", "具体例は解説書で示します。"),
            ("version", ""),
            ("submit", "1"),
        ],
    );
    assert_eq!(answered.status, 303, "{}", answered.body);
    let page = web.get("/c/pc/topics/1");
    assert!(page.body.contains("確認待ち"), "submitted for review");
    // A member's page points to the topic instead of offering its own answer form.
    let member = web.get("/c/pc/comments/17");
    assert!(member.body.contains("answered-by-topic") && member.body.contains("/c/pc/topics/1"));
    assert!(!member.body.contains("name=\"body\""));
    // Searching the members.
    let found = web.get("/c/pc/topics/1?q=オフライン");
    assert!(found.body.contains("2 件が該当"), "{}", found.body);
    // Dashboard tiles.
    let dash = web.get("/c/pc/dashboard");
    assert!(dash.body.contains("id=\"covered\">4<"), "{}", dash.body);
    // A viewer reads but cannot move comments.
    let viewer = Client::login(&base, "viewer", PASSWORD);
    assert_eq!(viewer.get("/c/pc/topics/1").status, 200);
    assert_eq!(
        viewer
            .post("/c/pc/topics/1/comments", &[("add", "1")])
            .status,
        403
    );
}

#[test]
fn suggestions_are_the_same_each_time_and_find_the_planted_points() {
    let db = setup();
    let c = consultation::find_by_slug(&mut db.conn(), "pc")
        .unwrap()
        .unwrap();
    let first = pubcom::triage::topic_suggestions::suggest(&mut db.conn(), c.id(), None).unwrap();
    let again = pubcom::triage::topic_suggestions::suggest(&mut db.conn(), c.id(), None).unwrap();
    assert_eq!(first, again, "deterministic");
    let planted: [std::ops::RangeInclusive<i32>; 5] = [1..=6, 7..=11, 12..=15, 16..=20, 21..=25];
    for range in planted.clone() {
        let best = first
            .iter()
            .map(|s| {
                s.members
                    .iter()
                    .filter(|m| m.part == 0 && range.contains(&m.number))
                    .count()
            })
            .max()
            .unwrap_or(0);
        let size = range.clone().count();
        assert!(
            best * 5 >= size * 3,
            "planted point {range:?}: best suggestion holds {best} of {size}: {first:#?}"
        );
    }
    // Accepting one takes its comments out of later suggestions; dismissing one hides it.
    add_user(&db, "office", Role::Admin, false, &["pc"]);
    let base = spawn_app(db.pool.clone());
    let web = Client::login(&base, "office", PASSWORD);
    let page = web.get("/c/pc/topics/suggestions");
    assert_eq!(page.status, 200);
    let s0 = &first[0];
    let sig = s0.signature.clone();
    let members: Vec<String> = s0.members.iter().map(|m| m.to_string()).collect();
    let mut fields: Vec<(&str, &str)> =
        vec![("accept", "0"), ("sig0", &sig), ("title0", "候補から")];
    for m in &members {
        fields.push(("m0", m));
    }
    let accepted = web.post("/c/pc/topics/suggestions", &fields);
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    let after = pubcom::triage::topic_suggestions::suggest(&mut db.conn(), c.id(), None).unwrap();
    assert!(after
        .iter()
        .all(|s| s.ids.iter().all(|i| !s0.ids.contains(i))));
    if let Some(s1) = after.first() {
        let dismissed = web.post(
            "/c/pc/topics/suggestions",
            &[("dismiss", "0"), ("sig0", &s1.signature)],
        );
        assert_eq!(dismissed.status, 303);
        let later =
            pubcom::triage::topic_suggestions::suggest(&mut db.conn(), c.id(), None).unwrap();
        assert!(later.iter().all(|s| s.signature != s1.signature));
    }
    let api = json_of(&web.get("/api/v1/consultations/pc/topic-suggestions"));
    assert!(api["suggestions"].is_array());
}
