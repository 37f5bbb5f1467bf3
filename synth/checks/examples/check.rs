//! Run the checks on JSON template files: `cargo run -p cfn-checks --example check -- FILE.json...` prints rule
//! findings, suppression problems and schema violations per file; with `--diff OLD.json NEW.json` prints the semantic
//! diff instead. Exit 1 when any file has a finding, a suppression error or a schema violation (2 for a non-empty diff).

use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::Value;

fn load(path: &str) -> Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {path} as JSON"))
}

fn run() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, old, new] = args.as_slice()
        && flag == "--diff"
    {
        let diff = cfn_checks::diff::diff_templates(&load(old)?, &load(new)?);
        print!("{diff}");
        return Ok(if diff.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        });
    }
    let mut failed = false;
    for path in &args {
        let template = load(path)?;
        let report = cfn_checks::rules::check_template(&template);
        let violations = cfn_checks::schema::validate_template(&template);
        println!("{path}:");
        for suppression in &report.suppressed {
            println!(
                "  suppressed [{}] {}: {}",
                suppression.rule_id, suppression.logical_id, suppression.reason
            );
        }
        for line in report.to_string().lines() {
            println!("  {line}");
        }
        for violation in &violations {
            println!("  schema: {violation}");
        }
        println!("  {} schema violation(s)", violations.len());
        failed |= !report.is_ok() || !violations.is_empty();
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
