//! Suppressions: parsing `Metadata.synth.suppressions` of each resource and applying them to raw findings.

use serde::Serialize;
use serde_json::Value;

use super::{Finding, RuleReport};
use crate::template::{pointer_token, resources};

/// A suppression that covered at least one finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct AppliedSuppression {
    /// Rule id that was suppressed.
    pub rule_id: String,
    /// Resource the suppression sits on.
    pub logical_id: String,
    /// The written reason.
    pub reason: String,
    /// Messages of the findings it covered.
    pub messages: Vec<String>,
}

/// A malformed suppression.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, thiserror::Error)]
pub enum SuppressionError {
    /// `Metadata.synth.suppressions` (or an entry) does not have the expected shape.
    #[error("{logical_id}: malformed suppression at {pointer}: {detail}")]
    Malformed {
        logical_id: String,
        pointer: String,
        detail: String,
    },
    /// The reason is missing or blank.
    #[error("{logical_id}: suppression of rule {rule} has no reason (a written reason is required)")]
    MissingReason { logical_id: String, rule: String },
    /// The rule id is not a known rule.
    #[error("{logical_id}: suppression names unknown rule {rule:?}")]
    UnknownRule { logical_id: String, rule: String },
}

/// A well-formed suppression that has nothing to suppress.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, thiserror::Error)]
pub enum SuppressionWarning {
    /// The rule does not flag this resource; the suppression is stale.
    #[error("{logical_id}: suppression of rule {rule} matches no finding (remove it)")]
    Unused { logical_id: String, rule: String },
}

/// Rule ids of other tools that share `synth.suppressions`: checkov (`CKV_AWS_117`, `CKV2_AWS_5`) and cfn-lint
/// (`W3011`, `E3030`, `I3042`). They need a reason but are not cfn-checks rules.
pub fn is_foreign_rule(id: &str) -> bool {
    let b = id.as_bytes();
    let cfn_lint = b.len() == 5 && matches!(b[0], b'E' | b'W' | b'I') && b[1..].iter().all(u8::is_ascii_digit);
    cfn_lint || id.starts_with("CKV_") || id.starts_with("CKV2_")
}

/// A well-formed suppression read from the template.
struct Suppression {
    logical_id: String,
    rule: String,
    reason: String,
}

/// Read every resource's `Metadata.synth.suppressions`, reporting malformed entries.
fn parse(template: &Value, errors: &mut Vec<SuppressionError>) -> Vec<Suppression> {
    let mut out: Vec<Suppression> = Vec::new();
    for resource in resources(template) {
        let id = resource.logical_id;
        let base = format!("/Resources/{}/Metadata/synth", pointer_token(id));
        let malformed = |pointer: String, detail: &str| SuppressionError::Malformed {
            logical_id: id.to_owned(),
            pointer,
            detail: detail.to_owned(),
        };
        let Some(synth) = resource.raw.get("Metadata").and_then(|m| m.get("synth")) else {
            continue;
        };
        let Some(list) = synth.get("suppressions") else {
            continue;
        };
        let Some(entries) = list.as_array() else {
            errors.push(malformed(
                format!("{base}/suppressions"),
                "suppressions must be an array",
            ));
            continue;
        };
        for (i, entry) in entries.iter().enumerate() {
            let pointer = format!("{base}/suppressions/{i}");
            let Some(entry) = entry.as_object() else {
                errors.push(malformed(pointer, "a suppression must be an object {rule, reason}"));
                continue;
            };
            if let Some(extra) = entry.keys().find(|k| *k != "rule" && *k != "reason") {
                errors.push(malformed(
                    pointer.clone(),
                    &format!("unknown key {extra:?} (expected rule, reason)"),
                ));
            }
            let Some(rule) = entry
                .get("rule")
                .and_then(Value::as_str)
                .filter(|r| !r.trim().is_empty())
            else {
                errors.push(malformed(pointer, "missing rule id"));
                continue;
            };
            let foreign = is_foreign_rule(rule);
            if !foreign && super::rule(rule).is_none() {
                errors.push(SuppressionError::UnknownRule {
                    logical_id: id.to_owned(),
                    rule: rule.to_owned(),
                });
                continue;
            }
            let reason = entry
                .get("reason")
                .and_then(Value::as_str)
                .map(str::trim)
                .unwrap_or_default();
            if reason.is_empty() {
                errors.push(SuppressionError::MissingReason {
                    logical_id: id.to_owned(),
                    rule: rule.to_owned(),
                });
                continue;
            }
            if foreign {
                // Applied by checkov / cfn-lint from their own metadata; only the reason is checked here.
                continue;
            }
            if out.iter().any(|s| s.logical_id == id && s.rule == rule) {
                errors.push(malformed(pointer, &format!("rule {rule} is suppressed twice")));
                continue;
            }
            out.push(Suppression {
                logical_id: id.to_owned(),
                rule: rule.to_owned(),
                reason: reason.to_owned(),
            });
        }
    }
    out
}

/// Split raw findings into unsuppressed findings and applied suppressions; report malformed and unused ones.
pub(super) fn apply(template: &Value, raw: Vec<Finding>) -> RuleReport {
    let mut report = RuleReport::default();
    let suppressions = parse(template, &mut report.errors);
    let mut applied: Vec<Vec<String>> = vec![Vec::new(); suppressions.len()];
    for finding in raw {
        let matching = suppressions
            .iter()
            .position(|s| s.logical_id == finding.logical_id && s.rule == finding.rule_id);
        match matching {
            Some(i) => applied[i].push(finding.message),
            None => report.findings.push(finding),
        }
    }
    for (suppression, messages) in suppressions.into_iter().zip(applied) {
        if messages.is_empty() {
            report.warnings.push(SuppressionWarning::Unused {
                logical_id: suppression.logical_id,
                rule: suppression.rule,
            });
        } else {
            report.suppressed.push(AppliedSuppression {
                rule_id: suppression.rule,
                logical_id: suppression.logical_id,
                reason: suppression.reason,
                messages,
            });
        }
    }
    report.findings.sort();
    report.suppressed.sort();
    report.errors.sort();
    report.warnings.sort();
    report
}
