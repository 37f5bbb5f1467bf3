//! The `SyncEvent` message body and its typed vocabulary (source, object type, action, handled kind).
//!
//! Every enum has an explicit `Unknown` variant: a value this version does not know deserializes to `Unknown`
//! (never to a deal variant), and [`SyncEvent::kind`] maps anything outside the handled set to
//! [`EventKind::Unsupported`]. [`EventKind::HANDLED`] is the single source of truth for what the processor handles.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the SQS message body. Bumped on any incompatible change; readers reject other versions.
pub const SCHEMA_VERSION: u32 = 1;

/// Where an event came from. Only `hubspot` is produced today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EventSource {
    /// HubSpot webhooks.
    Hubspot,
    /// AWS (e.g. Partner Central EventBridge events).
    Aws,
    /// Microsoft partner programs.
    Microsoft,
    /// Google Cloud partner programs.
    Gcp,
}

/// CRM object type of the event's subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectType {
    /// Deal (objectTypeId `0-3`).
    Deal,
    /// Company (`0-2`).
    Company,
    /// Contact (`0-1`).
    Contact,
    /// Ticket (`0-5`).
    Ticket,
    /// Line item (`0-8`).
    LineItem,
    /// Product (`0-7`).
    Product,
    /// Note (`0-46`; only via generic `object.*` events).
    Note,
    /// Conversation thread (`conversation.*`).
    Conversation,
    /// Anything else (custom objects, other engagements, unknown prefixes).
    #[serde(other)]
    Unknown,
}

impl ObjectType {
    /// The object type of a classic subscription prefix (`deal`, `line_item`, ...).
    pub fn from_subscription_prefix(prefix: &str) -> Self {
        match prefix {
            "deal" => Self::Deal,
            "company" => Self::Company,
            "contact" => Self::Contact,
            "ticket" => Self::Ticket,
            "line_item" => Self::LineItem,
            "product" => Self::Product,
            "conversation" => Self::Conversation,
            _ => Self::Unknown,
        }
    }

    /// The object type of a HubSpot objectTypeId (`0-3` = deal, `0-46` = note, ...).
    pub fn from_object_type_id(id: &str) -> Self {
        match id {
            "0-1" => Self::Contact,
            "0-2" => Self::Company,
            "0-3" => Self::Deal,
            "0-5" => Self::Ticket,
            "0-7" => Self::Product,
            "0-8" => Self::LineItem,
            "0-46" => Self::Note,
            _ => Self::Unknown,
        }
    }

    /// Stable lowercase name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deal => "deal",
            Self::Company => "company",
            Self::Contact => "contact",
            Self::Ticket => "ticket",
            Self::LineItem => "line_item",
            Self::Product => "product",
            Self::Note => "note",
            Self::Conversation => "conversation",
            Self::Unknown => "unknown",
        }
    }
}

/// What happened to the object (the part after the dot of a subscription type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum EventAction {
    /// `*.creation`
    Creation,
    /// `*.deletion`
    Deletion,
    /// `*.merge`
    Merge,
    /// `*.restore`
    Restore,
    /// `*.propertyChange`
    PropertyChange,
    /// `*.associationChange`
    AssociationChange,
    /// `contact.privacyDeletion`, `conversation.privacyDeletion`
    PrivacyDeletion,
    /// `conversation.newMessage`
    NewMessage,
    /// `event.completed`
    Completed,
    /// Any other suffix.
    #[serde(other)]
    Unknown,
}

impl EventAction {
    /// Parses the suffix of a subscription type (`propertyChange`, ...).
    pub fn from_suffix(suffix: &str) -> Self {
        match suffix {
            "creation" => Self::Creation,
            "deletion" => Self::Deletion,
            "merge" => Self::Merge,
            "restore" => Self::Restore,
            "propertyChange" => Self::PropertyChange,
            "associationChange" => Self::AssociationChange,
            "privacyDeletion" => Self::PrivacyDeletion,
            "newMessage" => Self::NewMessage,
            "completed" => Self::Completed,
            _ => Self::Unknown,
        }
    }
}

/// The events the event-processor handles; everything else is [`EventKind::Unsupported`] and is ignored at receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// `deal.creation` (or `object.creation` with objectTypeId `0-3`).
    DealCreation,
    /// `deal.propertyChange`.
    DealPropertyChange,
    /// `deal.associationChange` (e.g. a company or contact attached to a deal).
    DealAssociationChange,
    /// `company.propertyChange`.
    CompanyPropertyChange,
    /// `contact.propertyChange`.
    ContactPropertyChange,
    /// `object.creation` with objectTypeId `0-46`.
    NoteCreation,
    /// Not handled by the processor: ignored at receipt, never enqueued.
    Unsupported,
}

impl EventKind {
    /// Every handled kind (the single source of truth for the receipt's filter and the processor's router).
    pub const HANDLED: [EventKind; 6] = [
        Self::DealCreation,
        Self::DealPropertyChange,
        Self::DealAssociationChange,
        Self::CompanyPropertyChange,
        Self::ContactPropertyChange,
        Self::NoteCreation,
    ];

    /// Classifies an (object type, action) pair.
    pub fn classify(object_type: ObjectType, action: EventAction) -> Self {
        match (object_type, action) {
            (ObjectType::Deal, EventAction::Creation) => Self::DealCreation,
            (ObjectType::Deal, EventAction::PropertyChange) => Self::DealPropertyChange,
            (ObjectType::Deal, EventAction::AssociationChange) => Self::DealAssociationChange,
            (ObjectType::Company, EventAction::PropertyChange) => Self::CompanyPropertyChange,
            (ObjectType::Contact, EventAction::PropertyChange) => Self::ContactPropertyChange,
            (ObjectType::Note, EventAction::Creation) => Self::NoteCreation,
            _ => Self::Unsupported,
        }
    }

    /// True for every kind except [`EventKind::Unsupported`].
    pub fn is_handled(self) -> bool {
        self != Self::Unsupported
    }
}

/// Association details of an `*.associationChange` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Association {
    /// e.g. `DEAL_TO_COMPANY`.
    pub association_type: Option<String>,
    /// Source object id.
    pub from_object_id: Option<String>,
    /// Target object id.
    pub to_object_id: Option<String>,
    /// True when the association was removed.
    pub association_removed: Option<bool>,
    /// True for the primary association.
    pub is_primary_association: Option<bool>,
}

/// Merge details of a `*.merge` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Merge {
    /// The surviving object.
    pub primary_object_id: Option<String>,
    /// The objects merged into it.
    pub merged_object_ids: Vec<String>,
    /// The id of the resulting object.
    pub new_object_id: Option<String>,
    /// Number of properties moved.
    pub number_of_properties_moved: Option<u64>,
}

/// One event, as carried in an SQS message body (versioned JSON, camelCase keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncEvent {
    /// Always [`SCHEMA_VERSION`] when written by this crate.
    pub schema_version: u32,
    /// Origin system.
    pub source: EventSource,
    /// The subscription type exactly as sent (`deal.propertyChange`, `object.creation`, ...).
    pub event_type: String,
    /// Object type (for `object.*` events derived from `objectTypeId`).
    pub object_type: ObjectType,
    /// What happened.
    pub action: EventAction,
    /// The subject object's id (`objectId`; `fromObjectId` for association events without one).
    pub object_id: String,
    /// HubSpot objectTypeId of generic `object.*` events (e.g. `0-46`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_type_id: Option<String>,
    /// HubSpot account (portal) id.
    pub portal_id: u64,
    /// When the change happened (epoch milliseconds, HubSpot `occurredAt`).
    pub occurred_at: i64,
    /// HubSpot app id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<u64>,
    /// HubSpot subscription id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<u64>,
    /// HubSpot eventId (not unique on its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<u64>,
    /// Changed property (propertyChange events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_name: Option<String>,
    /// New property value (propertyChange events). Never log it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_value: Option<String>,
    /// e.g. `CRM_UI`, `API`, `INTEGRATION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_source: Option<String>,
    /// e.g. `NEW`, `CREATED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_flag: Option<String>,
    /// e.g. `userId:45678`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// True when HubSpot flags the property as sensitive (generic events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_sensitive: Option<bool>,
    /// Association details (associationChange events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association: Option<Association>,
    /// Merge details (merge events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge: Option<Merge>,
    /// Correlation id of the receipt (API Gateway request id) for log correlation.
    pub correlation_id: String,
}

impl SyncEvent {
    /// The handled kind, or [`EventKind::Unsupported`].
    pub fn kind(&self) -> EventKind {
        EventKind::classify(self.object_type, self.action)
    }
}
