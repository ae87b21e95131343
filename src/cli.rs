//! The `pubcom` command line. The `///` comments are the help text.

use crate::auth::{accounts, Role};
use crate::config::Settings;
use crate::db::{self, DatabaseUrl};
use crate::intake::decode::TextEncoding;
use crate::intake::import::{self, ImportOptions, ImportReport};
use crate::intake::table::FileFormat;
use crate::models::{consultation, import_batch};
use crate::publish::results;
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// pubcom — 意見募集（パブリックコメント）の整理と回答
#[derive(Debug, Parser)]
#[command(name = "pubcom", version)]
pub struct Cli {
    /// データベース: sqlite://PATH, PATH, postgres://USER:PASS@HOST/DB（省略時は ./pubcom.sqlite3）
    #[arg(long, global = true, env = "DATABASE_URL")]
    pub database: Option<String>,
    /// 編集できる文面（定型文・メール本文）のフォルダ
    #[arg(
        long,
        global = true,
        env = "PUBCOM_TEMPLATES",
        default_value = "templates"
    )]
    pub templates: PathBuf,
    /// 取込プロファイルのフォルダ
    #[arg(
        long,
        global = true,
        env = "PUBCOM_PROFILES",
        default_value = "import/profiles"
    )]
    pub profiles: PathBuf,
    /// Cookie に常に Secure を付ける（HTTPS の reverse proxy の後ろで動かすとき）
    #[arg(long, global = true, env = "PUBCOM_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// 利用者がアクセスする URL（メール中のリンクに使う）
    #[arg(
        long,
        global = true,
        env = "PUBCOM_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Web アプリを起動する
    Serve {
        /// 待ち受けるアドレス
        #[arg(long, default_value = "127.0.0.1:8080", env = "PUBCOM_BIND")]
        bind: String,
    },
    /// デモ: サンプルの意見を取り込み、Web アプリを起動する
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080", env = "PUBCOM_BIND")]
        bind: String,
        /// 取り込みだけ行い、起動しない
        #[arg(long)]
        no_serve: bool,
    },
    /// ファイルを取り込む
    #[command(subcommand)]
    Import(ImportCommand),
    /// ファイルに書き出す
    #[command(subcommand)]
    Export(ExportCommand),
    /// 案件（意見募集）の一覧と設定
    #[command(subcommand)]
    Consultations(ConsultationCommand),
    /// 公表前チェック: 公表の前に直すべき問題を一覧する（問題があれば終了コード 1）
    Check {
        #[arg(long)]
        consultation: String,
        /// JSON で出力する
        #[arg(long)]
        json: bool,
    },
    /// 性能測定用の意見の表（CSV、総務省形式＋分類）を作る。同旨の組は FILE.campaigns.csv に
    Synth {
        #[arg(long)]
        comments: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// 性能測定: N 件の意見を作って取り込み、同旨・一覧・検索・状況・書き出しの時間を測る
    Bench {
        #[arg(long)]
        comments: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// 作業用フォルダ（生成した CSV を置く）
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
        /// 測る作業だけ（synth,import,index,group,list,search,dashboard,export をカンマ区切り）。
        /// import を省くと、前に取り込んだ同じ件数・seed の意見を使う
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// ユーザーの管理
    #[command(subcommand)]
    Users(UserCommand),
    /// API トークンの管理
    #[command(subcommand)]
    Tokens(TokenCommand),
    /// 監査ログを表示・保存する
    Audit {
        /// この案件の記録だけ
        #[arg(long)]
        consultation: Option<String>,
        /// この操作の記録だけ（import, export, login_failure, …）
        #[arg(long)]
        action: Option<String>,
        /// 表示する件数（新しい順）。-o を付けると全件
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// CSV（UTF-8 BOM 付き）で保存する先
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
    },
    /// 仕分け: 同旨の意見を探す、振り分けの規則を適用する
    #[command(subcommand)]
    Triage(TriageCommand),
    /// メール: まとめ通知を作り、送信待ちを送る（serve は毎分自動で行う）
    #[command(subcommand)]
    Mail(MailCommand),
    /// データベースを最新の構成にする（他のコマンドも自動で行う）
    Migrate,
}

#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// 同旨（同じ内容・ほぼ同じ内容）の意見を探してグループを提案する
    Group {
        #[arg(long)]
        consultation: String,
    },
    /// 振り分けの規則を未割当の意見に適用する
    Route {
        #[arg(long)]
        consultation: String,
        /// 期限（YYYY-MM-DD）
        #[arg(long)]
        due: Option<chrono::NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// まとめ通知を作ってから送信待ちのメールを送る（一回だけ）
    Send,
    /// 送信待ち・送信済みのメールの一覧
    Status,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// ユーザーを追加する（--password を省くと初期パスワードを発行して表示）
    Add {
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        role: Role,
        /// 提出者の個人情報（氏名・連絡先）を閲覧できる
        #[arg(long)]
        personal: bool,
        /// 担当案件（略称）。複数指定可
        #[arg(long = "consultation")]
        consultations: Vec<String>,
        /// パスワード（省略時は発行。環境変数 PUBCOM_NEW_PASSWORD でも可）
        #[arg(long, env = "PUBCOM_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// ユーザーの一覧
    List,
    /// ユーザーを無効にする（ログイン中のセッションも終わる）
    Disable { login: String },
    /// 無効にしたユーザーを戻す
    Enable { login: String },
    /// パスワードを再発行する（停止も解除）
    ResetPassword {
        login: String,
        #[arg(long, env = "PUBCOM_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// 担当案件を設定する（--remove で外す）
    Grant {
        login: String,
        #[arg(long)]
        consultation: String,
        #[arg(long, value_enum)]
        role: Option<Role>,
        #[arg(long)]
        remove: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// トークンを作る（秘密の値はこの時だけ表示）
    Create {
        #[arg(long)]
        user: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: Role,
    },
    /// トークンの一覧
    List,
    /// トークンを無効にする
    Revoke { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// 原案の本文（テキスト/Markdown）から項番の木を作る。意見の該当箇所もつなぐ
    Clauses {
        file: PathBuf,
        #[arg(long)]
        consultation: String,
        #[arg(long, value_enum)]
        encoding: Option<TextEncoding>,
    },
    /// 意見の表（TSV/CSV/XLSX）を取り込む。同じファイルの再取込では何も追加されない
    Comments {
        file: PathBuf,
        /// 案件の略称（なければ作成）
        #[arg(long)]
        consultation: String,
        /// ファイル形式（省略時は自動判定）
        #[arg(long, value_enum)]
        format: Option<FileFormat>,
        /// 文字コード（省略時は自動判定）
        #[arg(long, value_enum)]
        encoding: Option<TextEncoding>,
        /// 取込プロファイル名（省略時は見出しから判定）
        #[arg(long)]
        profile: Option<String>,
        /// ファイルの No. を使わず、既存の最大番号の次から振り直す
        #[arg(long)]
        renumber: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// 意見募集の結果（公示用の表）を書き出す。個人名・連絡先は出力しない
    Results {
        #[command(flatten)]
        common: ExportArgs,
        /// xlsx, csv, html（印刷用）
        #[arg(long, value_enum, default_value = "xlsx")]
        format: crate::publish::export::Format,
        #[arg(long, value_enum, default_value = "mhlw")]
        layout: results::Layout,
        /// 並び: submission（No. 順）か clause（原案の順、全般が先）
        #[arg(long, value_enum, default_value = "submission")]
        order: results::Order,
        /// 同旨の意見: each（全件に同じ回答）か group（「同旨の意見 N件」として1行）
        #[arg(long, value_enum, default_value = "each")]
        duplicates: results::DuplicateRows,
    },
    /// 新旧対照表を書き出す（xlsx: 削除は取消線・追記は赤字、html: 印刷用）
    Shinkyu {
        #[command(flatten)]
        common: ExportArgs,
        #[arg(long, value_enum, default_value = "xlsx")]
        format: crate::publish::export::Format,
    },
    /// 修正をすべて反映した本文を書き出す（md か html）
    Revised {
        #[command(flatten)]
        common: ExportArgs,
        #[arg(long, value_enum, default_value = "md")]
        format: crate::publish::export::Format,
    },
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[arg(long)]
    consultation: String,
    /// 公表版（確定した回答・修正のみ。公表前チェックに問題があれば書き出さない）。省略時は【案】
    #[arg(long = "final")]
    final_version: bool,
    /// 出力先ファイル
    #[arg(short = 'o', long)]
    output: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ConsultationCommand {
    /// 案件の一覧
    List,
    /// 案件の題名を変える
    SetTitle { slug: String, title: String },
}

impl Cli {
    pub fn settings(&self) -> Settings {
        Settings {
            database: DatabaseUrl::parse(self.database.as_deref()),
            templates_dir: self.templates.clone(),
            secure_cookies: self.secure_cookies,
            public_url: self.public_url.trim_end_matches('/').to_string(),
            profiles_dir: self.profiles.clone(),
        }
    }
}

/// Who runs a command, for the audit log.
fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    init_tracing();
    let settings = cli.settings();
    match cli.command {
        Command::Serve { bind } => serve(&settings, &bind),
        Command::Demo { bind, no_serve } => {
            let pool = db::connect(&settings.database, 4)?;
            let mut conn = pool.get()?;
            for line in crate::demo::load(&mut conn, &settings)? {
                println!("{line}");
            }
            drop(conn);
            if no_serve {
                Ok(())
            } else {
                serve(&settings, &bind)
            }
        }
        Command::Import(ImportCommand::Comments {
            file,
            consultation,
            format,
            encoding,
            profile,
            renumber,
        }) => {
            let opts = ImportOptions {
                consultation,
                format,
                encoding,
                profile,
                renumber,
                actor: cli_actor(),
            };
            let report = import_file(&settings, &file, &opts)?;
            print_report(&report);
            // Also after a re-import: an earlier run may have stopped after its commit.
            let mut conn = connect(&settings)?;
            let c = consultation::find_by_slug(&mut conn, &opts.consultation)?
                .context("consultation")?;
            if import_batch::awaiting_grouping(&mut conn, db::now())?.contains(&c.id()) {
                let r = crate::triage::grouping::propose(
                    &mut conn,
                    &accounts::Actor::system(&opts.actor),
                    c.id(),
                )?;
                println!("同旨の候補: {} グループ（{} 件）", r.groups, r.comments);
            }
            Ok(())
        }
        Command::Import(ImportCommand::Clauses {
            file,
            consultation,
            encoding,
        }) => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("{} を読めません", file.display()))?;
            let mut conn = connect(&settings)?;
            let actor = accounts::Actor::system(&cli_actor());
            let name = file.display().to_string();
            let r = crate::intake::clause_import::import_clauses(
                &mut conn,
                &name,
                &bytes,
                &consultation,
                encoding,
                &actor,
            )?;
            for w in &r.warnings {
                println!("注意: {} 行目: {}", w.line, w.message);
            }
            println!(
                "項番 {} 件（追加 {} / 本文の変更 {} / 変更なし {}）。意見の該当箇所 {} 件をつなぎ、{} 件の意見に項番を付けました",
                r.clauses_read, r.added, r.changed, r.unchanged, r.refs_resolved, r.comments_tagged
            );
            Ok(())
        }
        Command::Export(cmd) => run_export(&settings, cmd),
        Command::Check { consultation, json } => run_check(&settings, &consultation, json),
        Command::Consultations(cmd) => {
            let pool = db::connect(&settings.database, 2)?;
            let mut conn = pool.get()?;
            match cmd {
                ConsultationCommand::List => {
                    for c in consultation::all(&mut conn)? {
                        let n = crate::models::comment::count(&mut conn, c.id())?;
                        println!("{}\t{}\t{} 件", c.slug, c.title, n);
                    }
                }
                ConsultationCommand::SetTitle { slug, title } => {
                    let c = consultation::find_by_slug(&mut conn, &slug)?
                        .with_context(|| format!("案件「{slug}」はありません"))?;
                    let actor = accounts::Actor::system(&cli_actor());
                    crate::consultations::set_title(&mut conn, &actor, &c, &title)?;
                    println!("{slug} の題名を「{title}」にしました");
                }
            }
            Ok(())
        }
        Command::Users(cmd) => run_users(&settings, cmd),
        Command::Synth {
            comments,
            seed,
            output,
        } => {
            let truth = output.with_extension("campaigns.csv");
            let r = crate::bench::synth::write(
                comments,
                seed,
                &mut std::io::BufWriter::new(std::fs::File::create(&output)?),
                &mut std::io::BufWriter::new(std::fs::File::create(&truth)?),
            )?;
            println!(
                "{} 件（同旨の組 {} 組・{} 件）を {} に、組の正解を {} に書きました",
                r.comments,
                r.campaigns,
                r.campaign_members,
                output.display(),
                truth.display()
            );
            Ok(())
        }
        Command::Bench {
            comments,
            seed,
            dir,
            only,
        } => {
            std::fs::create_dir_all(&dir)?;
            println!(
                "pubcom bench --comments {comments} --seed {seed} on {} ({} cores)",
                settings.database.redacted(),
                std::thread::available_parallelism().map_or(0, |n| n.get())
            );
            crate::bench::measure::run(&settings.database, comments, seed, &dir, &only)?;
            Ok(())
        }
        Command::Tokens(cmd) => run_tokens(&settings, cmd),
        Command::Audit {
            consultation,
            action,
            limit,
            output,
        } => run_audit(&settings, consultation, action, limit, output),
        Command::Mail(cmd) => run_mail(&settings, cmd),
        Command::Triage(cmd) => run_triage(&settings, cmd),
        Command::Migrate => {
            db::connect(&settings.database, 1)?;
            println!("{} は最新です", settings.database.redacted());
            Ok(())
        }
    }
}

pub fn import_file(
    settings: &Settings,
    file: &std::path::Path,
    opts: &ImportOptions,
) -> anyhow::Result<ImportReport> {
    let source =
        std::fs::File::open(file).with_context(|| format!("{} を読めません", file.display()))?;
    // One connection: alone on a SQLite file, the import can write without the WAL.
    let pool = db::connect(&settings.database, 1)?;
    let mut conn = pool.get()?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} 取込中 [{bar:40}] {pos}/{len} 行目 ({eta})",
        )
        .expect("static template")
        .progress_chars("=> "),
    );
    let name = file.display().to_string();
    let mut calls = 0u64;
    let (profiles, phrases) = (settings.profiles()?, settings.stock_phrases()?);
    let report = db::bulk::with_rollback_journal(&mut conn, |conn| {
        import::import_comments(
            conn,
            &name,
            std::io::BufReader::new(source),
            opts,
            &profiles,
            &phrases,
            &mut |done, total| {
                calls += 1;
                if calls % 256 == 1 || done == total {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                }
            },
        )
    });
    bar.finish_and_clear();
    let (_, report) = report?;
    index_pending_with_bar(&mut conn)?;
    Ok(report)
}

/// Fills the search index for what an import left pending, showing what is left.
fn index_pending_with_bar(conn: &mut db::DbConnection) -> anyhow::Result<()> {
    let left = db::search_index::pending_count(conn)?;
    if left == 0 {
        return Ok(());
    }
    let bar = indicatif::ProgressBar::new(left as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} 検索索引を作成中 [{bar:40}] {pos}/{len} 件 ({eta})",
        )
        .expect("static template")
        .progress_chars("=> "),
    );
    db::search_index::index_pending(conn, &mut |covered| {
        bar.set_position(covered.min(left) as u64)
    })?;
    bar.finish_and_clear();
    Ok(())
}

fn print_report(r: &ImportReport) {
    println!(
        "{}: 形式 {} / 文字コード {} / プロファイル {}",
        r.file, r.format, r.encoding, r.profile
    );
    if r.already_imported {
        println!("このファイルは取込済みです。追加した意見: 0 件");
        return;
    }
    for w in &r.warnings {
        println!("注意: {} 行目: {}", w.line, w.message);
    }
    println!(
        "読んだ行: {} / 追加した意見: {} 件（既にあったもの {} 件）/ 回答: {} 件 / 修正内容: {} 件",
        r.rows_read,
        r.comments_added,
        r.comments_already_present,
        r.responses_added,
        r.revisions_added
    );
    if r.individuals + r.organizations > 0 {
        println!(
            "提出者: 個人 {} 人 / 法人・団体 {} 件（属性の列と名称から判定。法人・団体と示されない提出者は個人として扱い、名前を公表しません。誤りは意見の画面で直せます）",
            r.individuals, r.organizations
        );
    }
}

fn serve(settings: &Settings, bind: &str) -> anyhow::Result<()> {
    let pool = db::connect_server(&settings.database, 8)?;
    let state = crate::startup::AppState::new(pool.clone(), settings)?;
    let job = crate::mail::worker::MailJob {
        pool: pool.clone(),
        config: crate::mail::transport::MailConfig::from_env()?,
        templates_dir: settings.templates_dir.clone(),
        public_url: settings.public_url.clone(),
    };
    job.spawn(std::time::Duration::from_secs(60))?;
    crate::triage::grouping::spawn_catch_up(pool.clone(), std::time::Duration::from_secs(60));
    if !settings.database.is_postgres() {
        db::search_index::spawn_indexer(pool, std::time::Duration::from_secs(5));
    }
    let listener = std::net::TcpListener::bind(bind)
        .with_context(|| format!("{bind} で待ち受けできません"))?;
    println!(
        "pubcom: http://{} で待ち受けています（{}）",
        listener.local_addr()?,
        settings.database.redacted()
    );
    actix_web::rt::System::new()
        .block_on(async move { crate::startup::run(listener, state)?.await })?;
    Ok(())
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,actix_web=info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn connect(settings: &Settings) -> anyhow::Result<db::PooledConnection> {
    let pool = db::connect(&settings.database, 1)?;
    Ok(pool.get()?)
}

fn run_users(settings: &Settings, cmd: UserCommand) -> anyhow::Result<()> {
    let mut conn = connect(settings)?;
    let actor = accounts::Actor::system(&cli_actor());
    match cmd {
        UserCommand::Add {
            login,
            name,
            email,
            role,
            personal,
            consultations,
            password,
        } => {
            let given = password.is_some();
            let account = accounts::NewAccount {
                login: login.clone(),
                display_name: name,
                email,
                role,
                can_view_personal: personal,
                password,
            };
            let (_, pw) = accounts::add_user(&mut conn, &actor, &account)?;
            for slug in consultations {
                let c = consultation::find_by_slug(&mut conn, &slug)?
                    .with_context(|| format!("案件「{slug}」はありません"))?;
                accounts::set_membership(&mut conn, &actor, &login, c.id(), Some(role))?;
            }
            println!("ユーザー {login}（{}）を追加しました", role.label());
            if !given {
                println!("初期パスワード: {pw}");
            }
        }
        UserCommand::List => {
            for u in crate::models::user::all(&mut conn)? {
                let state = if u.disabled {
                    "無効"
                } else if u.locked_until.is_some_and(|t| t > db::now()) {
                    "停止中"
                } else {
                    "有効"
                };
                let personal = if u.can_view_personal {
                    "個人情報可"
                } else {
                    ""
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    u.login,
                    u.display_name,
                    u.role().code(),
                    state,
                    personal,
                    u.email
                );
            }
        }
        UserCommand::Disable { login } => {
            accounts::set_disabled(&mut conn, &actor, &login, true)?;
            println!("{login} を無効にしました");
        }
        UserCommand::Enable { login } => {
            accounts::set_disabled(&mut conn, &actor, &login, false)?;
            println!("{login} を有効にしました");
        }
        UserCommand::ResetPassword { login, password } => {
            let given = password.is_some();
            let pw = accounts::reset_password(&mut conn, &actor, &login, password)?;
            println!("{login} のパスワードを再設定しました（ログイン中のセッションは終了）");
            if !given {
                println!("新しいパスワード: {pw}");
            }
        }
        UserCommand::Grant {
            login,
            consultation: slug,
            role,
            remove,
        } => {
            let c = consultation::find_by_slug(&mut conn, &slug)?
                .with_context(|| format!("案件「{slug}」はありません"))?;
            let role = if remove {
                None
            } else {
                let u = crate::models::user::find_by_login(&mut conn, &login)?
                    .with_context(|| format!("ユーザー「{login}」はいません"))?;
                Some(role.unwrap_or(u.role()))
            };
            accounts::set_membership(&mut conn, &actor, &login, c.id(), role)?;
            match role {
                Some(r) => println!("{login} を {slug} の{}にしました", r.label()),
                None => println!("{login} を {slug} から外しました"),
            }
        }
    }
    Ok(())
}

fn run_export(settings: &Settings, cmd: ExportCommand) -> anyhow::Result<()> {
    use crate::publish::export::{self, Document, ExportError, Request};
    let (document, format, layout, order, duplicates, common) = match cmd {
        ExportCommand::Results {
            common,
            format,
            layout,
            order,
            duplicates,
        } => (Document::Results, format, layout, order, duplicates, common),
        ExportCommand::Shinkyu { common, format } => (
            Document::Shinkyu,
            format,
            results::Layout::Mhlw,
            Default::default(),
            Default::default(),
            common,
        ),
        ExportCommand::Revised { common, format } => (
            Document::Revised,
            format,
            results::Layout::Mhlw,
            Default::default(),
            Default::default(),
            common,
        ),
    };
    let mut conn = connect(settings)?;
    let c = consultation::find_by_slug(&mut conn, &common.consultation)?.with_context(|| {
        format!(
            "案件「{}」はありません（pubcom consultations list で確認できます）",
            common.consultation
        )
    })?;
    let options = results::ResultOptions {
        order,
        duplicates,
        final_version: common.final_version,
    };
    let actor = accounts::Actor::system(&cli_actor());
    let request = Request {
        document,
        format,
        layout,
        options,
    };
    let file = match export::export_for(&mut conn, &actor, &c, &request, "cli") {
        Ok(f) => f,
        Err(ExportError::Blocked(problems)) => {
            for p in &problems {
                eprintln!("  - {}", p.message);
            }
            anyhow::bail!(
                "公表版は書き出せません: 公表前チェックで {} 件の問題があります",
                problems.len()
            );
        }
        Err(e) => return Err(e.into()),
    };
    std::fs::write(&common.output, &file.bytes)
        .with_context(|| format!("{} に書き込めません", common.output.display()))?;
    let mark = if file.draft { "【案】" } else { "公表版" };
    println!(
        "{mark} {} 件を {} に書き出しました",
        file.items,
        common.output.display()
    );
    Ok(())
}

fn run_check(settings: &Settings, slug: &str, json: bool) -> anyhow::Result<()> {
    let mut conn = connect(settings)?;
    let c = consultation::find_by_slug(&mut conn, slug)?
        .with_context(|| format!("案件「{slug}」はありません"))?;
    let problems = crate::publish::check::run(&mut conn, c.id(), &c.slug)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&problems)?);
    } else {
        for p in &problems {
            println!("{}\t{}", p.message, p.link);
        }
        println!("問題: {} 件", problems.len());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        std::process::exit(1)
    }
}

fn run_triage(settings: &Settings, cmd: TriageCommand) -> anyhow::Result<()> {
    let mut conn = connect(settings)?;
    let actor = accounts::Actor::system(&cli_actor());
    let find = |conn: &mut db::PooledConnection,
                slug: &str|
     -> anyhow::Result<crate::models::consultation::Consultation> {
        consultation::find_by_slug(conn, slug)?
            .with_context(|| format!("案件「{slug}」はありません"))
    };
    match cmd {
        TriageCommand::Group { consultation } => {
            let c = find(&mut conn, &consultation)?;
            let started = std::time::Instant::now();
            let r = crate::triage::grouping::propose(&mut conn, &actor, c.id())?;
            println!(
                "同旨の候補: {} グループ（{} 件）を提案しました（{:.1} 秒）",
                r.groups,
                r.comments,
                started.elapsed().as_secs_f64()
            );
        }
        TriageCommand::Route { consultation, due } => {
            let c = find(&mut conn, &consultation)?;
            let rules = crate::models::routing_rule::for_consultation(&mut conn, c.id())?;
            let n = crate::triage::routing::apply(&mut conn, &actor, c.id(), &rules, due)?;
            println!("規則に従って {n} 件を割り当てました");
        }
    }
    Ok(())
}

fn run_mail(settings: &Settings, cmd: MailCommand) -> anyhow::Result<()> {
    let pool = db::connect(&settings.database, 2)?;
    match cmd {
        MailCommand::Send => {
            let config = crate::mail::transport::MailConfig::from_env()?;
            let mailer = crate::mail::transport::Mailer::new(&config)?;
            let job = crate::mail::worker::MailJob {
                pool,
                config: config.clone(),
                templates_dir: settings.templates_dir.clone(),
                public_url: settings.public_url.clone(),
            };
            let (queued, report) = job.run_once(&mailer)?;
            println!(
                "まとめ通知 {queued} 通を作成、送信 {} 通、失敗 {} 通（{config:?}）",
                report.sent, report.failed
            );
        }
        MailCommand::Status => {
            let mut conn = pool.get()?;
            for m in crate::models::outbox::all(&mut conn)? {
                let state = match (&m.sent_at, &m.last_error) {
                    (Some(t), _) => format!("送信済み {}", t.format("%Y-%m-%d %H:%M")),
                    (None, Some(e)) => format!(
                        "再送待ち（{} 回失敗, 次 {}）: {e}",
                        m.attempts,
                        m.next_attempt_at.format("%H:%M")
                    ),
                    (None, None) => "送信待ち".to_string(),
                };
                println!("{}\t{}\t{}\t{}", m.id, m.recipient, m.subject, state);
            }
        }
    }
    Ok(())
}

fn run_tokens(settings: &Settings, cmd: TokenCommand) -> anyhow::Result<()> {
    let mut conn = connect(settings)?;
    let actor = accounts::Actor::system(&cli_actor());
    match cmd {
        TokenCommand::Create { user, name, role } => {
            let (id, secret) = accounts::create_token(&mut conn, &actor, &user, &name, role)?;
            println!("トークン {id} を作りました（この値は二度と表示されません）:");
            println!("{secret}");
        }
        TokenCommand::List => {
            let users = crate::models::user::all(&mut conn)?;
            for t in crate::models::api_token::all(&mut conn, None)? {
                let login = users
                    .iter()
                    .find(|u| u.id == t.user_id)
                    .map(|u| u.login.as_str())
                    .unwrap_or("?");
                let state = if t.revoked_at.is_some() {
                    "無効"
                } else {
                    "有効"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    t.id,
                    login,
                    t.name,
                    t.role().code(),
                    state
                );
            }
        }
        TokenCommand::Revoke { id } => {
            accounts::revoke_token(&mut conn, &actor, id)?;
            println!("トークン {id} を無効にしました");
        }
    }
    Ok(())
}

fn run_audit(
    settings: &Settings,
    slug: Option<String>,
    action: Option<String>,
    limit: i64,
    output: Option<PathBuf>,
) -> anyhow::Result<()> {
    use crate::models::audit;
    let mut conn = connect(settings)?;
    let consultation = match slug {
        Some(s) => Some(
            consultation::find_by_slug(&mut conn, &s)?
                .with_context(|| format!("案件「{s}」はありません"))?
                .id(),
        ),
        None => None,
    };
    let filter = audit::AuditFilter {
        consultation,
        action,
    };
    match output {
        Some(path) => {
            let events = audit::list(&mut conn, &filter, 0, i64::MAX / 2)?;
            std::fs::write(&path, audit::to_csv(&events)?)
                .with_context(|| format!("{} に書き込めません", path.display()))?;
            println!("{} 件を {} に保存しました", events.len(), path.display());
        }
        None => {
            for e in audit::list(&mut conn, &filter, 0, limit)?.iter().rev() {
                println!(
                    "{}\t{}\t{}\t{}{}\t{}\t{}",
                    e.occurred_at.format("%Y-%m-%d %H:%M:%S"),
                    e.actor,
                    e.action.code(),
                    e.entity,
                    e.entity_id.map(|i| format!("#{i}")).unwrap_or_default(),
                    e.before_json.as_deref().unwrap_or(""),
                    e.after_json.as_deref().unwrap_or("")
                );
            }
        }
    }
    Ok(())
}
