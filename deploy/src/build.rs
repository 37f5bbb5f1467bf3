//! Building the function zips: runs `scripts/build-lambdas.sh` (pinned cargo-lambda + zig from PyPI, arm64
//! release build), then loads and checks both zips from `target/lambda/<function>/bootstrap.zip`.

use std::path::Path;
use std::process::Command;

use crate::artifacts::{self, Artifact, Function};
use crate::error::DeployError;

/// Runs the build script of the workspace at `root`; its output goes to this process's stderr.
pub fn build_lambdas(root: &Path) -> Result<(), DeployError> {
    let script = root.join("scripts").join("build-lambdas.sh");
    let status = Command::new("bash")
        .arg(&script)
        .current_dir(root)
        .stdout(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .status()
        .map_err(|e| DeployError::Build {
            message: format!("cannot run {}: {e}", script.display()),
        })?;
    if !status.success() {
        return Err(DeployError::Build {
            message: format!("{} exited with {status}", script.display()),
        });
    }
    Ok(())
}

/// Loads both functions' zips from `lambda_dir` (`target/lambda`).
pub fn load_artifacts(lambda_dir: &Path) -> Result<Vec<Artifact>, DeployError> {
    Function::ALL
        .iter()
        .map(|f| artifacts::load(*f, &f.zip_path(lambda_dir)))
        .collect()
}
