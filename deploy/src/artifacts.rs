//! Function zips: locating them, checking them, their content-addressed S3 keys, and the upload.
//!
//! The key of a zip is `lambda/<function>/<sha256>.zip`, where the hash covers each entry's name, compression
//! method, CRC-32, uncompressed size and compressed bytes, but not the zip's timestamps: cargo-lambda stamps the
//! binary's mtime into the archive, so hashing the whole file would give a new key (and a function update) for
//! every rebuild of unchanged code. The upload is skipped when the key already exists.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{DeployError, sdk_message};

/// The two Lambda functions of the sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Function {
    /// `webhook-receipt` (template parameter `WebhookReceiptCodeKey`).
    WebhookReceipt,
    /// `event-processor` (template parameter `EventProcessorCodeKey`).
    EventProcessor,
}

impl Function {
    /// Both functions.
    pub const ALL: [Function; 2] = [Function::WebhookReceipt, Function::EventProcessor];

    /// Binary and directory name (`target/lambda/<name>/bootstrap.zip`).
    pub fn name(self) -> &'static str {
        match self {
            Function::WebhookReceipt => "webhook-receipt",
            Function::EventProcessor => "event-processor",
        }
    }

    /// The `async-architecture` template parameter that takes the S3 key of this function's zip.
    pub fn key_parameter(self) -> &'static str {
        match self {
            Function::WebhookReceipt => "WebhookReceiptCodeKey",
            Function::EventProcessor => "EventProcessorCodeKey",
        }
    }

    /// Where `cargo lambda build --output-format zip` writes the zip, under `lambda_dir` (`target/lambda`).
    pub fn zip_path(self, lambda_dir: &Path) -> PathBuf {
        lambda_dir.join(self.name()).join("bootstrap.zip")
    }
}

/// A checked function zip and its content-addressed key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Which function.
    pub function: Function,
    /// Local path.
    pub path: PathBuf,
    /// File size in bytes.
    pub bytes: u64,
    /// Hex SHA-256 of the zip's entries (see the module docs).
    pub sha256: String,
    /// `lambda/<function>/<sha256>.zip`
    pub key: String,
}

/// Reads and checks the zip of `function` at `path`: it must be a zip with an executable-named `bootstrap` entry
/// at its root.
pub fn load(function: Function, path: &Path) -> Result<Artifact, DeployError> {
    let err = |message: String| DeployError::Artifact {
        path: path.to_owned(),
        message,
    };
    let data =
        std::fs::read(path).map_err(|e| err(format!("cannot read it ({e}); build first or drop --skip-build")))?;
    let entries = zip_entries(&data).map_err(err)?;
    if !entries.iter().any(|e| e.name == "bootstrap") {
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        return Err(err(format!(
            "no `bootstrap` entry at the root of the zip (entries: {})",
            names.join(", ")
        )));
    }
    let sha256 = content_hash(&entries);
    Ok(Artifact {
        function,
        path: path.to_owned(),
        bytes: data.len() as u64,
        key: format!("lambda/{}/{sha256}.zip", function.name()),
        sha256,
    })
}

/// One entry of a zip's central directory, with its compressed bytes.
#[derive(Debug)]
struct Entry<'a> {
    name: String,
    method: u16,
    crc32: u32,
    uncompressed: u32,
    data: &'a [u8],
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Parses the central directory (no ZIP64: Lambda zips are far below 4 GiB). Never panics on malformed input.
fn zip_entries(b: &[u8]) -> Result<Vec<Entry<'_>>, String> {
    const EOCD: u32 = 0x0605_4b50;
    const CENTRAL: u32 = 0x0201_4b50;
    const LOCAL: u32 = 0x0403_4b50;
    let bad = |what: &str| format!("not a valid zip file ({what})");
    // The end-of-central-directory record is 22 bytes plus a comment of at most 65,535 bytes.
    let min = b.len().saturating_sub(22 + 65_535);
    let eocd = (min..=b.len().saturating_sub(22))
        .rev()
        .find(|&i| u32_at(b, i) == Some(EOCD))
        .ok_or_else(|| bad("no end-of-central-directory record"))?;
    let count = u16_at(b, eocd + 10).ok_or_else(|| bad("truncated end record"))?;
    let mut at = u32_at(b, eocd + 16).ok_or_else(|| bad("truncated end record"))? as usize;
    let mut out = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        if u32_at(b, at) != Some(CENTRAL) {
            return Err(bad("central directory entry expected"));
        }
        let field = |off: usize| u16_at(b, at + off).ok_or_else(|| bad("truncated central directory"));
        let method = field(10)?;
        let crc32 = u32_at(b, at + 16).ok_or_else(|| bad("truncated central directory"))?;
        let compressed = u32_at(b, at + 20).ok_or_else(|| bad("truncated central directory"))? as usize;
        let uncompressed = u32_at(b, at + 24).ok_or_else(|| bad("truncated central directory"))?;
        let (name_len, extra_len, comment_len) = (field(28)? as usize, field(30)? as usize, field(32)? as usize);
        let local = u32_at(b, at + 42).ok_or_else(|| bad("truncated central directory"))? as usize;
        let name = b
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(|| bad("truncated file name"))?;
        let name = String::from_utf8_lossy(name).into_owned();
        if u32_at(b, local) != Some(LOCAL) {
            return Err(bad("local header expected"));
        }
        let local_name = u16_at(b, local + 26).ok_or_else(|| bad("truncated local header"))? as usize;
        let local_extra = u16_at(b, local + 28).ok_or_else(|| bad("truncated local header"))? as usize;
        let start = local + 30 + local_name + local_extra;
        let data = b
            .get(start..start + compressed)
            .ok_or_else(|| bad("entry data past the end of the file"))?;
        out.push(Entry {
            name,
            method,
            crc32,
            uncompressed,
            data,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    if out.is_empty() {
        return Err(bad("no entries"));
    }
    Ok(out)
}

/// SHA-256 over the entries in name order, without timestamps.
fn content_hash(entries: &[Entry<'_>]) -> String {
    let mut sorted: Vec<&Entry<'_>> = entries.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut h = Sha256::new();
    for e in sorted {
        h.update((e.name.len() as u64).to_be_bytes());
        h.update(e.name.as_bytes());
        h.update(e.method.to_be_bytes());
        h.update(e.crc32.to_be_bytes());
        h.update(e.uncompressed.to_be_bytes());
        h.update((e.data.len() as u64).to_be_bytes());
        h.update(e.data);
    }
    hex::encode(h.finalize())
}

/// What [`upload`] did for one artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    /// The key was new; the zip was uploaded.
    Uploaded,
    /// The key already existed; nothing was sent.
    AlreadyPresent,
}

/// Uploads `artifact` to `bucket` under its key unless that key already exists.
pub async fn upload(s3: &aws_sdk_s3::Client, bucket: &str, artifact: &Artifact) -> Result<Upload, DeployError> {
    let s3_err = |operation: &'static str, message: String| DeployError::S3 {
        operation,
        bucket: bucket.to_owned(),
        key: artifact.key.clone(),
        message,
    };
    match s3.head_object().bucket(bucket).key(&artifact.key).send().await {
        Ok(_) => return Ok(Upload::AlreadyPresent),
        Err(e) => {
            let not_found = e.as_service_error().is_some_and(|s| s.is_not_found())
                || e.raw_response().is_some_and(|r| r.status().as_u16() == 404);
            if !not_found {
                return Err(s3_err("HeadObject", sdk_message(&e)));
            }
        }
    }
    let body = aws_sdk_s3::primitives::ByteStream::from_path(&artifact.path)
        .await
        .map_err(|e| DeployError::Artifact {
            path: artifact.path.clone(),
            message: e.to_string(),
        })?;
    s3.put_object()
        .bucket(bucket)
        .key(&artifact.key)
        .content_type("application/zip")
        .metadata("sha256", &artifact.sha256)
        .body(body)
        .send()
        .await
        .map_err(|e| s3_err("PutObject", sdk_message(&e)))?;
    Ok(Upload::Uploaded)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A stored (uncompressed) zip with the given entries and modification time.
    fn zip(entries: &[(&str, &[u8])], mtime: u16) -> Vec<u8> {
        crate::testzip::stored_zip(entries, mtime)
    }

    #[test]
    fn key_ignores_timestamps_but_not_content() {
        let dir = std::env::temp_dir().join(format!("deploy-artifacts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, bytes: Vec<u8>| {
            let p = dir.join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let a = load(
            Function::EventProcessor,
            &write("a.zip", zip(&[("bootstrap", b"v1")], 1)),
        )
        .unwrap();
        let b = load(
            Function::EventProcessor,
            &write("b.zip", zip(&[("bootstrap", b"v1")], 2)),
        )
        .unwrap();
        let c = load(
            Function::EventProcessor,
            &write("c.zip", zip(&[("bootstrap", b"v2")], 1)),
        )
        .unwrap();
        assert_eq!(a.key, b.key);
        assert_ne!(a.key, c.key);
        assert!(a.key.starts_with("lambda/event-processor/") && a.key.ends_with(".zip"));
        assert_eq!(a.key.len(), "lambda/event-processor/".len() + 64 + 4);

        let no_bootstrap = load(Function::WebhookReceipt, &write("d.zip", zip(&[("main", b"x")], 1))).unwrap_err();
        assert!(
            no_bootstrap.to_string().contains("no `bootstrap` entry"),
            "{no_bootstrap}"
        );
        let not_zip = load(Function::WebhookReceipt, &write("e.zip", b"bootstrap".to_vec())).unwrap_err();
        assert!(not_zip.to_string().contains("not a valid zip"), "{not_zip}");
        let missing = load(Function::WebhookReceipt, &dir.join("missing.zip")).unwrap_err();
        assert!(missing.to_string().contains("cannot read it"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn truncated_zips_are_errors_not_panics() {
        let whole = zip(&[("bootstrap", b"some binary"), ("extra", b"more")], 7);
        for cut in 0..whole.len() {
            let _ = zip_entries(&whole[..cut]);
            let mut flipped = whole.clone();
            flipped[cut] ^= 0xff;
            let _ = zip_entries(&flipped);
        }
        assert_eq!(zip_entries(&whole).unwrap().len(), 2);
    }
}
