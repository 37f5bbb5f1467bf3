//! A borrowed view of one event: what the group id, the dedup id and the body writer read. It is built either from
//! a [`SyncEvent`] ([`SyncEvent::view`]) or straight from a HubSpot wire event borrowing the request body (the
//! receipt's hot path, no per-field `String`s), so both paths share one implementation of every output.

use crate::event::{Association, EventAction, EventKind, EventSource, Merge, ObjectType, SyncEvent};
use crate::wire::Id;

/// Every field of a [`SyncEvent`], borrowed.
#[derive(Debug, Clone)]
pub(crate) struct EventView<'a> {
    pub schema_version: u32,
    pub source: EventSource,
    pub event_type: &'a str,
    pub object_type: ObjectType,
    pub action: EventAction,
    pub object_id: &'a str,
    pub object_type_id: Option<&'a str>,
    pub portal_id: u64,
    pub occurred_at: i64,
    pub app_id: Option<u64>,
    pub subscription_id: Option<u64>,
    pub event_id: Option<u64>,
    pub property_name: Option<&'a str>,
    pub property_value: Option<&'a str>,
    pub change_source: Option<&'a str>,
    pub change_flag: Option<&'a str>,
    pub source_id: Option<&'a str>,
    pub is_sensitive: Option<bool>,
    pub association: Option<AssociationView<'a>>,
    pub merge: Option<MergeView<'a>>,
    pub correlation_id: &'a str,
}

/// [`Association`], borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AssociationView<'a> {
    pub association_type: Option<&'a str>,
    pub from_object_id: Option<&'a str>,
    pub to_object_id: Option<&'a str>,
    pub association_removed: Option<bool>,
    pub is_primary_association: Option<bool>,
}

/// [`Merge`], borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MergeView<'a> {
    pub primary_object_id: Option<&'a str>,
    pub merged_object_ids: MergedIds<'a>,
    pub new_object_id: Option<&'a str>,
    pub number_of_properties_moved: Option<u64>,
}

/// Merged object ids: strings of a [`SyncEvent`] or numeric ids of a wire event (rendered in decimal).
#[derive(Debug, Clone, Copy)]
pub(crate) enum MergedIds<'a> {
    Strings(&'a [String]),
    Numbers(&'a [Id]),
}

impl MergedIds<'_> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Strings(s) => s.len(),
            Self::Numbers(n) => n.len(),
        }
    }

    /// Calls `f` with each id's text, in order.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&str)) {
        match self {
            Self::Strings(s) => s.iter().for_each(|id| f(id)),
            Self::Numbers(n) => n.iter().for_each(|id| f(crate::wire::IdText::new(id.0).as_str())),
        }
    }
}

impl EventView<'_> {
    /// The handled kind, or [`EventKind::Unsupported`].
    pub(crate) fn kind(&self) -> EventKind {
        EventKind::classify(self.object_type, self.action)
    }

    /// The owned event.
    pub(crate) fn to_event(&self) -> SyncEvent {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        SyncEvent {
            schema_version: self.schema_version,
            source: self.source,
            event_type: self.event_type.to_owned(),
            object_type: self.object_type,
            action: self.action,
            object_id: self.object_id.to_owned(),
            object_type_id: owned(self.object_type_id),
            portal_id: self.portal_id,
            occurred_at: self.occurred_at,
            app_id: self.app_id,
            subscription_id: self.subscription_id,
            event_id: self.event_id,
            property_name: owned(self.property_name),
            property_value: owned(self.property_value),
            change_source: owned(self.change_source),
            change_flag: owned(self.change_flag),
            source_id: owned(self.source_id),
            is_sensitive: self.is_sensitive,
            association: self.association.map(|a| Association {
                association_type: owned(a.association_type),
                from_object_id: owned(a.from_object_id),
                to_object_id: owned(a.to_object_id),
                association_removed: a.association_removed,
                is_primary_association: a.is_primary_association,
            }),
            merge: self.merge.map(|m| {
                let mut merged_object_ids = Vec::with_capacity(m.merged_object_ids.len());
                m.merged_object_ids.for_each(|id| merged_object_ids.push(id.to_owned()));
                Merge {
                    primary_object_id: owned(m.primary_object_id),
                    merged_object_ids,
                    new_object_id: owned(m.new_object_id),
                    number_of_properties_moved: m.number_of_properties_moved,
                }
            }),
            correlation_id: self.correlation_id.to_owned(),
        }
    }
}

impl SyncEvent {
    /// This event, borrowed.
    pub(crate) fn view(&self) -> EventView<'_> {
        EventView {
            schema_version: self.schema_version,
            source: self.source,
            event_type: &self.event_type,
            object_type: self.object_type,
            action: self.action,
            object_id: &self.object_id,
            object_type_id: self.object_type_id.as_deref(),
            portal_id: self.portal_id,
            occurred_at: self.occurred_at,
            app_id: self.app_id,
            subscription_id: self.subscription_id,
            event_id: self.event_id,
            property_name: self.property_name.as_deref(),
            property_value: self.property_value.as_deref(),
            change_source: self.change_source.as_deref(),
            change_flag: self.change_flag.as_deref(),
            source_id: self.source_id.as_deref(),
            is_sensitive: self.is_sensitive,
            association: self.association.as_ref().map(|a| AssociationView {
                association_type: a.association_type.as_deref(),
                from_object_id: a.from_object_id.as_deref(),
                to_object_id: a.to_object_id.as_deref(),
                association_removed: a.association_removed,
                is_primary_association: a.is_primary_association,
            }),
            merge: self.merge.as_ref().map(|m| MergeView {
                primary_object_id: m.primary_object_id.as_deref(),
                merged_object_ids: MergedIds::Strings(&m.merged_object_ids),
                new_object_id: m.new_object_id.as_deref(),
                number_of_properties_moved: m.number_of_properties_moved,
            }),
            correlation_id: &self.correlation_id,
        }
    }
}
