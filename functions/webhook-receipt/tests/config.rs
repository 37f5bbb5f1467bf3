//! Configuration from the environment: required variables are named when missing, the unsigned dev mode is
//! explicit and exclusive with the secret, and the portal allow-list is parsed strictly.

#![allow(clippy::unwrap_used)] // test code

use std::collections::BTreeMap;

use webhook_receipt::config::{Config, ConfigError, SignatureMode};

fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: BTreeMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    Config::from_lookup(|k| map.get(k).cloned())
}

const FULL: [(&str, &str); 3] = [
    (
        "SYNC_QUEUE_URL",
        "https://sqs.us-east-1.amazonaws.com/123456789012/sync.fifo",
    ),
    (
        "HUBSPOT_WEBHOOK_SECRET_ARN",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:hs-AbCdEf",
    ),
    ("WEBHOOK_PUBLIC_URL", "https://hooks.example.com/async/webhook"),
];

#[test]
fn full_configuration_loads() {
    let c = load(&FULL).unwrap();
    assert_eq!(c.queue_url, FULL[0].1);
    assert_eq!(
        c.signature,
        SignatureMode::Verify {
            secret_arn: FULL[1].1.into(),
            public_url: FULL[2].1.into()
        }
    );
    assert_eq!(c.portal_ids, None);
    assert!(c.portal_allowed(42));
}

#[test]
fn each_missing_required_variable_is_named() {
    for (skip, (name, _)) in FULL.iter().enumerate() {
        let vars: Vec<_> = FULL
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, v)| *v)
            .collect();
        let err = load(&vars).unwrap_err();
        assert_eq!(err, ConfigError::Missing(name));
        assert!(err.to_string().contains(name));
    }
    // Empty counts as missing.
    let mut vars = FULL.to_vec();
    vars[0].1 = "  ";
    assert_eq!(load(&vars).unwrap_err(), ConfigError::Missing("SYNC_QUEUE_URL"));
}

#[test]
fn portal_allow_list() {
    let mut vars = FULL.to_vec();
    vars.push(("HUBSPOT_PORTAL_IDS", " 62515, 33 ,"));
    let c = load(&vars).unwrap();
    assert_eq!(c.portal_ids, Some([33, 62515].into()));
    assert!(c.portal_allowed(33) && !c.portal_allowed(34));
    for bad in ["abc", "1,x", ",", "-1"] {
        let mut vars = FULL.to_vec();
        vars.push(("HUBSPOT_PORTAL_IDS", bad));
        assert!(
            matches!(
                load(&vars),
                Err(ConfigError::Invalid {
                    name: "HUBSPOT_PORTAL_IDS",
                    ..
                })
            ),
            "{bad}"
        );
    }
}

#[test]
fn unsigned_dev_mode_is_explicit_and_exclusive() {
    let c = load(&[("SYNC_QUEUE_URL", "http://q"), ("HUBSPOT_WEBHOOK_UNSIGNED_DEV", "1")]).unwrap();
    assert_eq!(c.signature, SignatureMode::UnsignedDev);
    let mut vars = FULL.to_vec();
    vars.push(("HUBSPOT_WEBHOOK_UNSIGNED_DEV", "1"));
    assert!(matches!(
        load(&vars),
        Err(ConfigError::Invalid {
            name: "HUBSPOT_WEBHOOK_UNSIGNED_DEV",
            ..
        })
    ));
    let mut vars = FULL.to_vec();
    vars.push(("HUBSPOT_WEBHOOK_UNSIGNED_DEV", "0"));
    assert!(matches!(load(&vars).unwrap().signature, SignatureMode::Verify { .. }));
    assert!(load(&[("SYNC_QUEUE_URL", "http://q"), ("HUBSPOT_WEBHOOK_UNSIGNED_DEV", "yes")]).is_err());
    // Without the switch, no secret means failure, never a silent bypass.
    assert_eq!(
        load(&[("SYNC_QUEUE_URL", "http://q")]).unwrap_err(),
        ConfigError::Missing("HUBSPOT_WEBHOOK_SECRET_ARN")
    );
}
