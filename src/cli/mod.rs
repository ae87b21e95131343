//! The `pubcom` command line. The `///` comments are the help text.

use crate::auth::{accounts, Role};
use crate::config::Settings;
use crate::db::{self, DatabaseUrl};
use crate::intake::decode::TextEncoding;
use crate::intake::import::{self, ImportOptions, ImportReport};
use crate::intake::table::FileFormat;
use crate::models::consultation;
use crate::publish::results;
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

mod audit;
mod bench;
mod consultations;
mod intake;
mod mail;
mod publish;
mod server;
mod triage;
mod users;

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
    /// 利用者がアクセスする URL（メール中のリンクに使う）。省略時は待ち受けているアドレス
    #[arg(long, global = true, env = "PUBCOM_PUBLIC_URL")]
    pub public_url: Option<String>,
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
    /// SQLite のデータベースを FILE に写す（サーバーが動いていても一貫した写し）
    Backup { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// 同旨（同じ内容・ほぼ同じ内容）の意見を探してグループを提案する
    Group {
        #[arg(long)]
        consultation: String,
    },
    /// 論点の候補を出す（まだ論点にない意見を内容の似かよいで分ける。同じデータなら同じ結果）。
    /// 分類が付いていれば、候補と分類の一致度（purity・NMI）も出す
    Topics {
        #[arg(long)]
        consultation: String,
        /// この項番の配下の意見だけ
        #[arg(long)]
        clause: Option<String>,
        /// 候補を JSON で出す
        #[arg(long)]
        json: bool,
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
            public_url: self
                .public_url
                .as_deref()
                .unwrap_or(crate::config::DEFAULT_PUBLIC_URL)
                .trim_end_matches('/')
                .to_string(),
            public_url_given: self.public_url.is_some(),
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
    server::init_tracing();
    let settings = cli.settings();
    match cli.command {
        Command::Serve { bind } => server::serve(&settings, &bind),
        Command::Demo { bind, no_serve } => server::demo(&settings, &bind, no_serve),
        Command::Import(ImportCommand::Comments {
            file,
            consultation,
            format,
            encoding,
            profile,
            renumber,
        }) => intake::comments(
            &settings,
            ImportOptions {
                consultation,
                format,
                encoding,
                profile,
                renumber,
                actor: cli_actor(),
            },
            &file,
        ),
        Command::Import(ImportCommand::Clauses {
            file,
            consultation,
            encoding,
        }) => intake::clauses(&settings, &file, &consultation, encoding),
        Command::Export(cmd) => publish::run_export(&settings, cmd),
        Command::Check { consultation, json } => publish::run_check(&settings, &consultation, json),
        Command::Consultations(cmd) => consultations::run(&settings, cmd),
        Command::Users(cmd) => users::run_users(&settings, cmd),
        Command::Synth {
            comments,
            seed,
            output,
        } => bench::synth(comments, seed, &output),
        Command::Bench {
            comments,
            seed,
            dir,
            only,
        } => bench::bench(&settings, comments, seed, &dir, &only),
        Command::Tokens(cmd) => users::run_tokens(&settings, cmd),
        Command::Audit {
            consultation,
            action,
            limit,
            output,
        } => audit::run_audit(&settings, consultation, action, limit, output),
        Command::Mail(cmd) => mail::run_mail(&settings, cmd),
        Command::Triage(cmd) => triage::run_triage(&settings, cmd),
        Command::Backup { file } => {
            let mut conn = connect(&settings)?;
            db::backup::sqlite_copy(&mut conn, &file)?;
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            println!(
                "{} を {} に写しました（{} バイト）",
                settings.database.redacted(),
                file.display(),
                size
            );
            Ok(())
        }
        Command::Migrate => {
            db::connect(&settings.database, 1)?;
            println!("{} は最新です", settings.database.redacted());
            Ok(())
        }
    }
}

fn connect(settings: &Settings) -> anyhow::Result<db::PooledConnection> {
    let pool = db::connect(&settings.database, 1)?;
    Ok(pool.get()?)
}
