//! Whether a deal is synced at all: its name carries the configured tag (case-insensitive, as a whole token: `#AWS`
//! matches `Deal #AWS` and `#aws: deal`, not `#AWSOME`) or the configured boolean property is `true`. A deal that
//! gains the tag later becomes in scope then (the caller creates it at that point).

use hubspot::CrmObject;

use crate::config::MappingConfig;

/// HubSpot booleans are the strings `true`/`false`; anything else counts as false.
fn is_true(v: Option<&str>) -> bool {
    v.is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// `name` contains `tag` (case-insensitive) not followed by a letter, digit or `_`.
pub fn has_tag(name: &str, tag: &str) -> bool {
    let (name, tag) = (name.to_lowercase(), tag.trim().to_lowercase());
    if tag.is_empty() {
        return false;
    }
    name.match_indices(&tag).any(|(i, m)| {
        name[i + m.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

/// `dealname` carries `deal_tag`, or `scope_property` is `true`.
pub fn in_scope(deal: &CrmObject, cfg: &MappingConfig) -> bool {
    deal.property("dealname").is_some_and(|n| has_tag(n, &cfg.deal_tag))
        || cfg.scope_property.as_deref().is_some_and(|p| is_true(deal.property(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_table() {
        let cases = [
            ("Data platform #AWS", true),
            ("#aws: data platform", true),
            ("Data (#Aws)", true),
            ("#AWSOME deal", false),
            ("#AWS_2", false),
            ("Data #AWSOME #AWS", true),
            ("AWS deal", false),
            ("", false),
        ];
        for (name, want) in cases {
            assert_eq!(has_tag(name, "#AWS"), want, "{name:?}");
        }
        assert!(!has_tag("anything", "  "));
    }
}
