//! [`ShadowStore`]: puts one [`ShadowRecord`] per deal and object sync into the `SHADOW_RECORDS_BUCKET` S3 bucket
//! (key [`ShadowRecord::key`]), and reads them back (listing by prefix, get) for tests and operator tooling.
//!
//! Every stored record also produces one structured log line (`shadow_write`: ids and counts, never request bodies
//! or property values). A failed put is returned as [`StoreError`]; the processor turns it into a transient failure
//! of the record, so SQS redelivers the events and the record is computed and stored again (nothing is lost; an
//! earlier attempt's record may remain beside it under its own timestamp).

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;

use super::record::{RecordError, ShadowRecord};
use crate::error_text::error_chain;

/// Why a record could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// PutObject failed.
    #[error("cannot store shadow record s3://{bucket}/{key}: {detail}")]
    Put {
        /// Bucket.
        bucket: String,
        /// Object key.
        key: String,
        /// The SDK error chain.
        detail: String,
    },
    /// GetObject (or reading its body) failed.
    #[error("cannot read shadow record s3://{bucket}/{key}: {detail}")]
    Get {
        /// Bucket.
        bucket: String,
        /// Object key.
        key: String,
        /// The SDK error chain.
        detail: String,
    },
    /// ListObjectsV2 failed.
    #[error("cannot list shadow records under s3://{bucket}/{prefix}: {detail}")]
    List {
        /// Bucket.
        bucket: String,
        /// Key prefix.
        prefix: String,
        /// The SDK error chain.
        detail: String,
    },
    /// The record could not be encoded, or a stored object is not a readable record.
    #[error("shadow record {key}: {source}")]
    Record {
        /// Object key.
        key: String,
        /// What is wrong with it.
        source: RecordError,
    },
}

/// The S3 bucket of shadow records.
#[derive(Debug, Clone)]
pub struct ShadowStore {
    s3: Client,
    bucket: String,
}

impl ShadowStore {
    /// A store on `bucket` using the SDK configuration (region, credentials, endpoint overrides). With an endpoint
    /// override (a local S3 such as moto) path-style addressing is used; against AWS the default virtual-hosted
    /// style.
    pub fn new(sdk: &aws_config::SdkConfig, bucket: impl Into<String>) -> Self {
        let s3 = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(sdk.endpoint_url().is_some())
            .build();
        Self::with_client(Client::from_conf(s3), bucket)
    }

    /// A store using an existing client.
    pub fn with_client(s3: Client, bucket: impl Into<String>) -> Self {
        Self {
            s3,
            bucket: bucket.into(),
        }
    }

    /// The bucket name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// Stores one record under its key and logs `shadow_write`; returns the key.
    pub async fn put(&self, record: &ShadowRecord) -> Result<String, StoreError> {
        let key = record.key();
        let body = record.to_json().map_err(|source| StoreError::Record {
            key: key.clone(),
            source,
        })?;
        self.s3
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .content_type("application/json")
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| StoreError::Put {
                bucket: self.bucket.clone(),
                key: key.clone(),
                detail: error_chain(&e),
            })?;
        log_shadow_write(record, &key);
        Ok(key)
    }

    /// Reads one record.
    pub async fn get(&self, key: &str) -> Result<ShadowRecord, StoreError> {
        let get_error = |detail: String| StoreError::Get {
            bucket: self.bucket.clone(),
            key: key.to_owned(),
            detail,
        };
        let output = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| get_error(error_chain(&e)))?;
        let bytes = output
            .body
            .collect()
            .await
            .map_err(|e| get_error(error_chain(&e)))?
            .into_bytes();
        ShadowRecord::from_json(&bytes).map_err(|source| StoreError::Record {
            key: key.to_owned(),
            source,
        })
    }

    /// Every key under `prefix` (all pages), in key order (per deal: time order).
    pub async fn list_keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let output = self
                .s3
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(|e| StoreError::List {
                    bucket: self.bucket.clone(),
                    prefix: prefix.to_owned(),
                    detail: error_chain(&e),
                })?;
            keys.extend(output.contents().iter().filter_map(|o| o.key().map(str::to_owned)));
            match output.next_continuation_token() {
                Some(next) if output.is_truncated() == Some(true) => token = Some(next.to_owned()),
                _ => break,
            }
        }
        keys.sort();
        Ok(keys)
    }
}

/// The `shadow_write` log line: ids and counts only.
fn log_shadow_write(record: &ShadowRecord, key: &str) {
    let count = |api: &str| {
        record
            .planned_writes
            .iter()
            .filter(|w| super::write_api(w) == api)
            .count()
    };
    let hubspot_reads = record.reads.get(super::HUBSPOT).copied().unwrap_or(0);
    let partner_central_reads = record.reads.get(super::PARTNER_CENTRAL).copied().unwrap_or(0);
    tracing::info!(
        portal_id = record.portal_id,
        deal_id = %record.deal_id,
        object = %format_args!("{}:{}", record.object.object_type, record.object.id),
        outcome = record.outcome.label(),
        events = record.events.len(),
        planned_writes = record.planned_writes.len(),
        partner_central_writes = count(super::PARTNER_CENTRAL),
        hubspot_writes = count(super::HUBSPOT),
        hubspot_reads,
        partner_central_reads,
        canary_bucket = record.canary.bucket,
        key = %key,
        "shadow_write"
    );
}
