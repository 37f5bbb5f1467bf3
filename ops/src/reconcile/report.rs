//! The reconciliation report: findings (one per deal or opportunity and kind), summary counts, run statistics, and
//! its renderings (summary table for stdout, JSON and CSV files). Deterministic: findings are sorted by kind, then
//! deal id, then opportunity id.

use serde::Serialize;

/// One drifted field of a linked deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDrift {
    /// Partner Central member (`LifeCycle.Stage`, ...).
    pub field: String,
    /// What the sync would send, derived from HubSpot (`None`: the sync would clear it).
    pub hubspot: Option<String>,
    /// What Partner Central has.
    pub partner_central: Option<String>,
    /// Whether the opportunity's review status lets the sync change it now.
    pub editable: bool,
}

/// Why a deal's link and Partner Central disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkProblem {
    /// The deal has no link but an opportunity carries its id as PartnerOpportunityIdentifier (a lost write-back;
    /// the processor adopts it on the deal's next event).
    Unlinked,
    /// The linked opportunity is not in the catalog's ListOpportunities.
    LinkedOpportunityNotFound,
    /// The linked opportunity's PartnerOpportunityIdentifier names another deal.
    OpportunityNamesOtherDeal,
    /// More than one opportunity carries this deal's id (duplicates).
    Duplicate,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// An in-scope deal with no opportunity (no link, no opportunity naming it).
    MissingOpportunity {
        /// Deal id.
        deal_id: String,
    },
    /// An opportunity whose PartnerOpportunityIdentifier is no in-scope deal (and no in-scope deal links it).
    OpportunityWithoutDeal {
        /// Opportunity id.
        opportunity_id: String,
        /// Its PartnerOpportunityIdentifier.
        partner_opportunity_identifier: String,
    },
    /// Linked and found, but fields the sync owns differ.
    Drift {
        /// Deal id.
        deal_id: String,
        /// Opportunity id.
        opportunity_id: String,
        /// Review status of the opportunity.
        review_status: Option<String>,
        /// The differing fields.
        fields: Vec<FieldDrift>,
    },
    /// The deal's sync status property says `error`.
    ErrorState {
        /// Deal id.
        deal_id: String,
        /// Its link, if any.
        opportunity_id: Option<String>,
        /// The sync error property (first 300 characters).
        sync_error: Option<String>,
    },
    /// Link and Partner Central disagree.
    LinkMismatch {
        /// Deal id.
        deal_id: String,
        /// The deal's link property, if set.
        linked_opportunity_id: Option<String>,
        /// What is wrong.
        problem: LinkProblem,
        /// Opportunities involved (carrying the deal's id, or the other deal's id for `opportunity_names_other_deal`).
        opportunity_ids: Vec<String>,
        /// For `opportunity_names_other_deal`: the deal the opportunity names.
        other_deal_id: Option<String>,
    },
    /// The deal is in scope but cannot be mapped (the processor reports the same on the deal).
    MappingError {
        /// Deal id.
        deal_id: String,
        /// Every mapping problem.
        errors: String,
    },
}

impl Finding {
    /// The `kind` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            Finding::MissingOpportunity { .. } => "missing_opportunity",
            Finding::OpportunityWithoutDeal { .. } => "opportunity_without_deal",
            Finding::Drift { .. } => "drift",
            Finding::ErrorState { .. } => "error_state",
            Finding::LinkMismatch { .. } => "link_mismatch",
            Finding::MappingError { .. } => "mapping_error",
        }
    }

    /// Deal id, if the finding is about a deal.
    pub fn deal_id(&self) -> Option<&str> {
        match self {
            Finding::OpportunityWithoutDeal { .. } => None,
            Finding::MissingOpportunity { deal_id }
            | Finding::Drift { deal_id, .. }
            | Finding::ErrorState { deal_id, .. }
            | Finding::LinkMismatch { deal_id, .. }
            | Finding::MappingError { deal_id, .. } => Some(deal_id),
        }
    }

    fn opportunity_id(&self) -> Option<&str> {
        match self {
            Finding::OpportunityWithoutDeal { opportunity_id, .. } | Finding::Drift { opportunity_id, .. } => {
                Some(opportunity_id)
            }
            Finding::ErrorState { opportunity_id, .. } => opportunity_id.as_deref(),
            Finding::LinkMismatch {
                linked_opportunity_id, ..
            } => linked_opportunity_id.as_deref(),
            _ => None,
        }
    }

    /// Sort key: kind, then numeric-aware deal id, then opportunity id.
    pub fn sort_key(&self) -> (&'static str, usize, String, String) {
        let deal = self.deal_id().unwrap_or("");
        (
            self.kind(),
            deal.len(),
            deal.to_owned(),
            self.opportunity_id().unwrap_or("").to_owned(),
        )
    }
}

/// Summary counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// HubSpot deals examined.
    pub deals_examined: u64,
    /// Of those, in scope.
    pub deals_in_scope: u64,
    /// Opportunities listed in the catalog.
    pub opportunities_listed: u64,
    /// Opportunities without a PartnerOpportunityIdentifier (not created by a sync; not reported individually).
    pub opportunities_without_identifier: u64,
    /// Linked deals whose opportunity matches on every compared field.
    pub in_sync: u64,
    /// `missing_opportunity` findings.
    pub missing_opportunity: u64,
    /// `opportunity_without_deal` findings.
    pub opportunity_without_deal: u64,
    /// `drift` findings (deals).
    pub drift: u64,
    /// Drifted fields over all drift findings.
    pub drifted_fields: u64,
    /// `error_state` findings.
    pub error_state: u64,
    /// Deals whose sync status is `blocked` (review lock; informational).
    pub blocked: u64,
    /// `link_mismatch` findings.
    pub link_mismatch: u64,
    /// `mapping_error` findings.
    pub mapping_error: u64,
}

/// Calls made and time taken.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunStats {
    /// `full` (GetOpportunity per linked deal) or `summary` (ListOpportunities only).
    pub depth: String,
    /// Partner Central reads (ListOpportunities pages + GetOpportunity calls).
    pub partner_central_reads: u64,
    /// Of those, ListOpportunities pages.
    pub list_opportunities_pages: u64,
    /// Of those, GetOpportunity calls.
    pub get_opportunity_calls: u64,
    /// HubSpot requests (listing pages, deal reads, batch reads).
    pub hubspot_requests: u64,
    /// Wall time in seconds.
    pub elapsed_seconds: f64,
    /// Partner Central read rate used (per second).
    pub partner_central_read_rate: f64,
    /// Seconds the Partner Central reads alone take at the quota (10/s): reads / 10.
    pub seconds_at_quota: f64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Report format version.
    pub schema_version: u32,
    /// When the run started (RFC 3339).
    pub generated_at: String,
    /// Partner Central catalog.
    pub catalog: String,
    /// Counts.
    pub summary: Summary,
    /// Calls and timing.
    pub stats: RunStats,
    /// Findings, sorted.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Sorts findings and recomputes the finding counts of the summary.
    pub fn finish(&mut self) {
        self.findings.sort_by_key(Finding::sort_key);
        let s = &mut self.summary;
        (
            s.missing_opportunity,
            s.opportunity_without_deal,
            s.drift,
            s.drifted_fields,
            s.error_state,
            s.link_mismatch,
            s.mapping_error,
        ) = (0, 0, 0, 0, 0, 0, 0);
        for f in &self.findings {
            match f {
                Finding::MissingOpportunity { .. } => s.missing_opportunity += 1,
                Finding::OpportunityWithoutDeal { .. } => s.opportunity_without_deal += 1,
                Finding::Drift { fields, .. } => {
                    s.drift += 1;
                    s.drifted_fields += fields.len() as u64;
                }
                Finding::ErrorState { .. } => s.error_state += 1,
                Finding::LinkMismatch { .. } => s.link_mismatch += 1,
                Finding::MappingError { .. } => s.mapping_error += 1,
            }
        }
    }

    /// The summary table printed on stdout.
    pub fn render_summary(&self) -> String {
        let s = &self.summary;
        let st = &self.stats;
        let rows: [(&str, String); 17] = [
            ("deals examined", s.deals_examined.to_string()),
            ("deals in scope", s.deals_in_scope.to_string()),
            ("opportunities listed", s.opportunities_listed.to_string()),
            ("  without identifier", s.opportunities_without_identifier.to_string()),
            ("in sync", s.in_sync.to_string()),
            ("missing opportunity", s.missing_opportunity.to_string()),
            ("opportunity without deal", s.opportunity_without_deal.to_string()),
            ("drift (deals / fields)", format!("{} / {}", s.drift, s.drifted_fields)),
            ("error state", s.error_state.to_string()),
            ("blocked by review", s.blocked.to_string()),
            ("link mismatch", s.link_mismatch.to_string()),
            ("mapping error", s.mapping_error.to_string()),
            ("depth", st.depth.clone()),
            (
                "PC reads (list/get)",
                format!(
                    "{} ({}/{})",
                    st.partner_central_reads, st.list_opportunities_pages, st.get_opportunity_calls
                ),
            ),
            ("HubSpot requests", st.hubspot_requests.to_string()),
            ("elapsed", format!("{:.1} s", st.elapsed_seconds)),
            ("PC reads at 10/s", format!("{:.1} s", st.seconds_at_quota)),
        ];
        let mut out = String::new();
        for (k, v) in rows {
            out.push_str(&format!("{k:<26}{v}\n"));
        }
        out
    }

    /// CSV: one row per finding, one per drifted field for drift findings.
    pub fn to_csv(&self) -> String {
        let mut out =
            String::from("kind,deal_id,opportunity_id,field,hubspot_value,partner_central_value,editable,detail\n");
        let mut row = |cells: [&str; 8]| {
            let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        };
        for f in &self.findings {
            let kind = f.kind();
            let deal = f.deal_id().unwrap_or("");
            let opp = f.opportunity_id().unwrap_or("");
            match f {
                Finding::Drift { fields, .. } => {
                    for d in fields {
                        row([
                            kind,
                            deal,
                            opp,
                            &d.field,
                            d.hubspot.as_deref().unwrap_or(""),
                            d.partner_central.as_deref().unwrap_or(""),
                            if d.editable { "true" } else { "false" },
                            "",
                        ]);
                    }
                }
                Finding::OpportunityWithoutDeal {
                    partner_opportunity_identifier,
                    ..
                } => row([kind, "", opp, "", "", "", "", partner_opportunity_identifier]),
                Finding::ErrorState { sync_error, .. } => {
                    row([kind, deal, opp, "", "", "", "", sync_error.as_deref().unwrap_or("")])
                }
                Finding::LinkMismatch {
                    problem,
                    opportunity_ids,
                    ..
                } => {
                    let detail = format!(
                        "{}: {}",
                        serde_json::to_value(problem)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        opportunity_ids.join(" ")
                    );
                    row([kind, deal, opp, "", "", "", "", &detail])
                }
                Finding::MappingError { errors, .. } => row([kind, deal, "", "", "", "", "", errors]),
                Finding::MissingOpportunity { .. } => row([kind, deal, "", "", "", "", "", ""]),
            }
        }
        out
    }
}

/// RFC 4180 quoting when needed.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_sorts_and_counts() {
        let mut r = Report {
            schema_version: 1,
            generated_at: String::new(),
            catalog: "Sandbox".into(),
            summary: Summary::default(),
            stats: RunStats::default(),
            findings: vec![
                Finding::MissingOpportunity { deal_id: "20".into() },
                Finding::Drift {
                    deal_id: "3".into(),
                    opportunity_id: "O1".into(),
                    review_status: None,
                    fields: vec![FieldDrift {
                        field: "LifeCycle.NextSteps".into(),
                        hubspot: Some("call, then \"demo\"".into()),
                        partner_central: None,
                        editable: true,
                    }],
                },
                Finding::MissingOpportunity { deal_id: "3".into() },
            ],
        };
        r.finish();
        assert_eq!(
            (r.summary.missing_opportunity, r.summary.drift, r.summary.drifted_fields),
            (2, 1, 1)
        );
        assert_eq!(r.findings[0].kind(), "drift");
        assert_eq!(r.findings[1].deal_id(), Some("3"));
        let csv = r.to_csv();
        assert!(
            csv.contains("drift,3,O1,LifeCycle.NextSteps,\"call, then \"\"demo\"\"\",,true,"),
            "{csv}"
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["findings"][0]["kind"], "drift");
        assert!(r.render_summary().contains("missing opportunity       2"));
    }
}
