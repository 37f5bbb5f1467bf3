//! The committed `stacks/environment.schema.json` is exactly what schemars generates from `EnvConfig` (set
//! `SYNTH_UPDATE_SCHEMA=1` to rewrite it), and every environment file validates against it.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

#[test]
fn committed_schema_matches_the_rust_type() {
    let path = common::stacks_dir().join("environment.schema.json");
    let generated = synth::env::schema_json();
    if std::env::var_os("SYNTH_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} drifted from the EnvConfig type; regenerate with SYNTH_UPDATE_SCHEMA=1 cargo test -p synth --test env_schema",
        path.display()
    );
}

#[test]
fn every_environment_file_validates_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(&synth::env::schema_json()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for name in synth::env::list_envs(&common::stacks_dir()).unwrap() {
        let text = std::fs::read_to_string(common::stacks_dir().join(format!("{name}.yaml"))).unwrap();
        let value: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn schema_rejects_unknown_keys() {
    let schema: serde_json::Value = serde_json::from_str(&synth::env::schema_json()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let text = std::fs::read_to_string(common::stacks_dir().join("production.yaml")).unwrap();
    let mut value: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    value["queue"]["batchsize"] = serde_json::json!(3);
    assert!(!validator.is_valid(&value));
}
