//! `synth` binary: parse arguments, run [`synth::cli::run`], print every problem on stderr, map to an exit code
//! (0 ok, 1 error, 2 differences with `--diff`).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = synth::cli::Args::parse();
    let mut stdout = std::io::stdout().lock();
    match synth::cli::run(&args, &mut stdout) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
