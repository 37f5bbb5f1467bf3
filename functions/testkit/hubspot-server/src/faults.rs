//! Fault injection for the local HubSpot server: rate limits, server errors and latency for the next N requests,
//! optionally only for requests matching a method and/or a path substring.

use std::time::Duration;

/// Which HubSpot rate-limit policy a 429 reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitPolicy {
    /// The rolling 10-second burst limit (`policyName: TEN_SECONDLY_ROLLING`); clients retry.
    TenSecondly,
    /// The CRM search per-second limit (message "You have reached your secondly limit."); clients retry.
    Secondly,
    /// The daily limit (`policyName: DAILY`); clients must not retry.
    Daily,
}

/// One injected fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer 429 with HubSpot's rate-limit body and `X-HubSpot-RateLimit-*` headers.
    RateLimit {
        /// The policy reported.
        policy: RateLimitPolicy,
        /// Adds `Retry-After: <seconds>` when set.
        retry_after_secs: Option<u64>,
    },
    /// Answer this status (5xx, 423, 477, ...) with a HubSpot error body.
    Status {
        /// HTTP status.
        status: u16,
        /// Adds `Retry-After: <seconds>` when set.
        retry_after_secs: Option<u64>,
    },
    /// Delay the response, then answer normally.
    Latency(Duration),
}

impl Fault {
    /// A ten-secondly 429 without `Retry-After`.
    pub fn ten_secondly() -> Self {
        Self::RateLimit {
            policy: RateLimitPolicy::TenSecondly,
            retry_after_secs: None,
        }
    }

    /// A daily-limit 429.
    pub fn daily() -> Self {
        Self::RateLimit {
            policy: RateLimitPolicy::Daily,
            retry_after_secs: None,
        }
    }

    /// A bare status error.
    pub fn status(status: u16) -> Self {
        Self::Status {
            status,
            retry_after_secs: None,
        }
    }
}

/// A fault that applies to the next `remaining` matching requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// The fault.
    pub fault: Fault,
    /// How many more requests it applies to.
    pub remaining: usize,
    /// Only requests with this method (upper case), if set.
    pub method: Option<String>,
    /// Only requests whose path contains this, if set.
    pub path_contains: Option<String>,
}

impl FaultRule {
    /// A rule for the next `count` requests of any kind.
    pub fn next(count: usize, fault: Fault) -> Self {
        Self {
            fault,
            remaining: count,
            method: None,
            path_contains: None,
        }
    }

    /// Restricts the rule to one method.
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Restricts the rule to paths containing `fragment`.
    pub fn path_contains(mut self, fragment: &str) -> Self {
        self.path_contains = Some(fragment.to_owned());
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.remaining > 0
            && self.method.as_deref().is_none_or(|m| m == method)
            && self.path_contains.as_deref().is_none_or(|p| path.contains(p))
    }
}

/// Takes the first matching rule's fault, consuming one of its uses; spent rules are dropped.
pub fn take_fault(rules: &mut Vec<FaultRule>, method: &str, path: &str) -> Option<Fault> {
    let index = rules.iter().position(|r| r.matches(method, path))?;
    let rule = rules.get_mut(index)?;
    rule.remaining -= 1;
    let fault = rule.fault.clone();
    if rule.remaining == 0 {
        rules.remove(index);
    }
    Some(fault)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_by_method_and_path_and_are_consumed() {
        let mut rules = vec![
            FaultRule::next(1, Fault::status(502)).method("PATCH"),
            FaultRule::next(2, Fault::ten_secondly()).path_contains("/batch/read"),
        ];
        assert_eq!(take_fault(&mut rules, "GET", "/crm/v3/objects/deals/1"), None);
        assert_eq!(
            take_fault(&mut rules, "POST", "/crm/v3/objects/companies/batch/read"),
            Some(Fault::ten_secondly())
        );
        assert_eq!(
            take_fault(&mut rules, "PATCH", "/crm/v3/objects/deals/1"),
            Some(Fault::status(502))
        );
        assert_eq!(take_fault(&mut rules, "PATCH", "/crm/v3/objects/deals/1"), None);
        assert_eq!(
            take_fault(&mut rules, "POST", "/crm/v3/objects/contacts/batch/read"),
            Some(Fault::ten_secondly())
        );
        assert!(rules.is_empty());
    }
}
