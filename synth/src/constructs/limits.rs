//! CloudFormation service limits checked on the rendered template: body size (1,048,576 bytes via S3; 51,200
//! bytes when passed inline) and counts (500 resources, 200 parameters, 200 outputs). Rules: `template-size`,
//! `resource-count`, `parameter-count`, `output-count`.

use crate::error::{SynthError, rule};

/// Largest template body CloudFormation accepts from S3.
pub const MAX_BODY_S3: usize = 1_048_576;
/// Largest template body CloudFormation accepts inline (`--template-body`).
pub const MAX_BODY_INLINE: usize = 51_200;
/// Resources per template.
pub const MAX_RESOURCES: usize = 500;

/// Counts of one rendered template.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Bytes of the rendered body.
    pub bytes: usize,
    /// Resources.
    pub resources: usize,
    /// Parameters.
    pub parameters: usize,
    /// Outputs.
    pub outputs: usize,
}

/// Checks `sizes` against the limits; `max_body` is [`MAX_BODY_S3`] or [`MAX_BODY_INLINE`].
pub fn check(stack: &str, file: &str, sizes: Sizes, max_body: usize) -> Vec<SynthError> {
    let mut out = Vec::new();
    if sizes.bytes > max_body {
        out.push(rule(
            stack,
            file,
            "template-size",
            format!("template is {} bytes; the limit is {max_body}", sizes.bytes),
        ));
    }
    for (what, n, max, r) in [
        ("resources", sizes.resources, MAX_RESOURCES, "resource-count"),
        ("parameters", sizes.parameters, 200, "parameter-count"),
        ("outputs", sizes.outputs, 200, "output-count"),
    ] {
        if n > max {
            out.push(rule(
                stack,
                file,
                r,
                format!("template has {n} {what}; the limit is {max}"),
            ));
        }
    }
    out
}
