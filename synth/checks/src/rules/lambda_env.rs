//! LAMBDA5: a function's environment variables fit Lambda's 4 KB limit. Lambda measures the JSON serialization of
//! the `Variables` map (`{"KEY":"value",...}`: keys, values, quotes, escapes and separators), and rejects a
//! configuration over 4,096 bytes at deploy time ("exceeded the 4KB limit. String measured: {...}").
//!
//! Literal values count exactly. A value CloudFormation resolves at deploy time cannot be measured in the template,
//! so it is estimated: `Fn::Sub` counts its literal text plus each placeholder (pseudo parameters at their longest
//! value, e.g. 12 for `AWS::AccountId`, 14 for `AWS::Region`; anything else [`REFERENCE_ESTIMATE`]); `Fn::Join`
//! counts its parts and separators; `Ref`, `Fn::GetAtt` and other intrinsics count [`REFERENCE_ESTIMATE`] (longer
//! than the ARNs, URLs and names the stacks reference). The estimate errs on the large side.

use serde_json::Value;

use super::RawFinding;
use crate::template::resources_of_type;

pub(super) const ENV_SIZE: &str = "LAMBDA5";

/// Lambda's limit on the serialized environment, in bytes.
pub const ENV_LIMIT_BYTES: usize = 4096;
/// Bytes assumed for a value resolved at deploy time (`Ref`, `Fn::GetAtt`, a `Fn::Sub` placeholder).
pub const REFERENCE_ESTIMATE: usize = 256;

/// Length of `s` as a JSON string body (escapes counted, quotes not).
fn escaped_len(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            c if (c as u32) < 0x20 => 6,
            c => c.len_utf8(),
        })
        .sum()
}

/// Longest value of a pseudo parameter (None: not a pseudo parameter).
fn pseudo_len(name: &str) -> Option<usize> {
    Some(match name {
        "AWS::AccountId" => 12,
        "AWS::Region" => 14,
        "AWS::Partition" => 10,
        "AWS::URLSuffix" => 16,
        "AWS::NoValue" => 0,
        _ => return None,
    })
}

/// Estimated length of a `Fn::Sub` text, placeholders replaced.
fn sub_len(text: &str, vars: Option<&serde_json::Map<String, Value>>) -> usize {
    let mut total = 0;
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        total += escaped_len(&rest[..start]);
        let after = &rest[start + 2..];
        if let Some(literal) = after.strip_prefix('!') {
            // `${!Literal}` renders as `${Literal}`.
            total += 2;
            rest = literal;
            continue;
        }
        let Some(end) = after.find('}') else {
            total += escaped_len(&rest[start..]);
            return total;
        };
        let name = &after[..end];
        total += match vars.and_then(|v| v.get(name)) {
            Some(v) => value_len(v),
            None => pseudo_len(name).unwrap_or(REFERENCE_ESTIMATE),
        };
        rest = &after[end + 1..];
    }
    total + escaped_len(rest)
}

/// Estimated length of one value as a JSON string body.
pub fn value_len(value: &Value) -> usize {
    match value {
        Value::String(s) => escaped_len(s),
        Value::Number(n) => n.to_string().len(),
        Value::Bool(b) => b.to_string().len(),
        Value::Object(map) if map.len() == 1 => match map.iter().next() {
            Some((k, Value::String(text))) if k == "Fn::Sub" => sub_len(text, None),
            Some((k, Value::Array(args))) if k == "Fn::Sub" => match args.as_slice() {
                [Value::String(text), Value::Object(vars)] => sub_len(text, Some(vars)),
                _ => REFERENCE_ESTIMATE,
            },
            Some((k, Value::Array(args))) if k == "Fn::Join" => match args.as_slice() {
                [Value::String(sep), Value::Array(parts)] => {
                    parts.iter().map(value_len).sum::<usize>() + escaped_len(sep) * parts.len().saturating_sub(1)
                }
                _ => REFERENCE_ESTIMATE,
            },
            Some((k, Value::String(name))) if k == "Ref" => pseudo_len(name).unwrap_or(REFERENCE_ESTIMATE),
            _ => REFERENCE_ESTIMATE,
        },
        _ => REFERENCE_ESTIMATE,
    }
}

/// Estimated size of a `Variables` map as Lambda measures it (compact JSON object).
pub fn environment_size(variables: &serde_json::Map<String, Value>) -> usize {
    let pairs: usize = variables
        .iter()
        .map(|(k, v)| escaped_len(k) + value_len(v) + 5) // "k":"v"
        .sum();
    2 + pairs + variables.len().saturating_sub(1)
}

/// LAMBDA5: the serialized `Environment.Variables` of each function is at most [`ENV_LIMIT_BYTES`].
pub(super) fn env_size(template: &Value) -> Vec<RawFinding> {
    let mut out = Vec::new();
    for f in resources_of_type(template, "AWS::Lambda::Function") {
        let Some(vars) = f
            .prop("Environment")
            .and_then(|e| e.get("Variables"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        let size = environment_size(vars);
        if size > ENV_LIMIT_BYTES {
            let mut largest: Vec<(usize, &str)> = vars.iter().map(|(k, v)| (value_len(v), k.as_str())).collect();
            largest.sort_by(|a, b| b.cmp(a));
            let top: Vec<String> = largest.iter().take(3).map(|(n, k)| format!("{k} {n}")).collect();
            out.push((
                f.logical_id.to_owned(),
                format!(
                    "environment variables are about {size} bytes as Lambda measures them (JSON of Variables; deploy-time \
                     values estimated); the limit is {ENV_LIMIT_BYTES}. Largest: {}",
                    top.join(", ")
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literal_maps_count_like_their_compact_json() {
        let vars = json!({"A": "x\"y", "B_2": "ü", "C": "3"});
        let map = vars.as_object().unwrap();
        assert_eq!(environment_size(map), serde_json::to_string(&vars).unwrap().len());
    }

    #[test]
    fn intrinsics_are_estimated() {
        assert_eq!(value_len(&json!({"Ref": "Queue"})), REFERENCE_ESTIMATE);
        assert_eq!(value_len(&json!({"Ref": "AWS::Region"})), 14);
        assert_eq!(
            value_len(&json!({"Fn::Sub": "arn:${AWS::Partition}:x:${Thing.Arn}"})),
            4 + 10 + 3 + 256
        );
        assert_eq!(value_len(&json!({"Fn::Sub": ["a${V}", {"V": "bc"}]})), 3);
        assert_eq!(value_len(&json!({"Fn::Sub": "${!Lit}"})), 6);
        assert_eq!(value_len(&json!({"Fn::Join": ["--", ["a", "b", "c"]]})), 7);
    }
}
