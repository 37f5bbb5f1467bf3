//! Suppressions and how they are rendered into resource `Metadata`:
//! `synth.suppressions` (all, read by cfn-checks), `checkov.skip` (ids starting `CKV`), and
//! `cfn-lint.config.ignore_checks` (ids like `W3011`).

use serde::Serialize;
use serde::ser::SerializeMap;

/// A rule deliberately not applied to one resource, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Suppression {
    /// Rule id (cfn-checks id, `CKV_AWS_117`, `W3011`, ...).
    pub rule: String,
    /// Why (never empty).
    pub reason: String,
}

/// Resource metadata.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// Suppressions in insertion order.
    pub suppressions: Vec<Suppression>,
}

impl Metadata {
    /// Nothing to render.
    pub fn is_empty(&self) -> bool {
        self.suppressions.is_empty()
    }
}

/// Whether `id` is a cfn-lint rule id (`^[EWI][0-9]{4}$`).
pub fn is_cfn_lint_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 5 && matches!(b[0], b'E' | b'W' | b'I') && b[1..].iter().all(u8::is_ascii_digit)
}

#[derive(Serialize)]
struct CheckovSkip<'a> {
    id: &'a str,
    comment: &'a str,
}

#[derive(Serialize)]
struct Checkov<'a> {
    skip: Vec<CheckovSkip<'a>>,
}

#[derive(Serialize)]
struct CfnLintConfig<'a> {
    ignore_checks: Vec<&'a str>,
}

#[derive(Serialize)]
struct CfnLint<'a> {
    config: CfnLintConfig<'a>,
}

#[derive(Serialize)]
struct SynthMeta<'a> {
    suppressions: &'a [Suppression],
}

impl Serialize for Metadata {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        let lint: Vec<&str> = self
            .suppressions
            .iter()
            .map(|x| x.rule.as_str())
            .filter(|r| is_cfn_lint_id(r))
            .collect();
        if !lint.is_empty() {
            map.serialize_entry(
                "cfn-lint",
                &CfnLint {
                    config: CfnLintConfig { ignore_checks: lint },
                },
            )?;
        }
        let skip: Vec<CheckovSkip> = self
            .suppressions
            .iter()
            .filter(|x| x.rule.starts_with("CKV"))
            .map(|x| CheckovSkip {
                id: &x.rule,
                comment: &x.reason,
            })
            .collect();
        if !skip.is_empty() {
            map.serialize_entry("checkov", &Checkov { skip })?;
        }
        if !self.suppressions.is_empty() {
            map.serialize_entry(
                "synth",
                &SynthMeta {
                    suppressions: &self.suppressions,
                },
            )?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_all_three_views() {
        let m = Metadata {
            suppressions: vec![
                Suppression {
                    rule: "CKV_AWS_117".into(),
                    reason: "no VPC".into(),
                },
                Suppression {
                    rule: "W3011".into(),
                    reason: "x".into(),
                },
                Suppression {
                    rule: "SQS-SSE".into(),
                    reason: "y".into(),
                },
            ],
        };
        let v = serde_json::to_string(&m).unwrap();
        assert_eq!(
            v,
            r#"{"cfn-lint":{"config":{"ignore_checks":["W3011"]}},"checkov":{"skip":[{"id":"CKV_AWS_117","comment":"no VPC"}]},"synth":{"suppressions":[{"rule":"CKV_AWS_117","reason":"no VPC"},{"rule":"W3011","reason":"x"},{"rule":"SQS-SSE","reason":"y"}]}}"#
        );
        assert!(is_cfn_lint_id("E3030") && !is_cfn_lint_id("E303") && !is_cfn_lint_id("CKV_AWS_1"));
    }
}
