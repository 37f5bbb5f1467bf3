//! Human-facing text rendered with Tera from templates embedded at compile time (`templates/*.tera`), so the
//! binary works from any working directory.

use serde::Serialize;

use crate::error::SynthError;

/// The operator runbook template.
pub const RUNBOOK: &str = include_str!("../../templates/runbook.md.tera");
/// The dashboard's header text widget.
pub const DASHBOARD_HEADER: &str = include_str!("../../templates/dashboard-header.md.tera");

/// Renders `source` (named `name` in errors) with `ctx`.
pub fn render(name: &str, source: &str, ctx: &impl Serialize) -> Result<String, SynthError> {
    let err = |e: tera::Error| {
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            src = s.source();
        }
        SynthError::Render {
            what: name.to_owned(),
            message: msg,
        }
    };
    let context = tera::Context::from_serialize(ctx).map_err(err)?;
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![]);
    tera.add_raw_template(name, source).map_err(err)?;
    tera.render(name, &context).map_err(err)
}
