//! HubSpot note -> `LifeCycle.NextSteps`. The note body (HTML, `hs_note_body`) becomes a plain-text excerpt within
//! 255 characters (Partner Central keeps the history itself in NextStepsHistory; nothing is appended). A note older
//! than the newest NextStepsHistory entry never overwrites it (events can arrive late or out of order).
//!
//! The sync writes notes itself (the review-lock explanation, [`lock_note_body`]); they start with
//! [`SYNC_NOTE_MARKER`] and never become next steps ([`is_sync_note`]), even without a configured app id.

use chrono::DateTime;
use hubspot::CrmObject;
use partner_central::sdk::types::NextStepsHistory;

use crate::text::note_excerpt;

/// First text of every note the sync writes.
pub const SYNC_NOTE_MARKER: &str = "[AWS Partner Central sync]";

/// The note written once when a deal's opportunity becomes locked by its review status.
pub fn lock_note_body(opportunity_id: &str, review_status: &str) -> String {
    format!(
        "{SYNC_NOTE_MARKER} Changes to this deal are not sent to AWS Partner Central for now: opportunity \
         {opportunity_id} has the review status '{review_status}', which does not allow updates. The sync sends \
         them automatically once AWS's review allows edits again (the deal's sync status then returns to synced)."
    )
}

/// True for a note the sync wrote (its body starts with [`SYNC_NOTE_MARKER`], possibly inside HTML).
pub fn is_sync_note(note: &CrmObject) -> bool {
    note.property("hs_note_body")
        .and_then(crate::text::note_excerpt)
        .is_some_and(|t| t.trim_start().starts_with(SYNC_NOTE_MARKER))
}

/// Epoch milliseconds of a HubSpot timestamp (`hs_timestamp` is epoch ms or ISO-8601).
pub fn timestamp_ms(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.parse().ok();
    }
    DateTime::parse_from_rfc3339(raw).ok().map(|d| d.timestamp_millis())
}

fn history_ms(h: &NextStepsHistory) -> i64 {
    h.time
        .secs()
        .saturating_mul(1000)
        .saturating_add(i64::from(h.time.subsec_nanos() / 1_000_000))
}

/// The NextSteps value for `note`, or `None` when the note is empty or older than the newest entry of `history`
/// (the current opportunity's `LifeCycle.NextStepsHistory`). A note without a readable timestamp is applied.
pub fn next_steps_from_note(note: &CrmObject, history: &[NextStepsHistory]) -> Option<String> {
    if is_sync_note(note) {
        return None;
    }
    let text = note_excerpt(note.property("hs_note_body")?)?;
    let note_ms = note.property("hs_timestamp").and_then(timestamp_ms);
    let newest = history.iter().map(history_ms).max();
    match (note_ms, newest) {
        (Some(n), Some(h)) if n < h => None,
        _ => Some(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use partner_central::sdk::primitives::DateTime as SmithyTime;
    use std::collections::BTreeMap;

    fn note(body: Option<&str>, ts: Option<&str>) -> CrmObject {
        CrmObject {
            id: "n1".into(),
            properties: BTreeMap::from([
                ("hs_note_body".to_string(), body.map(String::from)),
                ("hs_timestamp".to_string(), ts.map(String::from)),
            ]),
            created_at: None,
            updated_at: None,
            archived: false,
            associations: BTreeMap::new(),
        }
    }

    #[test]
    fn sync_notes_never_become_next_steps() {
        let body = lock_note_body("O123", "Submitted");
        assert!(body.starts_with(SYNC_NOTE_MARKER));
        assert!(body.contains("O123") && body.contains("'Submitted'"));
        let own = note(Some(&format!("<p>{body}</p>")), Some("1790000000000"));
        assert!(is_sync_note(&own));
        assert_eq!(next_steps_from_note(&own, &[]), None);
        let user = note(Some("<p>Call the CTO on Monday</p>"), Some("1790000000000"));
        assert!(!is_sync_note(&user));
        assert!(next_steps_from_note(&user, &[]).is_some());
    }

    fn history(secs: i64) -> Vec<NextStepsHistory> {
        vec![
            NextStepsHistory::builder()
                .value("old")
                .time(SmithyTime::from_secs(secs))
                .build()
                .unwrap(),
        ]
    }

    #[test]
    fn note_rules() {
        let body = Some("<p>Call <b>Jane</b> &amp; Bob</p>");
        let at = |ts| next_steps_from_note(&note(body, Some(ts)), &history(1_800_000_000));
        assert_eq!(at("1800000001000").as_deref(), Some("Call Jane & Bob"));
        assert_eq!(at("2027-01-15T08:00:00Z").as_deref(), Some("Call Jane & Bob"));
        assert_eq!(at("1799999999000"), None, "older than the newest next step");
        assert_eq!(
            next_steps_from_note(&note(body, None), &history(1_800_000_000)).as_deref(),
            Some("Call Jane & Bob")
        );
        assert_eq!(
            next_steps_from_note(&note(body, Some("1")), &[]).as_deref(),
            Some("Call Jane & Bob")
        );
        assert_eq!(next_steps_from_note(&note(Some("<p></p>"), None), &[]), None);
        assert_eq!(next_steps_from_note(&note(None, None), &[]), None);
        let long = format!("<div>{}</div>", "word ".repeat(200));
        assert!(
            next_steps_from_note(&note(Some(&long), None), &[])
                .unwrap()
                .chars()
                .count()
                <= 255
        );
    }
}
