//! Property test: whatever numbers and names an environment file holds, loading and synthesizing either succeeds
//! or returns a list of problems naming the file/key or stack and rule; it never panics. When it succeeds, the
//! output passes the reference check.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::path::Path;

use proptest::prelude::*;
use synth::SynthError;
use synth::env::parse_env;
use synth::render::{Format, synth_env};

fn base() -> String {
    std::fs::read_to_string(common::stacks_dir().join("staging.yaml")).unwrap()
}

fn set(text: &str, key: &str, value: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim_start().starts_with(&format!("{key}:")) {
                format!("{}{key}: {value}", &l[..l.len() - l.trim_start().len()])
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
    #[test]
    fn synthesis_never_panics(
        memory in 0u32..12_000,
        timeout in 0u32..1_000,
        batch in 0u32..20,
        concurrency in 0u32..1_200,
        visibility in 0u32..50_000,
        retention in prop::sample::select(vec![0u32, 1, 7, 14, 30, 31, 90, 3653, 4000]),
        rate in prop::sample::select(vec!["0", "0.5", "10", "1e9", "-1"]),
        prefix in "[a-z0-9-]{0,34}|[A-Z _]{1,5}",
        stage in "[A-Za-z0-9_]{0,10}|[-/ ]{1,3}",
    ) {
        let mut text = base();
        text = set(&text, "memory_mb", &memory.to_string());
        text = set(&text, "timeout_seconds", &timeout.to_string());
        text = set(&text, "batch_size", &batch.to_string());
        text = set(&text, "maximum_concurrency", &concurrency.to_string());
        text = set(&text, "visibility_timeout_seconds", &visibility.to_string());
        text = set(&text, "retention_days", &retention.to_string());
        text = set(&text, "throttling_rate_limit", rate);
        text = set(&text, "prefix", &format!("'{prefix}'"));
        text = set(&text, "stage_name", &format!("'{stage}'"));
        match parse_env(Path::new("stacks/staging.yaml"), "staging", &text) {
            Err(errs) => {
                prop_assert!(!errs.0.is_empty());
                for e in &errs.0 {
                    prop_assert!(matches!(e, SynthError::EnvFile { .. }), "{e}");
                    prop_assert!(e.to_string().contains("stacks/staging.yaml"));
                }
            }
            Ok(cfg) => match synth_env(&cfg, Format::Json) {
                Ok(out) => {
                    for (key, v) in &out.values {
                        prop_assert!(synth::cfn::validate::check_references(key, v).is_empty());
                    }
                }
                Err(errs) => {
                    for e in &errs.0 {
                        prop_assert!(matches!(e, SynthError::Rule { .. } | SynthError::InvalidLogicalId { .. }), "{e}");
                    }
                }
            },
        }
    }
}
