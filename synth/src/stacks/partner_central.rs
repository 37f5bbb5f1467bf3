//! `partner-central-access`: the IAM role the event processor assumes to call the Partner Central Selling API.
//! Only the `partnercentral:` actions the processor uses, limited to the environment's catalog; trust limited to
//! the processor role (parameter, may be in another account) with an sts:ExternalId condition.

use crate::cfn::expr::Expr;
use crate::cfn::resources::iam::{InlinePolicy, PolicyDocument, Principal, Role, Statement};
use crate::cfn::{Parameter, Template};
use crate::constructs::queue::std_tags;
use crate::env::{EnvConfig, Names};

/// The actions the processor calls (issue 4's Partner Central client).
pub const ACTIONS: [&str; 7] = [
    "partnercentral:AssociateOpportunity",
    "partnercentral:CreateOpportunity",
    "partnercentral:GetOpportunity",
    "partnercentral:ListOpportunities",
    "partnercentral:ListSolutions",
    "partnercentral:StartEngagementFromOpportunityTask",
    "partnercentral:UpdateOpportunity",
];

/// The actions among [`ACTIONS`] that support no resource-level permission.
pub const LIST_ACTIONS: [&str; 2] = ["partnercentral:ListOpportunities", "partnercentral:ListSolutions"];

/// Builds the stack.
pub fn build(cfg: &EnvConfig) -> Template {
    let n = Names::new(cfg);
    let env = cfg.name.as_str();
    let mut t = Template::new(
        format!("{env}/partner-central-access"),
        format!(
            "HubSpot -> Partner Central sync ({env}): role the event processor assumes for the Partner Central Selling API"
        ),
    );
    let processor = t.parameter(
        "ProcessorRoleArn",
        Parameter {
            allowed_pattern: Some(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$".to_owned()),
            constraint_description: Some("an IAM role ARN".to_owned()),
            ..Parameter::string("ARN of the event processor role (output EventProcessorRoleArn of async-architecture)")
        },
    );
    let external_id = t.parameter(
        "ExternalId",
        Parameter {
            allowed_pattern: Some(r"^[A-Za-z0-9+=,.@:/_-]{2,1224}$".to_owned()),
            constraint_description: Some("2-1224 characters of [A-Za-z0-9+=,.@:/_-]".to_owned()),
            default: Some(cfg.partner_central.external_id.clone()),
            min_length: Some(2),
            ..Parameter::string("sts:ExternalId the processor must present (PARTNER_CENTRAL_EXTERNAL_ID)")
        },
    );
    let trust = Statement::allow("TrustEventProcessor", &["sts:AssumeRole"], vec![])
        .principal(Principal::Aws(processor.r#ref()))
        .when("StringEquals", "sts:ExternalId", external_id.r#ref());
    let catalog = cfg.partner_central.catalog.as_str();
    // Actions with resource-level permissions: only the environment's catalog in this account.
    let scoped: Vec<&str> = ACTIONS.iter().copied().filter(|a| !LIST_ACTIONS.contains(a)).collect();
    let access = Statement::allow(
        "PartnerCentralOpportunities",
        &scoped,
        vec![Expr::sub(format!(
            "arn:${{AWS::Partition}}:partnercentral:*:${{AWS::AccountId}}:catalog/{catalog}/*"
        ))],
    );
    // List actions support no resource-level permission; the Catalog condition keeps them to one catalog.
    let list = Statement::allow("PartnerCentralLists", &LIST_ACTIONS, vec![Expr::lit("*")]).when(
        "StringEquals",
        "partnercentral:Catalog",
        Expr::lit(catalog),
    );
    let role = t.add(
        "PartnerCentralAccessRole",
        Role {
            assume_role_policy_document: PolicyDocument::new(vec![trust]),
            description: format!(
                "Assumed by {} to sync opportunities in the {} catalog",
                n.processor_fn(),
                cfg.partner_central.catalog.as_str()
            ),
            max_session_duration: Some(3600),
            policies: vec![InlinePolicy {
                policy_document: PolicyDocument::new(vec![access, list]),
                policy_name: "partner-central-opportunities".to_owned(),
            }],
            role_name: Some(Expr::lit(n.partner_central_role())),
            tags: std_tags(env, "partner-central-access"),
        },
    );
    t.output(
        "PartnerCentralRoleArn",
        "Role ARN (PARTNER_CENTRAL_ROLE_ARN of the processor)",
        role.arn(),
        Some(n.export("PartnerCentralRoleArn")),
    );
    t
}
