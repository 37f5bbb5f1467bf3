//! A single-pass scanner of HubSpot webhook bodies for the receipt's hot path: reads the event array into borrowed
//! [`WireEvent`]s without serde's per-field machinery. It only accepts the plain shape HubSpot sends and gives up
//! (returns `None`) on anything else: escapes in strings, floats, negative numbers, numbers out of range, duplicate
//! known keys, deep nesting, invalid UTF-8 or any syntax error. The caller then parses the body with serde_json,
//! which stays the authority for every error and every unusual input. For every body it accepts, the events are
//! exactly what the serde derive of [`WireEvent`] produces (proptested in `tests/fused.rs`).

use std::borrow::Cow;

use crate::hubspot::WireEvent;
use crate::wire::{Id, Scalar, Str};

/// Deepest nesting of an ignored value that is scanned (serde_json's own limit is 128).
const MAX_DEPTH: usize = 32;

/// Calls `f(index, event)` for each event in order; `None` when the body is outside the accepted shape or `f`
/// returned `None` (the caller then falls back to serde_json).
pub(crate) fn scan_webhook<'a>(body: &'a [u8], mut f: impl FnMut(usize, WireEvent<'a>) -> Option<()>) -> Option<()> {
    let text = std::str::from_utf8(body).ok()?;
    let mut p = Scanner { text, b: body, i: 0 };
    p.ws();
    p.expect(b'[')?;
    p.ws();
    if p.peek() == Some(b']') {
        p.i += 1;
    } else {
        let mut index = 0;
        loop {
            p.ws();
            let event = p.event()?;
            f(index, event)?;
            index += 1;
            p.ws();
            match p.bump()? {
                b',' => {}
                b']' => break,
                _ => return None,
            }
        }
    }
    p.ws();
    (p.i == p.b.len()).then_some(())
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.bump()? == c).then_some(())
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// `null` -> `Some(true)`: consumed; anything else -> `Some(false)`: not consumed.
    fn null(&mut self) -> Option<bool> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(true);
        }
        Some(false)
    }

    /// A string without escapes or control characters (the opening quote not yet consumed).
    fn raw_str(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.i;
        let len = self
            .b
            .get(start..)?
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        let end = start + len;
        if self.b.get(end) != Some(&b'"') {
            return None;
        }
        self.i = end + 1;
        // Both ends are ASCII quotes of a validated UTF-8 text, so they are char boundaries.
        self.text.get(start..end)
    }

    /// A non-negative JSON integer without fraction or exponent, as its literal text.
    fn digits(&mut self) -> Option<&'a str> {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        let lit = self.text.get(start..self.i)?;
        let leading_zero = lit.len() > 1 && lit.starts_with('0');
        if lit.is_empty() || leading_zero || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        Some(lit)
    }

    fn u64(&mut self) -> Option<u64> {
        self.digits()?.parse().ok()
    }

    fn opt_str(&mut self) -> Option<Option<Str<'a>>> {
        if self.null()? {
            return Some(None);
        }
        Some(Some(Str(Cow::Borrowed(self.raw_str()?))))
    }

    /// An id: a JSON integer or a digit string (what [`Id`]'s deserializer accepts), or null.
    fn opt_id(&mut self) -> Option<Option<Id>> {
        if self.null()? {
            return Some(None);
        }
        self.id().map(Some)
    }

    fn id(&mut self) -> Option<Id> {
        if self.peek()? == b'"' {
            let s = self.raw_str()?;
            if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            return s.parse().ok().map(Id);
        }
        self.u64().map(Id)
    }

    fn opt_u64(&mut self) -> Option<Option<u64>> {
        if self.null()? {
            return Some(None);
        }
        self.u64().map(Some)
    }

    fn opt_i64(&mut self) -> Option<Option<i64>> {
        if self.null()? {
            return Some(None);
        }
        self.u64().and_then(|v| i64::try_from(v).ok()).map(Some)
    }

    fn opt_bool(&mut self) -> Option<Option<bool>> {
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b't' => self.literal(b"true").map(|()| Some(true)),
            b'f' => self.literal(b"false").map(|()| Some(false)),
            _ => None,
        }
    }

    /// `propertyValue`: a string, a non-negative integer or a boolean (as the [`Scalar`] deserializer renders
    /// them), or null.
    fn opt_scalar(&mut self) -> Option<Option<Scalar<'a>>> {
        let text = match self.peek()? {
            b'n' => return self.literal(b"null").map(|()| None),
            b'"' => self.raw_str()?,
            b't' => self.literal(b"true").map(|()| "true")?,
            b'f' => self.literal(b"false").map(|()| "false")?,
            _ => {
                let lit = self.digits()?;
                lit.parse::<u64>().ok()?;
                lit
            }
        };
        Some(Some(Scalar(Cow::Borrowed(text))))
    }

    fn opt_ids(&mut self) -> Option<Option<Vec<Id>>> {
        if self.null()? {
            return Some(None);
        }
        self.expect(b'[')?;
        let mut ids = Vec::new();
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(Some(ids));
        }
        loop {
            self.ws();
            ids.push(self.id()?);
            self.ws();
            match self.bump()? {
                b',' => {}
                b']' => return Some(Some(ids)),
                _ => return None,
            }
        }
    }

    /// Skips a value of an unknown key (validating its syntax).
    fn skip(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.raw_str().map(|_| ()),
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'0'..=b'9' => self.digits().filter(|d| d.len() <= 19).map(|_| ()),
            b'[' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    self.skip(depth + 1)?;
                    self.ws();
                    match self.bump()? {
                        b',' => {}
                        b']' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    self.raw_str()?;
                    self.ws();
                    self.expect(b':')?;
                    self.ws();
                    self.skip(depth + 1)?;
                    self.ws();
                    match self.bump()? {
                        b',' => {}
                        b'}' => return Some(()),
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    /// One event object.
    fn event(&mut self) -> Option<WireEvent<'a>> {
        self.expect(b'{')?;
        let mut w = WireEvent::default();
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(w);
        }
        let mut seen: u32 = 0;
        loop {
            self.ws();
            let key = self.raw_str()?;
            self.ws();
            self.expect(b':')?;
            self.ws();
            let bit = match key {
                "subscriptionType" => set(&mut w.subscription_type, self.opt_str()?, 0),
                "eventType" => set(&mut w.event_type, self.opt_str()?, 1),
                "objectId" => set(&mut w.object_id, self.opt_id()?, 2),
                "objectTypeId" => set(&mut w.object_type_id, self.opt_str()?, 3),
                "portalId" => set(&mut w.portal_id, self.opt_id()?, 4),
                "occurredAt" => set(&mut w.occurred_at, self.opt_i64()?, 5),
                "appId" => set(&mut w.app_id, self.opt_id()?, 6),
                "subscriptionId" => set(&mut w.subscription_id, self.opt_id()?, 7),
                "eventId" => set(&mut w.event_id, self.opt_id()?, 8),
                "propertyName" => set(&mut w.property_name, self.opt_str()?, 9),
                "propertyValue" => set(&mut w.property_value, self.opt_scalar()?, 10),
                "changeSource" => set(&mut w.change_source, self.opt_str()?, 11),
                "changeFlag" => set(&mut w.change_flag, self.opt_str()?, 12),
                "sourceId" => set(&mut w.source_id, self.opt_str()?, 13),
                "isSensitive" => set(&mut w.is_sensitive, self.opt_bool()?, 14),
                "associationType" => set(&mut w.association_type, self.opt_str()?, 15),
                "fromObjectId" => set(&mut w.from_object_id, self.opt_id()?, 16),
                "toObjectId" => set(&mut w.to_object_id, self.opt_id()?, 17),
                "associationRemoved" => set(&mut w.association_removed, self.opt_bool()?, 18),
                "isPrimaryAssociation" => set(&mut w.is_primary_association, self.opt_bool()?, 19),
                "primaryObjectId" => set(&mut w.primary_object_id, self.opt_id()?, 20),
                "mergedObjectIds" => set(&mut w.merged_object_ids, self.opt_ids()?, 21),
                "newObjectId" => set(&mut w.new_object_id, self.opt_id()?, 22),
                "numberOfPropertiesMoved" => set(&mut w.number_of_properties_moved, self.opt_u64()?, 23),
                _ => {
                    self.skip(0)?;
                    0
                }
            };
            // A known key seen twice is an error for serde ("duplicate field"): leave it to serde_json.
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            self.ws();
            match self.bump()? {
                b',' => {}
                b'}' => return Some(w),
                _ => return None,
            }
        }
    }
}

/// Stores a field value and returns the key's bit for duplicate detection.
fn set<T>(slot: &mut Option<T>, value: Option<T>, bit: u32) -> u32 {
    *slot = value;
    1 << bit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(body: &str) -> bool {
        scan_webhook(body.as_bytes(), |_, _| Some(())).is_some()
    }

    #[test]
    fn plain_hubspot_shapes_are_scanned() {
        assert!(accepts("[]"));
        assert!(accepts(" [ {} , {\"x\":{\"a\":[1,true,null,\"s\",{}]}} ] \n"));
        assert!(accepts(
            r#"[{"subscriptionType":"deal.propertyChange","objectId":"42","portalId":7,"occurredAt":0,"propertyValue":12,"isSensitive":false,"mergedObjectIds":[1,"2"]}]"#
        ));
        let mut seen = Vec::new();
        let body = r#"[{"objectId":"0042","propertyValue":true,"eventType":"a.b"}]"#;
        scan_webhook(body.as_bytes(), |i, w| {
            seen.push((
                i,
                w.object_id,
                w.property_value.map(|s| s.0.into_owned()),
                w.event_type.map(|s| s.0),
            ));
            Some(())
        });
        assert_eq!(
            seen,
            [(0, Some(Id(42)), Some("true".to_owned()), Some(Cow::Borrowed("a.b")))]
        );
    }

    #[test]
    fn anything_unusual_is_left_to_serde() {
        for body in [
            r#"[{"propertyName":"a\"b"}]"#,
            r#"[{"propertyValue":1.5}]"#,
            r#"[{"occurredAt":-1}]"#,
            r#"[{"portalId":1,"portalId":2}]"#,
            r#"[{"objectId":01}]"#,
            r#"[{"objectId":"12a"}]"#,
            r#"[{"objectId":18446744073709551616}]"#,
            r#"[{"x":1e5}]"#,
            r#"[{"a":1},]"#,
            r#"[{"a":1}] x"#,
            "[{\"a\":\"tab\there\"}]",
            "\u{feff}[]",
            "{}",
            "",
        ] {
            assert!(!accepts(body), "{body}");
        }
        let deep = format!("[{{\"x\":{}{}}}]", "[".repeat(40), "]".repeat(40));
        assert!(!accepts(&deep));
        assert!(scan_webhook(&[b'[', 0xff, b']'], |_, _| Some(())).is_none());
    }
}
