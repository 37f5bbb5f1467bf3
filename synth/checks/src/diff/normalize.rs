//! Normalization before diffing, as cdk's cloudformation-diff does: `Fn::GetAtt` short form `"A.B"` becomes
//! `["A", "B"]`, and a resource's `DependsOn` becomes a sorted, de-duplicated array.

use serde_json::Value;

/// A normalized copy of the template.
pub(super) fn normalize(template: &Value) -> Value {
    let mut out = template.clone();
    expand_get_att(&mut out);
    if let Some(resources) = out.get_mut("Resources").and_then(Value::as_object_mut) {
        for resource in resources.values_mut() {
            if let Some(depends) = resource.get_mut("DependsOn") {
                let mut ids: Vec<Value> = match depends.take() {
                    Value::Array(items) => items,
                    single => vec![single],
                };
                ids.sort_by_key(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
                ids.dedup();
                *depends = Value::Array(ids);
            }
        }
    }
    out
}

fn expand_get_att(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.len() == 1
                && let Some(Value::String(short)) = map.get("Fn::GetAtt")
                && let Some((id, attr)) = short.split_once('.')
            {
                let long = Value::Array(vec![Value::String(id.to_owned()), Value::String(attr.to_owned())]);
                map.insert("Fn::GetAtt".to_owned(), long);
                return;
            }
            map.values_mut().for_each(expand_get_att);
        }
        Value::Array(items) => items.iter_mut().for_each(expand_get_att),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn get_att_and_depends_on_are_normalized() {
        let t = json!({"Resources": {"A": {"DependsOn": "B", "Properties": {"X": [{"Fn::GetAtt": "Q.Arn"}]}},
                                     "C": {"DependsOn": ["Z", "B", "Z"]}}});
        assert_eq!(
            normalize(&t),
            json!({"Resources": {"A": {"DependsOn": ["B"], "Properties": {"X": [{"Fn::GetAtt": ["Q", "Arn"]}]}},
                                 "C": {"DependsOn": ["B", "Z"]}}})
        );
    }
}
