//! insta snapshots of the exact bytes the CLI writes (one per environment x stack, plus the runbook), the dashboard
//! bodies pretty-printed, and a guard against unreferenced `.snap` files in `snapshots/`.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::collections::BTreeSet;

use synth::cli::snapshot_name;
use synth::render::Format;

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

fn expected_names() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for out in common::all_envs(Format::Yaml) {
        for f in &out.files {
            names.insert(snapshot_name(&out.env, &f.name));
        }
        for key in out.dashboards.keys() {
            names.insert(format!("{}-{key}-dashboard-body", out.env));
        }
    }
    names
}

#[test]
fn templates_runbooks_and_dashboards_match_snapshots() {
    settings().bind(|| {
        for out in common::all_envs(Format::Yaml) {
            for f in &out.files {
                insta::assert_snapshot!(snapshot_name(&out.env, &f.name), &f.contents);
            }
            for (key, body) in &out.dashboards {
                insta::assert_snapshot!(format!("{}-{key}-dashboard-body", out.env), body);
            }
        }
    });
}

#[test]
fn no_unreferenced_snapshots() {
    let expected = expected_names();
    let dir = common::root().join("snapshots");
    let mut stray = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".snap")
            && !expected.contains(stem)
        {
            stray.push(name);
        }
    }
    assert!(
        stray.is_empty(),
        "unreferenced snapshot files in {}: {stray:?}",
        dir.display()
    );
}

#[test]
fn every_env_has_three_stacks_and_a_runbook() {
    for out in common::all_envs(Format::Yaml) {
        let names: Vec<&str> = out.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "async-architecture.template.yaml",
                "partner-central-access.template.yaml",
                "monitoring.template.yaml",
                "RUNBOOK.md"
            ],
            "{}",
            out.env
        );
    }
}
