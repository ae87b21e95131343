//! Who may see and change what: authentication on every route, CSRF, sessions, roles,
//! personal data, and hostile input.

use crate::helpers::*;
use calamine::{Reader, Xlsx};
use pubcom::auth::Role;
use pubcom::models::{audit, consultation};
use pubcom::web::{guard, ROUTES};

/// A concrete path for a route pattern.
fn concrete(pattern: &str) -> String {
    pattern
        .replace("{slug}", "gl6")
        .replace("{no}", "1")
        .replace("{id}", "1")
        .replace("{login}", "admin")
}

fn app() -> (TestDb, String) {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "admin", Role::Admin, true, &[]);
    let base = spawn_app(db.pool.clone());
    (db, base)
}

fn audit_count(db: &TestDb, action: &str) -> i64 {
    use diesel::prelude::*;
    use pubcom::db::schema::audit_events;
    audit_events::table
        .filter(audit_events::action.eq(action))
        .count()
        .get_result(&mut *db.conn())
        .unwrap()
}

#[test]
fn every_route_refuses_an_anonymous_request() {
    let (_db, base) = app();
    let anon = Client::anonymous(&base);
    let guarded: Vec<_> = ROUTES
        .iter()
        .filter(|(_, p)| !guard::is_public(p))
        .collect();
    assert!(
        guarded.len() >= 20,
        "the route table is enumerated from the app"
    );
    for (method, pattern) in guarded {
        let path = concrete(pattern);
        let r = if *method == "get" {
            anon.get(&path)
        } else {
            anon.send_raw(&method.to_uppercase(), &path, &[("x", "1")])
        };
        if path.starts_with("/api/") {
            assert_eq!(r.status, 401, "{method} {path}");
        } else {
            assert_eq!(r.status, 303, "{method} {path}");
            assert!(
                r.location.as_deref().unwrap_or("").starts_with("/login"),
                "{method} {path}"
            );
        }
    }
}

#[test]
fn the_only_public_routes_are_login_health_and_assets() {
    let public: Vec<_> = ROUTES
        .iter()
        .filter(|(_, p)| guard::is_public(p))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert_eq!(
        public,
        vec![
            "get /static/app.css",
            "get /static/app.js",
            "get /healthz",
            "get /favicon.ico",
            "get /login",
            "post /login",
            "get /api/v1/openapi.json"
        ]
    );
}

#[test]
fn a_post_without_a_valid_csrf_token_is_refused() {
    let (db, base) = app();
    let admin = Client::login(&base, "admin", PASSWORD);
    for (method, pattern) in ROUTES
        .iter()
        .filter(|(m, p)| *m != "get" && !guard::is_public(p))
    {
        let path = concrete(pattern);
        let m = method.to_uppercase();
        let missing = admin.send_raw(&m, &path, &[("title", "x"), ("role", "viewer")]);
        assert_eq!(missing.status, 403, "{method} {path} without a token");
        let wrong = admin.send_raw(&m, &path, &[("title", "x"), ("csrf", "forged-token")]);
        assert_eq!(wrong.status, 403, "{method} {path} with a wrong token");
    }
    // Still signed in, and nothing changed.
    assert_eq!(admin.get("/").status, 200);
    let c = consultation::find_by_slug(&mut db.conn(), "gl6")
        .unwrap()
        .unwrap();
    assert_eq!(c.title, "gl6");
    // The login form has its own token.
    let anon = Client::anonymous(&base);
    let r = anon.post_raw(
        "/login",
        &[("login", "admin"), ("password", PASSWORD), ("csrf", "x")],
    );
    assert_eq!(r.status, 403);
}

#[test]
fn a_stolen_session_cookie_stops_working_after_logout() {
    let (_db, base) = app();
    let admin = Client::login(&base, "admin", PASSWORD);
    let thief = admin.clone();
    assert_eq!(thief.get("/c/gl6").status, 200);
    let out = admin.post("/logout", &[]);
    assert_eq!(out.status, 303);
    let r = thief.get("/c/gl6");
    assert_eq!(r.status, 303, "the copied cookie no longer opens pages");
    assert!(r.location.unwrap().starts_with("/login"));
}

#[test]
fn a_tampered_session_cookie_is_not_accepted() {
    let (_db, base) = app();
    let mut admin = Client::login(&base, "admin", PASSWORD);
    let cookie = admin.cookie.clone().unwrap();
    // The value is a signature followed by the token: change one character of the token.
    let last = cookie.chars().last().unwrap();
    let swapped = if last == 'A' { 'B' } else { 'A' };
    admin.cookie = Some(format!("{}{swapped}", &cookie[..cookie.len() - 1]));
    assert_eq!(admin.get("/").status, 303);
}

#[test]
fn session_cookies_are_http_only_and_same_site() {
    let (_db, base) = app();
    let r = Client::anonymous(&base).try_login("admin", PASSWORD);
    let cookie = r
        .set_cookie
        .iter()
        .find(|c| c.starts_with("pubcom_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP in tests: {cookie}");
}

#[test]
fn pages_carry_the_security_headers() {
    let (_db, base) = app();
    for r in [
        Client::anonymous(&base).get("/login"),
        Client::login(&base, "admin", PASSWORD).get("/c/gl6"),
    ] {
        let csp = r.header("content-security-policy").unwrap();
        assert!(
            csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline")
                && csp.contains("frame-ancestors 'none'")
        );
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("referrer-policy"), Some("same-origin"));
    }
}

#[test]
fn repeated_failures_lock_the_account_and_are_logged() {
    let (db, base) = app();
    let anon = Client::anonymous(&base);
    for _ in 0..5 {
        assert_eq!(anon.try_login("admin", "wrong-password").status, 401);
    }
    let r = anon.try_login("admin", PASSWORD);
    assert_eq!(r.status, 401, "locked even with the right password");
    assert!(r.body.contains("停止"), "{}", r.body);
    assert_eq!(audit_count(&db, "login_failure"), 4);
    assert_eq!(audit_count(&db, "login_locked"), 2);
    // An administrator's reset unlocks it.
    let actor = pubcom::auth::accounts::Actor::system("test");
    pubcom::auth::accounts::reset_password(&mut db.conn(), &actor, "admin", Some(PASSWORD.into()))
        .unwrap();
    assert_eq!(anon.try_login("admin", PASSWORD).status, 303);
    assert_eq!(audit_count(&db, "login_success"), 1);
}

#[test]
fn each_role_can_do_exactly_its_actions() {
    let (db, base) = app();
    for role in Role::ALL {
        add_user(&db, &format!("r-{}", role.code()), role, false, &["gl6"]);
    }
    add_user(&db, "outsider", Role::Coordinator, false, &[]);
    // (action, request, roles allowed)
    type Act = fn(&Client) -> Resp;
    let actions: [(&str, Act, &[Role]); 6] = [
        ("view comments", |c| c.get("/c/gl6/comments/1"), &Role::ALL),
        (
            "export",
            |c| c.get("/c/gl6/export?layout=mhlw&format=csv"),
            &[Role::Coordinator, Role::Admin],
        ),
        (
            "edit title",
            |c| c.post("/c/gl6/title", &[("title", "新しい題名")]),
            &[Role::Coordinator, Role::Admin],
        ),
        ("manage users", |c| c.get("/admin/users"), &[Role::Admin]),
        ("read audit", |c| c.get("/admin/audit"), &[Role::Admin]),
        (
            "add user",
            |c| {
                c.post(
                    "/admin/users",
                    &[
                        ("login", "x1"),
                        ("display_name", "x"),
                        ("email", "x@example.invalid"),
                        ("role", "viewer"),
                    ],
                )
            },
            &[Role::Admin],
        ),
    ];
    for role in Role::ALL {
        let client = Client::login(&base, &format!("r-{}", role.code()), PASSWORD);
        for (name, act, allowed) in &actions {
            let r = act(&client);
            if allowed.contains(&role) {
                assert!(
                    r.status == 200 || r.status == 303,
                    "{role} may {name}: {}",
                    r.status
                );
            } else {
                assert_eq!(r.status, 403, "{role} may not {name}");
            }
        }
    }
    let outsider = Client::login(&base, "outsider", PASSWORD);
    assert_eq!(
        outsider.get("/c/gl6").status,
        404,
        "not a member: the consultation is not shown"
    );
    assert!(!outsider.get("/").body.contains("/c/gl6"));
}

const HOSTILE_CSV: &str = "資料NO.,氏名・名称,属性,メールアドレス,意見\n\
1,<script>alert('name')</script>,個人,victim@example.jp,\"\"\"><img src=x onerror=alert(1)> <a href=\"\"javascript:alert(2)\"\">link</a>\"\n\
2,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",法人,,+cmd|' /C calc'!A0\n";

#[test]
fn hostile_text_renders_inert_in_pages_and_exports() {
    let (db, base) = app();
    import_bytes(
        &mut db.conn(),
        "hostile.csv",
        HOSTILE_CSV.as_bytes(),
        &options("evil"),
    )
    .unwrap();
    add_user(&db, "boss", Role::Admin, true, &[]);
    let admin = Client::login(&base, "boss", PASSWORD);
    for path in [
        "/c/evil",
        "/c/evil/comments/1",
        "/c/evil/comments/2",
        "/admin/audit",
        "/",
    ] {
        let body = admin.get(path).body;
        assert!(!body.contains("<script>alert"), "{path}");
        assert!(!body.contains("<img src=x"), "{path}");
        assert!(!body.contains("href=\"javascript:"), "{path}");
    }
    assert!(
        admin
            .get("/c/evil/comments/1")
            .body
            .contains("&lt;script&gt;alert"),
        "the name is shown as text to a permitted user"
    );
    let (_, csv) = admin.get_bytes("/c/evil/export?layout=mic&format=csv");
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains("\"'=HYPERLINK") || csv.contains(",'=HYPERLINK"),
        "{csv}"
    );
    assert!(csv.contains("'+cmd"), "{csv}");
    let (_, xlsx) = admin.get_bytes("/c/evil/export?layout=mic&format=xlsx");
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let formulas = wb.worksheet_formula("意見募集の結果").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );
    let values = wb.worksheet_range_at(0).unwrap().unwrap();
    assert!(
        values
            .used_cells()
            .any(|(_, _, v)| v.to_string().starts_with("+cmd")),
        "kept as text"
    );
}

#[test]
fn search_and_filter_parameters_with_sql_metacharacters_are_plain_text() {
    let (db, base) = app();
    let csv =
        "No.,御意見\n1,100%の達成は困難\n2,snake_case と書く\n3,O'Reilly の本\n4,ふつうの意見\n";
    import_bytes(&mut db.conn(), "meta.csv", csv.as_bytes(), &options("meta")).unwrap();
    let admin = Client::login(&base, "admin", PASSWORD);
    let count = |q: &str| {
        let body = admin.get(&format!("/c/meta?{q}")).body;
        let re = regex::Regex::new(r"意見 (\d+) 件").unwrap();
        re.captures(&body)
            .map(|c| c[1].parse::<i32>().unwrap())
            .expect("a count")
    };
    assert_eq!(count("q=%25"), 1, "% matches only a percent sign");
    assert_eq!(count("q=_"), 1, "_ matches only an underscore");
    assert_eq!(count("q=%27"), 1, "a quote matches a quote");
    assert_eq!(count("q=%27%20OR%20%271%27%3D%271"), 0);
    assert_eq!(count("q=1%27%3B%20DROP%20TABLE%20comments%3B--"), 0);
    assert_eq!(count("category=1%20OR%201%3D1"), 0);
    assert_eq!(count(""), 4, "the table is still there");
    let token = api_token(&db, "admin", Role::Admin);
    let r = admin.get_with_bearer("/api/v1/consultations/meta/comments?q=%25", &token);
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(json["total"], 1);
}

#[test]
fn personal_details_reach_only_users_allowed_to_see_them() {
    let (db, base) = app();
    let csv = "資料NO.,氏名・名称,属性,メールアドレス,電話番号,住所,意見\n\
               1,霞ヶ関太郎,個人,taro@example.jp,03-1234-5678,東京都千代田区霞が関1-2-2,個人の意見\n";
    import_bytes(&mut db.conn(), "pii.csv", csv.as_bytes(), &options("pii")).unwrap();
    add_user(&db, "plain", Role::Coordinator, false, &["pii"]);
    add_user(&db, "trusted", Role::Viewer, true, &["pii"]);
    let secrets = ["霞ヶ関太郎", "taro@example.jp", "03-1234-5678", "千代田区"];

    let plain = Client::login(&base, "plain", PASSWORD);
    let mut seen = vec![
        plain.get("/c/pii").body,
        plain.get("/c/pii/comments/1").body,
    ];
    seen.push(String::from_utf8(plain.get_bytes("/c/pii/export?layout=mic&format=csv").1).unwrap());
    let token = api_token(&db, "plain", Role::Viewer);
    seen.push(
        Client::anonymous(&base)
            .get_with_bearer("/api/v1/consultations/pii/comments", &token)
            .body,
    );
    for body in &seen {
        for s in secrets {
            assert!(
                !body.contains(s),
                "{s} leaked to a user without the permission"
            );
        }
    }
    assert!(seen[1].contains("個人A"));

    let trusted = Client::login(&base, "trusted", PASSWORD);
    let page = trusted.get("/c/pii/comments/1").body;
    assert!(page.contains("霞ヶ関太郎") && page.contains("taro@example.jp"));
    let token = api_token(&db, "trusted", Role::Viewer);
    let json = Client::anonymous(&base)
        .get_with_bearer("/api/v1/consultations/pii/comments", &token)
        .body;
    assert!(json.contains("taro@example.jp"));
    assert_eq!(
        trusted.get("/c/pii/export?layout=mic&format=csv").status,
        403,
        "a viewer does not export"
    );
}

#[test]
fn api_tokens_are_scoped_hashed_and_revocable() {
    let (db, base) = app();
    add_user(&db, "coord", Role::Coordinator, false, &["gl6"]);
    let token = api_token(&db, "coord", Role::Viewer);
    let anon = Client::anonymous(&base);
    let r = anon.get_with_bearer("/api/v1/consultations", &token);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("\"slug\":\"gl6\""));
    assert_eq!(
        anon.get_with_bearer("/c/gl6/export?layout=mhlw&format=csv", &token)
            .status,
        403,
        "the token's role is viewer"
    );
    let stored: Vec<String> = {
        use diesel::prelude::*;
        use pubcom::db::schema::api_tokens;
        api_tokens::table
            .select(api_tokens::token_hash)
            .load(&mut *db.conn())
            .unwrap()
    };
    assert!(!stored
        .iter()
        .any(|h| h.contains(&token) || token.contains(h.as_str())));
    let id = pubcom::models::api_token::all(&mut db.conn(), None).unwrap()[0].id;
    pubcom::auth::accounts::revoke_token(
        &mut db.conn(),
        &pubcom::auth::accounts::Actor::system("t"),
        id,
    )
    .unwrap();
    assert_eq!(
        anon.get_with_bearer("/api/v1/consultations", &token).status,
        401
    );
    assert!(pubcom::auth::accounts::create_token(
        &mut db.conn(),
        &pubcom::auth::accounts::Actor::system("t"),
        "coord",
        "x",
        Role::Admin
    )
    .is_err());
}

#[test]
fn mutations_are_recorded_in_the_audit_log_and_it_has_no_edit_route() {
    let (db, base) = app();
    let admin = Client::login(&base, "admin", PASSWORD);
    admin.post("/c/gl6/title", &[("title", "第6.0版（案）")]);
    admin.get("/c/gl6/export?layout=mhlw&format=xlsx");
    admin.post(
        "/admin/users",
        &[
            ("login", "newbie"),
            ("display_name", "新人"),
            ("email", "n@example.invalid"),
            ("role", "drafter"),
        ],
    );
    admin.post("/admin/users/newbie/disable", &[]);
    for action in [
        "import",
        "login_success",
        "consultation_title",
        "export",
        "user_add",
        "user_disable",
    ] {
        assert!(audit_count(&db, action) >= 1, "{action} is audited");
    }
    let c = consultation::find_by_slug(&mut db.conn(), "gl6")
        .unwrap()
        .unwrap();
    let title_events = audit::list(
        &mut db.conn(),
        &audit::AuditFilter {
            consultation: Some(c.id()),
            action: Some("consultation_title".into()),
        },
        0,
        10,
    )
    .unwrap();
    assert!(title_events[0]
        .before_json
        .as_deref()
        .unwrap()
        .contains("gl6"));
    assert!(title_events[0]
        .after_json
        .as_deref()
        .unwrap()
        .contains("第6.0版（案）"));
    assert!(
        !ROUTES
            .iter()
            .any(|(m, p)| *m != "get" && p.starts_with("/admin/audit")),
        "no route changes the audit log"
    );
    let (status, csv) = admin.get_bytes("/admin/audit.csv");
    assert_eq!(status, 200);
    assert!(String::from_utf8(csv)
        .unwrap()
        .contains("consultation_title"));
}

#[test]
fn the_users_command_adds_lists_disables_and_resets() {
    let (db, _base) = app();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pubcom"))
            .args(["--database", &db.cli_url()])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let added = run(&[
        "users",
        "add",
        "tanaka",
        "--name",
        "田中",
        "--email",
        "tanaka@example.invalid",
        "--role",
        "drafter",
        "--consultation",
        "gl6",
    ]);
    let pw = added
        .lines()
        .find_map(|l| l.strip_prefix("初期パスワード: "))
        .expect("a generated password")
        .to_string();
    let stored = pubcom::models::user::find_by_login(&mut db.conn(), "tanaka")
        .unwrap()
        .unwrap();
    assert!(pubcom::auth::password::verify(&pw, &stored.password_hash));
    assert!(run(&["users", "list"]).contains("tanaka\t田中\tdrafter\t有効"));
    run(&["users", "disable", "tanaka"]);
    assert!(run(&["users", "list"]).contains("tanaka\t田中\tdrafter\t無効"));
    let reset = run(&["users", "reset-password", "tanaka"]);
    let new_pw = reset
        .lines()
        .find_map(|l| l.strip_prefix("新しいパスワード: "))
        .unwrap();
    let stored = pubcom::models::user::find_by_login(&mut db.conn(), "tanaka")
        .unwrap()
        .unwrap();
    assert!(
        pubcom::auth::password::verify(new_pw, &stored.password_hash)
            && !pubcom::auth::password::verify(&pw, &stored.password_hash)
    );
    assert!(run(&["audit", "--action", "user_disable"]).contains("user_disable"));
}
