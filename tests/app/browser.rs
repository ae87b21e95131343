//! The main triage flow in a real headless Chromium driven over WebDriver (chromedriver):
//! log in, filter, select with the keyboard, tag and assign in bulk, see the dashboard change.
//! Needs Debian's `chromium` and `chromium-driver` (installed by .ci/run); without them the
//! test says so and passes only when PUBCOM_BROWSER_TESTS is not set.

use crate::helpers::*;
use pubcom::auth::Role;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};

struct Driver {
    base: String,
    session: String,
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn call(method: &str, url: &str, body: Option<Value>) -> Value {
    let req = ureq::request(method, url).set("Content-Type", "application/json");
    let res = match body {
        Some(b) => req.send_string(&b.to_string()),
        None => req.call(),
    };
    let text = match res {
        Ok(r) => r.into_string().unwrap(),
        Err(ureq::Error::Status(code, r)) => panic!(
            "WebDriver {method} {url}: {code} {}",
            r.into_string().unwrap_or_default()
        ),
        Err(e) => panic!("WebDriver {method} {url}: {e}"),
    };
    serde_json::from_str::<Value>(&text).unwrap()["value"].clone()
}

impl Driver {
    fn start() -> Option<Driver> {
        let (driver, chromium) = ("/usr/bin/chromedriver", "/usr/bin/chromium");
        if !std::path::Path::new(driver).exists() || !std::path::Path::new(chromium).exists() {
            assert!(
                std::env::var("PUBCOM_BROWSER_TESTS").is_err(),
                "PUBCOM_BROWSER_TESTS is set but chromium/chromedriver are missing"
            );
            eprintln!("browser test skipped: install chromium and chromium-driver to run it");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if ureq::get(&format!("{base}/status")).call().is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"binary": chromium, "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", format!("--user-data-dir={}", profile.path().display()), "--window-size=1400,1000"
        ]}}}});
        let session = call("POST", &format!("{base}/session"), Some(caps))["sessionId"]
            .as_str()
            .unwrap()
            .to_string();
        Some(Driver {
            base,
            session,
            child,
            _profile: profile,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{}", self.base, self.session, path)
    }

    fn go(&self, url: &str) {
        call("POST", &self.url("/url"), Some(json!({"url": url})));
    }

    fn find(&self, css: &str) -> String {
        let v = call(
            "POST",
            &self.url("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        call(
            "POST",
            &self.url(&format!("/element/{e}/click")),
            Some(json!({})),
        );
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        call(
            "POST",
            &self.url(&format!("/element/{e}/value")),
            Some(json!({"text": text})),
        );
    }

    fn clear(&self, css: &str) {
        let e = self.find(css);
        call(
            "POST",
            &self.url(&format!("/element/{e}/clear")),
            Some(json!({})),
        );
    }

    /// Runs a script in the page and returns its value.
    fn script(&self, js: &str) -> Value {
        call(
            "POST",
            &self.url("/execute/sync"),
            Some(json!({"script": js, "args": []})),
        )
    }

    /// Whether leaving the page now would ask the user first (a `beforeunload` handler
    /// cancels the event).
    fn leaving_is_guarded(&self) -> bool {
        self.script(
            "var e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;",
        )
        .as_bool()
        .unwrap()
    }

    fn text(&self, css: &str) -> String {
        let e = self.find(css);
        call("GET", &self.url(&format!("/element/{e}/text")), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn checked(&self, css: &str) -> bool {
        let e = self.find(css);
        call(
            "GET",
            &self.url(&format!("/element/{e}/property/checked")),
            None,
        )
        .as_bool()
        .unwrap_or(false)
    }

    /// Presses keys on the page as a user would (not into a field).
    fn keys(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|k| {
                [
                    json!({"type": "keyDown", "value": k.to_string()}),
                    json!({"type": "keyUp", "value": k.to_string()}),
                ]
            })
            .collect();
        call(
            "POST",
            &self.url("/actions"),
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    /// Waits (up to 10 s) until the page's HTML contains `text`, and returns it.
    fn wait_for(&self, text: &str) -> String {
        for _ in 0..100 {
            let page = self.source();
            if page.contains(text) {
                return page;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the page never showed {text:?}: {}", self.source());
    }

    fn source(&self) -> String {
        call("GET", &self.url("/source"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine;
        let png = call("GET", &self.url("/screenshot"), None);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

#[test]
fn staff_filter_tag_and_assign_in_a_real_browser_and_the_dashboard_follows() {
    let Some(browser) = Driver::start() else {
        return;
    };
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "coord", Role::Coordinator, false, &["gl6"]);
    add_user(&db, "drafter", Role::Drafter, false, &["gl6"]);
    let cat = {
        let mut conn = db.conn();
        let c = pubcom::models::consultation::find_by_slug(&mut conn, "gl6")
            .unwrap()
            .unwrap();
        pubcom::models::category::find_or_create(&mut conn, c.id(), "サイバー攻撃")
            .unwrap()
            .0
    };
    let drafter = pubcom::models::user::find_by_login(&mut db.conn(), "drafter")
        .unwrap()
        .unwrap()
        .id;
    let base = spawn_app(db.pool.clone());

    browser.go(&format!("{base}/login"));
    browser.type_into("input[name=login]", "coord");
    browser.type_into("input[name=password]", PASSWORD);
    browser.click("form button[type=submit]");
    browser.wait_for("意見募集（案件）の一覧");
    browser.go(&format!("{base}/c/gl6"));
    browser.wait_for("意見 255 件");

    // Filter: free text, as typed into the search box.
    browser.type_into("#search", "サイバー攻撃");
    browser.click("#filters button[type=submit]");
    browser.wait_for("意見 6 件");
    // The same words typed in half-width kana find the same comments, marked in the rows.
    browser.clear("#search");
    browser.type_into("#search", "ｻｲﾊﾞｰ攻撃");
    browser.click("#filters button[type=submit]");
    // The new page (the old one also says 6): its search box holds the half-width words.
    let page = browser.wait_for("value=\"ｻｲﾊﾞｰ攻撃\"");
    assert!(page.contains("意見 6 件"), "{page}");
    assert_eq!(
        browser.text("#comments tbody tr:nth-child(1) mark"),
        "サイバー攻撃"
    );

    // A comment opened from the filtered list goes to the previous / next one in that list,
    // and back to it.
    let no_of = |row: usize| browser.text(&format!("#comments tbody tr:nth-child({row}) td.num a"));
    let (first, second) = (no_of(1), no_of(2));
    browser.click("#comments tbody tr:nth-child(1) td.num a");
    browser.wait_for(&format!("意見 No. {first}"));
    assert!(browser.source().contains("（絞り込んだ一覧）"));
    // On a wide screen the comment stands beside the answer.
    let beside = browser.script(
        "const c = document.querySelector('#comment').getBoundingClientRect(); \
         const a = document.querySelector('#answer').getBoundingClientRect(); \
         return c.right <= a.left && Math.abs(c.top - a.top) < 5;",
    );
    assert_eq!(beside, serde_json::json!(true));
    browser.screenshot(&std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("comment.png"));
    browser.click("#next");
    browser.wait_for(&format!("意見 No. {second}"));
    let search = browser.script("return decodeURIComponent(location.search)");
    assert!(
        search.as_str().unwrap_or("").contains("q=ｻｲﾊﾞｰ攻撃"),
        "the filter stays in the address: {search}"
    );
    browser.click("#prev");
    browser.wait_for(&format!("意見 No. {first}"));
    browser.click("nav.pager a");
    browser.wait_for("意見 6 件");

    // Select the first two rows with the keyboard: j x j x.
    browser.keys("jxjx");
    assert!(browser.checked("#comments tbody tr:nth-child(1) input[type=checkbox]"));
    assert!(browser.checked("#comments tbody tr:nth-child(2) input[type=checkbox]"));
    assert!(!browser.checked("#comments tbody tr:nth-child(3) input[type=checkbox]"));
    browser.click(&format!("#bulk-category option[value='{cat}']"));
    browser.click("#bulk-triage button[formaction$='/tags/bulk']");
    let page = browser.wait_for("2 件に分類・項番を付けました");
    assert!(
        page.contains("意見 6 件"),
        "the filter is kept after the action"
    );

    // Assign all six to the drafter.
    for i in 1..=6 {
        browser.click(&format!(
            "#comments tbody tr:nth-child({i}) input[type=checkbox]"
        ));
    }
    browser.click(&format!("#bulk-drafter option[value='{drafter}']"));
    browser.click("#bulk-triage button[formaction$='/assign/bulk']");
    browser.wait_for("6 件を割り当てました");

    browser.go(&format!("{base}/c/gl6/dashboard"));
    browser.wait_for("担当者ごとの作業量");
    assert_eq!(browser.text("#unassigned"), "249");
    assert!(browser.text("#workload").contains("drafter さん"));
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png");
    browser.screenshot(&shot);
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 10_000,
        "a rendered page"
    );

    // Import from the page: a file chosen in the browser's file field and uploaded.
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-upload.csv");
    std::fs::write(
        &file,
        "資料NO.,氏名・名称,属性,意見\n9101,個人W,個人,ブラウザから取り込んだ意見です。\n",
    )
    .unwrap();
    browser.go(&format!("{base}/c/gl6"));
    browser.click("nav.tabs a[href$='/import']");
    browser.wait_for("意見の表");
    browser.type_into("#import-comments input[type=file]", file.to_str().unwrap());
    browser.click("#import-comments button[type=submit]");
    let report = browser.wait_for("取り込みました");
    assert!(report.contains("追加した意見: 1 件"), "{report}");
    browser.go(&format!("{base}/c/gl6"));
    browser.wait_for("意見 256 件");
}

#[test]
fn a_drafter_submits_the_answer_on_the_screen_and_is_warned_before_leaving_unsaved_text() {
    let Some(browser) = Driver::start() else {
        return;
    };
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "drafter", Role::Drafter, false, &["gl6"]);
    let base = spawn_app(db.pool.clone());
    browser.go(&format!("{base}/login"));
    browser.type_into("input[name=login]", "drafter");
    browser.type_into("input[name=password]", PASSWORD);
    browser.click("form button[type=submit]");
    browser.wait_for("意見募集（案件）の一覧");

    browser.go(&format!("{base}/c/gl6/comments/5"));
    browser.wait_for("保存して確認を依頼");
    assert!(!browser.leaving_is_guarded(), "nothing typed yet");
    browser.clear("form.answer textarea[name=body]");
    let typed = "ブラウザで書き直した回答です。";
    browser.type_into("form.answer textarea[name=body]", typed);
    assert!(browser.leaving_is_guarded(), "typed text is not saved yet");

    // 「保存して確認を依頼」 without 「回答を保存」 first: what is on the screen is submitted.
    browser.click("form.answer button[name=submit]");
    browser.wait_for("確認待ち");
    assert!(!browser.leaving_is_guarded(), "saved: nothing to lose");
    let c = pubcom::models::consultation::find_by_slug(&mut db.conn(), "gl6")
        .unwrap()
        .unwrap();
    let five = pubcom::models::comment::find_by_no(
        &mut db.conn(),
        c.id(),
        pubcom::domain::CommentNo { number: 5, part: 0 },
    )
    .unwrap()
    .unwrap();
    let saved = pubcom::models::response::for_comment(&mut db.conn(), five.id())
        .unwrap()
        .unwrap();
    assert_eq!(saved.body, typed);
    assert_eq!(saved.state(), pubcom::domain::ResponseState::InReview);

    // A phrase inserted by the server is on the screen but not saved: leaving is guarded.
    browser.go(&format!("{base}/c/gl6/comments/6"));
    browser.wait_for("定型文を挿入");
    browser.click("form.answer button.phrase");
    browser.wait_for("まだ保存されていません");
    assert!(browser.leaving_is_guarded());
}

/// The audit log and a comment's history fit a 1,366 px screen: long changes wrap inside
/// their cells instead of widening the page.
#[test]
fn the_audit_log_and_the_history_fit_a_1366_px_screen() {
    let Some(browser) = Driver::start() else {
        return;
    };
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "admin", Role::Admin, false, &[]);
    let c = pubcom::models::consultation::find_by_slug(&mut db.conn(), "gl6")
        .unwrap()
        .unwrap();
    let first = pubcom::models::comment::find_by_no(
        &mut db.conn(),
        c.id(),
        pubcom::domain::CommentNo { number: 1, part: 0 },
    )
    .unwrap()
    .unwrap();
    let admin = pubcom::models::user::find_by_login(&mut db.conn(), "admin")
        .unwrap()
        .unwrap();
    let actor = pubcom::auth::accounts::Actor::of(&admin);
    let editor = pubcom::drafting::answers::Editor {
        actor: &actor,
        is_reviewer: true,
    };
    // Long Japanese text, and a URL with no place to break.
    let long = format!(
        "{}参照: https://www.example.jp/{}",
        "長い回答の文です。".repeat(60),
        "abcdefghij".repeat(30)
    );
    let version = pubcom::models::response::for_comment(&mut db.conn(), first.id())
        .unwrap()
        .map(|r| r.version);
    let saved = pubcom::drafting::answers::save(
        &mut db.conn(),
        &editor,
        &first,
        pubcom::domain::Disposition::Noted,
        &long,
        version,
    )
    .unwrap();
    assert!(
        matches!(saved, pubcom::drafting::answers::Outcome::Saved { .. }),
        "{saved:?}"
    );
    let base = spawn_app(db.pool.clone());
    call(
        "POST",
        &browser.url("/window/rect"),
        Some(json!({"width": 1366, "height": 768})),
    );
    browser.go(&format!("{base}/login"));
    browser.type_into("input[name=login]", "admin");
    browser.type_into("input[name=password]", PASSWORD);
    browser.click("form button[type=submit]");
    browser.wait_for("意見募集（案件）の一覧");
    // The table ends inside the window and no cell's text runs out of its cell.
    let fits = |table: &str| {
        format!(
            "const t = document.querySelector('{table}'); \
             return t.getBoundingClientRect().right <= window.innerWidth && \
             [...t.querySelectorAll('td')].every(td => td.scrollWidth <= td.clientWidth + 1);"
        )
    };
    browser.go(&format!("{base}/admin/audit"));
    browser.wait_for("監査ログ");
    assert_eq!(
        browser.script(&fits("#audit")),
        json!(true),
        "the audit log fits"
    );
    browser.go(&format!("{base}/c/gl6/comments/1"));
    browser.wait_for("変更の履歴");
    assert_eq!(
        browser.script(&fits("#history table")),
        json!(true),
        "the history fits"
    );
}

/// The 論点 flow as staff do it: select comments on the list → 論点にまとめる → write the 概要
/// → answer → approve → export the summary table.
#[test]
fn staff_gather_comments_into_a_topic_answer_it_once_and_export_the_summary() {
    let Some(browser) = Driver::start() else {
        return;
    };
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "office", Role::Admin, false, &["gl6"]);
    let base = spawn_app(db.pool.clone());
    browser.go(&format!("{base}/login"));
    browser.type_into("input[name=login]", "office");
    browser.type_into("input[name=password]", PASSWORD);
    browser.click("form button[type=submit]");
    browser.wait_for("意見募集（案件）の一覧");

    browser.go(&format!("{base}/c/gl6?q=ゼロトラスト"));
    let list = browser.wait_for("論点にまとめる");
    assert!(list.contains("意見 "), "{list}");
    let no_of = |row: usize| browser.text(&format!("#comments tbody tr:nth-child({row}) td.num a"));
    let picked = [no_of(1), no_of(2), no_of(3)];
    for row in 1..=3 {
        browser.click(&format!(
            "#comments tbody tr:nth-child({row}) input[type=checkbox]"
        ));
    }
    browser.type_into("#topic-title", "ゼロトラストの扱い");
    browser.click("#make-topic");
    browser.wait_for("論点 1：ゼロトラストの扱い");
    assert!(browser.source().contains("3 件の意見"));

    browser.type_into(
        "#topic-summary",
        "ゼロトラストの考え方を本文で明確にすべきとの御意見",
    );
    browser.click("form.topic button[type=submit]");
    browser.wait_for("版 2");
    browser.script("document.querySelector('form.answer select[name=disposition]').value = 'explained'; return true;");
    browser.type_into(
        "form.answer textarea[name=body]",
        "ゼロトラストの考え方は第3章で説明しています。",
    );
    browser.click("form.answer button[name=submit]");
    browser.wait_for("確認待ち");
    browser.click("button[value=approve]");
    browser.wait_for("確定を解除して修正する");

    // Each member shows the topic's answer and points to the topic.
    browser.go(&format!("{base}/c/gl6/comments/{}", picked[1]));
    let member = browser.wait_for("の回答が付きます");
    assert!(member.contains("ゼロトラストの考え方は第3章で説明しています。"));

    // The summary table: one row for the topic with its comment numbers, then the rest.
    let csv = browser.script(
        "const x = new XMLHttpRequest(); x.open('GET', '/c/gl6/export?layout=summary&format=csv', false); x.send(); return x.responseText;",
    );
    let csv = csv.as_str().unwrap_or_default().to_string();
    assert!(csv.contains("御意見の概要"), "{csv}");
    let topic_line = csv
        .lines()
        .find(|l| l.contains("ゼロトラストの考え方を本文で明確にすべきとの御意見"))
        .unwrap_or_else(|| panic!("topic row: {csv}"));
    assert!(topic_line.contains("ゼロトラストの考え方は第3章で説明しています。"));
    assert!(topic_line.contains(",3,"), "{topic_line}");
    for no in &picked {
        assert!(topic_line.contains(no.as_str()), "{no} in {topic_line}");
    }
    browser.go(&format!("{base}/c/gl6/export?layout=summary&format=html"));
    let print = browser.wait_for("御意見に対する考え方");
    assert!(print.contains("ゼロトラストの考え方を本文で明確にすべきとの御意見"));
    // Its own stylesheet applies (the app's policy allows no inline style; before, the print
    // page opened from the app had no column widths, borders or A4 page).
    let styled = browser.script(
        "const t = getComputedStyle(document.querySelector('table'));          const w = document.querySelectorAll('th')[4].getBoundingClientRect().width / document.querySelector('table').getBoundingClientRect().width;          return t.tableLayout === 'fixed' && t.borderCollapse === 'collapse' && w > 0.07;",
    );
    assert_eq!(
        styled,
        json!(true),
        "the print page's stylesheet is applied"
    );
    browser
        .screenshot(&std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("summary-print.png"));
}
