//! Loading and validating environment files. Every problem names the file and the key; nothing panics.

use std::path::{Path, PathBuf};

use super::model::{Catalog, EnvConfig, SyncConfig, SyncMode};
use crate::cfn::resources::logs::RETENTION_DAYS;
use crate::error::{SynthError, SynthErrors};

/// Environment names found under `stacks_dir` (`*.yaml`), sorted.
pub fn list_envs(stacks_dir: &Path) -> Result<Vec<String>, SynthError> {
    let io = |e: std::io::Error| SynthError::Io {
        path: stacks_dir.to_owned(),
        message: e.to_string(),
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(stacks_dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().and_then(|e| e.to_str()) == Some("yaml")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            out.push(stem.to_owned());
        }
    }
    out.sort();
    Ok(out)
}

/// Loads `stacks_dir/<name>.yaml` and validates it.
pub fn load_env(stacks_dir: &Path, name: &str) -> Result<EnvConfig, SynthErrors> {
    let file = stacks_dir.join(format!("{name}.yaml"));
    let valid_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid_name || !file.is_file() {
        let known = list_envs(stacks_dir).unwrap_or_default();
        return Err(SynthError::UnknownEnv {
            name: name.to_owned(),
            file,
            known,
        }
        .into());
    }
    let text = std::fs::read_to_string(&file).map_err(|e| SynthError::Io {
        path: file.clone(),
        message: e.to_string(),
    })?;
    parse_env(&file, name, &text)
}

/// Parses and validates environment-file text (`file` and `name` are used for messages and the name check).
pub fn parse_env(file: &Path, name: &str, text: &str) -> Result<EnvConfig, SynthErrors> {
    let de = serde_yaml::Deserializer::from_str(text);
    let cfg: EnvConfig = serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let key = if key == "." { "(file)".to_owned() } else { key };
        SynthError::EnvFile {
            file: file.to_owned(),
            key,
            message: e.into_inner().to_string(),
        }
    })?;
    let problems = validate(file, name, &cfg);
    if problems.is_empty() {
        Ok(cfg)
    } else {
        Err(SynthErrors(problems))
    }
}

fn is_https(url: &str) -> bool {
    url.strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
}

/// Every semantic problem of a parsed environment.
pub fn validate(file: &Path, name: &str, c: &EnvConfig) -> Vec<SynthError> {
    let mut out = Vec::new();
    let file: PathBuf = file.to_owned();
    let mut bad = |key: &str, message: String| {
        out.push(SynthError::EnvFile {
            file: file.clone(),
            key: key.to_owned(),
            message,
        });
    };
    if c.name != name {
        bad("name", format!("is {:?} but the file is {name}.yaml", c.name));
    }
    let p = &c.naming.prefix;
    if p.is_empty()
        || p.len() > 30
        || !p
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        bad("naming.prefix", format!("{p:?} must be 1..=30 of [a-z0-9-]"));
    }
    for (key, f) in [
        ("functions.webhook_receipt", &c.functions.webhook_receipt),
        ("functions.event_processor", &c.functions.event_processor),
    ] {
        if !(128..=10240).contains(&f.memory_mb) {
            bad(
                &format!("{key}.memory_mb"),
                format!("{} is outside 128..=10240", f.memory_mb),
            );
        }
        if !(1..=900).contains(&f.timeout_seconds) {
            bad(
                &format!("{key}.timeout_seconds"),
                format!("{} is outside 1..=900", f.timeout_seconds),
            );
        }
        if f.reserved_concurrency == Some(0) {
            bad(
                &format!("{key}.reserved_concurrency"),
                "0 would disable the function".to_owned(),
            );
        }
    }
    if c.functions.webhook_receipt.timeout_seconds > 29 {
        bad(
            "functions.webhook_receipt.timeout_seconds",
            "must be <= 29 (API Gateway integration timeout)".to_owned(),
        );
    }
    if let Some(r) = c.functions.event_processor.reserved_concurrency
        && r < c.queue.maximum_concurrency
    {
        bad(
            "functions.event_processor.reserved_concurrency",
            format!(
                "{r} is below queue.maximum_concurrency {}; the mapping would be throttled",
                c.queue.maximum_concurrency
            ),
        );
    }
    if !(1..=1000).contains(&c.queue.max_receive_count) {
        bad(
            "queue.max_receive_count",
            format!("{} is outside 1..=1000", c.queue.max_receive_count),
        );
    }
    if c.queue.visibility_timeout_seconds > 43_200 {
        bad("queue.visibility_timeout_seconds", "must be <= 43200".to_owned());
    }
    let s = &c.api.stage_name;
    if s.is_empty() || s.len() > 128 || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        bad("api.stage_name", format!("{s:?} must be 1..=128 of [A-Za-z0-9_]"));
    }
    if !(c.api.throttling_rate_limit > 0.0 && c.api.throttling_rate_limit <= 10_000.0) {
        bad("api.throttling_rate_limit", "must be in (0, 10000]".to_owned());
    }
    if !(1..=5000).contains(&c.api.throttling_burst_limit) {
        bad("api.throttling_burst_limit", "must be in 1..=5000".to_owned());
    }
    if let Some(u) = &c.api.custom_webhook_url
        && !is_https(u)
    {
        bad("api.custom_webhook_url", format!("{u:?} is not an https URL"));
    }
    if !RETENTION_DAYS.contains(&c.logs.retention_days) {
        bad(
            "logs.retention_days",
            format!("{} is not one of {RETENTION_DAYS:?}", c.logs.retention_days),
        );
    }
    let a = &c.alarms;
    if let Some(e) = &a.email {
        let ok = e
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !e.contains(char::is_whitespace));
        if !ok {
            bad("alarms.email", format!("{e:?} is not an e-mail address"));
        }
    }
    if a.dlq_messages == 0 {
        bad(
            "alarms.dlq_messages",
            "must be >= 1 (the alarm fires at or above it)".to_owned(),
        );
    }
    for (key, v) in [
        ("alarms.receipt_error_rate_percent", a.receipt_error_rate_percent),
        ("alarms.processor_error_rate_percent", a.processor_error_rate_percent),
        (
            "alarms.processor_duration_percent_of_timeout",
            a.processor_duration_percent_of_timeout,
        ),
    ] {
        if !(v > 0.0 && v <= 100.0) {
            bad(key, format!("{v} is outside (0, 100]"));
        }
    }
    if a.dlq_age_seconds == 0 || a.dlq_age_seconds >= 1_209_600 {
        bad(
            "alarms.dlq_age_seconds",
            format!(
                "{} must be in 1..1209600 (before DLQ messages expire)",
                a.dlq_age_seconds
            ),
        );
    }
    for (key, v) in [
        ("alarms.queue_age_seconds", a.queue_age_seconds),
        ("alarms.queue_depth", a.queue_depth),
        ("alarms.throttles", a.throttles),
        ("alarms.api_5xx", a.api_5xx),
        ("alarms.api_4xx", a.api_4xx),
    ] {
        if v == 0 {
            bad(key, "must be >= 1".to_owned());
        }
    }
    if !is_https(&c.hubspot.api_base_url) {
        bad(
            "hubspot.api_base_url",
            format!("{:?} is not an https URL", c.hubspot.api_base_url),
        );
    }
    if c.hubspot.portal_ids.contains(&0) {
        bad("hubspot.portal_ids", "portal id 0 is invalid".to_owned());
    }
    let pc = &c.partner_central;
    match (name == "production", pc.catalog) {
        (true, Catalog::Sandbox) => bad(
            "partner_central.catalog",
            "production must use the AWS catalog".to_owned(),
        ),
        (false, Catalog::Aws) => bad(
            "partner_central.catalog",
            format!("{name} must use Sandbox (only production uses AWS)"),
        ),
        _ => {}
    }
    if let Some(acct) = &pc.role_account_id
        && (acct.len() != 12 || !acct.bytes().all(|b| b.is_ascii_digit()))
    {
        bad(
            "partner_central.role_account_id",
            format!("{acct:?} is not a 12-digit account id"),
        );
    }
    let x = &pc.external_id;
    let allowed = |ch: char| ch.is_ascii_alphanumeric() || "+=,.@:/_-".contains(ch);
    if !(2..=1224).contains(&x.len()) || !x.chars().all(allowed) {
        bad(
            "partner_central.external_id",
            "must be 2..=1224 of [A-Za-z0-9+=,.@:/_-]".to_owned(),
        );
    }
    validate_sync(&c.sync, &mut bad);
    if c.sync.deal_tag.trim().is_empty() {
        bad("sync.deal_tag", "must not be empty".to_owned());
    }
    if c.sync.stage_map.is_empty() {
        bad("sync.stage_map", "must map at least one HubSpot deal stage".to_owned());
    }
    out
}

/// A HubSpot property internal name: a lowercase letter, then lowercase letters, digits and `_` (at most 100).
fn is_property_name(name: &str) -> bool {
    name.len() <= 100
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A Partner Central solution identifier (`SolutionIdentifier` in the service model: `S-[0-9]{1,19}`).
fn is_solution_id(id: &str) -> bool {
    id.strip_prefix("S-")
        .is_some_and(|digits| (1..=19).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Most solutions one opportunity can be associated with (deal-mapping's `MAX_SOLUTIONS`).
const MAX_SOLUTIONS: usize = 10;

/// The migration settings of the `sync` section.
fn validate_sync(s: &SyncConfig, bad: &mut impl FnMut(&str, String)) {
    match (s.mode, s.canary_live_percent) {
        (SyncMode::Live, Some(p)) => bad(
            "sync.canary_live_percent",
            format!("is {p} but sync.mode is live (every deal runs live); set mode: shadow or remove the key"),
        ),
        (SyncMode::Shadow, Some(p)) if p > 100 => {
            bad("sync.canary_live_percent", format!("{p} is outside 0..=100"));
        }
        _ => {}
    }
    if s.hubspot_app_id == Some(0) {
        bad("sync.hubspot_app_id", "app id 0 is invalid".to_owned());
    }
    if s.solutions.len() > MAX_SOLUTIONS {
        bad(
            "sync.solutions",
            format!(
                "{} solutions; Partner Central associates at most {MAX_SOLUTIONS} with an opportunity",
                s.solutions.len()
            ),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, id) in s.solutions.iter().enumerate() {
        if !is_solution_id(id) {
            bad(
                &format!("sync.solutions[{i}]"),
                format!("{id:?} is not a Partner Central solution id (S- and 1..=19 digits)"),
            );
        } else if !seen.insert(id.as_str()) {
            bad(&format!("sync.solutions[{i}]"), format!("{id:?} is listed twice"));
        }
    }
    let mut names: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for (key, configured, default) in s.properties.entries() {
        if let Some(name) = configured
            && !is_property_name(name)
        {
            bad(
                &format!("sync.properties.{key}"),
                format!("{name:?} is not a HubSpot property name (a-z first, then a-z, 0-9, _; at most 100)"),
            );
        }
        let name = configured.unwrap_or(default);
        if let Some(other) = names.insert(name, key) {
            bad(
                &format!("sync.properties.{key}"),
                format!("{name:?} is also the property of sync.properties.{other}"),
            );
        }
    }
}
