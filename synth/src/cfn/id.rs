//! Validated CloudFormation logical ids (`^[A-Za-z0-9]{1,255}$`).

use std::fmt;

use serde::Serialize;

use crate::error::SynthError;

/// A logical id: 1..=255 ASCII alphanumerics. Constructed only through [`LogicalId::new`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct LogicalId(String);

impl LogicalId {
    /// Validates `raw` and wraps it.
    pub fn new(raw: &str) -> Result<Self, SynthError> {
        let ok = !raw.is_empty() && raw.len() <= 255 && raw.bytes().all(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(SynthError::InvalidLogicalId { id: raw.to_owned() })
        }
    }

    /// `raw` with everything but ASCII alphanumerics removed (`Invalid` when nothing is left); used only to
    /// keep building after an invalid id was reported.
    pub(crate) fn sanitized(raw: &str) -> Self {
        let clean: String = raw.chars().filter(char::is_ascii_alphanumeric).take(255).collect();
        if clean.is_empty() {
            Self("Invalid".to_owned())
        } else {
            Self(clean)
        }
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LogicalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_alphanumerics_and_rejects_the_rest() {
        assert!(LogicalId::new("Queue1").is_ok());
        assert!(LogicalId::new(&"a".repeat(255)).is_ok());
        for bad in ["", "a-b", "a_b", "a b", "ä", &"a".repeat(256)] {
            assert!(LogicalId::new(bad).is_err(), "{bad:?} accepted");
        }
    }
}
