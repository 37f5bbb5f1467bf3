//! Update merge. UpdateOpportunity replaces the whole record, so the sync starts from the current record
//! ([`partner_central::OpportunityFields::from_current`]) and replaces only the fields it owns ([`OwnedFields`]);
//! everything else is carried over unchanged. An owned field whose mapped value is absent (`None`) keeps its current
//! value: an empty HubSpot property never wipes Partner Central data. Moving the stage away from Closed Lost clears
//! ClosedLostReason (it only applies to Closed Lost).
//!
//! Review status (domain.md §3.3): `Submitted`, `In review` and `Rejected` allow nothing ([`Locked`]);
//! `Action Required` allows only [`ACTION_REQUIRED_EDITABLE`]; after `Approved` the [`APPROVED_LOCKED`] fields keep
//! their current value. [`changed`] lets the caller skip a no-op UpdateOpportunity.

use std::collections::BTreeSet;

use partner_central::OpportunityFields;
use partner_central::sdk::operation::get_opportunity::GetOpportunityOutput;
use partner_central::sdk::types::{Account, Address, Customer, LifeCycle, Project, ReviewStatus, Stage};

/// A field (or address part) the sync can own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OwnedField {
    PartnerOpportunityIdentifier,
    PrimaryNeedsFromAws,
    NationalSecurity,
    OpportunityType,
    CompanyName,
    /// Industry and OtherIndustry.
    Industry,
    WebsiteUrl,
    AddressCity,
    AddressPostalCode,
    AddressStateOrRegion,
    AddressCountryCode,
    AddressStreetAddress,
    Contacts,
    Stage,
    ClosedLostReason,
    TargetCloseDate,
    NextSteps,
    Title,
    CustomerBusinessProblem,
    CustomerUseCase,
    DeliveryModels,
    SalesActivities,
    ExpectedCustomerSpend,
}

use OwnedField as F;

impl OwnedField {
    /// Every field, in declaration (= report) order: what the deal mapping produces ([`OwnedFields::deal`]).
    pub const ALL: &[OwnedField] = &[
        F::PartnerOpportunityIdentifier,
        F::PrimaryNeedsFromAws,
        F::NationalSecurity,
        F::OpportunityType,
        F::CompanyName,
        F::Industry,
        F::WebsiteUrl,
        F::AddressCity,
        F::AddressPostalCode,
        F::AddressStateOrRegion,
        F::AddressCountryCode,
        F::AddressStreetAddress,
        F::Contacts,
        F::Stage,
        F::ClosedLostReason,
        F::TargetCloseDate,
        F::NextSteps,
        F::Title,
        F::CustomerBusinessProblem,
        F::CustomerUseCase,
        F::DeliveryModels,
        F::SalesActivities,
        F::ExpectedCustomerSpend,
    ];
}

/// Editable while the review status is `Action Required` (AWS "Working with opportunity updates").
pub const ACTION_REQUIRED_EDITABLE: &[OwnedField] = &[
    F::AddressCity,
    F::AddressCountryCode,
    F::AddressPostalCode,
    F::AddressStateOrRegion,
    F::AddressStreetAddress,
    F::WebsiteUrl,
    F::TargetCloseDate,
    F::ExpectedCustomerSpend,
    F::CustomerBusinessProblem,
    F::PartnerOpportunityIdentifier,
];

/// Not updatable once `Approved` (AWS "Working with opportunity updates", as summarised in prior-implementation.md
/// §2.3: Country, PostalCode, Industry, WebsiteUrl, CustomerBusinessProblem, PartnerOpportunityIdentifier, Title).
pub const APPROVED_LOCKED: &[OwnedField] = &[
    F::AddressCountryCode,
    F::AddressPostalCode,
    F::Industry,
    F::WebsiteUrl,
    F::CustomerBusinessProblem,
    F::PartnerOpportunityIdentifier,
    F::Title,
];

const ACCOUNT: &[OwnedField] = &[
    F::CompanyName,
    F::Industry,
    F::WebsiteUrl,
    F::AddressCity,
    F::AddressPostalCode,
    F::AddressStateOrRegion,
    F::AddressCountryCode,
    F::AddressStreetAddress,
];

/// The set of fields one kind of sync event owns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OwnedFields(pub BTreeSet<OwnedField>);

impl OwnedFields {
    pub fn of(fields: &[OwnedField]) -> OwnedFields {
        OwnedFields(fields.iter().copied().collect())
    }
    /// Everything the deal mapping produces (deal events).
    pub fn deal() -> OwnedFields {
        OwnedFields::of(OwnedField::ALL)
    }
    /// The deal-owned fields outside `Customer` and NationalSecurity: what a deal property change that touches no
    /// account property and no association updates ([`crate::map::map_deal_fields`]).
    pub fn deal_only() -> OwnedFields {
        let mut all = OwnedFields::deal();
        for f in ACCOUNT.iter().chain([&F::Contacts, &F::NationalSecurity]) {
            all.0.remove(f);
        }
        all
    }
    /// `Customer.Account` (+ NationalSecurity, which follows Industry) for company events.
    pub fn account() -> OwnedFields {
        let mut a = OwnedFields::of(ACCOUNT);
        a.0.insert(F::NationalSecurity);
        a
    }
    /// `Customer.Contacts` for contact events.
    pub fn contacts() -> OwnedFields {
        OwnedFields::of(&[F::Contacts])
    }
    /// `LifeCycle.NextSteps` for note events.
    pub fn next_steps() -> OwnedFields {
        OwnedFields::of(&[F::NextSteps])
    }
    pub fn contains(&self, f: OwnedField) -> bool {
        self.0.contains(&f)
    }
}

/// The opportunity cannot be updated in its review status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("opportunity is not editable in review status {review_status:?}")]
pub struct Locked {
    pub review_status: String,
}

/// A merge under a review status.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeResult {
    /// The complete record to send.
    pub fields: OpportunityFields,
    /// Owned fields kept at their current value because the review status does not allow changing them (sorted).
    pub held_back: Vec<OwnedField>,
}

fn account_mut<'a>(out: &'a mut OpportunityFields, mapped: &Account) -> &'a mut Account {
    let customer = out.customer.get_or_insert_with(|| Customer::builder().build());
    customer.account.get_or_insert_with(|| {
        Account::builder()
            .company_name(mapped.company_name.clone())
            .build()
            .unwrap_or_else(|_| mapped.clone())
    })
}

fn address_mut(acc: &mut Account) -> &mut Address {
    acc.address.get_or_insert_with(|| Address::builder().build())
}

fn life_cycle_mut(out: &mut OpportunityFields) -> &mut LifeCycle {
    out.life_cycle.get_or_insert_with(|| LifeCycle::builder().build())
}

fn project_mut(out: &mut OpportunityFields) -> &mut Project {
    out.project.get_or_insert_with(|| Project::builder().build())
}

macro_rules! set_if_some {
    ($target:expr, $value:expr) => {
        if let Some(v) = $value {
            $target = Some(v.clone());
        }
    };
}

fn apply(f: OwnedField, out: &mut OpportunityFields, m: &OpportunityFields) {
    let m_account = m.customer.as_ref().and_then(|c| c.account.as_ref());
    let m_address = m_account.and_then(|a| a.address.as_ref());
    let m_lc = m.life_cycle.as_ref();
    let m_project = m.project.as_ref();
    match f {
        F::PartnerOpportunityIdentifier => {
            set_if_some!(out.partner_opportunity_identifier, &m.partner_opportunity_identifier)
        }
        F::PrimaryNeedsFromAws => set_if_some!(out.primary_needs_from_aws, &m.primary_needs_from_aws),
        F::NationalSecurity => set_if_some!(out.national_security, &m.national_security),
        F::OpportunityType => set_if_some!(out.opportunity_type, &m.opportunity_type),
        F::CompanyName => {
            if let Some(a) = m_account {
                account_mut(out, a).company_name = a.company_name.clone();
            }
        }
        F::Industry => {
            if let Some(a) = m_account.filter(|a| a.industry.is_some()) {
                let acc = account_mut(out, a);
                acc.industry = a.industry.clone();
                acc.other_industry = a.other_industry.clone();
            }
        }
        F::WebsiteUrl => {
            if let Some(a) = m_account.filter(|a| a.website_url.is_some()) {
                account_mut(out, a).website_url = a.website_url.clone();
            }
        }
        F::AddressCity
        | F::AddressPostalCode
        | F::AddressStateOrRegion
        | F::AddressCountryCode
        | F::AddressStreetAddress => {
            let (Some(a), Some(addr)) = (m_account, m_address) else {
                return;
            };
            let target = address_mut(account_mut(out, a));
            match f {
                F::AddressCity => set_if_some!(target.city, &addr.city),
                F::AddressPostalCode => set_if_some!(target.postal_code, &addr.postal_code),
                F::AddressStateOrRegion => set_if_some!(target.state_or_region, &addr.state_or_region),
                F::AddressCountryCode => set_if_some!(target.country_code, &addr.country_code),
                _ => set_if_some!(target.street_address, &addr.street_address),
            }
        }
        F::Contacts => {
            if let Some(c) = m.customer.as_ref().and_then(|c| c.contacts.as_ref()) {
                out.customer.get_or_insert_with(|| Customer::builder().build()).contacts = Some(c.clone());
            }
        }
        F::Stage => {
            if let Some(stage) = m_lc.and_then(|l| l.stage.as_ref()) {
                let lc = life_cycle_mut(out);
                lc.stage = Some(stage.clone());
                if *stage != Stage::ClosedLost {
                    lc.closed_lost_reason = None;
                }
            }
        }
        F::ClosedLostReason => {
            if let Some(r) = m_lc.and_then(|l| l.closed_lost_reason.as_ref()) {
                life_cycle_mut(out).closed_lost_reason = Some(r.clone());
            }
        }
        F::TargetCloseDate => {
            if let Some(d) = m_lc.and_then(|l| l.target_close_date.as_ref()) {
                life_cycle_mut(out).target_close_date = Some(d.clone());
            }
        }
        F::NextSteps => {
            if let Some(n) = m_lc.and_then(|l| l.next_steps.as_ref()) {
                life_cycle_mut(out).next_steps = Some(n.clone());
            }
        }
        F::Title
        | F::CustomerBusinessProblem
        | F::CustomerUseCase
        | F::DeliveryModels
        | F::SalesActivities
        | F::ExpectedCustomerSpend => {
            let Some(p) = m_project else { return };
            let has = match f {
                F::Title => p.title.is_some(),
                F::CustomerBusinessProblem => p.customer_business_problem.is_some(),
                F::CustomerUseCase => p.customer_use_case.is_some(),
                F::DeliveryModels => p.delivery_models.is_some(),
                F::SalesActivities => p.sales_activities.is_some(),
                _ => p.expected_customer_spend.is_some(),
            };
            if !has {
                return;
            }
            let t = project_mut(out);
            match f {
                F::Title => t.title = p.title.clone(),
                F::CustomerBusinessProblem => t.customer_business_problem = p.customer_business_problem.clone(),
                F::CustomerUseCase => t.customer_use_case = p.customer_use_case.clone(),
                F::DeliveryModels => t.delivery_models = p.delivery_models.clone(),
                F::SalesActivities => t.sales_activities = p.sales_activities.clone(),
                _ => t.expected_customer_spend = p.expected_customer_spend.clone(),
            }
        }
    }
}

/// `current` with every `owned` field taken from `mapped` (when mapped has a value); all else unchanged. Read-only
/// LifeCycle members are dropped (they are never sent).
pub fn merge_into_current(
    current: &OpportunityFields,
    mapped: &OpportunityFields,
    owned: &OwnedFields,
) -> OpportunityFields {
    let mut out = current.sanitized();
    for f in &owned.0 {
        apply(*f, &mut out, mapped);
    }
    out
}

/// [`merge_into_current`] restricted by the review status (`None` = no status, fully editable).
pub fn merge_with_review(
    current: &OpportunityFields,
    mapped: &OpportunityFields,
    owned: &OwnedFields,
    review_status: Option<&ReviewStatus>,
) -> Result<MergeResult, Locked> {
    let allowed: Box<dyn Fn(OwnedField) -> bool> = match review_status {
        Some(s @ (ReviewStatus::Submitted | ReviewStatus::InReview | ReviewStatus::Rejected)) => {
            return Err(Locked {
                review_status: s.as_str().to_string(),
            });
        }
        Some(ReviewStatus::ActionRequired) => Box::new(|f| ACTION_REQUIRED_EDITABLE.contains(&f)),
        Some(ReviewStatus::Approved) => Box::new(|f| !APPROVED_LOCKED.contains(&f)),
        _ => Box::new(|_| true),
    };
    let (ok, held_back): (Vec<OwnedField>, Vec<OwnedField>) = owned.0.iter().copied().partition(|f| allowed(*f));
    Ok(MergeResult {
        fields: merge_into_current(current, mapped, &OwnedFields::of(&ok)),
        held_back,
    })
}

/// [`merge_with_review`] for a GetOpportunity result (its fields and `LifeCycle.ReviewStatus`).
pub fn merge_current_record(
    current: &GetOpportunityOutput,
    mapped: &OpportunityFields,
    owned: &OwnedFields,
) -> Result<MergeResult, Locked> {
    let status = current.life_cycle.as_ref().and_then(|l| l.review_status.as_ref());
    merge_with_review(&OpportunityFields::from_current(current), mapped, owned, status)
}

/// Whether sending `merged` would change anything (compared without read-only members).
pub fn changed(current: &OpportunityFields, merged: &OpportunityFields) -> bool {
    current.sanitized() != merged.sanitized()
}
