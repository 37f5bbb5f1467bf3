//! The committed JSON Schema of the SQS message body must equal the generated one (run with
//! `UPDATE_SCHEMA=1 cargo test -p sync-events --test schema` to regenerate), and every body this crate writes
//! validates against it.

#![allow(clippy::unwrap_used)] // test helpers may unwrap (fixtures are trusted)

use std::path::Path;

use sync_events::{message_body_schema, message_body_schema_json, parse_webhook};

const SCHEMA_PATH: &str = "schema/sync-event.schema.json";

#[test]
fn committed_schema_matches_generated() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA_PATH);
    let generated = message_body_schema_json();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{SCHEMA_PATH} is out of date; regenerate with UPDATE_SCHEMA=1 cargo test -p sync-events --test schema"
    );
}

#[test]
fn every_fixture_body_validates_against_the_schema() {
    let validator = jsonschema::validator_for(&message_body_schema()).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hubspot");
    for entry in std::fs::read_dir(dir).unwrap() {
        let events = parse_webhook(&std::fs::read(entry.unwrap().path()).unwrap(), "c").unwrap();
        for e in events {
            let body: serde_json::Value = serde_json::from_str(&e.to_sqs_body().unwrap()).unwrap();
            let errors: Vec<String> = validator.iter_errors(&body).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{errors:?}");
        }
    }
    // A body missing required fields does not validate.
    let bad = serde_json::json!({"schemaVersion": 1});
    assert!(!validator.is_valid(&bad));
}
