//! Library errors. Synthesis collects every problem it finds into [`SynthErrors`] instead of stopping at the first.

use std::fmt;
use std::path::PathBuf;

/// One problem found while loading an environment or synthesizing its stacks.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SynthError {
    /// A logical id is not `^[A-Za-z0-9]{1,255}$`.
    #[error("logical id {id:?} is invalid (rule logical-id: must match ^[A-Za-z0-9]{{1,255}}$)")]
    InvalidLogicalId {
        /// The rejected id.
        id: String,
    },
    /// The same logical id was used twice in one template.
    #[error("stack {stack}: logical id {id} is used twice (rule logical-id-unique)")]
    DuplicateLogicalId {
        /// Stack name.
        stack: String,
        /// The duplicate id.
        id: String,
    },
    /// A `Ref`, `Fn::GetAtt`, `Fn::Sub` placeholder, `DependsOn` or `Condition` names nothing in the template.
    #[error("stack {stack}: {id} references {target:?}, which does not exist (rule {rule})")]
    Dangling {
        /// Stack name.
        stack: String,
        /// The referencing logical id (or section/key).
        id: String,
        /// The missing target.
        target: String,
        /// Which kind of reference: ref-target, getatt-target, sub-variable, depends-on, condition.
        rule: &'static str,
    },
    /// A construct or template invariant is violated.
    #[error("stack {stack}: {id}: {message} (rule {rule})")]
    Rule {
        /// Stack name.
        stack: String,
        /// Logical id or env-file key the problem is about.
        id: String,
        /// Rule identifier, e.g. `fifo-name`.
        rule: &'static str,
        /// What is wrong.
        message: String,
    },
    /// An environment file is malformed or invalid.
    #[error("{}: {key}: {message}", file.display())]
    EnvFile {
        /// The file.
        file: PathBuf,
        /// The key path (`functions.event_processor.timeout_seconds`), or `(file)`.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// `--env NAME` names no file under `stacks/`.
    #[error("unknown environment {name:?}: no file {}; known environments: {}", file.display(), known.join(", "))]
    UnknownEnv {
        /// Requested name.
        name: String,
        /// The file that was expected.
        file: PathBuf,
        /// Environments found.
        known: Vec<String>,
    },
    /// Reading or writing a file failed.
    #[error("{}: {message}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error text.
        message: String,
    },
    /// Rendering (YAML/JSON/Tera) failed.
    #[error("rendering {what}: {message}")]
    Render {
        /// What was being rendered.
        what: String,
        /// Error text.
        message: String,
    },
}

/// A non-empty list of problems, displayed one per line.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthErrors(pub Vec<SynthError>);

impl fmt::Display for SynthErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} problem(s):", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SynthErrors {}

impl From<SynthError> for SynthErrors {
    fn from(e: SynthError) -> Self {
        SynthErrors(vec![e])
    }
}

impl From<Vec<SynthError>> for SynthErrors {
    fn from(v: Vec<SynthError>) -> Self {
        SynthErrors(v)
    }
}

/// Shorthand for a rule violation.
pub fn rule(stack: &str, id: impl Into<String>, rule: &'static str, message: impl Into<String>) -> SynthError {
    SynthError::Rule {
        stack: stack.to_owned(),
        id: id.into(),
        rule,
        message: message.into(),
    }
}
