//! `LifeCycle.TargetCloseDate` (`YYYY-MM-DD`) from HubSpot's `closedate` (epoch milliseconds or ISO-8601), read as a
//! UTC calendar date. Closed deals keep their date even when it is in the past; open deals with a past date follow
//! [`PastCloseDatePolicy`] (default: a typed error). A missing date is omitted, never invented.

use chrono::{DateTime, NaiveDate, Utc};

use crate::config::PastCloseDatePolicy;
use crate::error::MappingError;

const FIELD: &str = "LifeCycle.TargetCloseDate";

/// Parse epoch milliseconds, an RFC 3339 timestamp or a plain `YYYY-MM-DD`, as a UTC date within years 1000..=9999
/// (the model's `[1-9][0-9]{3}-..` pattern).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let date = if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        let ms: i64 = raw.parse().ok()?;
        DateTime::<Utc>::from_timestamp_millis(ms)?.date_naive()
    } else if let Ok(dt) = DateTime::parse_from_rfc3339(raw) {
        dt.with_timezone(&Utc).date_naive()
    } else {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?
    };
    let year = chrono::Datelike::year(&date);
    (1000..=9999).contains(&year).then_some(date)
}

/// The TargetCloseDate to send. `closed` = the mapped stage is Launched or Closed Lost.
pub fn target_close_date(
    raw: Option<&str>,
    property: &str,
    stage: &str,
    closed: bool,
    policy: PastCloseDatePolicy,
    today: NaiveDate,
) -> Result<Option<String>, MappingError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let date = parse_date(raw).ok_or_else(|| MappingError::InvalidDate {
        field: FIELD,
        property: property.to_string(),
        value: raw.to_string(),
    })?;
    if !closed && date < today && policy == PastCloseDatePolicy::Error {
        return Err(MappingError::PastCloseDate {
            date: date.to_string(),
            today: today.to_string(),
            stage: stage.to_string(),
        });
    }
    Ok(Some(date.format("%Y-%m-%d").to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn parse_table() {
        let cases = [
            ("1798675200000", Some("2026-12-31")),
            ("2026-12-31T00:00:00Z", Some("2026-12-31")),
            ("2026-12-31T23:30:00.000Z", Some("2026-12-31")),
            ("2026-12-31T01:00:00+02:00", Some("2026-12-30")),
            ("2026-12-31", Some("2026-12-31")),
            (" 2026-12-31 ", Some("2026-12-31")),
            ("0", Some("1970-01-01")),
            ("99999999999999999", None),
            ("31/12/2026", None),
            ("2026-13-01", None),
            ("tomorrow", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_date(raw).map(|x| x.to_string()).as_deref(), want, "{raw:?}");
        }
    }

    #[test]
    fn close_date_rules() {
        let today = d("2026-11-29");
        let open = |raw, policy| target_close_date(Some(raw), "closedate", "Qualified", false, policy, today);
        assert_eq!(
            open("2027-01-15", PastCloseDatePolicy::Error),
            Ok(Some("2027-01-15".into()))
        );
        assert_eq!(
            open("2026-11-29", PastCloseDatePolicy::Error),
            Ok(Some("2026-11-29".into()))
        );
        assert!(matches!(
            open("2026-01-01", PastCloseDatePolicy::Error),
            Err(MappingError::PastCloseDate { .. })
        ));
        assert_eq!(
            open("2026-01-01", PastCloseDatePolicy::Keep),
            Ok(Some("2026-01-01".into()))
        );
        assert!(matches!(
            open("soon", PastCloseDatePolicy::Keep),
            Err(MappingError::InvalidDate { .. })
        ));
        // closed deals keep a past date unchanged
        let closed = target_close_date(
            Some("2025-03-01"),
            "closedate",
            "Closed Lost",
            true,
            Default::default(),
            today,
        );
        assert_eq!(closed, Ok(Some("2025-03-01".into())));
        let missing = target_close_date(None, "closedate", "Prospect", false, Default::default(), today);
        assert_eq!(missing, Ok(None));
    }
}
