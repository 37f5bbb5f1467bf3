//! Loading botocore's `partnercentral-selling` service model (service-2.json, optionally gzip-compressed) into typed
//! shapes the validator walks. The model is never copied into the repository: it is located at run time.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::patterns::{CompiledPattern, PatternError};

/// Environment variable naming an explicit model file (service-2.json or service-2.json.gz).
pub const MODEL_ENV: &str = "PARTNER_CENTRAL_MODEL";

/// Errors while locating, reading or interpreting the service model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error(
        "service model not found (set {MODEL_ENV}, or install botocore in /work/main/.venv-tools or /tmp/venv-tools); looked in: {searched}"
    )]
    NotFound { searched: String },
    #[error("reading service model {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("parsing service model {path}: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("service model shape {shape}: {reason}")]
    Shape { shape: String, reason: String },
    #[error("service model shape {shape}: {source}")]
    Pattern { shape: String, source: PatternError },
}

/// A named member of a structure.
#[derive(Debug, Clone)]
pub struct Member {
    pub target: String,
}

/// The kinds of shapes that occur in the model, with their constraint traits.
#[derive(Debug, Clone)]
pub enum ShapeKind {
    Structure {
        members: BTreeMap<String, Member>,
        required: BTreeSet<String>,
        union: bool,
    },
    List {
        member: String,
        min: Option<u64>,
        max: Option<u64>,
    },
    Map {
        key: String,
        value: String,
        min: Option<u64>,
        max: Option<u64>,
    },
    String {
        enum_values: Option<BTreeSet<String>>,
        pattern: Option<String>,
        min: Option<u64>,
        max: Option<u64>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Double,
    Boolean,
    Timestamp,
    Blob,
}

/// One operation: its input and output shape names.
#[derive(Debug, Clone)]
pub struct Operation {
    pub input: Option<String>,
    pub output: Option<String>,
}

/// The loaded service model.
#[derive(Debug)]
pub struct Model {
    pub source: PathBuf,
    pub target_prefix: String,
    pub shapes: BTreeMap<String, ShapeKind>,
    pub operations: BTreeMap<String, Operation>,
    pub patterns: BTreeMap<String, CompiledPattern>,
}

/// Candidate locations, in order: env var, the project's tool venv, the shared /tmp venv.
pub fn candidate_paths() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(p) = std::env::var(MODEL_ENV)
        && !p.is_empty()
    {
        out.push(PathBuf::from(p));
    }
    for venv in ["/work/main/.venv-tools", "/tmp/venv-tools"] {
        let lib = Path::new(venv).join("lib");
        let Ok(entries) = std::fs::read_dir(&lib) else { continue };
        let mut pythons: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("python3"))
            })
            .collect();
        pythons.sort();
        for py in pythons {
            let dir = py.join("site-packages/botocore/data/partnercentral-selling/2022-07-26");
            out.push(dir.join("service-2.json.gz"));
            out.push(dir.join("service-2.json"));
        }
    }
    out
}

impl Model {
    /// Locate the model (see [`candidate_paths`]) and load it.
    pub fn locate() -> Result<Model, ModelError> {
        let candidates = candidate_paths();
        match candidates.iter().find(|p| p.is_file()) {
            Some(p) => Model::load(p),
            None => Err(ModelError::NotFound {
                searched: candidates
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Load a model file; `.gz` files are decompressed with flate2.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let io = |source| ModelError::Io {
            path: path.to_path_buf(),
            source,
        };
        let raw = std::fs::read(path).map_err(io)?;
        let text = if path.extension().is_some_and(|e| e == "gz") {
            let mut s = String::new();
            flate2::read::GzDecoder::new(raw.as_slice())
                .read_to_string(&mut s)
                .map_err(io)?;
            s
        } else {
            String::from_utf8(raw).map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?
        };
        let doc: Value = serde_json::from_str(&text).map_err(|source| ModelError::Json {
            path: path.to_path_buf(),
            source,
        })?;
        Model::from_json(&doc, path)
    }

    fn from_json(doc: &Value, path: &Path) -> Result<Model, ModelError> {
        let target_prefix = doc
            .pointer("/metadata/targetPrefix")
            .and_then(Value::as_str)
            .unwrap_or("AWSPartnerCentralSelling")
            .to_string();
        let mut shapes = BTreeMap::new();
        let mut patterns = BTreeMap::new();
        let empty = serde_json::Map::new();
        for (name, shape) in doc.get("shapes").and_then(Value::as_object).unwrap_or(&empty) {
            let kind = parse_shape(name, shape)?;
            if let ShapeKind::String { pattern: Some(p), .. } = &kind
                && !patterns.contains_key(p)
            {
                let compiled = CompiledPattern::compile(p).map_err(|source| ModelError::Pattern {
                    shape: name.clone(),
                    source,
                })?;
                patterns.insert(p.clone(), compiled);
            }
            shapes.insert(name.clone(), kind);
        }
        let mut operations = BTreeMap::new();
        for (name, op) in doc.get("operations").and_then(Value::as_object).unwrap_or(&empty) {
            let shape_of = |k: &str| {
                op.pointer(&format!("/{k}/shape"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            operations.insert(
                name.clone(),
                Operation {
                    input: shape_of("input"),
                    output: shape_of("output"),
                },
            );
        }
        Ok(Model {
            source: path.to_path_buf(),
            target_prefix,
            shapes,
            operations,
            patterns,
        })
    }

    /// Shape by name.
    pub fn shape(&self, name: &str) -> Option<&ShapeKind> {
        self.shapes.get(name)
    }

    /// All enum values of a string shape (sorted), for tests and error messages.
    pub fn enum_values(&self, name: &str) -> Option<Vec<String>> {
        match self.shapes.get(name)? {
            ShapeKind::String {
                enum_values: Some(v), ..
            } => Some(v.iter().cloned().collect()),
            _ => None,
        }
    }
}

fn parse_shape(name: &str, s: &Value) -> Result<ShapeKind, ModelError> {
    let bad = |reason: &str| ModelError::Shape {
        shape: name.to_string(),
        reason: reason.to_string(),
    };
    let u = |k: &str| s.get(k).and_then(Value::as_f64).map(|v| v as u64);
    let i = |k: &str| s.get(k).and_then(Value::as_f64).map(|v| v as i64);
    let target = |v: Option<&Value>| {
        v.and_then(|m| m.get("shape"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let ty = s
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("missing type"))?;
    Ok(match ty {
        "structure" => {
            let mut members = BTreeMap::new();
            if let Some(ms) = s.get("members").and_then(Value::as_object) {
                for (m, def) in ms {
                    let target = target(Some(def)).ok_or_else(|| bad("member without shape"))?;
                    members.insert(m.clone(), Member { target });
                }
            }
            let required = s
                .get("required")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default();
            let union = s.get("union").and_then(Value::as_bool).unwrap_or(false);
            ShapeKind::Structure {
                members,
                required,
                union,
            }
        }
        "list" => ShapeKind::List {
            member: target(s.get("member")).ok_or_else(|| bad("list without member"))?,
            min: u("min"),
            max: u("max"),
        },
        "map" => ShapeKind::Map {
            key: target(s.get("key")).ok_or_else(|| bad("map without key"))?,
            value: target(s.get("value")).ok_or_else(|| bad("map without value"))?,
            min: u("min"),
            max: u("max"),
        },
        "string" => ShapeKind::String {
            enum_values: s
                .get("enum")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect()),
            pattern: s.get("pattern").and_then(Value::as_str).map(str::to_string),
            min: u("min"),
            max: u("max"),
        },
        "integer" | "long" => ShapeKind::Integer {
            min: i("min"),
            max: i("max"),
        },
        "double" | "float" => ShapeKind::Double,
        "boolean" => ShapeKind::Boolean,
        "timestamp" => ShapeKind::Timestamp,
        "blob" => ShapeKind::Blob,
        other => return Err(bad(&format!("unsupported shape type {other}"))),
    })
}
