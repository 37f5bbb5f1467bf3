//! Which queues a command works on, and the SQS client it uses.
//!
//! Naming convention (the synth's `Names`, `synth/src/env/mod.rs`; this crate does not depend on the synth):
//! - source queue: `<prefix>-events-<env>.fifo`
//! - dead-letter queue: `<prefix>-events-dlq-<env>.fifo`
//!
//! with `prefix` = `naming.prefix` of `stacks/<env>.yaml` (`hubspot-sync` in every committed environment). The DLQ
//! is resolved as: `--dlq-url`, else the `deadLetterTargetArn` of the source queue's RedrivePolicy, else the
//! conventional name. `--queue-url` overrides the source queue.
//!
//! The client uses the standard SDK configuration chain (env vars, profiles, SSO, instance roles); the endpoint comes
//! from `--endpoint-url`, else `AWS_ENDPOINT_URL_SQS` / `AWS_ENDPOINT_URL` (read by the SDK itself).

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::QueueAttributeName;

use crate::error::{OpsError, classify};

/// Default physical-name prefix (`naming.prefix` of the committed environments).
pub const DEFAULT_PREFIX: &str = "hubspot-sync";

/// The conventional queue names of an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueNames {
    /// `<prefix>-events-<env>.fifo`
    pub queue: String,
    /// `<prefix>-events-dlq-<env>.fifo`
    pub dlq: String,
}

impl QueueNames {
    /// Names for `prefix` and `env`.
    pub fn new(prefix: &str, env: &str) -> Self {
        Self {
            queue: format!("{prefix}-events-{env}.fifo"),
            dlq: format!("{prefix}-events-dlq-{env}.fifo"),
        }
    }
}

/// How to find the queues (command-line selection).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Environment name (`production`, `staging`, ...).
    pub env: Option<String>,
    /// Name prefix (default [`DEFAULT_PREFIX`]).
    pub prefix: Option<String>,
    /// Explicit source queue URL.
    pub queue_url: Option<String>,
    /// Explicit DLQ URL.
    pub dlq_url: Option<String>,
}

/// An SQS client plus the endpoint it talks to (for error messages).
#[derive(Debug, Clone)]
pub struct Sqs {
    /// The SDK client.
    pub client: Client,
    /// `--endpoint-url`/`AWS_ENDPOINT_URL*`, or `AWS default` (for messages only).
    pub endpoint: String,
}

impl Sqs {
    /// A client from the standard SDK config chain, with an optional region and endpoint override.
    pub async fn connect(region: Option<String>, endpoint_url: Option<String>) -> Self {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(region) = region {
            loader = loader.region(aws_config::Region::new(region));
        }
        if let Some(url) = &endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let config = loader.load().await;
        let endpoint = endpoint_url
            .or_else(|| std::env::var("AWS_ENDPOINT_URL_SQS").ok())
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .unwrap_or_else(|| "AWS default".to_owned());
        Self {
            client: Client::new(&config),
            endpoint,
        }
    }

    /// A client for an existing SDK config (tests, embedding).
    pub fn from_config(config: &aws_config::SdkConfig, endpoint: &str) -> Self {
        Self {
            client: Client::new(config),
            endpoint: endpoint.to_owned(),
        }
    }

    /// GetQueueUrl for a name (optionally in another account).
    pub async fn queue_url(&self, name: &str, owner: Option<&str>) -> Result<String, OpsError> {
        let out = self
            .client
            .get_queue_url()
            .queue_name(name)
            .set_queue_owner_aws_account_id(owner.map(str::to_owned))
            .send()
            .await
            .map_err(|e| classify("GetQueueUrl", name, &self.endpoint, e))?;
        out.queue_url()
            .map(str::to_owned)
            .ok_or_else(|| OpsError::QueueNotFound {
                operation: "GetQueueUrl",
                queue: name.to_owned(),
            })
    }

    /// The URL of the source queue of `sel`.
    pub async fn source_url(&self, sel: &Selection) -> Result<String, OpsError> {
        if let Some(url) = &sel.queue_url {
            return Ok(url.clone());
        }
        let names = names(sel, "--queue-url")?;
        self.queue_url(&names.queue, None).await
    }

    /// The URL of the DLQ of `sel` (override, else the source queue's redrive target, else the convention).
    pub async fn dlq_url(&self, sel: &Selection) -> Result<String, OpsError> {
        if let Some(url) = &sel.dlq_url {
            return Ok(url.clone());
        }
        if sel.queue_url.is_some() || sel.env.is_some() {
            let source = self.source_url(sel).await?;
            let attrs = self.attributes(&source, &[QueueAttributeName::RedrivePolicy]).await?;
            if let Some(policy) = attrs.get(&QueueAttributeName::RedrivePolicy) {
                let target = crate::status::RedrivePolicy::parse(&source, policy)?;
                if let Some((account, name)) = arn_account_and_name(&target.dead_letter_target_arn) {
                    return self.queue_url(name, Some(account)).await;
                }
            }
        }
        let names = names(sel, "--dlq-url")?;
        self.queue_url(&names.dlq, None).await
    }

    /// GetQueueAttributes for `names` (the map may lack attributes the endpoint does not report).
    pub async fn attributes(
        &self,
        url: &str,
        names: &[QueueAttributeName],
    ) -> Result<std::collections::HashMap<QueueAttributeName, String>, OpsError> {
        let out = self
            .client
            .get_queue_attributes()
            .queue_url(url)
            .set_attribute_names(Some(names.to_vec()))
            .send()
            .await
            .map_err(|e| classify("GetQueueAttributes", url, &self.endpoint, e))?;
        Ok(out.attributes().cloned().unwrap_or_default())
    }

    /// The QueueArn attribute of a queue.
    pub async fn arn(&self, url: &str) -> Result<String, OpsError> {
        self.attributes(url, &[QueueAttributeName::QueueArn])
            .await?
            .remove(&QueueAttributeName::QueueArn)
            .ok_or_else(|| OpsError::Aws {
                operation: "GetQueueAttributes",
                queue: url.to_owned(),
                message: "the response has no QueueArn".to_owned(),
            })
    }
}

fn names(sel: &Selection, alternative: &str) -> Result<QueueNames, OpsError> {
    let env = sel.env.as_deref().ok_or_else(|| OpsError::InvalidArgument {
        argument: "--env",
        reason: format!("give --env (with --region) or {alternative}"),
    })?;
    let prefix = sel.prefix.as_deref().unwrap_or(DEFAULT_PREFIX);
    Ok(QueueNames::new(prefix, env))
}

/// `(account, queue name)` of an SQS ARN `arn:aws:sqs:<region>:<account>:<name>`.
pub fn arn_account_and_name(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_), Some("sqs"), Some(_), Some(account), Some(name)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    (!name.is_empty()).then_some((account, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventional_names_match_the_synth() {
        let n = QueueNames::new("hubspot-sync", "production");
        assert_eq!(n.queue, "hubspot-sync-events-production.fifo");
        assert_eq!(n.dlq, "hubspot-sync-events-dlq-production.fifo");
    }

    #[test]
    fn arn_parts() {
        assert_eq!(
            arn_account_and_name("arn:aws:sqs:eu-west-1:123456789012:q-dlq.fifo"),
            Some(("123456789012", "q-dlq.fifo"))
        );
        assert_eq!(arn_account_and_name("arn:aws:sns:eu-west-1:1:t"), None);
        assert_eq!(arn_account_and_name("not-an-arn"), None);
    }
}
