//! [`MappingConfig`]: per-environment mapping settings (serde + JSON schema, unknown keys rejected) with documented
//! defaults, and [`MappingConfig::validate`], which checks every configured Partner Central value against the
//! published model so a bad config fails at start-up, not on a deal.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::values;

/// HubSpot's default deal pipeline id.
pub const DEFAULT_PIPELINE: &str = "default";

/// Partner Central stage (and sales activities) for one HubSpot deal stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageRule {
    /// `LifeCycle.Stage`: Prospect | Qualified | Technical Validation | Business Validation | Committed | Launched |
    /// Closed Lost.
    pub stage: String,
    /// `Project.SalesActivities` sent at this stage (Partner Central values). Default: none.
    #[serde(default)]
    pub sales_activities: Vec<String>,
}

impl StageRule {
    fn new(stage: &str, activities: &[&str]) -> StageRule {
        StageRule {
            stage: stage.to_string(),
            sales_activities: activities.iter().map(|a| a.to_string()).collect(),
        }
    }
}

/// What to do with an open deal (stage not Launched / Closed Lost) whose close date is in the past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PastCloseDatePolicy {
    /// A typed validation error on the deal (`PastCloseDate`), so sales fix the date (default).
    #[default]
    Error,
    /// Send the date unchanged and let Partner Central decide.
    Keep,
}

/// Mapping settings. Every key is optional; see each field for its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct MappingConfig {
    /// Tag in `dealname` that puts a deal in scope, matched case-insensitively. Default `#AWS`.
    pub deal_tag: String,
    /// Boolean deal property that also puts a deal in scope when `true`. Default: none.
    pub scope_property: Option<String>,
    /// Stage map: pipeline id -> deal stage id -> rule. Default: HubSpot's `default` pipeline (appointmentscheduled,
    /// qualifiedtobuy, presentationscheduled, decisionmakerboughtin, contractsent, closedwon, closedlost). A deal
    /// without a `pipeline` property is looked up under `default`.
    pub pipelines: BTreeMap<String, BTreeMap<String, StageRule>>,
    /// Rule for stages missing from the map. Default: none, i.e. an `UnmappedStage` error on the deal.
    pub unmapped_stage: Option<StageRule>,
    /// Deal property holding the Closed Lost reason (a Partner Central ClosedLostReason). Default
    /// `aws_closed_lost_reason`.
    pub closed_lost_reason_property: String,
    /// ClosedLostReason when that property is empty. Default `Other`.
    pub default_closed_lost_reason: String,
    /// Deal property with DeliveryModels (`;` or `,` separated). Default `aws_delivery_models`.
    pub delivery_models_property: String,
    /// DeliveryModels when the property is empty. Default `["SaaS or PaaS"]`.
    pub default_delivery_models: Vec<String>,
    /// Deal property with PrimaryNeedsFromAws (`;` or `,` separated). Default `aws_primary_needs`.
    pub primary_needs_property: String,
    /// PrimaryNeedsFromAws when the property is empty. Default `["Co-Sell - Deal Support"]`.
    pub default_primary_needs: Vec<String>,
    /// Deal property with the CustomerUseCase. Default `aws_use_case`.
    pub use_case_property: String,
    /// CustomerUseCase when the property is empty. Default: none (omitted).
    pub default_use_case: Option<String>,
    /// Deal property that overrides the company's industry (a Partner Central or HubSpot industry value). Default
    /// `aws_industry`.
    pub industry_override_property: String,
    /// Padding for a CustomerBusinessProblem shorter than 20 characters; `{dealname}` and `{company}` are replaced.
    /// Default: `HubSpot deal '{dealname}' for {company} is being co-sold with AWS. The customer is evaluating AWS
    /// services to solve their business needs.`
    pub business_problem_template: String,
    /// Deal property with the expected *monthly* AWS spend. Default `aws_expected_spend`.
    pub monthly_spend_property: String,
    /// Deal property with the contract length in months, used to derive monthly spend from `amount`. Default
    /// `aws_contract_months`.
    pub contract_months_property: String,
    /// Contract length in months when the deal has none (1..=144). Default 12.
    pub default_contract_months: u32,
    /// Currency when `deal_currency_code` is empty (a Partner Central CurrencyCode). Default `USD`.
    pub default_currency: String,
    /// HubSpot `dealtype` value -> OpportunityType. Default `newbusiness` -> Net New Business, `existingbusiness` ->
    /// Expansion. An empty dealtype gives `default_opportunity_type`; an unlisted one is an error.
    pub opportunity_types: BTreeMap<String, String>,
    /// OpportunityType for deals without a dealtype. Default `Net New Business`.
    pub default_opportunity_type: String,
    /// Open deals with a past close date. Default `error`.
    pub past_close_date: PastCloseDatePolicy,
}

impl Default for MappingConfig {
    fn default() -> MappingConfig {
        let default_pipeline: BTreeMap<String, StageRule> = [
            (
                "appointmentscheduled",
                StageRule::new("Prospect", &["Initialized discussions with customer"]),
            ),
            (
                "qualifiedtobuy",
                StageRule::new("Qualified", &["Customer has shown interest in solution"]),
            ),
            (
                "presentationscheduled",
                StageRule::new("Technical Validation", &["Conducted POC / Demo"]),
            ),
            (
                "decisionmakerboughtin",
                StageRule::new("Business Validation", &["In evaluation / planning stage"]),
            ),
            (
                "contractsent",
                StageRule::new("Committed", &["Agreed on solution to Business Problem"]),
            ),
            ("closedwon", StageRule::new("Launched", &["Finalized Deployment Need"])),
            ("closedlost", StageRule::new("Closed Lost", &[])),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        MappingConfig {
            deal_tag: "#AWS".into(),
            scope_property: None,
            pipelines: BTreeMap::from([(DEFAULT_PIPELINE.to_string(), default_pipeline)]),
            unmapped_stage: None,
            closed_lost_reason_property: "aws_closed_lost_reason".into(),
            default_closed_lost_reason: "Other".into(),
            delivery_models_property: "aws_delivery_models".into(),
            default_delivery_models: vec!["SaaS or PaaS".into()],
            primary_needs_property: "aws_primary_needs".into(),
            default_primary_needs: vec!["Co-Sell - Deal Support".into()],
            use_case_property: "aws_use_case".into(),
            default_use_case: None,
            industry_override_property: "aws_industry".into(),
            business_problem_template:
                "HubSpot deal '{dealname}' for {company} is being co-sold with AWS. The customer \
                                        is evaluating AWS services to solve their business needs."
                    .into(),
            monthly_spend_property: "aws_expected_spend".into(),
            contract_months_property: "aws_contract_months".into(),
            default_contract_months: 12,
            default_currency: "USD".into(),
            opportunity_types: BTreeMap::from([
                ("newbusiness".to_string(), "Net New Business".to_string()),
                ("existingbusiness".to_string(), "Expansion".to_string()),
            ]),
            default_opportunity_type: "Net New Business".into(),
            past_close_date: PastCloseDatePolicy::Error,
        }
    }
}

/// A configuration value Partner Central would not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mapping config `{key}`: {problem}")]
pub struct ConfigError {
    /// The config key (with a path for nested values, e.g. `pipelines.default.closedwon.stage`).
    pub key: String,
    /// What is wrong.
    pub problem: String,
}

fn check(key: impl Into<String>, list: &[&str], value: &str, errors: &mut Vec<ConfigError>) {
    if !list.contains(&value) {
        errors.push(ConfigError {
            key: key.into(),
            problem: format!("{value:?} is not one of {}", list.join(" | ")),
        });
    }
}

impl MappingConfig {
    /// Check every configured Partner Central value (exact spelling), the template and the numbers. Returns all
    /// problems, sorted by key.
    pub fn validate(&self) -> Result<(), Vec<ConfigError>> {
        let mut errors = Vec::new();
        let rule = |key: String, r: &StageRule, errors: &mut Vec<ConfigError>| {
            check(format!("{key}.stage"), values::stages(), &r.stage, errors);
            for a in &r.sales_activities {
                check(format!("{key}.sales_activities"), values::sales_activities(), a, errors);
            }
        };
        for (p, stages) in &self.pipelines {
            for (s, r) in stages {
                rule(format!("pipelines.{p}.{s}"), r, &mut errors);
            }
        }
        if let Some(r) = &self.unmapped_stage {
            rule("unmapped_stage".into(), r, &mut errors);
        }
        if self.deal_tag.trim().is_empty() {
            errors.push(ConfigError {
                key: "deal_tag".into(),
                problem: "must not be empty".into(),
            });
        }
        check(
            "default_closed_lost_reason",
            values::closed_lost_reasons(),
            &self.default_closed_lost_reason,
            &mut errors,
        );
        for d in &self.default_delivery_models {
            check("default_delivery_models", values::delivery_models(), d, &mut errors);
        }
        for n in &self.default_primary_needs {
            check("default_primary_needs", values::primary_needs(), n, &mut errors);
        }
        if let Some(u) = &self.default_use_case {
            check("default_use_case", values::customer_use_cases(), u, &mut errors);
        }
        check(
            "default_currency",
            values::currency_codes(),
            &self.default_currency,
            &mut errors,
        );
        for (k, v) in &self.opportunity_types {
            check(
                format!("opportunity_types.{k}"),
                values::opportunity_types(),
                v,
                &mut errors,
            );
        }
        check(
            "default_opportunity_type",
            values::opportunity_types(),
            &self.default_opportunity_type,
            &mut errors,
        );
        if !(1..=144).contains(&self.default_contract_months) {
            errors.push(ConfigError {
                key: "default_contract_months".into(),
                problem: format!("{} is outside 1..=144", self.default_contract_months),
            });
        }
        let bare = self
            .business_problem_template
            .replace("{dealname}", "")
            .replace("{company}", "");
        if bare.trim().chars().count() < 20 {
            errors.push(ConfigError {
                key: "business_problem_template".into(),
                problem: "needs at least 20 characters besides the placeholders".into(),
            });
        }
        errors.sort_by(|a, b| a.key.cmp(&b.key));
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// The JSON schema of the configuration (for docs and config checks).
    pub fn json_schema() -> schemars::Schema {
        schemars::schema_for!(MappingConfig)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(MappingConfig::default().validate(), Ok(()));
    }

    #[test]
    fn bad_values_are_reported_with_their_key() {
        let mut cfg = MappingConfig::default();
        cfg.pipelines
            .get_mut("default")
            .unwrap()
            .get_mut("closedwon")
            .unwrap()
            .stage = "Won".into();
        cfg.default_closed_lost_reason = "other".into();
        cfg.default_contract_months = 0;
        cfg.default_currency = "XXX".into();
        cfg.business_problem_template = "{dealname} short".into();
        let keys: Vec<String> = cfg.validate().unwrap_err().into_iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            [
                "business_problem_template",
                "default_closed_lost_reason",
                "default_contract_months",
                "default_currency",
                "pipelines.default.closedwon.stage"
            ]
        );
    }
}
