//! Helpers shared by the integration tests: the workspace paths, every environment synthesized, scratch dirs.

#![allow(clippy::unwrap_used)] // tests may unwrap
#![allow(dead_code)] // each test binary uses a subset

use std::path::PathBuf;

use synth::env::{list_envs, load_env};
use synth::render::{EnvOutput, Format, synth_env};

pub fn root() -> PathBuf {
    synth::cli::workspace_root()
}

pub fn stacks_dir() -> PathBuf {
    root().join("stacks")
}

pub fn all_envs(format: Format) -> Vec<EnvOutput> {
    list_envs(&stacks_dir())
        .unwrap()
        .iter()
        .map(|name| synth_env(&load_env(&stacks_dir(), name).unwrap(), format).unwrap())
        .collect()
}

/// A fresh scratch directory under the system temp dir.
pub fn scratch(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("synth-test-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
