//! Reference validation over a rendered template (as JSON): every `Ref`, `Fn::GetAtt`, `Fn::Sub` placeholder,
//! `Fn::If`/`Condition` name and `DependsOn` must name something that exists. Works on any parsed template, so
//! tests run it on the files the CLI writes.

use std::collections::BTreeSet;

use serde_json::Value;

use super::expr::{Pseudo, sub_placeholders};
use crate::error::SynthError;

struct Names {
    resources: BTreeSet<String>,
    parameters: BTreeSet<String>,
    conditions: BTreeSet<String>,
}

fn keys(v: &Value, section: &str) -> BTreeSet<String> {
    v.get(section)
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Checks every reference in `template`; `stack` names the stack in errors.
pub fn check_references(stack: &str, template: &Value) -> Vec<SynthError> {
    let names = Names {
        resources: keys(template, "Resources"),
        parameters: keys(template, "Parameters"),
        conditions: keys(template, "Conditions"),
    };
    let mut out = Vec::new();
    let mut err = |id: &str, target: &str, rule: &'static str| {
        out.push(SynthError::Dangling {
            stack: stack.to_owned(),
            id: id.to_owned(),
            target: target.to_owned(),
            rule,
        });
    };
    if let Some(res) = template.get("Resources").and_then(Value::as_object) {
        for (id, entry) in res {
            if let Some(c) = entry.get("Condition").and_then(Value::as_str)
                && !names.conditions.contains(c)
            {
                err(id, c, "condition");
            }
            for d in entry.get("DependsOn").and_then(Value::as_array).into_iter().flatten() {
                let d = d.as_str().unwrap_or_default();
                if !names.resources.contains(d) {
                    err(id, d, "depends-on");
                }
            }
            if let Some(p) = entry.get("Properties") {
                walk(&names, id, p, &mut err);
            }
        }
    }
    for section in ["Outputs", "Conditions"] {
        if let Some(m) = template.get(section).and_then(Value::as_object) {
            for (id, v) in m {
                if let Some(c) = v.get("Condition").and_then(Value::as_str)
                    && section == "Outputs"
                    && !names.conditions.contains(c)
                {
                    err(id, c, "condition");
                }
                walk(&names, id, v, &mut err);
            }
        }
    }
    out
}

fn is_pseudo(name: &str) -> bool {
    Pseudo::ALL.iter().any(|p| p.name() == name)
}

fn walk(names: &Names, id: &str, v: &Value, err: &mut impl FnMut(&str, &str, &'static str)) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| walk(names, id, i, err)),
        Value::Object(m) if m.len() == 1 => {
            let (k, arg) = m.iter().next().map(|(k, a)| (k.as_str(), a)).unwrap_or(("", v));
            match (k, arg) {
                ("Ref", Value::String(t)) => {
                    if !names.resources.contains(t) && !names.parameters.contains(t) && !is_pseudo(t) {
                        err(id, t, "ref-target");
                    }
                }
                ("Fn::GetAtt", Value::Array(a)) => {
                    let t = a.first().and_then(Value::as_str).unwrap_or_default();
                    if !names.resources.contains(t) {
                        err(id, t, "getatt-target");
                    }
                }
                ("Condition", Value::String(c)) => {
                    if !names.conditions.contains(c) {
                        err(id, c, "condition");
                    }
                }
                ("Fn::If", Value::Array(a)) => {
                    let c = a.first().and_then(Value::as_str).unwrap_or_default();
                    if !names.conditions.contains(c) {
                        err(id, c, "condition");
                    }
                    a.iter().skip(1).for_each(|i| walk(names, id, i, err));
                }
                ("Fn::Sub", Value::String(s)) => check_sub(names, id, s, &BTreeSet::new(), err),
                ("Fn::Sub", Value::Array(a)) => {
                    let text = a.first().and_then(Value::as_str).unwrap_or_default();
                    let map = a.get(1).and_then(Value::as_object);
                    let own: BTreeSet<String> = map.map(|m| m.keys().cloned().collect()).unwrap_or_default();
                    check_sub(names, id, text, &own, err);
                    if let Some(m) = map {
                        m.values().for_each(|x| walk(names, id, x, err));
                    }
                }
                _ => walk(names, id, arg, err),
            }
        }
        Value::Object(m) => m.values().for_each(|x| walk(names, id, x, err)),
        _ => {}
    }
}

fn check_sub(
    names: &Names,
    id: &str,
    text: &str,
    vars: &BTreeSet<String>,
    err: &mut impl FnMut(&str, &str, &'static str),
) {
    for p in sub_placeholders(text) {
        let ok = if vars.contains(&p) || is_pseudo(&p) || names.parameters.contains(&p) || names.resources.contains(&p)
        {
            true
        } else if let Some((res, _attr)) = p.split_once('.') {
            names.resources.contains(res)
        } else {
            false
        };
        if !ok {
            err(id, &p, "sub-variable");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_each_kind_of_dangling_reference() {
        let t = serde_json::json!({
            "Parameters": {"P": {}},
            "Conditions": {"C": {"Fn::Equals": [{"Ref": "P"}, ""]}},
            "Resources": {
                "A": {"Type": "x", "Condition": "Nope", "DependsOn": ["Gone"], "Properties": {
                    "a": {"Ref": "Missing"}, "b": {"Fn::GetAtt": ["Absent", "Arn"]},
                    "c": {"Fn::Sub": "${AWS::Region}${P}${A.Arn}${Unknown}${!Literal}"},
                    "d": {"Fn::Sub": ["${V}${W}", {"V": {"Ref": "A"}}]},
                    "e": {"Fn::If": ["NoCond", "x", "y"]},
                    "f": {"Condition": {"StringEquals": {"k": "v"}}}
                }}
            }
        });
        let errs = check_references("s", &t);
        let targets: Vec<String> = errs
            .iter()
            .map(|e| match e {
                SynthError::Dangling { target, rule, .. } => format!("{rule}:{target}"),
                other => other.to_string(),
            })
            .collect();
        assert_eq!(
            targets,
            vec![
                "condition:Nope",
                "depends-on:Gone",
                "ref-target:Missing",
                "getatt-target:Absent",
                "sub-variable:Unknown",
                "sub-variable:W",
                "condition:NoCond"
            ]
        );
    }
}
