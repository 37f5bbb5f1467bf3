//! A small JSON Schema (draft-07 subset) validator for CloudFormation registry schemas, aware of intrinsic functions.
//!
//! Supported keywords: `type` (with CloudFormation's lenient scalar coercions: numbers/booleans may be strings and
//! vice versa, as CloudFormation itself converts them), `properties`, `patternProperties`, `additionalProperties`
//! (`false` or a schema), `required`, `enum`, `const`, `minimum`/`maximum`, `minLength`/`maxLength`, `pattern`,
//! `items`, `minItems`/`maxItems`, `uniqueItems`, `$ref` into the schema's own `definitions`, `allOf`/`anyOf`/`oneOf`,
//! and cfn-lint's `dependentExcluded` / `requiredXor`. Ignored: `format`, `insertionOrder` and other annotations.
//! Patterns the `regex` crate cannot compile (look-around) are skipped. An intrinsic function object is accepted
//! wherever a value is expected, since its value is only known at deploy time.

use std::collections::{BTreeSet, HashMap};

use regex::Regex;
use serde_json::{Map, Value};

use super::ViolationKind;
use super::values::{describe, numeric_schema, scalar_eq, suggestion, type_matches, type_names};
use crate::template::{is_intrinsic, literal_number, pointer_token};

/// One problem found at a JSON pointer.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Issue {
    pub pointer: String,
    pub kind: ViolationKind,
    pub message: String,
}

/// Validates values against one resource schema (the root, for `$ref`).
pub(super) struct Validator<'s> {
    root: &'s Value,
    regexes: HashMap<&'s str, Option<Regex>>,
}

impl<'s> Validator<'s> {
    pub(super) fn new(root: &'s Value) -> Self {
        Validator {
            root,
            regexes: HashMap::new(),
        }
    }

    /// Validate `value` (found at `pointer`) against `schema`, appending issues to `out`.
    pub(super) fn validate(&mut self, schema: &'s Value, value: &Value, pointer: &str, out: &mut Vec<Issue>) {
        if is_intrinsic(value) {
            return;
        }
        let Some(schema) = schema.as_object() else {
            return;
        };
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            match self.resolve(target) {
                Some(resolved) => self.validate(resolved, value, pointer, out),
                None => out.push(issue(
                    pointer,
                    ViolationKind::WrongType,
                    format!("unresolvable $ref {target}"),
                )),
            }
        }
        if let Some(types) = schema.get("type")
            && !type_matches(types, value)
        {
            out.push(issue(
                pointer,
                ViolationKind::WrongType,
                format!("expected {}, found {}", type_names(types), describe(value)),
            ));
            return;
        }
        self.check_scalar(schema, value, pointer, out);
        match value {
            Value::Object(map) => self.check_object(schema, map, pointer, out),
            Value::Array(items) => self.check_array(schema, items, pointer, out),
            _ => {}
        }
        self.check_combinators(schema, value, pointer, out);
    }

    fn resolve(&self, target: &str) -> Option<&'s Value> {
        let path = target.strip_prefix('#')?;
        self.root.pointer(path)
    }

    fn check_scalar(&mut self, schema: &'s Map<String, Value>, value: &Value, pointer: &str, out: &mut Vec<Issue>) {
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.iter().any(|a| scalar_eq(a, value))
        {
            let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
            out.push(issue(
                pointer,
                ViolationKind::NotInEnum,
                format!("{value} is not one of [{}]", list.join(", ")),
            ));
        }
        if let Some(expected) = schema.get("const")
            && !scalar_eq(expected, value)
        {
            out.push(issue(
                pointer,
                ViolationKind::NotInEnum,
                format!("{value} is not {expected}"),
            ));
        }
        if !matches!(value, Value::Object(_) | Value::Array(_))
            && let Some(n) = literal_number(value).filter(|_| numeric_schema(schema))
        {
            if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
                && n < min
            {
                out.push(issue(
                    pointer,
                    ViolationKind::OutOfRange,
                    format!("{n} is less than the minimum {min}"),
                ));
            }
            if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
                && n > max
            {
                out.push(issue(
                    pointer,
                    ViolationKind::OutOfRange,
                    format!("{n} is greater than the maximum {max}"),
                ));
            }
        }
        if let Value::String(s) = value {
            let len = s.chars().count() as u64;
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                && len < min
            {
                out.push(issue(
                    pointer,
                    ViolationKind::Length,
                    format!("length {len} is less than {min}"),
                ));
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                && len > max
            {
                out.push(issue(
                    pointer,
                    ViolationKind::Length,
                    format!("length {len} is greater than {max}"),
                ));
            }
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
                && let Some(re) = self.regex(pattern)
                && !re.is_match(s)
            {
                out.push(issue(
                    pointer,
                    ViolationKind::Pattern,
                    format!("{s:?} does not match {pattern:?}"),
                ));
            }
        }
    }

    fn check_object(
        &mut self,
        schema: &'s Map<String, Value>,
        map: &Map<String, Value>,
        pointer: &str,
        out: &mut Vec<Issue>,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        let patterns = schema.get("patternProperties").and_then(Value::as_object);
        for (key, child) in map {
            let child_ptr = format!("{pointer}/{}", pointer_token(key));
            if let Some(sub) = properties.and_then(|p| p.get(key)) {
                self.validate(sub, child, &child_ptr, out);
                continue;
            }
            let mut matched = false;
            for (pattern, sub) in patterns.into_iter().flatten() {
                if self.regex(pattern).is_some_and(|re| re.is_match(key)) {
                    matched = true;
                    self.validate(sub, child, &child_ptr, out);
                }
            }
            if matched {
                continue;
            }
            match schema.get("additionalProperties") {
                Some(Value::Bool(false)) => {
                    let known: Vec<&str> = properties
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let hint = suggestion(key, &known)
                        .map(|s| format!(" (did you mean {s:?}?)"))
                        .unwrap_or_default();
                    out.push(issue(
                        &child_ptr,
                        ViolationKind::UnknownProperty,
                        format!("property {key:?} is not allowed here{hint}"),
                    ));
                }
                Some(sub @ Value::Object(_)) => self.validate(sub, child, &child_ptr, out),
                _ => {}
            }
        }
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            if let Some(name) = name.as_str()
                && !map.contains_key(name)
            {
                out.push(issue(
                    pointer,
                    ViolationKind::MissingRequired,
                    format!("required property {name:?} is missing"),
                ));
            }
        }
        if let Some(excluded) = schema.get("dependentExcluded").and_then(Value::as_object) {
            let mut pairs = BTreeSet::new();
            for (present, others) in excluded.iter().filter(|(k, _)| map.contains_key(k.as_str())) {
                for other in others.as_array().into_iter().flatten().filter_map(Value::as_str) {
                    if map.contains_key(other) {
                        pairs.insert(if present.as_str() < other {
                            (present.as_str(), other)
                        } else {
                            (other, present.as_str())
                        });
                    }
                }
            }
            for (a, b) in pairs {
                out.push(issue(
                    pointer,
                    ViolationKind::Exclusive,
                    format!("{a:?} and {b:?} cannot be used together"),
                ));
            }
        }
        if let Some(xor) = schema.get("requiredXor").and_then(Value::as_array) {
            let names: Vec<&str> = xor.iter().filter_map(Value::as_str).collect();
            let present = names.iter().filter(|n| map.contains_key(**n)).count();
            if present != 1 {
                out.push(issue(
                    pointer,
                    ViolationKind::Exclusive,
                    format!("exactly one of {names:?} is required, found {present}"),
                ));
            }
        }
    }

    fn check_array(&mut self, schema: &'s Map<String, Value>, items: &[Value], pointer: &str, out: &mut Vec<Issue>) {
        let len = items.len() as u64;
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && len < min
        {
            out.push(issue(
                pointer,
                ViolationKind::Length,
                format!("{len} item(s), at least {min} required"),
            ));
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && len > max
        {
            out.push(issue(
                pointer,
                ViolationKind::Length,
                format!("{len} item(s), at most {max} allowed"),
            ));
        }
        if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
            for (i, item) in items.iter().enumerate() {
                if items[..i].contains(item) {
                    out.push(issue(
                        &format!("{pointer}/{i}"),
                        ViolationKind::Duplicate,
                        format!("duplicate item {item}"),
                    ));
                }
            }
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.validate(item_schema, item, &format!("{pointer}/{i}"), out);
            }
        }
    }

    fn check_combinators(
        &mut self,
        schema: &'s Map<String, Value>,
        value: &Value,
        pointer: &str,
        out: &mut Vec<Issue>,
    ) {
        for sub in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.validate(sub, value, pointer, out);
        }
        for (keyword, exactly_one) in [("anyOf", false), ("oneOf", true)] {
            let Some(alternatives) = schema.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            let mut failures = Vec::new();
            let mut passed = 0;
            for alternative in alternatives {
                let mut scratch = Vec::new();
                self.validate(alternative, value, pointer, &mut scratch);
                if scratch.is_empty() {
                    passed += 1;
                } else {
                    failures.push(scratch.into_iter().map(|i| i.message).collect::<Vec<_>>().join("; "));
                }
            }
            let ok = if exactly_one { passed == 1 } else { passed >= 1 };
            if !ok {
                let detail = if passed > 1 {
                    format!("{passed} alternatives of {keyword} match, exactly one must")
                } else {
                    format!("no alternative of {keyword} matches: {}", failures.join(" | "))
                };
                out.push(issue(pointer, ViolationKind::Alternatives, detail));
            }
        }
    }

    fn regex(&mut self, pattern: &'s str) -> Option<&Regex> {
        self.regexes.entry(pattern).or_insert_with(|| compile(pattern)).as_ref()
    }
}

/// Compile a schema pattern (ECMA/Python flavour). `\Z` (end of input in Python) becomes `\z`; patterns with
/// look-around, which the `regex` crate does not support, yield `None` and are skipped.
pub(super) fn compile(pattern: &str) -> Option<Regex> {
    Regex::new(&pattern.replace("\\Z", "\\z")).ok()
}

fn issue(pointer: &str, kind: ViolationKind, message: String) -> Issue {
    Issue {
        pointer: pointer.to_owned(),
        kind,
        message,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn run(schema: &Value, value: &Value) -> Vec<Issue> {
        let mut out = Vec::new();
        Validator::new(schema).validate(schema, value, "", &mut out);
        out
    }

    #[test]
    fn keywords_fire_and_pass() {
        let schema = json!({
            "type": "object", "additionalProperties": false, "required": ["A"],
            "definitions": { "Inner": { "type": "object", "properties": { "X": { "type": "integer", "minimum": 1, "maximum": 5 } }, "additionalProperties": false } },
            "properties": {
                "A": { "type": "string", "minLength": 2, "maxLength": 4, "pattern": "^[a-z]+$" },
                "E": { "type": "string", "enum": ["x", "y"] },
                "L": { "type": "array", "items": { "$ref": "#/definitions/Inner" }, "maxItems": 2, "uniqueItems": true },
                "O": { "oneOf": [ { "required": ["P"] }, { "required": ["Q"] } ] }
            }
        });
        assert!(run(&schema, &json!({"A": "abc", "E": "x", "L": [{"X": 3}], "O": {"P": 1}})).is_empty());
        let kinds = |v: Value| {
            run(&schema, &v)
                .into_iter()
                .map(|i| (i.pointer, i.kind))
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(json!({})), [("".into(), ViolationKind::MissingRequired)]);
        assert_eq!(kinds(json!({"A": "a"})), [("/A".into(), ViolationKind::Length)]);
        assert_eq!(kinds(json!({"A": "ABC"})), [("/A".into(), ViolationKind::Pattern)]);
        assert_eq!(
            kinds(json!({"A": "ab", "E": "z"})),
            [("/E".into(), ViolationKind::NotInEnum)]
        );
        assert_eq!(
            kinds(json!({"A": "ab", "L": [{"X": 9}]})),
            [("/L/0/X".into(), ViolationKind::OutOfRange)]
        );
        assert_eq!(
            kinds(json!({"A": "ab", "L": [{"Y": 1}]})),
            [("/L/0/Y".into(), ViolationKind::UnknownProperty)]
        );
        assert_eq!(
            kinds(json!({"A": "ab", "L": {"X": 1}})),
            [("/L".into(), ViolationKind::WrongType)]
        );
        assert_eq!(
            kinds(json!({"A": "ab", "O": {"P": 1, "Q": 2}})),
            [("/O".into(), ViolationKind::Alternatives)]
        );
        assert_eq!(
            kinds(json!({"A": "ab", "L": [{"X": 1}, {"X": 1}]})),
            [("/L/1".into(), ViolationKind::Duplicate)]
        );
    }

    #[test]
    fn intrinsics_and_coercions_are_accepted() {
        let schema = json!({ "type": "object", "properties": {
            "N": { "type": "integer", "maximum": 10 }, "B": { "type": "boolean" }, "S": { "type": "string", "enum": ["1"] }
        }, "additionalProperties": false });
        assert!(
            run(
                &schema,
                &json!({"N": {"Ref": "P"}, "B": {"Fn::If": ["C", true, false]}, "S": {"Fn::Sub": "x"}})
            )
            .is_empty()
        );
        assert!(run(&schema, &json!({"N": "10", "B": "true", "S": 1})).is_empty());
        assert_eq!(run(&schema, &json!({"N": "11"}))[0].kind, ViolationKind::OutOfRange);
        assert_eq!(run(&schema, &json!({"N": 1.5}))[0].kind, ViolationKind::WrongType);
        assert_eq!(run(&schema, &json!({"N": true}))[0].kind, ViolationKind::WrongType);
    }

    #[test]
    fn unknown_property_suggests_the_closest_name() {
        let schema = json!({ "type": "object", "properties": { "QueueName": {"type": "string"} }, "additionalProperties": false });
        let issues = run(&schema, &json!({"QueueNmae": "q"}));
        assert!(issues[0].message.contains("did you mean \"QueueName\""), "{issues:?}");
    }
}
