//! Typed resource properties, one AWS service family per file. [`AnyResource`] is the closed set a template can
//! hold; each type knows its CloudFormation type name through [`Resource`].

pub mod apigateway;
pub mod cloudwatch;
pub mod iam;
pub mod lambda;
pub mod logs;
pub mod s3;
pub mod secretsmanager;
pub mod sns;
pub mod sqs;

use serde::Serialize;

/// A resource property struct with its CloudFormation type name.
pub trait Resource: Into<AnyResource> {
    /// `AWS::Service::Type`
    const TYPE: &'static str;
}

/// A `Key`/`Value` tag.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
}

/// Standard tags from a sorted key/value list.
pub fn tags(pairs: &[(&str, &str)]) -> Vec<Tag> {
    let mut v: Vec<Tag> = pairs
        .iter()
        .map(|(k, v)| Tag {
            key: (*k).to_owned(),
            value: (*v).to_owned(),
        })
        .collect();
    v.sort();
    v
}

macro_rules! any_resource {
    ($($variant:ident($ty:ty) = $name:literal,)*) => {
        /// Every resource type the model supports.
        #[derive(Debug, Clone, Serialize)]
        #[serde(untagged)]
        pub enum AnyResource {
            $(
                #[doc = $name]
                $variant($ty),
            )*
        }
        $(
            impl From<$ty> for AnyResource {
                fn from(v: $ty) -> Self {
                    AnyResource::$variant(v)
                }
            }
            impl Resource for $ty {
                const TYPE: &'static str = $name;
            }
        )*
    };
}

any_resource! {
    RestApi(apigateway::RestApi) = "AWS::ApiGateway::RestApi",
    ApiResource(apigateway::ApiResource) = "AWS::ApiGateway::Resource",
    Method(apigateway::Method) = "AWS::ApiGateway::Method",
    Deployment(apigateway::Deployment) = "AWS::ApiGateway::Deployment",
    Stage(apigateway::Stage) = "AWS::ApiGateway::Stage",
    Alarm(cloudwatch::Alarm) = "AWS::CloudWatch::Alarm",
    Dashboard(cloudwatch::Dashboard) = "AWS::CloudWatch::Dashboard",
    Role(iam::Role) = "AWS::IAM::Role",
    Function(lambda::Function) = "AWS::Lambda::Function",
    EventSourceMapping(lambda::EventSourceMapping) = "AWS::Lambda::EventSourceMapping",
    Permission(lambda::Permission) = "AWS::Lambda::Permission",
    LogGroup(logs::LogGroup) = "AWS::Logs::LogGroup",
    Bucket(s3::Bucket) = "AWS::S3::Bucket",
    BucketPolicy(s3::BucketPolicy) = "AWS::S3::BucketPolicy",
    Secret(secretsmanager::Secret) = "AWS::SecretsManager::Secret",
    Topic(sns::Topic) = "AWS::SNS::Topic",
    Subscription(sns::Subscription) = "AWS::SNS::Subscription",
    Queue(sqs::Queue) = "AWS::SQS::Queue",
    QueuePolicy(sqs::QueuePolicy) = "AWS::SQS::QueuePolicy",
}
