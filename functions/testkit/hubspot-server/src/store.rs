//! In-memory CRM state of the local HubSpot server: objects, property definitions and associations.
//!
//! Reads render objects in HubSpot's v3 shape: requested properties that exist but are unset come back as `null`,
//! unknown property names are ignored, and association lists are omitted when empty.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::schema::{ObjectType, PropertySchema, association_label, association_type_id, default_schemas};

/// One stored CRM object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    /// Numeric id as a string.
    pub id: String,
    /// Property values that are set (unset properties are absent).
    pub properties: BTreeMap<String, String>,
    /// ISO-8601 creation time.
    pub created_at: String,
    /// ISO-8601 last update time.
    pub updated_at: String,
}

/// A directed association edge; every association is stored in both directions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    /// Source type.
    pub from: ObjectType,
    /// Source id.
    pub from_id: String,
    /// Target type.
    pub to: ObjectType,
    /// Target id.
    pub to_id: String,
    /// Whether this is the primary deal/company association.
    pub primary: bool,
}

/// Errors from the seeding API (test set-up mistakes, reported instead of silently accepted).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SeedError {
    /// The id is not a positive decimal number, as HubSpot ids are.
    #[error("object id {0:?} is not numeric")]
    BadId(String),
    /// The property is not defined for the object type; define it first.
    #[error("property {property:?} does not exist on {object_type:?}")]
    UnknownProperty {
        /// Object type.
        object_type: ObjectType,
        /// Property name.
        property: String,
    },
    /// An association end does not exist.
    #[error("{object_type:?} {id} does not exist")]
    MissingObject {
        /// Object type.
        object_type: ObjectType,
        /// Object id.
        id: String,
    },
    /// HubSpot defines no association between these types.
    #[error("no association type from {from:?} to {to:?}")]
    NoAssociationType {
        /// From type.
        from: ObjectType,
        /// To type.
        to: ObjectType,
    },
}

/// The server's CRM state.
#[derive(Debug, Clone)]
pub struct Store {
    /// Property definitions per type.
    pub schemas: BTreeMap<ObjectType, PropertySchema>,
    /// Objects per type, by id.
    pub objects: BTreeMap<ObjectType, BTreeMap<String, StoredObject>>,
    /// Association edges (both directions).
    pub edges: BTreeSet<Edge>,
    /// Next id for created objects.
    pub next_id: u64,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            schemas: default_schemas(),
            objects: BTreeMap::new(),
            edges: BTreeSet::new(),
            next_id: 90_000_000_001,
        }
    }
}

/// The current time in HubSpot's ISO format with milliseconds.
pub fn now_iso() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn is_numeric_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit())
}

impl Store {
    /// The schema of a type (every type has one).
    pub fn schema(&self, object_type: ObjectType) -> PropertySchema {
        self.schemas.get(&object_type).cloned().unwrap_or_default()
    }

    /// Adds a property definition.
    pub fn define_property(&mut self, object_type: ObjectType, name: &str) {
        self.schemas.entry(object_type).or_default().all.insert(name.to_owned());
    }

    /// Looks an object up.
    pub fn get(&self, object_type: ObjectType, id: &str) -> Option<&StoredObject> {
        self.objects.get(&object_type).and_then(|m| m.get(id))
    }

    /// Inserts or replaces an object with the given properties (system properties are filled in).
    pub fn seed(
        &mut self,
        object_type: ObjectType,
        id: &str,
        properties: BTreeMap<String, String>,
    ) -> Result<(), SeedError> {
        if !is_numeric_id(id) {
            return Err(SeedError::BadId(id.to_owned()));
        }
        let schema = self.schema(object_type);
        if let Some(unknown) = properties.keys().find(|k| !schema.exists(k)) {
            return Err(SeedError::UnknownProperty {
                object_type,
                property: unknown.clone(),
            });
        }
        self.insert(object_type, id.to_owned(), properties);
        Ok(())
    }

    /// Creates an object with a fresh id and returns that id.
    pub fn create(&mut self, object_type: ObjectType, properties: BTreeMap<String, String>) -> String {
        let mut id = self.next_id.to_string();
        self.next_id += 1;
        while self.get(object_type, &id).is_some() {
            id = self.next_id.to_string();
            self.next_id += 1;
        }
        self.insert(object_type, id.clone(), properties);
        id
    }

    fn insert(&mut self, object_type: ObjectType, id: String, mut properties: BTreeMap<String, String>) {
        let now = now_iso();
        let created = properties
            .get(object_type.created_property())
            .cloned()
            .unwrap_or_else(|| now.clone());
        properties.insert(object_type.created_property().to_owned(), created.clone());
        properties.insert(object_type.last_modified_property().to_owned(), now.clone());
        properties.insert("hs_object_id".to_owned(), id.clone());
        let object = StoredObject {
            id: id.clone(),
            properties,
            created_at: created,
            updated_at: now,
        };
        self.objects.entry(object_type).or_default().insert(id, object);
    }

    /// Applies property updates (already validated); an empty string clears a value.
    pub fn update(&mut self, object_type: ObjectType, id: &str, updates: BTreeMap<String, String>) -> bool {
        let Some(object) = self.objects.get_mut(&object_type).and_then(|m| m.get_mut(id)) else {
            return false;
        };
        for (name, value) in updates {
            if value.is_empty() {
                object.properties.remove(&name);
            } else {
                object.properties.insert(name, value);
            }
        }
        let now = now_iso();
        object
            .properties
            .insert(object_type.last_modified_property().to_owned(), now.clone());
        object.updated_at = now;
        true
    }

    /// Associates two existing objects in both directions.
    pub fn associate(
        &mut self,
        from: ObjectType,
        from_id: &str,
        to: ObjectType,
        to_id: &str,
        primary: bool,
    ) -> Result<(), SeedError> {
        if association_type_id(from, to, false).is_none() {
            return Err(SeedError::NoAssociationType { from, to });
        }
        for (t, id) in [(from, from_id), (to, to_id)] {
            if self.get(t, id).is_none() {
                return Err(SeedError::MissingObject {
                    object_type: t,
                    id: id.to_owned(),
                });
            }
        }
        let edge = |a: ObjectType, a_id: &str, b: ObjectType, b_id: &str| Edge {
            from: a,
            from_id: a_id.to_owned(),
            to: b,
            to_id: b_id.to_owned(),
            primary,
        };
        self.edges.insert(edge(from, from_id, to, to_id));
        self.edges.insert(edge(to, to_id, from, from_id));
        Ok(())
    }

    /// Edges from one object to objects of one type, ordered numerically by target id.
    pub fn edges_from(&self, from: ObjectType, from_id: &str, to: ObjectType) -> Vec<&Edge> {
        let mut edges: Vec<&Edge> = self
            .edges
            .iter()
            .filter(|e| e.from == from && e.from_id == from_id && e.to == to)
            .collect();
        edges.sort_by_key(|e| (e.to_id.len(), e.to_id.clone()));
        edges
    }

    /// Renders the `properties` object of a read: requested (or default) properties that exist, `null` when unset.
    pub fn render_properties(&self, object_type: ObjectType, object: &StoredObject, requested: &[String]) -> Value {
        let schema = self.schema(object_type);
        let mut names: BTreeSet<&str> = object_type.always_returned_properties().into_iter().collect();
        if requested.is_empty() {
            names.extend(object_type.default_read_properties());
        } else {
            names.extend(requested.iter().map(String::as_str).filter(|n| schema.exists(n)));
        }
        let map: Map<String, Value> = names
            .into_iter()
            .map(|n| {
                (
                    n.to_owned(),
                    object
                        .properties
                        .get(n)
                        .map_or(Value::Null, |v| Value::String(v.clone())),
                )
            })
            .collect();
        Value::Object(map)
    }

    /// Renders an object in the v3 single-object shape, with the requested association lists.
    pub fn render_object(
        &self,
        object_type: ObjectType,
        object: &StoredObject,
        requested: &[String],
        associations: &[ObjectType],
        association_page_limit: usize,
    ) -> Value {
        let mut body = json!({
            "id": object.id,
            "properties": self.render_properties(object_type, object, requested),
            "createdAt": object.created_at,
            "updatedAt": object.updated_at,
            "archived": false,
        });
        let mut assoc = Map::new();
        for &to in associations {
            let mut results = Vec::new();
            for edge in self.edges_from(object_type, &object.id, to) {
                let label = association_label(object_type, to);
                // HubSpot lists a primary deal/company association twice: the primary label and the unlabeled one.
                if edge.primary {
                    results.push(json!({"id": edge.to_id, "type": label}));
                    results.push(json!({"id": edge.to_id, "type": format!("{label}_unlabeled")}));
                } else if matches!((object_type, to), (ObjectType::Deals, ObjectType::Companies)) {
                    results.push(json!({"id": edge.to_id, "type": format!("{label}_unlabeled")}));
                } else {
                    results.push(json!({"id": edge.to_id, "type": label}));
                }
            }
            if results.is_empty() {
                continue;
            }
            let mut list = Map::new();
            if results.len() > association_page_limit {
                results.truncate(association_page_limit);
                let after = association_page_limit.to_string();
                list.insert(
                    "paging".into(),
                    json!({"next": {"after": after, "link": format!("?after={after}")}}),
                );
            }
            list.insert("results".into(), Value::Array(results));
            assoc.insert(to.plural().to_owned(), Value::Object(list));
        }
        if !assoc.is_empty()
            && let Some(obj) = body.as_object_mut()
        {
            obj.insert("associations".into(), Value::Object(assoc));
        }
        body
    }
}
