//! Shared test helpers: a local Partner Central server, a client pointed at it, and a complete valid opportunity.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use partner_central::sdk::config::Region;
use partner_central::sdk::types::{
    Account, Address, AwsFundingUsed, Contact, CountryCode, CurrencyCode, Customer, DeliveryModel,
    ExpectedCustomerSpend, Industry, LifeCycle, Marketing, MarketingSource, NationalSecurity, OpportunityOrigin,
    OpportunityType, PaymentFrequency, PrimaryNeedFromAws, Project, Stage,
};
use partner_central::{Catalog, NewOpportunity, OpportunityFields, PartnerCentral, PartnerCentralConfig};
use partner_central_server::PartnerCentralServer;

/// An SdkConfig in a region other than us-east-1 (the client must still sign for us-east-1).
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::from_static("eu-central-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .load()
        .await
}

/// Fast settings for functional tests: tiny write spacing and backoff.
pub fn config(server: &PartnerCentralServer) -> PartnerCentralConfig {
    let mut cfg = PartnerCentralConfig::new(Catalog::Sandbox);
    cfg.endpoint_url = Some(server.endpoint_url());
    cfg.write_interval = Duration::from_millis(1);
    cfg.initial_backoff = Duration::from_millis(5);
    cfg
}

pub async fn client(server: &PartnerCentralServer) -> PartnerCentral {
    PartnerCentral::new(&sdk_config().await, config(server)).await
}

pub fn new_opportunity(deal: &str) -> NewOpportunity {
    let account = Account::builder()
        .company_name("Acme Corp")
        .industry(Industry::SoftwareInternet)
        .website_url("https://acme.example")
        .address(
            Address::builder()
                .city("Seattle")
                .postal_code("98101")
                .state_or_region("Washington")
                .country_code(CountryCode::Us)
                .street_address("1 Main St")
                .build(),
        )
        .build()
        .unwrap();
    let contact = Contact::builder()
        .email("jane.doe@acme.example")
        .first_name("Jane")
        .last_name("Doe")
        .phone("+12065550100")
        .build();
    let spend = ExpectedCustomerSpend::builder()
        .amount("1000")
        .currency_code(CurrencyCode::Usd)
        .frequency(PaymentFrequency::Monthly)
        .target_company("AWS")
        .build()
        .unwrap();
    NewOpportunity {
        fields: OpportunityFields {
            primary_needs_from_aws: Some(vec![PrimaryNeedFromAws::CoSellArchitecturalValidation]),
            national_security: Some(NationalSecurity::No),
            partner_opportunity_identifier: Some(format!("hs-deal-{deal}")),
            customer: Some(Customer::builder().account(account).contacts(contact).build()),
            project: Some(
                Project::builder()
                    .title("Data platform")
                    .customer_business_problem("Needs a modern data platform for analytics")
                    .customer_use_case("Migration/Database Migration")
                    .delivery_models(DeliveryModel::SaasOrPaas)
                    .expected_customer_spend(spend)
                    .build(),
            ),
            opportunity_type: Some(OpportunityType::NetNewBusiness),
            marketing: Some(
                Marketing::builder()
                    .source(MarketingSource::None)
                    .aws_funding_used(AwsFundingUsed::No)
                    .build(),
            ),
            software_revenue: None,
            life_cycle: Some(
                LifeCycle::builder()
                    .stage(Stage::Prospect)
                    .target_close_date("2030-01-15")
                    .next_steps("Kickoff")
                    .build(),
            ),
        },
        origin: Some(OpportunityOrigin::PartnerReferral),
        opportunity_team: Some(vec![
            Contact::builder()
                .email("owner@partner.example")
                .first_name("Olly")
                .last_name("Owner")
                .business_title("OpportunityOwner")
                .build(),
        ]),
        tags: None,
    }
}
