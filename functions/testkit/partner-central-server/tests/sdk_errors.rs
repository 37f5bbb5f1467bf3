//! The real Rust SDK against the server: it parses every error into the right typed variant, treats
//! ThrottlingException and 5xx as retryable (standard retry) and AccessDenied/Validation as final.
#![allow(clippy::unwrap_used)]

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_credential_types::Credentials;
use aws_sdk_partnercentralselling::config::Region;
use aws_sdk_partnercentralselling::error::ProvideErrorMetadata;
use aws_sdk_partnercentralselling::operation::create_opportunity::CreateOpportunityError;
use aws_sdk_partnercentralselling::operation::get_opportunity::GetOpportunityError;
use aws_sdk_partnercentralselling::operation::list_solutions::ListSolutionsError;
use aws_sdk_partnercentralselling::types::{
    Account, Contact, Customer, Industry, ValidationExceptionErrorCode, ValidationExceptionReason,
};
use aws_sdk_partnercentralselling::{Client, Config};
use partner_central_server::{FaultKind, PartnerCentralServer};
use std::time::Duration;

fn client(server: &PartnerCentralServer, max_attempts: u32) -> Client {
    let conf = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::from_static("us-east-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .endpoint_url(server.endpoint_url())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(max_attempts)
                .with_initial_backoff(Duration::from_millis(5)),
        )
        .build();
    Client::from_conf(conf)
}

#[tokio::test]
async fn validation_exception_is_parsed_with_field_list() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server, 3);
    let account = Account::builder()
        .company_name("x".repeat(121))
        .industry(Industry::from("Software & Internet"))
        .website_url("https://acme.example")
        .build()
        .unwrap();
    let err = pc
        .create_opportunity()
        .catalog("Sandbox")
        .client_token("t-1")
        .customer(
            Customer::builder()
                .account(account)
                .contacts(Contact::builder().email("NOT-LOWER@Acme.example").build())
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    let service = err.into_service_error();
    let CreateOpportunityError::ValidationException(v) = &service else {
        panic!("expected ValidationException, got {service:?}")
    };
    assert_eq!(v.reason(), &ValidationExceptionReason::RequestValidationFailed);
    let mut fields: Vec<(String, ValidationExceptionErrorCode)> = v
        .error_list()
        .iter()
        .map(|e| (e.field_name().unwrap().to_string(), e.code().clone()))
        .collect();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        fields,
        vec![
            (
                "Customer.Account.CompanyName".to_string(),
                ValidationExceptionErrorCode::InvalidStringFormat
            ),
            (
                "Customer.Account.Industry".to_string(),
                ValidationExceptionErrorCode::InvalidEnumValue
            ),
            (
                "Customer.Contacts[0].Email".to_string(),
                ValidationExceptionErrorCode::InvalidStringFormat
            ),
        ]
    );
    assert_eq!(
        server.count("CreateOpportunity"),
        1,
        "validation errors are not retried"
    );
    assert_eq!(
        server.requests()[0].body["ClientToken"],
        "t-1",
        "the caller's token is on the wire"
    );
}

#[tokio::test]
async fn conflict_and_not_found_are_typed() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server, 3);
    pc.create_opportunity()
        .catalog("Sandbox")
        .client_token("same")
        .send()
        .await
        .unwrap();
    let err = pc
        .create_opportunity()
        .catalog("Sandbox")
        .client_token("same")
        .partner_opportunity_identifier("changed")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(err, CreateOpportunityError::ConflictException(_)), "{err:?}");
    assert_eq!(
        err.message(),
        Some("Conflicting client token submitted for a new request body.")
    );
    let err = pc
        .get_opportunity()
        .catalog("Sandbox")
        .identifier("O424242")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, GetOpportunityError::ResourceNotFoundException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn throttling_and_5xx_are_retried_by_the_sdk() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server, 3);
    server.inject_fault(FaultKind::Throttling, 2);
    pc.list_solutions().catalog("Sandbox").send().await.unwrap();
    assert_eq!(
        server.count("ListSolutions"),
        3,
        "two throttles retried, third attempt succeeded"
    );

    server.clear_log();
    server.inject_fault(FaultKind::Internal, 1);
    pc.list_solutions().catalog("Sandbox").send().await.unwrap();
    assert_eq!(server.count("ListSolutions"), 2);

    server.clear_log();
    server.inject_fault(FaultKind::Throttling, 5);
    let err = pc
        .list_solutions()
        .catalog("Sandbox")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(err, ListSolutionsError::ThrottlingException(_)), "{err:?}");
    assert_eq!(server.count("ListSolutions"), 3, "max attempts honoured");
    server.clear_faults();

    server.clear_log();
    server.inject_fault(FaultKind::Internal, 5);
    let err = pc
        .list_solutions()
        .catalog("Sandbox")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(err, ListSolutionsError::InternalServerException(_)), "{err:?}");
    server.clear_faults();
}

#[tokio::test]
async fn access_denied_is_typed_and_not_retried() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server, 3);
    server.inject_fault(FaultKind::AccessDenied, 3);
    let err = pc
        .list_solutions()
        .catalog("Sandbox")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(err, ListSolutionsError::AccessDeniedException(_)), "{err:?}");
    assert_eq!(server.count("ListSolutions"), 1);
}

#[tokio::test]
async fn sdk_requests_carry_auth_and_target() {
    let server = PartnerCentralServer::start().await.unwrap();
    let pc = client(&server, 1);
    pc.list_solutions().catalog("Sandbox").send().await.unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.operation, "ListSolutions");
    let auth = r.authorization.as_deref().unwrap();
    assert!(
        auth.contains("/us-east-1/partnercentral-selling/aws4_request"),
        "{auth}"
    );
    assert!(r.security_token.is_none());
}
