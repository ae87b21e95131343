use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = pubcom::cli::Cli::parse();
    match pubcom::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("エラー: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
