//! `Customer.Contacts` from HubSpot contacts: e-mails trimmed, lower-cased and checked against the model's pattern
//! (omitted when invalid), names and job titles clipped to 80 characters, phones normalised to E.164
//! (`\+[1-9]\d{1,14}`) or omitted. A phone without an international prefix (`+` or `00`) is omitted: the country
//! calling code is never guessed. Contacts with no e-mail, first or last name are skipped; at most 10 are sent.

use std::sync::OnceLock;

use hubspot::CrmObject;
use partner_central::sdk::types::Contact;
use regex::Regex;

use crate::text::clipped;

/// Partner Central allows at most 10 contacts.
pub const MAX_CONTACTS: usize = 10;
const NAME_MAX: usize = 80;

fn email_regex() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    // The model's pattern without its `(?=.{0,80}$)` look-ahead (checked separately), anchored.
    RE.get_or_init(|| {
        Regex::new(
            r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
        )
        .ok()
    })
    .as_ref()
}

/// Lower-cased e-mail if it matches the model's pattern (<= 80 characters), else `None`.
pub fn normalize_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let ok = email.chars().count() <= 80 && email_regex().is_some_and(|re| re.is_match(&email));
    ok.then_some(email)
}

/// E.164 from common notations: `+1 (206) 555-0100`, `+44 20 7946 0958`, `0044 20 7946 0958`, with an optional
/// extension (`x12`, `ext. 12`, `;ext=12`) dropped. Separators ` -./()` are ignored; other characters, a missing
/// international prefix, or a result outside `\+[1-9]\d{1,14}` give `None`.
pub fn normalize_phone(raw: &str) -> Option<String> {
    let lower = raw.trim().to_ascii_lowercase();
    let main = ["ext", "x", "#", ";"]
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .map_or(lower.as_str(), |i| &lower[..i]);
    let mut digits = String::new();
    let mut plus = false;
    for (i, c) in main.trim().chars().enumerate() {
        match c {
            '+' if i == 0 => plus = true,
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '/' | '(' | ')' | '\u{a0}' => {}
            _ => return None,
        }
    }
    let national = if plus {
        digits.as_str()
    } else {
        digits.strip_prefix("00")?
    };
    let valid = (2..=15).contains(&national.len()) && !national.starts_with('0');
    valid.then(|| format!("+{national}"))
}

/// One HubSpot contact (`email`, `firstname`, `lastname`, `jobtitle`, `phone` then `mobilephone`), or `None` when it
/// has no e-mail, first or last name.
pub fn map_contact(c: &CrmObject) -> Option<Contact> {
    let email = c.property("email").and_then(normalize_email);
    let first = clipped(c.property("firstname"), NAME_MAX);
    let last = clipped(c.property("lastname"), NAME_MAX);
    if email.is_none() && first.is_none() && last.is_none() {
        return None;
    }
    let phone = ["phone", "mobilephone"]
        .iter()
        .find_map(|p| c.property(p).and_then(normalize_phone));
    Some(
        Contact::builder()
            .set_email(email)
            .set_first_name(first)
            .set_last_name(last)
            .set_business_title(clipped(c.property("jobtitle"), NAME_MAX))
            .set_phone(phone)
            .build(),
    )
}

/// Up to 10 contacts, in the given order.
pub fn map_contact_list(contacts: &[CrmObject]) -> Vec<Contact> {
    contacts.iter().filter_map(map_contact).take(MAX_CONTACTS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_table() {
        let cases = [
            ("Jane.Doe@Example.COM", Some("jane.doe@example.com")),
            ("  ops+aws@acme.io ", Some("ops+aws@acme.io")),
            ("no-at-sign", None),
            ("a@b", None),
            ("a..b@example.com", None),
            ("jürgen@example.de", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_email(raw).as_deref(), want, "{raw:?}");
        }
        let long = format!("{}@example.com", "a".repeat(70));
        assert_eq!(normalize_email(&long), None);
    }

    #[test]
    fn phone_table() {
        let cases = [
            ("+1 (206) 555-0100", Some("+12065550100")),
            ("+44 20 7946 0958", Some("+442079460958")),
            ("0044 20 7946 0958", Some("+442079460958")),
            ("+49-30-123456 ext. 12", Some("+4930123456")),
            ("+49.30.123456x7", Some("+4930123456")),
            ("(206) 555-0100", None),
            ("2065550100", None),
            ("+0 123", None),
            ("+1", None),
            ("+1234567890123456", None),
            ("+1 206 CALL NOW", None),
            ("1+206", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_phone(raw).as_deref(), want, "{raw:?}");
        }
    }
}
