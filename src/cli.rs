//! The `pubcom` command line. The `///` comments are the help text.

use crate::config::Settings;
use crate::db::{self, DatabaseUrl};
use crate::intake::decode::TextEncoding;
use crate::intake::import::{self, ImportOptions, ImportReport};
use crate::intake::table::FileFormat;
use crate::models::consultation;
use crate::publish::{results, writers};
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
    /// データベースを最新の構成にする（他のコマンドも自動で行う）
    Migrate,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
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
        #[arg(long)]
        consultation: String,
        #[arg(long, value_enum, default_value = "xlsx")]
        format: writers::OutputFormat,
        #[arg(long, value_enum, default_value = "mhlw")]
        layout: results::Layout,
        /// 出力先ファイル
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
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
            Ok(())
        }
        Command::Export(ExportCommand::Results {
            consultation,
            format,
            layout,
            output,
        }) => {
            let pool = db::connect(&settings.database, 2)?;
            let mut conn = pool.get()?;
            let c = consultation::find_by_slug(&mut conn, &consultation)?
                .with_context(|| format!("案件「{consultation}」はありません（pubcom consultations list で確認できます）"))?;
            let table = results::build(&mut conn, c.id(), &c.title, layout)?;
            let bytes = match format {
                writers::OutputFormat::Csv => writers::csv_bytes(&table)?,
                writers::OutputFormat::Xlsx => writers::xlsx_bytes(&table)?,
            };
            std::fs::write(&output, bytes)
                .with_context(|| format!("{} に書き込めません", output.display()))?;
            crate::models::audit::record(
                &mut conn,
                &crate::models::audit::Event {
                    actor: &cli_actor(),
                    user: None,
                    consultation: Some(c.id()),
                    action: "export",
                    entity: "result_table",
                    entity_id: None,
                    before: None,
                    after: Some(
                        serde_json::json!({"file": output.display().to_string(), "rows": table.rows.len(), "layout": format!("{layout:?}")}),
                    ),
                },
            )?;
            println!(
                "{} 件を {} に書き出しました",
                table.rows.len(),
                output.display()
            );
            Ok(())
        }
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
                    consultation::set_title(&mut conn, c.id(), &title)?;
                    println!("{slug} の題名を「{title}」にしました");
                }
            }
            Ok(())
        }
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
    let bytes = std::fs::read(file).with_context(|| format!("{} を読めません", file.display()))?;
    let pool = db::connect(&settings.database, 2)?;
    let mut conn = pool.get()?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} 取込中 [{bar:40}] {pos}/{len} 行 ({eta})",
        )
        .expect("static template")
        .progress_chars("=> "),
    );
    let name = file.display().to_string();
    let report = import::import_comments(
        &mut conn,
        &name,
        &bytes,
        opts,
        &settings.profiles()?,
        &settings.stock_phrases()?,
        &mut |done, total| {
            if done == 1 {
                bar.set_length(total as u64);
            }
            if done % 100 == 0 || done == total {
                bar.set_position(done as u64);
            }
        },
    );
    bar.finish_and_clear();
    report
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
}

fn serve(settings: &Settings, bind: &str) -> anyhow::Result<()> {
    let pool = db::connect(&settings.database, 8)?;
    let listener = std::net::TcpListener::bind(bind)
        .with_context(|| format!("{bind} で待ち受けできません"))?;
    println!(
        "pubcom: http://{} で待ち受けています（{}）",
        listener.local_addr()?,
        settings.database.redacted()
    );
    actix_web::rt::System::new()
        .block_on(async move { crate::startup::run(listener, pool)?.await })?;
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
