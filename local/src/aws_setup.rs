//! The AWS resources the pipeline needs, created in moto: the SQS FIFO queue with its FIFO dead-letter queue and
//! redrive policy (as the synthesized stack declares them), and the two Secrets Manager secrets the functions read
//! at cold start (webhook client secret, HubSpot token); in shadow mode the S3 bucket of shadow records.

use aws_config::SdkConfig;
use aws_sdk_sqs::types::QueueAttributeName;

/// A failed set-up call.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// An AWS call failed.
    #[error("{operation} {name}: {message}")]
    Aws {
        /// Operation.
        operation: &'static str,
        /// Resource name.
        name: String,
        /// Error with its source chain.
        message: String,
    },
    /// A response lacked a field it always has.
    #[error("{operation} {name}: the response has no {field}")]
    Incomplete {
        /// Operation.
        operation: &'static str,
        /// Resource name.
        name: String,
        /// Missing field.
        field: &'static str,
    },
}

/// An error and its sources on one line; a source whose text is already shown is left out.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

fn aws_error(operation: &'static str, name: &str, e: &(dyn std::error::Error + 'static)) -> SetupError {
    SetupError::Aws {
        operation,
        name: name.to_owned(),
        message: chain(e),
    }
}

/// Queue settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSpec {
    /// Base name; the queue is `{name}.fifo`, the DLQ `{name}-dlq.fifo`.
    pub name: String,
    /// Visibility timeout of the source queue, seconds.
    pub visibility_timeout_secs: u32,
    /// Receives after which SQS moves a message to the DLQ.
    pub max_receive_count: u32,
}

/// The created queues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queues {
    /// Source queue URL.
    pub url: String,
    /// Source queue ARN (the `eventSourceARN` of SQS events).
    pub arn: String,
    /// DLQ URL.
    pub dlq_url: String,
    /// DLQ ARN.
    pub dlq_arn: String,
}

async fn queue_arn(sqs: &aws_sdk_sqs::Client, url: &str) -> Result<String, SetupError> {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| aws_error("GetQueueAttributes", url, &e))?;
    out.attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn))
        .cloned()
        .ok_or_else(|| SetupError::Incomplete {
            operation: "GetQueueAttributes",
            name: url.to_owned(),
            field: "QueueArn",
        })
}

async fn create_queue(
    sqs: &aws_sdk_sqs::Client,
    name: &str,
    attributes: Vec<(QueueAttributeName, String)>,
) -> Result<(String, String), SetupError> {
    let mut request = sqs
        .create_queue()
        .queue_name(name)
        .attributes(QueueAttributeName::FifoQueue, "true");
    for (k, v) in attributes {
        request = request.attributes(k, v);
    }
    let out = request.send().await.map_err(|e| aws_error("CreateQueue", name, &e))?;
    let url = out
        .queue_url()
        .map(str::to_owned)
        .ok_or_else(|| SetupError::Incomplete {
            operation: "CreateQueue",
            name: name.to_owned(),
            field: "QueueUrl",
        })?;
    let arn = queue_arn(sqs, &url).await?;
    Ok((url, arn))
}

/// Creates the FIFO DLQ, then the FIFO source queue redriving to it (no content-based deduplication: the receipt
/// sets explicit deduplication ids; 14-day retention on the DLQ as in the stack).
pub async fn create_queues(sdk: &SdkConfig, spec: &QueueSpec) -> Result<Queues, SetupError> {
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let (dlq_url, dlq_arn) = create_queue(
        &sqs,
        &format!("{}-dlq.fifo", spec.name),
        vec![(QueueAttributeName::MessageRetentionPeriod, "1209600".to_owned())],
    )
    .await?;
    let redrive = serde_json::json!({
        "deadLetterTargetArn": dlq_arn,
        "maxReceiveCount": spec.max_receive_count.to_string(),
    })
    .to_string();
    let (url, arn) = create_queue(
        &sqs,
        &format!("{}.fifo", spec.name),
        vec![
            (
                QueueAttributeName::VisibilityTimeout,
                spec.visibility_timeout_secs.to_string(),
            ),
            (QueueAttributeName::RedrivePolicy, redrive),
        ],
    )
    .await?;
    Ok(Queues {
        url,
        arn,
        dlq_url,
        dlq_arn,
    })
}

/// Creates (or, when it exists, overwrites) secret `name` with `value`; returns its ARN.
pub async fn put_secret(sdk: &SdkConfig, name: &str, value: &str) -> Result<String, SetupError> {
    let sm = aws_sdk_secretsmanager::Client::new(sdk);
    let arn = match sm.create_secret().name(name).secret_string(value).send().await {
        Ok(out) => out.arn().map(str::to_owned),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_exists_exception()) => {
            let out = sm
                .put_secret_value()
                .secret_id(name)
                .secret_string(value)
                .send()
                .await
                .map_err(|e| aws_error("PutSecretValue", name, &e))?;
            out.arn().map(str::to_owned)
        }
        Err(e) => return Err(aws_error("CreateSecret", name, &e)),
    };
    arn.ok_or_else(|| SetupError::Incomplete {
        operation: "CreateSecret",
        name: name.to_owned(),
        field: "ARN",
    })
}

/// An S3 client with path-style addressing, as a local endpoint needs.
fn s3_client(sdk: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(sdk).force_path_style(true).build())
}

/// Creates S3 bucket `name` (path-style addressing, as a local endpoint needs).
pub async fn create_bucket(sdk: &SdkConfig, name: &str) -> Result<(), SetupError> {
    let s3 = s3_client(sdk);
    s3.create_bucket()
        .bucket(name)
        .send()
        .await
        .map_err(|e| aws_error("CreateBucket", name, &e))?;
    Ok(())
}

/// Keys of the objects under `prefix` in bucket `name` (first 1000, sorted).
pub async fn list_keys(sdk: &SdkConfig, name: &str, prefix: &str) -> Result<Vec<String>, SetupError> {
    let s3 = s3_client(sdk);
    let out = s3
        .list_objects_v2()
        .bucket(name)
        .prefix(prefix)
        .send()
        .await
        .map_err(|e| aws_error("ListObjectsV2", name, &e))?;
    let mut keys: Vec<String> = out
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_owned))
        .collect();
    keys.sort();
    Ok(keys)
}

/// Approximate visible and in-flight message counts of a queue.
pub async fn queue_counts(sdk: &SdkConfig, url: &str) -> Result<(u64, u64), SetupError> {
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .map_err(|e| aws_error("GetQueueAttributes", url, &e))?;
    let read = |name: QueueAttributeName| {
        out.attributes()
            .and_then(|a| a.get(&name))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Ok((
        read(QueueAttributeName::ApproximateNumberOfMessages),
        read(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
    ))
}
