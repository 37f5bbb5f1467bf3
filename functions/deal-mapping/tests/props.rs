//! Property tests: the text, amount, phone, e-mail and country helpers never panic on arbitrary input and only ever
//! produce values the model accepts.
#![allow(clippy::unwrap_used)]

use deal_mapping::address::country_code;
use deal_mapping::contact::{normalize_email, normalize_phone};
use deal_mapping::spend::{format_amount, parse_amount};
use deal_mapping::text::{excerpt, html_to_text, note_excerpt};
use proptest::prelude::*;
use regex::Regex;

proptest! {
    #[test]
    fn note_excerpts_fit_next_steps(html in "\\PC{0,800}") {
        let text = html_to_text(&html);
        prop_assert!(!text.contains("  "));
        if let Some(e) = note_excerpt(&html) {
            prop_assert!(e.chars().count() <= 255);
            prop_assert!(!e.is_empty());
        }
    }

    #[test]
    fn excerpt_never_exceeds_its_limit(text in "\\PC{0,400}", max in 0usize..300) {
        prop_assert!(excerpt(&text, max).chars().count() <= max);
    }

    #[test]
    fn amounts_match_the_model_pattern(raw in "[-+0-9.,_ ]{0,40}") {
        let re = Regex::new(r"^((0|([1-9][0-9]{0,30}))(\.[0-9]{0,2})?)?$").unwrap();
        if let Ok(c) = parse_amount(&raw) {
            prop_assert!(re.is_match(&format_amount(c)), "{raw:?}");
        }
    }

    #[test]
    fn phones_are_e164_or_nothing(raw in "[-+0-9 ().x/a-z]{0,30}") {
        let re = Regex::new(r"^\+[1-9]\d{1,14}$").unwrap();
        if let Some(p) = normalize_phone(&raw) {
            prop_assert!(re.is_match(&p), "{raw:?} -> {p}");
        }
    }

    #[test]
    fn emails_are_lowercase_and_short(raw in "\\PC{0,100}") {
        if let Some(e) = normalize_email(&raw) {
            prop_assert_eq!(e.clone(), e.to_lowercase());
            prop_assert!(e.chars().count() <= 80);
        }
    }

    #[test]
    fn countries_resolve_to_model_codes_or_a_typed_error(raw in "\\PC{0,30}") {
        if let Ok(code) = country_code(&raw, "country") {
            prop_assert!(partner_central::sdk::types::CountryCode::values().contains(&code));
        }
    }
}
