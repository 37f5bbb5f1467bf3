//! `Customer.Account` from the primary company (preferred) and the deal: CompanyName, Industry (+ OtherIndustry),
//! WebsiteUrl and Address, each within the model's limits.

use hubspot::CrmObject;
use partner_central::sdk::types::{Account, Address, CountryCode, Industry};

use crate::address::{country_code, us_state};
use crate::config::MappingConfig;
use crate::error::MappingError;
use crate::text::{clip, clipped, non_empty};
use crate::values::{IndustryMatch, match_industry};

/// The first non-empty value of `(object, property)` sources, with the property name it came from.
fn first<'a>(sources: &[(Option<&'a CrmObject>, &'a str)]) -> Option<(&'a str, &'a str)> {
    sources
        .iter()
        .find_map(|(o, p)| non_empty(o.and_then(|o| o.property(p))).map(|v| (v, *p)))
}

/// `https://` prepended unless the value already has an `http://` or `https://` scheme; 4..=255 characters.
pub fn website_url(raw: &str, property: &str) -> Result<Option<String>, MappingError> {
    let v = raw.trim();
    let lower = v.to_ascii_lowercase();
    let url = if lower.starts_with("https://") || lower.starts_with("http://") {
        v.to_string()
    } else {
        format!("https://{}", v.trim_start_matches('/'))
    };
    let chars = url.chars().count();
    if chars > 255 {
        // A clipped URL would point somewhere else: report it instead.
        return Err(MappingError::TooLong {
            field: "Customer.Account.WebsiteUrl",
            property: property.into(),
            chars,
            max: 255,
        });
    }
    Ok((chars >= 4 && url.len() > "https://".len()).then_some(url))
}

/// Map the account. `company` is the deal's primary company, when it has one.
pub fn map_account(
    deal: &CrmObject,
    company: Option<&CrmObject>,
    cfg: &MappingConfig,
) -> Result<Account, Vec<MappingError>> {
    let mut errors = Vec::new();
    let d = Some(deal);
    let name = first(&[(company, "name"), (d, "company")]).map(|(v, _)| clip(v, 120).trim_end().to_string());
    if name.is_none() {
        errors.push(MappingError::Missing {
            field: "Customer.Account.CompanyName",
            property: "company.name".into(),
        });
    }

    let industry_raw = first(&[
        (d, cfg.industry_override_property.as_str()),
        (company, "industry"),
        (d, "industry"),
    ]);
    let (industry, other_industry) = match industry_raw {
        None => (None, None),
        Some((raw, _)) => match match_industry(raw) {
            IndustryMatch::Mapped(v) => (Some(Industry::from(v)), None),
            IndustryMatch::Other => (Some(Industry::Other), clipped(Some(raw), 255)),
        },
    };

    let website = match first(&[(company, "website"), (company, "domain"), (d, "website")]) {
        Some((raw, prop)) => website_url(raw, prop).unwrap_or_else(|e| {
            errors.push(e);
            None
        }),
        None => None,
    };

    let country = match first(&[(company, "country"), (d, "country")]) {
        Some((raw, prop)) => match country_code(raw, prop) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    let state = match first(&[(company, "state"), (d, "state")]) {
        Some((raw, prop)) if country == Some("US") => match us_state(raw, prop) {
            Ok(s) => Some(s.to_string()),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        Some((raw, _)) => clipped(Some(raw), 255),
        None => None,
    };
    let city = clipped(first(&[(company, "city"), (d, "city")]).map(|x| x.0), 255);
    let postal = clipped(first(&[(company, "zip"), (d, "zip")]).map(|x| x.0), 20);
    let street = clipped(first(&[(company, "address"), (d, "address")]).map(|x| x.0), 255);
    let address = (country.is_some() || state.is_some() || city.is_some() || postal.is_some() || street.is_some())
        .then(|| {
            Address::builder()
                .set_city(city)
                .set_postal_code(postal)
                .set_state_or_region(state)
                .set_country_code(country.map(CountryCode::from))
                .set_street_address(street)
                .build()
        });

    if !errors.is_empty() {
        return Err(errors);
    }
    Account::builder()
        .set_company_name(name)
        .set_industry(industry)
        .set_other_industry(other_industry)
        .set_website_url(website)
        .set_address(address)
        .build()
        .map_err(|_| {
            vec![MappingError::Missing {
                field: "Customer.Account.CompanyName",
                property: "company.name".into(),
            }]
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn website_table() {
        let cases = [
            ("acme.example", Some("https://acme.example")),
            ("https://acme.example/", Some("https://acme.example/")),
            ("HTTP://acme.example", Some("HTTP://acme.example")),
            ("  www.acme.example ", Some("https://www.acme.example")),
            ("//acme.example", Some("https://acme.example")),
        ];
        for (raw, want) in cases {
            assert_eq!(website_url(raw, "website").unwrap().as_deref(), want, "{raw:?}");
        }
        let long = format!("acme.example/{}", "p".repeat(250));
        assert!(matches!(
            website_url(&long, "website"),
            Err(MappingError::TooLong { max: 255, .. })
        ));
    }
}
