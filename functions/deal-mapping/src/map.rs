//! Deal + primary company + contacts -> CreateOpportunity members. Pure and deterministic: the caller passes
//! "today" (for the past-close-date rule) and gets either complete, model-valid members or every problem found, as
//! typed [`MappingError`]s.

use chrono::NaiveDate;
use hubspot::CrmObject;
use partner_central::sdk::types::{
    Account, ClosedLostReason, Contact, CurrencyCode, Customer, DeliveryModel, ExpectedCustomerSpend, Industry,
    LifeCycle, NationalSecurity, OpportunityOrigin, OpportunityType, PaymentFrequency, PrimaryNeedFromAws, Project,
    SalesActivity, Stage,
};
use partner_central::{NewOpportunity, OpportunityFields};

use crate::config::{DEFAULT_PIPELINE, MappingConfig, StageRule};
use crate::contact::map_contact_list;
use crate::dates::target_close_date;
use crate::error::{MappingError, MappingErrors};
use crate::spend::{format_amount, monthly, parse_amount};
use crate::text::{NEXT_STEPS_MAX, clip, clipped, non_empty};
use crate::values::{self, match_value, split_multi};

/// The HubSpot records of one deal.
#[derive(Debug, Clone, Copy)]
pub struct DealInput<'a> {
    pub deal: &'a CrmObject,
    /// The deal's primary company, if any.
    pub company: Option<&'a CrmObject>,
    /// Associated contacts (the first 10 usable ones are sent).
    pub contacts: &'a [CrmObject],
}

/// `Customer.Account` alone (company fan-out).
pub fn map_account(input: DealInput<'_>, cfg: &MappingConfig) -> Result<Account, MappingErrors> {
    crate::account::map_account(input.deal, input.company, cfg).map_err(MappingErrors)
}

/// `Customer.Contacts` alone (contact fan-out).
pub fn map_contacts(contacts: &[CrmObject]) -> Vec<Contact> {
    map_contact_list(contacts)
}

/// CreateOpportunity members: [`map_fields`] plus Origin `Partner Referral`.
pub fn map_new_opportunity(
    input: DealInput<'_>,
    cfg: &MappingConfig,
    today: NaiveDate,
) -> Result<NewOpportunity, MappingErrors> {
    Ok(NewOpportunity {
        fields: map_fields(input, cfg, today)?,
        origin: Some(OpportunityOrigin::PartnerReferral),
        opportunity_team: None,
        tags: None,
    })
}

/// Every member the sync maps from HubSpot (shared by Create and Update).
pub fn map_fields(
    input: DealInput<'_>,
    cfg: &MappingConfig,
    today: NaiveDate,
) -> Result<OpportunityFields, MappingErrors> {
    let mut errors = Vec::new();
    let account = crate::account::map_account(input.deal, input.company, cfg)
        .map_err(|e| errors.extend(e))
        .ok();
    let company_name = account.as_ref().map_or("", |a| a.company_name.as_str());
    let mut fields = deal_owned(input.deal, company_name, cfg, today, errors)?;
    let government = account.as_ref().and_then(|a| a.industry.as_ref()) == Some(&Industry::Government);
    let contacts = map_contact_list(input.contacts);
    fields.national_security = Some(if government {
        NationalSecurity::Yes
    } else {
        NationalSecurity::No
    });
    fields.customer = Some(
        Customer::builder()
            .set_account(account)
            .set_contacts((!contacts.is_empty()).then_some(contacts))
            .build(),
    );
    Ok(fields)
}

/// The members a deal owns apart from `Customer` (account, contacts) and NationalSecurity (which follows the
/// account's industry), mapped from the deal alone; `company_name` fills `{company}` in the business-problem padding
/// (the opportunity's current CompanyName). Apply it with [`crate::OwnedFields::deal_only`].
pub fn map_deal_fields(
    deal: &CrmObject,
    company_name: &str,
    cfg: &MappingConfig,
    today: NaiveDate,
) -> Result<OpportunityFields, MappingErrors> {
    deal_owned(deal, company_name, cfg, today, Vec::new())
}

/// The deal's own members (stage rule, LifeCycle, Project, OpportunityType, PrimaryNeedsFromAws,
/// PartnerOpportunityIdentifier), with `Customer` and NationalSecurity unset. `errors` are the problems found before
/// (the account's, for the full mapping); any error fails the whole mapping with all of them, in order.
fn deal_owned(
    deal: &CrmObject,
    company_name: &str,
    cfg: &MappingConfig,
    today: NaiveDate,
    mut errors: Vec<MappingError>,
) -> Result<OpportunityFields, MappingErrors> {
    let rule = stage_rule(deal, cfg).map_err(|e| errors.push(e)).ok();
    let life_cycle = rule.and_then(|r| life_cycle(deal, r, cfg, today).map_err(|e| errors.extend(e)).ok());
    let project = project(deal, company_name, rule, cfg)
        .map_err(|e| errors.extend(e))
        .ok();
    let opportunity_type = opportunity_type(deal, cfg).map_err(|e| errors.push(e)).ok();
    let needs = multi(
        deal,
        &cfg.primary_needs_property,
        &cfg.default_primary_needs,
        values::primary_needs(),
        "PrimaryNeedsFromAws",
    )
    .map_err(|e| errors.push(e))
    .ok();
    if !errors.is_empty() {
        return Err(MappingErrors(errors));
    }
    Ok(OpportunityFields {
        primary_needs_from_aws: needs.map(|n| n.iter().map(|v| PrimaryNeedFromAws::from(*v)).collect()),
        national_security: None,
        partner_opportunity_identifier: Some(clip(&deal.id, 64)),
        customer: None,
        project,
        opportunity_type,
        marketing: None,
        software_revenue: None,
        life_cycle,
    })
}

/// The stage rule for the deal's pipeline (`default` when unset) and `dealstage`.
pub fn stage_rule<'c>(deal: &CrmObject, cfg: &'c MappingConfig) -> Result<&'c StageRule, MappingError> {
    let pipeline = non_empty(deal.property("pipeline")).unwrap_or(DEFAULT_PIPELINE);
    let stage = non_empty(deal.property("dealstage")).unwrap_or("");
    cfg.pipelines
        .get(pipeline)
        .and_then(|p| p.get(stage))
        .or(cfg.unmapped_stage.as_ref())
        .ok_or_else(|| MappingError::UnmappedStage {
            pipeline: pipeline.to_string(),
            stage: stage.to_string(),
        })
}

fn life_cycle(
    deal: &CrmObject,
    rule: &StageRule,
    cfg: &MappingConfig,
    today: NaiveDate,
) -> Result<LifeCycle, Vec<MappingError>> {
    let stage = Stage::from(rule.stage.as_str());
    let closed = matches!(stage, Stage::Launched | Stage::ClosedLost);
    let mut errors = Vec::new();
    let reason = if stage == Stage::ClosedLost {
        let prop = cfg.closed_lost_reason_property.as_str();
        match non_empty(deal.property(prop)) {
            None => Some(ClosedLostReason::from(cfg.default_closed_lost_reason.as_str())),
            Some(raw) => match match_value(values::closed_lost_reasons(), raw) {
                Some(v) => Some(ClosedLostReason::from(v)),
                None => {
                    errors.push(invalid(
                        "LifeCycle.ClosedLostReason",
                        prop,
                        raw,
                        values::closed_lost_reasons(),
                    ));
                    None
                }
            },
        }
    } else {
        None
    };
    let date = target_close_date(
        deal.property("closedate"),
        "closedate",
        &rule.stage,
        closed,
        cfg.past_close_date,
        today,
    )
    .map_err(|e| errors.push(e))
    .ok()
    .flatten();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(LifeCycle::builder()
        .stage(stage)
        .set_closed_lost_reason(reason)
        .set_target_close_date(date)
        .set_next_steps(clipped(deal.property("hs_next_step"), NEXT_STEPS_MAX))
        .build())
}

fn invalid(field: &'static str, property: &str, value: &str, list: &[&str]) -> MappingError {
    MappingError::InvalidValue {
        field,
        property: property.to_string(),
        value: value.to_string(),
        expected: list.join(" | "),
    }
}

/// A multi-value property validated against `list` (order kept, duplicates dropped), or the default when empty.
fn multi(
    deal: &CrmObject,
    property: &str,
    default: &[String],
    list: &'static [&'static str],
    field: &'static str,
) -> Result<Vec<&'static str>, MappingError> {
    let raw: Vec<String> = match non_empty(deal.property(property)) {
        Some(v) => split_multi(v).into_iter().map(String::from).collect(),
        None => default.to_vec(),
    };
    let mut out: Vec<&'static str> = Vec::new();
    for r in &raw {
        let v = match_value(list, r).ok_or_else(|| invalid(field, property, r, list))?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

/// `{dealname}` / `{company}` in the template replaced.
pub fn business_problem(deal: &CrmObject, company: &str, cfg: &MappingConfig) -> String {
    let name = non_empty(deal.property("dealname")).unwrap_or("");
    let text = non_empty(deal.property("description")).unwrap_or("");
    let text = if text.chars().count() >= 20 {
        text.to_string()
    } else {
        let pad = cfg
            .business_problem_template
            .replace("{dealname}", name)
            .replace("{company}", company);
        if text.is_empty() { pad } else { format!("{text} {pad}") }
    };
    clip(&text, 2000).trim_end().to_string()
}

fn spend(deal: &CrmObject, cfg: &MappingConfig) -> Result<Option<ExpectedCustomerSpend>, Vec<MappingError>> {
    const FIELD: &str = "Project.ExpectedCustomerSpend.Amount";
    let amount_err = |property: &str, value: &str, reason| MappingError::InvalidAmount {
        field: FIELD,
        property: property.to_string(),
        value: value.to_string(),
        reason,
    };
    let monthly_prop = cfg.monthly_spend_property.as_str();
    let amount = if let Some(raw) = non_empty(deal.property(monthly_prop)) {
        parse_amount(raw).map_err(|p| vec![amount_err(monthly_prop, raw, p.as_str())])?
    } else if let Some(raw) = non_empty(deal.property("amount")) {
        let total = parse_amount(raw).map_err(|p| vec![amount_err("amount", raw, p.as_str())])?;
        let months_prop = cfg.contract_months_property.as_str();
        let months = match non_empty(deal.property(months_prop)) {
            None => cfg.default_contract_months,
            Some(m) => m.parse::<u32>().ok().filter(|m| (1..=144).contains(m)).ok_or_else(|| {
                vec![amount_err(
                    months_prop,
                    m,
                    "contract months must be a whole number in 1..=144",
                )]
            })?,
        };
        monthly(total, months)
    } else {
        return Ok(None);
    };
    let currency = match non_empty(deal.property("deal_currency_code")) {
        None => cfg.default_currency.as_str(),
        Some(c) => match_value(values::currency_codes(), c).ok_or_else(|| {
            vec![invalid(
                "Project.ExpectedCustomerSpend.CurrencyCode",
                "deal_currency_code",
                c,
                &["an ISO 4217 code accepted by Partner Central"],
            )]
        })?,
    };
    ExpectedCustomerSpend::builder()
        .amount(format_amount(amount))
        .currency_code(CurrencyCode::from(currency))
        .frequency(PaymentFrequency::Monthly)
        .target_company("AWS")
        .build()
        .map(Some)
        .map_err(|_| vec![amount_err("amount", "", "could not build ExpectedCustomerSpend")])
}

fn project(
    deal: &CrmObject,
    company: &str,
    rule: Option<&StageRule>,
    cfg: &MappingConfig,
) -> Result<Project, Vec<MappingError>> {
    let mut errors = Vec::new();
    let title = clipped(deal.property("dealname"), 255);
    if title.is_none() {
        errors.push(MappingError::Missing {
            field: "Project.Title",
            property: "dealname".into(),
        });
    }
    let delivery = multi(
        deal,
        &cfg.delivery_models_property,
        &cfg.default_delivery_models,
        values::delivery_models(),
        "Project.DeliveryModels",
    )
    .map_err(|e| errors.push(e))
    .ok();
    let use_case_prop = cfg.use_case_property.as_str();
    let use_case = match non_empty(deal.property(use_case_prop)) {
        None => cfg.default_use_case.clone(),
        Some(raw) => match match_value(values::customer_use_cases(), raw) {
            Some(v) => Some(v.to_string()),
            None => {
                errors.push(invalid(
                    "Project.CustomerUseCase",
                    use_case_prop,
                    raw,
                    values::customer_use_cases(),
                ));
                None
            }
        },
    };
    let spend = spend(deal, cfg).map_err(|e| errors.extend(e)).ok().flatten();
    if !errors.is_empty() {
        return Err(errors);
    }
    let activities: Vec<SalesActivity> = rule
        .map(|r| {
            r.sales_activities
                .iter()
                .map(|a| SalesActivity::from(a.as_str()))
                .collect()
        })
        .unwrap_or_default();
    Ok(Project::builder()
        .set_title(title)
        .customer_business_problem(business_problem(deal, company, cfg))
        .set_delivery_models(delivery.map(|d| d.iter().map(|v| DeliveryModel::from(*v)).collect()))
        .set_customer_use_case(use_case)
        .set_expected_customer_spend(spend.map(|s| vec![s]))
        .set_sales_activities((!activities.is_empty()).then_some(activities))
        .build())
}

/// OpportunityType from `dealtype` via the configured table (exact, case-insensitive key).
pub fn opportunity_type(deal: &CrmObject, cfg: &MappingConfig) -> Result<OpportunityType, MappingError> {
    let v = match non_empty(deal.property("dealtype")) {
        None => cfg.default_opportunity_type.as_str(),
        Some(raw) => cfg
            .opportunity_types
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(raw))
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| {
                let keys: Vec<&str> = cfg.opportunity_types.keys().map(String::as_str).collect();
                invalid("OpportunityType", "dealtype", raw, &keys)
            })?,
    };
    Ok(OpportunityType::from(v))
}
