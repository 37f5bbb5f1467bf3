//! Template-level rules: logical ids validated and unique across sections, suppressions need a reason, a handle
//! from another template is caught as dangling, and the service limits on the rendered template.

#![allow(clippy::unwrap_used)] // tests may unwrap

use synth::SynthError;
use synth::cfn::resources::sns::Topic;
use synth::cfn::{Parameter, Template};
use synth::constructs::limits::{self, Sizes};

fn rules(t: &Template) -> Vec<&'static str> {
    t.problems
        .iter()
        .map(|p| match p {
            SynthError::Rule { rule, .. } => *rule,
            SynthError::DuplicateLogicalId { .. } => "logical-id-unique",
            SynthError::InvalidLogicalId { .. } => "logical-id",
            _ => "other",
        })
        .collect()
}

fn topic(t: &mut Template) -> synth::cfn::Handle<Topic> {
    t.add(
        "T",
        Topic {
            display_name: "t".into(),
            tags: vec![],
            topic_name: "t".into(),
        },
    )
}

#[test]
fn logical_ids_are_validated_and_unique_across_sections() {
    let mut t = Template::new("s", "d");
    topic(&mut t);
    topic(&mut t);
    t.parameter("T", Parameter::string("clash"));
    t.add(
        "Bad-Id",
        Topic {
            display_name: "t".into(),
            tags: vec![],
            topic_name: "u".into(),
        },
    );
    assert_eq!(rules(&t), ["logical-id-unique", "logical-id-unique", "logical-id"]);
}

#[test]
fn suppressions_need_a_reason() {
    let mut t = Template::new("s", "d");
    let h = topic(&mut t);
    t.suppress(&h, "CKV_AWS_26", "  ");
    assert_eq!(rules(&t), ["suppression-reason"]);
}

#[test]
fn a_handle_from_another_template_is_caught_as_dangling() {
    let mut other = Template::new("o", "d");
    let foreign = topic(&mut other);
    let mut t = Template::new("s", "d");
    t.output("X", "d", foreign.arn(), None);
    let value = serde_json::to_value(&t).unwrap();
    let errs = synth::cfn::validate::check_references("s", &value);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].to_string().contains("ref-target"));
}

#[test]
fn template_limits_fire() {
    let ok = Sizes {
        bytes: 51_200,
        resources: 500,
        parameters: 200,
        outputs: 200,
    };
    assert!(limits::check("s", "f", ok, limits::MAX_BODY_INLINE).is_empty());
    let big = Sizes {
        bytes: 51_201,
        resources: 501,
        parameters: 201,
        outputs: 201,
    };
    let errs = limits::check("s", "f", big, limits::MAX_BODY_INLINE);
    let names: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert_eq!(errs.len(), 4, "{names:?}");
    assert!(names[0].contains("template-size") && names[1].contains("resource-count"));
    assert!(
        limits::check("s", "f", Sizes { bytes: 1_048_577, ..ok }, limits::MAX_BODY_S3)[0]
            .to_string()
            .contains("1048576")
    );
}
