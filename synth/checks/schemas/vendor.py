#!/usr/bin/env python3
"""Copy the CloudFormation registry schemas this project uses out of an installed cfn-lint.

Usage: python3 vendor.py [SCHEMAS_DIR]   (also writes iam_actions.json from cfnlint/data/AdditionalSpecs/Policies.json)
SCHEMAS_DIR defaults to the cfnlint/data/schemas directory of the cfn-lint importable by this interpreter
(e.g. /tmp/venv-tools/bin/python vendor.py). Writes <Type_Name>.json here (AWS::SQS::Queue -> AWS_SQS_Queue.json,
byte-for-byte copies of resources/<hash>.json as mapped by providers/us-east-1.json) and VERSION (schema_date).
"""
import json
import os
import shutil
import sys

TYPES = [
    "AWS::ApiGateway::Account",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Stage",
    "AWS::CloudWatch::Alarm",
    "AWS::CloudWatch::Dashboard",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::Role",
    "AWS::Lambda::EventSourceMapping",
    "AWS::Lambda::Function",
    "AWS::Lambda::Permission",
    "AWS::Logs::LogGroup",
    "AWS::SNS::Subscription",
    "AWS::SNS::Topic",
    "AWS::SNS::TopicPolicy",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::SQS::Queue",
    "AWS::SQS::QueuePolicy",
    "AWS::SecretsManager::Secret",
]


# Services whose action lists are vendored (for the IAM rules: unknown actions, Resource "*" only where an action
# has no resource-level permission). Every service prefix is vendored.
IAM_SERVICES = [
    "apigateway", "cloudwatch", "ec2", "events", "execute-api", "iam", "kms", "lambda", "logs", "partnercentral",
    "s3", "secretsmanager", "sns", "sqs", "ssm", "sts", "xray",
]


def vendor_iam_actions(policies_path: str, dest: str) -> None:
    with open(policies_path) as f:
        policies = json.load(f)
    actions = {}
    for service in IAM_SERVICES:
        entries = policies[service]["Actions"]
        actions[service] = {
            "resource_level": sorted(a for a, v in entries.items() if v.get("Resources")),
            "star_only": sorted(a for a, v in entries.items() if not v.get("Resources")),
        }
    with open(dest, "w") as f:
        json.dump({"services": sorted(policies), "actions": actions}, f, indent=0, sort_keys=True)
        f.write("\n")
    print(f"IAM actions of {len(IAM_SERVICES)} services, {len(policies)} prefixes -> {os.path.basename(dest)}")


def main() -> None:
    if len(sys.argv) > 1:
        src = sys.argv[1]
    else:
        import cfnlint  # noqa: PLC0415

        src = os.path.join(os.path.dirname(cfnlint.__file__), "data", "schemas")
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(src, "providers", "us-east-1.json")) as f:
        provider = json.load(f)
    with open(os.path.join(src, "version.json")) as f:
        version = json.load(f)
    for type_name in TYPES:
        digest = provider[type_name]
        dest = os.path.join(here, type_name.replace("::", "_") + ".json")
        shutil.copyfile(os.path.join(src, "resources", digest + ".json"), dest)
        print(f"{type_name}: resources/{digest}.json -> {os.path.basename(dest)}")
    vendor_iam_actions(
        os.path.join(src, "..", "AdditionalSpecs", "Policies.json"), os.path.join(here, "iam_actions.json")
    )
    with open(os.path.join(here, "VERSION"), "w") as f:
        f.write(f"cfn-lint schemas, providers/us-east-1.json, schema_date {version['schema_date']}\n")


if __name__ == "__main__":
    main()
