//! Country and US-state normalisation for `Customer.Account.Address`.
//!
//! Country input may be an ISO 3166-1 alpha-2 or alpha-3 code, an ISO short/common/official name, or a curated alias
//! (`UK` -> `GB`, `USA` -> `US`, `United Kingdom` -> `GB`). Anything else is [`MappingError::UnknownCountry`]; an ISO
//! country missing from Partner Central's enum (`KP`) is [`MappingError::CountryNotAccepted`]. There is no default
//! country. For `US`, StateOrRegion must be one of Partner Central's names (`Dist. of Columbia`, ...); USPS codes and
//! common spellings map to them, anything else is [`MappingError::UnknownUsState`].
//!
//! Normalisation before the exact lookup: Unicode lower-case, `.` removed, `,` `(` `)` -> space, `’` -> `'`,
//! whitespace collapsed, a leading `the ` dropped.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::error::MappingError;
use crate::tables::countries::COUNTRIES;
use crate::tables::country_aliases::COUNTRY_ALIASES;
use crate::tables::states::{US_STATE_ALIASES, US_STATES};

const COUNTRY_FIELD: &str = "Customer.Account.Address.CountryCode";
const STATE_FIELD: &str = "Customer.Account.Address.StateOrRegion";

/// ISO 3166-1 countries that Partner Central's CountryCode enum lacks: `(alpha-2, alpha-3, names)`.
const NOT_ACCEPTED: &[(&str, &str, &[&str])] = &[(
    "KP",
    "PRK",
    &[
        "North Korea",
        "Korea, Democratic People's Republic of",
        "Democratic People's Republic of Korea",
    ],
)];

/// The lookup key of a name (see the module docs).
pub fn normalize(s: &str) -> String {
    let mapped: String = s
        .to_lowercase()
        .chars()
        .filter(|c| *c != '.')
        .map(|c| match c {
            ',' | '(' | ')' => ' ',
            '\u{2019}' => '\'',
            c => c,
        })
        .collect();
    let joined = mapped.split_whitespace().collect::<Vec<_>>().join(" ");
    joined.strip_prefix("the ").map(str::to_string).unwrap_or(joined)
}

/// normalized name / alias / alpha-3 -> (alpha-2, accepted by Partner Central)
fn country_index() -> &'static BTreeMap<String, (&'static str, bool)> {
    static INDEX: OnceLock<BTreeMap<String, (&'static str, bool)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m = BTreeMap::new();
        for (accepted, table) in [(true, COUNTRIES), (false, NOT_ACCEPTED)] {
            for (a2, a3, names) in table {
                m.insert(a2.to_lowercase(), (*a2, accepted));
                m.insert(a3.to_lowercase(), (*a2, accepted));
                for n in *names {
                    m.insert(normalize(n), (*a2, accepted));
                }
            }
        }
        for (alias, a2) in COUNTRY_ALIASES {
            m.entry(normalize(alias)).or_insert((*a2, true));
        }
        m
    })
}

/// Resolve a HubSpot country value to a Partner Central CountryCode (alpha-2).
pub fn country_code(raw: &str, property: &str) -> Result<&'static str, MappingError> {
    let value = raw.trim();
    let upper = value.to_ascii_uppercase();
    if let Some((a2, _, _)) = COUNTRIES.iter().find(|(a2, _, _)| *a2 == upper) {
        return Ok(a2);
    }
    match country_index().get(&normalize(value)) {
        Some((a2, true)) => Ok(a2),
        Some((a2, false)) => Err(MappingError::CountryNotAccepted {
            field: COUNTRY_FIELD,
            property: property.to_string(),
            code: (*a2).to_string(),
        }),
        None => Err(MappingError::UnknownCountry {
            field: COUNTRY_FIELD,
            property: property.to_string(),
            value: value.to_string(),
        }),
    }
}

/// Resolve a US state or territory to Partner Central's spelling.
pub fn us_state(raw: &str, property: &str) -> Result<&'static str, MappingError> {
    let value = raw.trim();
    let upper = value.to_ascii_uppercase();
    if let Some((_, name)) = US_STATES.iter().find(|(code, _)| *code == upper) {
        return Ok(name);
    }
    let key = normalize(value);
    US_STATES
        .iter()
        .map(|(_, name)| (*name, *name))
        .chain(US_STATE_ALIASES.iter().copied())
        .find(|(spelling, _)| normalize(spelling) == key)
        .map(|(_, name)| name)
        .ok_or_else(|| MappingError::UnknownUsState {
            field: STATE_FIELD,
            property: property.to_string(),
            value: value.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_models_249_codes() {
        let codes: Vec<&str> = COUNTRIES.iter().map(|c| c.0).collect();
        assert_eq!(codes.len(), 249);
        let model = partner_central::sdk::types::CountryCode::values();
        let mut sorted_model: Vec<&str> = model.to_vec();
        sorted_model.sort_unstable();
        assert_eq!(codes, sorted_model);
        for (alias, a2) in COUNTRY_ALIASES {
            assert!(codes.contains(a2), "alias {alias} -> {a2}");
        }
    }

    #[test]
    fn country_table() {
        let ok = [
            ("US", "US"),
            ("us", "US"),
            ("UK", "GB"),
            ("uk", "GB"),
            ("GB", "GB"),
            ("GBR", "GB"),
            ("USA", "US"),
            ("U.S.A.", "US"),
            ("United States", "US"),
            ("united states of america", "US"),
            ("United Kingdom", "GB"),
            ("The Netherlands", "NL"),
            ("Germany", "DE"),
            ("deu", "DE"),
            ("Côte d’Ivoire", "CI"),
            ("Cote d'Ivoire", "CI"),
            ("Korea, Republic of", "KR"),
            ("South Korea", "KR"),
            ("Türkiye", "TR"),
            ("Turkey", "TR"),
            ("Czechia", "CZ"),
            ("Åland Islands", "AX"),
            ("Aland Islands", "AX"),
            ("Netherlands Antilles", "AN"),
            ("  India ", "IN"),
        ];
        for (raw, want) in ok {
            assert_eq!(country_code(raw, "country"), Ok(want), "{raw:?}");
        }
        for bad in ["Narnia", "XX", "U", "Untied States", "Europe", "EU"] {
            assert!(
                matches!(country_code(bad, "country"), Err(MappingError::UnknownCountry { .. })),
                "{bad:?}"
            );
        }
        for kp in ["KP", "PRK", "North Korea"] {
            assert!(
                matches!(
                    country_code(kp, "country"),
                    Err(MappingError::CountryNotAccepted { .. })
                ),
                "{kp}"
            );
        }
        let err = country_code("Narnia", "country").unwrap_err();
        assert_eq!(err.field(), "Customer.Account.Address.CountryCode");
    }

    #[test]
    fn us_state_table() {
        let ok = [
            ("WA", "Washington"),
            ("wa", "Washington"),
            ("Washington", "Washington"),
            ("DC", "Dist. of Columbia"),
            ("District of Columbia", "Dist. of Columbia"),
            ("Washington, D.C.", "Dist. of Columbia"),
            ("dist. of columbia", "Dist. of Columbia"),
            ("PR", "Puerto Rico"),
            ("new york", "New York"),
            ("AE", "APO/AE"),
            ("FPO, AP", "FPO, AP"),
            ("US Virgin Islands", "Virgin Islands"),
        ];
        for (raw, want) in ok {
            assert_eq!(us_state(raw, "state"), Ok(want), "{raw:?}");
        }
        for bad in ["XX", "Bavaria", "New Yrok"] {
            assert!(
                matches!(us_state(bad, "state"), Err(MappingError::UnknownUsState { .. })),
                "{bad:?}"
            );
        }
        assert_eq!(US_STATES.len(), 62);
    }
}
