//! The caller-owned members of an opportunity, shared by Create and Update. UpdateOpportunity replaces the whole
//! record (omitted members become null), so an update always starts from [`OpportunityFields::from_current`] and
//! changes only what it means to; read-only LifeCycle members (ReviewStatus, ReviewComments, ReviewStatusReason,
//! NextStepsHistory) are never sent back. Also the review-status edit policy (domain.md §3.3).

use aws_sdk_partnercentralselling::operation::get_opportunity::GetOpportunityOutput;
use aws_sdk_partnercentralselling::types::{
    Contact, Customer, LifeCycle, Marketing, NationalSecurity, OpportunityOrigin, OpportunityType, PrimaryNeedFromAws,
    Project, ReviewStatus, SoftwareRevenue, Tag,
};

/// Members sent by both CreateOpportunity and UpdateOpportunity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpportunityFields {
    pub primary_needs_from_aws: Option<Vec<PrimaryNeedFromAws>>,
    pub national_security: Option<NationalSecurity>,
    pub partner_opportunity_identifier: Option<String>,
    pub customer: Option<Customer>,
    pub project: Option<Project>,
    pub opportunity_type: Option<OpportunityType>,
    pub marketing: Option<Marketing>,
    pub software_revenue: Option<SoftwareRevenue>,
    pub life_cycle: Option<LifeCycle>,
}

/// A CreateOpportunity request body (without Catalog and ClientToken, which the client adds).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewOpportunity {
    pub fields: OpportunityFields,
    pub origin: Option<OpportunityOrigin>,
    pub opportunity_team: Option<Vec<Contact>>,
    pub tags: Option<Vec<Tag>>,
}

/// LifeCycle with only the members a partner may write (Stage, ClosedLostReason, NextSteps, TargetCloseDate).
pub fn writable_life_cycle(lc: &LifeCycle) -> LifeCycle {
    LifeCycle::builder()
        .set_stage(lc.stage.clone())
        .set_closed_lost_reason(lc.closed_lost_reason.clone())
        .set_next_steps(lc.next_steps.clone())
        .set_target_close_date(lc.target_close_date.clone())
        .build()
}

impl OpportunityFields {
    /// Every caller-owned member of the current record, so a full-replacement update loses nothing.
    pub fn from_current(current: &GetOpportunityOutput) -> OpportunityFields {
        OpportunityFields {
            primary_needs_from_aws: current.primary_needs_from_aws.clone(),
            national_security: current.national_security.clone(),
            partner_opportunity_identifier: current.partner_opportunity_identifier.clone(),
            customer: current.customer.clone(),
            project: current.project.clone(),
            opportunity_type: current.opportunity_type.clone(),
            marketing: current.marketing.clone(),
            software_revenue: current.software_revenue.clone(),
            life_cycle: current.life_cycle.as_ref().map(writable_life_cycle),
        }
    }

    /// The same fields with read-only LifeCycle members removed (what is actually sent).
    pub fn sanitized(&self) -> OpportunityFields {
        OpportunityFields {
            life_cycle: self.life_cycle.as_ref().map(writable_life_cycle),
            ..self.clone()
        }
    }

    /// Keep `current` except for the members editable while the review status is Action Required
    /// (Customer.Account.Address.*, Customer.Account.WebsiteUrl, LifeCycle.TargetCloseDate,
    /// Project.ExpectedCustomerSpend, Project.CustomerBusinessProblem, PartnerOpportunityIdentifier), which are
    /// taken from `self`. Returns the restricted fields and whether any other change of `self` was dropped.
    pub fn restrict_to_action_required(&self, current: &OpportunityFields) -> (OpportunityFields, bool) {
        let desired = self.sanitized();
        let mut out = current.sanitized();
        out.partner_opportunity_identifier = desired.partner_opportunity_identifier.clone();
        if let (Some(cur), Some(want)) = (out.life_cycle.as_mut(), desired.life_cycle.as_ref()) {
            cur.target_close_date = want.target_close_date.clone();
        } else if let Some(want) = desired.life_cycle.as_ref() {
            out.life_cycle = Some(
                LifeCycle::builder()
                    .set_target_close_date(want.target_close_date.clone())
                    .build(),
            );
        }
        let want_account = desired.customer.as_ref().and_then(|c| c.account.as_ref());
        let cur_account = out.customer.as_mut().and_then(|c| c.account.as_mut());
        if let (Some(cur), Some(want)) = (cur_account, want_account) {
            cur.website_url = want.website_url.clone();
            match (cur.address.as_mut(), want.address.as_ref()) {
                (Some(a), Some(w)) => {
                    a.city = w.city.clone();
                    a.country_code = w.country_code.clone();
                    a.postal_code = w.postal_code.clone();
                    a.state_or_region = w.state_or_region.clone();
                    a.street_address = w.street_address.clone();
                }
                (None, Some(w)) => cur.address = Some(w.clone()),
                (Some(_), None) => cur.address = None,
                (None, None) => {}
            }
        }
        let want_project = desired.project.as_ref();
        match (out.project.as_mut(), want_project) {
            (Some(cur), Some(want)) => {
                cur.expected_customer_spend = want.expected_customer_spend.clone();
                cur.customer_business_problem = want.customer_business_problem.clone();
            }
            (None, Some(want)) => {
                out.project = Some(
                    Project::builder()
                        .set_expected_customer_spend(want.expected_customer_spend.clone())
                        .set_customer_business_problem(want.customer_business_problem.clone())
                        .build(),
                )
            }
            _ => {}
        }
        let dropped = out != desired;
        (out, dropped)
    }
}

/// What the review status allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditPolicy {
    /// Pending Submission, Approved (AWS may still refuse some fields), or no status.
    Editable,
    /// Action Required: only the subset in [`OpportunityFields::restrict_to_action_required`].
    ActionRequiredSubset,
    /// Submitted, In review (until AWS finishes the review) or Rejected (read-only for good).
    Locked(String),
}

/// The edit policy for the current record's `LifeCycle.ReviewStatus` (note the lower-case "In review").
pub fn edit_policy(current: &GetOpportunityOutput) -> EditPolicy {
    match current.life_cycle.as_ref().and_then(|l| l.review_status.as_ref()) {
        Some(s @ (ReviewStatus::Submitted | ReviewStatus::InReview | ReviewStatus::Rejected)) => {
            EditPolicy::Locked(s.as_str().to_string())
        }
        Some(ReviewStatus::ActionRequired) => EditPolicy::ActionRequiredSubset,
        _ => EditPolicy::Editable,
    }
}
