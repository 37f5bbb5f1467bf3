//! The binary end to end: byte-determinism (twice, and from another working directory), the files it writes
//! equal the library output (and so the snapshots), exit codes 0 / 1 / 2, errors on stderr without a backtrace.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::path::Path;
use std::process::{Command, Output};

use synth::render::Format;

fn synth(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synth"))
        .current_dir(cwd)
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for env in std::fs::read_dir(dir).unwrap() {
        let env = env.unwrap().path();
        for f in std::fs::read_dir(&env).unwrap() {
            let f = f.unwrap().path();
            let rel = f.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            out.push((rel, std::fs::read(&f).unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn output_is_byte_identical_across_runs_and_working_directories() {
    let a = common::scratch("a");
    let b = common::scratch("b");
    let elsewhere = common::scratch("cwd");
    let out_a = synth(&common::root(), &["--all", "--out", a.to_str().unwrap()]);
    assert!(out_a.status.success(), "{}", String::from_utf8_lossy(&out_a.stderr));
    let out_b = synth(&elsewhere, &["--all", "--out", b.to_str().unwrap()]);
    assert!(out_b.status.success(), "{}", String::from_utf8_lossy(&out_b.stderr));
    let (ta, tb) = (read_tree(&a), read_tree(&b));
    assert_eq!(ta.len(), 12);
    assert_eq!(ta, tb);
    // The files written are exactly the library output (which the snapshots pin).
    for env in common::all_envs(Format::Yaml) {
        for f in &env.files {
            let written = std::fs::read_to_string(a.join(&env.env).join(&f.name)).unwrap();
            assert_eq!(written, f.contents);
        }
    }
    let again = common::all_envs(Format::Yaml);
    let first = common::all_envs(Format::Yaml);
    for (x, y) in again.iter().zip(&first) {
        assert_eq!(x.files, y.files);
    }
    let summary = String::from_utf8_lossy(&out_a.stdout);
    assert!(
        summary.contains("async-architecture") && summary.contains("SQS::Queue=2"),
        "{summary}"
    );
}

#[test]
fn json_format_is_pretty_with_trailing_newline() {
    let dir = common::scratch("json");
    let out = synth(
        &common::root(),
        &["--env", "staging", "--format", "json", "--out", dir.to_str().unwrap()],
    );
    assert!(out.status.success());
    let text = std::fs::read_to_string(dir.join("staging/monitoring.template.json")).unwrap();
    assert!(text.starts_with("{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n") && text.ends_with("}\n"));
    let yaml: serde_json::Value = serde_yaml::from_str(
        &std::fs::read_to_string(common::root().join("snapshots/staging-monitoring.snap"))
            .map(|s| synth::cli::strip_snapshot_header(&s).to_owned())
            .unwrap(),
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(yaml, json);
}

#[test]
fn unknown_environment_exits_1_with_a_readable_error() {
    let out = synth(
        &common::root(),
        &[
            "--env",
            "qa",
            "--env",
            "nope",
            "--out",
            common::scratch("x").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"qa\"") && err.contains("\"nope\"") && err.contains("2 problem(s)"),
        "{err}"
    );
    assert!(!err.contains("panicked") && !err.contains("stack backtrace"), "{err}");
}

#[test]
fn malformed_environment_file_exits_1() {
    let dir = common::scratch("stacks");
    std::fs::write(dir.join("broken.yaml"), "name: broken\nnaming: {prefix: x}\nextra: 1\n").unwrap();
    let out = synth(
        &common::root(),
        &[
            "--all",
            "--stacks-dir",
            dir.to_str().unwrap(),
            "--out",
            dir.join("out").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.yaml"), "{err}");
}

#[test]
fn diff_is_clean_against_committed_snapshots_and_exits_2_on_changes() {
    let out = synth(&common::root(), &["--all", "--diff"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // A snapshot with a different queue name: a replacement must be reported loudly.
    let snaps = common::scratch("snaps");
    for entry in std::fs::read_dir(common::root().join("snapshots")).unwrap() {
        let p = entry.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let text = if p.ends_with("production-async-architecture.snap") {
            text.replace(
                "QueueName: hubspot-sync-events-production.fifo",
                "QueueName: old-events-production.fifo",
            )
            .replace(
                "AlarmName: hubspot-sync-api-4xx-production\n",
                "AlarmName: hubspot-sync-api-4xx-production\n      ActionsEnabled: true\n",
            )
        } else {
            text
        };
        std::fs::write(snaps.join(p.file_name().unwrap()), text).unwrap();
    }
    let out = synth(
        &common::root(),
        &[
            "--env",
            "production",
            "--diff",
            "--snapshots-dir",
            snaps.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("SyncEvents") && text.contains("Api4xxAlarm"), "{text}");
    assert!(text.to_lowercase().contains("replace"), "{text}");
}

#[test]
fn markdown_summary_tables_every_stack_and_flags_replacements() {
    let out = synth(&common::root(), &["--all", "--diff", "--summary", "markdown"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("No drift"), "{text}");
    assert_eq!(text.matches("| up to date |").count(), 9, "{text}");

    // production: the queue renamed (replacement of a stateful resource), an output and a runbook line changed;
    // staging: no snapshot of monitoring.
    let snaps = common::scratch("md-snaps");
    for entry in std::fs::read_dir(common::root().join("snapshots")).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_owned();
        if name == "staging-monitoring.snap" {
            continue;
        }
        let mut text = std::fs::read_to_string(&p).unwrap();
        if name == "production-async-architecture.snap" {
            text = text.replace(
                "QueueName: hubspot-sync-events-production.fifo",
                "QueueName: old-events-production.fifo",
            );
        }
        if name == "production-RUNBOOK.snap" {
            text.push_str("\nan old line\n");
        }
        std::fs::write(snaps.join(name), text).unwrap();
    }
    let out = synth(
        &common::root(),
        &[
            "--env",
            "production",
            "--env",
            "staging",
            "--diff",
            "--summary",
            "markdown",
            "--snapshots-dir",
            snaps.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("## "), "{text}");
    assert!(
        text.contains("| production | async-architecture | 0 | 0 |") && text.contains("| drift |"),
        "{text}"
    );
    assert!(
        text.contains("| staging | monitoring | 1 | 0 | 0 | 0 | 0 | missing |"),
        "{text}"
    );
    assert!(
        text.contains("| production | RUNBOOK.md |") && text.contains("text drift"),
        "{text}"
    );
    assert!(
        text.contains(
            "- **REPLACEMENT**: `SyncEvents` (AWS::SQS::Queue) is replaced and its data is lost: `Properties/QueueName`"
        ),
        "{text}"
    );
    assert!(text.contains("### production / async-architecture"), "{text}");
    assert!(text.contains("`Properties/QueueName`"), "{text}");
    // Markdown without --diff is a usage error.
    let out = synth(&common::root(), &["--all", "--summary", "markdown"]);
    assert!(!out.status.success());
}
