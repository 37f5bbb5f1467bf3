//! Comparable text values of the fields the sync owns ([`deal_mapping::OwnedField`]), read from a full record
//! ([`OpportunityFields`], GetOpportunity) or from a ListOpportunities summary (a subset: [`in_summary`]).
//!
//! Values are rendered deterministically (enums by their API spelling, lists joined with `; ` in record order).
//! Contacts carry personal data, so they render as a count plus a short SHA-256 digest of the normalised e-mail
//! addresses and names: drift is visible, the data is not.

use deal_mapping::OwnedField;
use partner_central::OpportunityFields;
use partner_central::sdk::types::{Contact, ExpectedCustomerSpend, OpportunitySummary};
use sha2::{Digest, Sha256};

use OwnedField as F;

/// The fields the reconciliation compares, in report order: every field the deal sync owns
/// ([`OwnedField::ALL`], the set [`deal_mapping::OwnedFields::deal`] merges).
pub const COMPARED: &[OwnedField] = OwnedField::ALL;

/// Fields a ListOpportunities summary carries (the rest need GetOpportunity).
pub fn in_summary(f: OwnedField) -> bool {
    matches!(
        f,
        F::PartnerOpportunityIdentifier
            | F::OpportunityType
            | F::CompanyName
            | F::Industry
            | F::WebsiteUrl
            | F::AddressCity
            | F::AddressPostalCode
            | F::AddressStateOrRegion
            | F::AddressCountryCode
            | F::Stage
            | F::ClosedLostReason
            | F::TargetCloseDate
            | F::NextSteps
            | F::DeliveryModels
            | F::ExpectedCustomerSpend
    )
}

/// The report name of a field (`Customer.Account.Address.City`, ...).
pub fn name(f: OwnedField) -> &'static str {
    match f {
        F::PartnerOpportunityIdentifier => "PartnerOpportunityIdentifier",
        F::PrimaryNeedsFromAws => "PrimaryNeedsFromAws",
        F::NationalSecurity => "NationalSecurity",
        F::OpportunityType => "OpportunityType",
        F::CompanyName => "Customer.Account.CompanyName",
        F::Industry => "Customer.Account.Industry",
        F::WebsiteUrl => "Customer.Account.WebsiteUrl",
        F::AddressCity => "Customer.Account.Address.City",
        F::AddressPostalCode => "Customer.Account.Address.PostalCode",
        F::AddressStateOrRegion => "Customer.Account.Address.StateOrRegion",
        F::AddressCountryCode => "Customer.Account.Address.CountryCode",
        F::AddressStreetAddress => "Customer.Account.Address.StreetAddress",
        F::Contacts => "Customer.Contacts",
        F::Stage => "LifeCycle.Stage",
        F::ClosedLostReason => "LifeCycle.ClosedLostReason",
        F::TargetCloseDate => "LifeCycle.TargetCloseDate",
        F::NextSteps => "LifeCycle.NextSteps",
        F::Title => "Project.Title",
        F::CustomerBusinessProblem => "Project.CustomerBusinessProblem",
        F::CustomerUseCase => "Project.CustomerUseCase",
        F::DeliveryModels => "Project.DeliveryModels",
        F::SalesActivities => "Project.SalesActivities",
        F::ExpectedCustomerSpend => "Project.ExpectedCustomerSpend",
    }
}

fn join<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join("; ")
}

fn spend(s: &ExpectedCustomerSpend) -> String {
    format!(
        "{} {} {} ({})",
        s.amount,
        s.currency_code.as_str(),
        s.frequency.as_str(),
        s.target_company
    )
}

/// `N contact(s) #<digest>` of the normalised e-mails and names (no personal data in the report).
pub fn contacts_digest(contacts: &[Contact]) -> String {
    let mut h = Sha256::new();
    for c in contacts {
        for part in [&c.email, &c.first_name, &c.last_name, &c.business_title, &c.phone] {
            h.update(part.as_deref().unwrap_or("").trim().to_lowercase().as_bytes());
            h.update([0]);
        }
        h.update([1]);
    }
    let digest = hex::encode(h.finalize());
    format!("{} contact(s) #{}", contacts.len(), &digest[..12])
}

/// `match $f` over the fields a ListOpportunities summary carries ([`in_summary`]), rendered the same way from a
/// full record or a summary (both have the same member names), then the `$rest` arms.
macro_rules! render_summary_fields {
    ($f:expr, $record:expr, { $($rest:tt)* }) => {{
        let record = $record;
        let account = record.customer.as_ref().and_then(|c| c.account.as_ref());
        let address = account.and_then(|a| a.address.as_ref());
        let lc = record.life_cycle.as_ref();
        let p = record.project.as_ref();
        match $f {
            F::PartnerOpportunityIdentifier => record.partner_opportunity_identifier.clone(),
            F::OpportunityType => record.opportunity_type.as_ref().map(|v| v.as_str().to_owned()),
            F::CompanyName => account.map(|a| a.company_name.clone()),
            F::Industry => account.and_then(|a| industry(a.industry.as_ref().map(|i| i.as_str()), &a.other_industry)),
            F::WebsiteUrl => account.and_then(|a| a.website_url.clone()),
            F::AddressCity => address.and_then(|a| a.city.clone()),
            F::AddressPostalCode => address.and_then(|a| a.postal_code.clone()),
            F::AddressStateOrRegion => address.and_then(|a| a.state_or_region.clone()),
            F::AddressCountryCode => address.and_then(|a| a.country_code.as_ref().map(|c| c.as_str().to_owned())),
            F::Stage => lc.and_then(|l| l.stage.as_ref().map(|s| s.as_str().to_owned())),
            F::ClosedLostReason => lc.and_then(|l| l.closed_lost_reason.as_ref().map(|s| s.as_str().to_owned())),
            F::TargetCloseDate => lc.and_then(|l| l.target_close_date.clone()),
            F::NextSteps => lc.and_then(|l| l.next_steps.clone()),
            F::DeliveryModels => {
                p.and_then(|p| p.delivery_models.as_ref().map(|v| join(v, |d| d.as_str().to_owned())))
            }
            F::ExpectedCustomerSpend => p.and_then(|p| p.expected_customer_spend.as_ref().map(|v| join(v, spend))),
            $($rest)*
        }
    }};
}

/// The value of `f` in a full record (`None` = absent).
pub fn value(f: OwnedField, o: &OpportunityFields) -> Option<String> {
    let address = o
        .customer
        .as_ref()
        .and_then(|c| c.account.as_ref())
        .and_then(|a| a.address.as_ref());
    let p = o.project.as_ref();
    render_summary_fields!(f, o, {
        F::PrimaryNeedsFromAws => o
            .primary_needs_from_aws
            .as_ref()
            .map(|v| join(v, |n| n.as_str().to_owned())),
        F::NationalSecurity => o.national_security.as_ref().map(|v| v.as_str().to_owned()),
        F::AddressStreetAddress => address.and_then(|a| a.street_address.clone()),
        F::Contacts => o
            .customer
            .as_ref()
            .and_then(|c| c.contacts.as_deref())
            .map(contacts_digest),
        F::Title => p.and_then(|p| p.title.clone()),
        F::CustomerBusinessProblem => p.and_then(|p| p.customer_business_problem.clone()),
        F::CustomerUseCase => p.and_then(|p| p.customer_use_case.clone()),
        F::SalesActivities => p.and_then(|p| p.sales_activities.as_ref().map(|v| join(v, |d| d.as_str().to_owned()))),
    })
}

fn industry(industry: Option<&str>, other: &Option<String>) -> Option<String> {
    match (industry, other.as_deref()) {
        (Some(i), Some(o)) if !o.is_empty() => Some(format!("{i} ({o})")),
        (Some(i), _) => Some(i.to_owned()),
        (None, _) => None,
    }
}

/// The value of `f` in a ListOpportunities summary; `None` also for fields the summary lacks (see [`in_summary`]).
pub fn summary_value(f: OwnedField, s: &OpportunitySummary) -> Option<String> {
    render_summary_fields!(f, s, { _ => None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use partner_central::sdk::types::{Account, Customer, LifeCycle, Stage};

    #[test]
    fn renders_nested_members_and_hides_contacts() {
        let o = OpportunityFields {
            customer: Some(
                Customer::builder()
                    .account(Account::builder().company_name("Acme").build().unwrap())
                    .contacts(Contact::builder().email("a@example.com").build())
                    .build(),
            ),
            life_cycle: Some(LifeCycle::builder().stage(Stage::Qualified).build()),
            ..OpportunityFields::default()
        };
        assert_eq!(value(F::CompanyName, &o).as_deref(), Some("Acme"));
        assert_eq!(value(F::Stage, &o).as_deref(), Some("Qualified"));
        assert_eq!(value(F::Title, &o), None);
        let c = value(F::Contacts, &o).unwrap();
        assert!(c.starts_with("1 contact(s) #") && !c.contains("example"), "{c}");
        assert!(COMPARED.iter().all(|f| !name(*f).is_empty()));
    }

    #[test]
    fn summary_fields_render_as_in_the_full_record() {
        use partner_central::sdk::types::{AccountSummary, CustomerSummary, LifeCycleSummary};
        let o = OpportunityFields {
            partner_opportunity_identifier: Some("9301".into()),
            customer: Some(
                Customer::builder()
                    .account(Account::builder().company_name("Acme").build().unwrap())
                    .build(),
            ),
            life_cycle: Some(LifeCycle::builder().stage(Stage::Qualified).next_steps("Call").build()),
            ..OpportunityFields::default()
        };
        let s = OpportunitySummary::builder()
            .catalog("Sandbox")
            .partner_opportunity_identifier("9301")
            .customer(
                CustomerSummary::builder()
                    .account(AccountSummary::builder().company_name("Acme").build().unwrap())
                    .build(),
            )
            .life_cycle(
                LifeCycleSummary::builder()
                    .stage(Stage::Qualified)
                    .next_steps("Call")
                    .build(),
            )
            .build()
            .unwrap();
        for f in COMPARED {
            if in_summary(*f) {
                assert_eq!(summary_value(*f, &s), value(*f, &o), "{}", name(*f));
            } else {
                assert_eq!(summary_value(*f, &s), None, "{}", name(*f));
            }
        }
        assert_eq!(summary_value(F::NextSteps, &s).as_deref(), Some("Call"));
    }
}
