//! Object types, property definitions and association types of the local HubSpot server.
//!
//! The property sets mirror HubSpot's defaults for each object plus the sync's custom deal properties, so that a PATCH
//! naming a property that does not exist fails here as it does on HubSpot. Tests and the standalone binary can define
//! more properties.

use std::collections::{BTreeMap, BTreeSet};

/// A CRM object type the server knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectType {
    /// `contacts` (object type id `0-1`).
    Contacts,
    /// `companies` (object type id `0-2`).
    Companies,
    /// `deals` (object type id `0-3`).
    Deals,
    /// `notes` (object type id `0-46`).
    Notes,
}

impl ObjectType {
    /// Every object type, in a stable order.
    pub const ALL: [ObjectType; 4] = [
        ObjectType::Contacts,
        ObjectType::Companies,
        ObjectType::Deals,
        ObjectType::Notes,
    ];

    /// Parses a path segment: the plural name or the object type id (`deals` or `0-3`).
    pub fn from_path(segment: &str) -> Option<Self> {
        match segment {
            "contacts" | "contact" | "0-1" => Some(Self::Contacts),
            "companies" | "company" | "0-2" => Some(Self::Companies),
            "deals" | "deal" | "0-3" => Some(Self::Deals),
            "notes" | "note" | "0-46" => Some(Self::Notes),
            _ => None,
        }
    }

    /// The plural name used in paths and association keys (`deals`).
    pub fn plural(self) -> &'static str {
        match self {
            Self::Contacts => "contacts",
            Self::Companies => "companies",
            Self::Deals => "deals",
            Self::Notes => "notes",
        }
    }

    /// The singular name used in v3 association labels (`deal_to_company`).
    pub fn singular(self) -> &'static str {
        match self {
            Self::Contacts => "contact",
            Self::Companies => "company",
            Self::Deals => "deal",
            Self::Notes => "note",
        }
    }

    /// The upper-case name HubSpot uses in batch error messages (`COMPANY`).
    pub fn upper(self) -> &'static str {
        match self {
            Self::Contacts => "CONTACT",
            Self::Companies => "COMPANY",
            Self::Deals => "DEAL",
            Self::Notes => "NOTE",
        }
    }

    /// The property holding the last-modified timestamp (contacts differ from the rest).
    pub fn last_modified_property(self) -> &'static str {
        match self {
            Self::Contacts => "lastmodifieddate",
            _ => "hs_lastmodifieddate",
        }
    }

    /// The property holding the creation timestamp.
    pub fn created_property(self) -> &'static str {
        match self {
            Self::Notes => "hs_createdate",
            _ => "createdate",
        }
    }

    /// Properties returned when a read names none.
    pub fn default_read_properties(self) -> &'static [&'static str] {
        match self {
            Self::Contacts => &[
                "createdate",
                "email",
                "firstname",
                "hs_object_id",
                "lastmodifieddate",
                "lastname",
            ],
            Self::Companies => &["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
            Self::Deals => &[
                "amount",
                "closedate",
                "createdate",
                "dealname",
                "dealstage",
                "hs_lastmodifieddate",
                "hs_object_id",
                "pipeline",
            ],
            Self::Notes => &["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
        }
    }

    /// Properties HubSpot always adds to a read, requested or not.
    pub fn always_returned_properties(self) -> [&'static str; 3] {
        [self.created_property(), self.last_modified_property(), "hs_object_id"]
    }
}

/// The custom deal properties the sync writes back (created by the sync's property setup on a real portal).
pub const SYNC_DEAL_PROPERTIES: &[&str] = &[
    "aws_opportunity_id",
    "aws_opportunity_arn",
    "aws_opportunity_title",
    "aws_review_status",
    "aws_sync_status",
    "aws_sync_error",
    "aws_last_sync",
    "aws_invitation_id",
    "aws_industry",
    "aws_delivery_models",
    "aws_primary_needs",
    "aws_use_case",
    "aws_expected_spend",
    "aws_engagement_score",
    "aws_submission_date",
    "aws_involvement_type",
    "aws_visibility",
    "aws_seller_name",
    "aws_next_steps",
    "aws_last_summary_sync",
    "aws_solution_ids",
    "aws_psm_name",
    "aws_psm_email",
    "aws_psm_phone",
    "aws_contact_company_last_sync",
];

const DEAL_DEFAULTS: &[&str] = &[
    "amount",
    "closed_lost_reason",
    "closed_won_reason",
    "closedate",
    "createdate",
    "days_to_close",
    "deal_currency_code",
    "dealname",
    "dealstage",
    "dealtype",
    "description",
    "hs_acv",
    "hs_arr",
    "hs_deal_stage_probability",
    "hs_forecast_amount",
    "hs_is_closed",
    "hs_is_closed_won",
    "hs_lastmodifieddate",
    "hs_mrr",
    "hs_next_step",
    "hs_object_id",
    "hs_priority",
    "hs_tcv",
    "hubspot_owner_id",
    "notes_last_updated",
    "notes_next_activity_date",
    "notes_next_activity_description",
    "num_associated_contacts",
    "pipeline",
];

const COMPANY_DEFAULTS: &[&str] = &[
    "address",
    "annualrevenue",
    "city",
    "country",
    "createdate",
    "description",
    "domain",
    "hs_lastmodifieddate",
    "hs_object_id",
    "hubspot_owner_id",
    "industry",
    "lifecyclestage",
    "name",
    "numberofemployees",
    "phone",
    "state",
    "website",
    "zip",
];

const CONTACT_DEFAULTS: &[&str] = &[
    "company",
    "createdate",
    "email",
    "firstname",
    "hs_object_id",
    "hubspot_owner_id",
    "jobtitle",
    "lastmodifieddate",
    "lastname",
    "lifecyclestage",
    "mobilephone",
    "phone",
];

const NOTE_DEFAULTS: &[&str] = &[
    "hs_attachment_ids",
    "hs_createdate",
    "hs_lastmodifieddate",
    "hs_note_body",
    "hs_object_id",
    "hs_timestamp",
    "hubspot_owner_id",
];

/// Calculated or system properties that a write may not set.
const READ_ONLY: &[&str] = &[
    "days_to_close",
    "hs_createdate",
    "hs_deal_stage_probability",
    "hs_is_closed",
    "hs_is_closed_won",
    "hs_lastmodifieddate",
    "hs_object_id",
    "lastmodifieddate",
    "num_associated_contacts",
];

/// The property definitions of one object type.
#[derive(Debug, Clone, Default)]
pub struct PropertySchema {
    /// Every property name that exists.
    pub all: BTreeSet<String>,
    /// Properties that exist but cannot be written.
    pub read_only: BTreeSet<String>,
}

impl PropertySchema {
    fn from_names(names: &[&str]) -> Self {
        let all: BTreeSet<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let read_only = READ_ONLY
            .iter()
            .filter(|n| all.contains(**n))
            .map(|n| (*n).to_owned())
            .collect();
        Self { all, read_only }
    }

    /// Whether a property exists.
    pub fn exists(&self, name: &str) -> bool {
        self.all.contains(name)
    }
}

/// HubSpot's default properties per object type, plus the sync's deal properties.
pub fn default_schemas() -> BTreeMap<ObjectType, PropertySchema> {
    let deals: Vec<&str> = DEAL_DEFAULTS.iter().chain(SYNC_DEAL_PROPERTIES).copied().collect();
    BTreeMap::from([
        (ObjectType::Deals, PropertySchema::from_names(&deals)),
        (ObjectType::Companies, PropertySchema::from_names(COMPANY_DEFAULTS)),
        (ObjectType::Contacts, PropertySchema::from_names(CONTACT_DEFAULTS)),
        (ObjectType::Notes, PropertySchema::from_names(NOTE_DEFAULTS)),
    ])
}

/// The HubSpot-defined association type id from one object type to another (v4 `typeId`).
///
/// `primary` selects the primary deal/company label where one exists (deal to company 5, company to deal 6).
pub fn association_type_id(from: ObjectType, to: ObjectType, primary: bool) -> Option<u32> {
    use ObjectType::*;
    Some(match (from, to) {
        (Deals, Companies) if primary => 5,
        (Deals, Companies) => 341,
        (Companies, Deals) if primary => 6,
        (Companies, Deals) => 342,
        (Deals, Contacts) => 3,
        (Contacts, Deals) => 4,
        (Deals, Notes) => 213,
        (Notes, Deals) => 214,
        (Companies, Notes) => 189,
        (Notes, Companies) => 190,
        (Contacts, Notes) => 201,
        (Notes, Contacts) => 202,
        (Contacts, Companies) => 279,
        (Companies, Contacts) => 280,
        _ => return None,
    })
}

/// The v3 association label (`deal_to_company`).
pub fn association_label(from: ObjectType, to: ObjectType) -> String {
    format!("{}_to_{}", from.singular(), to.singular())
}
