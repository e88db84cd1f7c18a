//! Microsoft Graph v1.0's own path segments, read from `tenant-sim/data/graph-v1.0-model.json` (generated
//! by `tenant-sim/data/generate.py` from Microsoft's CSDL in
//! <https://github.com/microsoftgraph/msgraph-metadata>, with its commit and date): the entity sets and
//! singletons, and for the types tenant-sim routes, their navigation properties and bound actions and
//! functions. The router asks it whether a segment it does not serve exists in Graph (then the answer
//! says tenant-sim does not simulate it) or not (then Graph's own "Resource not found for the segment").

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// The data file, built into the crate.
const DATA: &str = include_str!("../../data/graph-v1.0-model.json");

/// One entity type of the model.
#[derive(Debug, Deserialize)]
struct EntityType {
    base: Option<String>,
    navigation: HashMap<String, String>,
    operations: Vec<String>,
    collection_operations: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Model {
    roots: HashMap<String, String>,
    types: HashMap<String, EntityType>,
    entity_types: Vec<String>,
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    // Generated and built in; a unit test parses it, so this cannot fail at run time.
    MODEL.get_or_init(|| serde_json::from_str(DATA).expect("graph-v1.0-model.json parses"))
}

/// Where a path segment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    /// Directly under `/v1.0`.
    Root,
    /// Under one object of this entity type (`/applications/{id}/…`).
    Entity(&'a str),
    /// Under a collection of this entity type (`/applications/…`).
    Collection(&'a str),
}

/// The type-cast segment `microsoft.graph.{type}`'s type name, if the segment is one.
pub fn cast_type(segment: &str) -> Option<&str> {
    segment.strip_prefix("microsoft.graph.")
}

/// Whether `segment` (an action or function name may carry the `microsoft.graph.` prefix, and may end
/// in a parenthesised key or parameter list) exists in Microsoft Graph v1.0 at `place`.
pub fn exists(place: Place<'_>, segment: &str) -> bool {
    let name = segment.split('(').next().unwrap_or(segment);
    let model = model();
    if let Some(cast) = cast_type(name)
        && model.entity_types.iter().any(|t| t == cast)
    {
        return !matches!(place, Place::Root);
    }
    let bare = cast_type(name).unwrap_or(name);
    match place {
        Place::Root => model.roots.contains_key(name),
        Place::Entity(type_name) => ancestry(type_name).any(|entity| {
            entity.navigation.contains_key(name) || entity.operations.iter().any(|o| o == bare)
        }),
        Place::Collection(type_name) => {
            name == "$count"
                || ancestry(type_name)
                    .any(|entity| entity.collection_operations.iter().any(|o| o == bare))
        }
    }
}

/// The entity type a navigation property of `type_name` leads to.
pub fn navigation_target(type_name: &str, navigation: &str) -> Option<&'static str> {
    let model = model();
    let mut current = Some(type_name);
    while let Some(name) = current {
        let entity = model.types.get(name)?;
        if let Some(target) = entity.navigation.get(navigation) {
            return Some(target.as_str());
        }
        current = entity.base.as_deref();
    }
    None
}

/// `type_name` and its base types, as far as the model knows them.
fn ancestry(type_name: &str) -> impl Iterator<Item = &'static EntityType> {
    let model = model();
    let mut next = model.types.get(type_name);
    std::iter::from_fn(move || {
        let current = next?;
        next = current
            .base
            .as_deref()
            .and_then(|base| model.types.get(base));
        Some(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_knows_graphs_segments_and_not_made_up_ones() {
        assert!(exists(Place::Root, "groups"));
        assert!(exists(Place::Root, "applications"));
        assert!(!exists(Place::Root, "applicatons"));
        assert!(exists(Place::Entity("application"), "extensionProperties"));
        assert!(exists(
            Place::Entity("application"),
            "microsoft.graph.addKey"
        ));
        assert!(exists(Place::Entity("application"), "setVerifiedPublisher"));
        // Inherited from directoryObject.
        assert!(exists(Place::Entity("application"), "checkMemberGroups"));
        assert!(!exists(Place::Entity("application"), "frobnicate"));
        assert!(exists(Place::Entity("user"), "messages"));
        assert!(exists(Place::Collection("application"), "delta()"));
        assert!(exists(Place::Collection("servicePrincipal"), "$count"));
        assert!(exists(
            Place::Entity("user"),
            "microsoft.graph.directoryRole"
        ));
        assert!(!exists(Place::Entity("user"), "microsoft.graph.noSuchType"));
        assert_eq!(
            navigation_target("user", "memberOf"),
            Some("directoryObject")
        );
        assert_eq!(
            navigation_target("roleManagement", "directory"),
            Some("rbacApplication")
        );
    }
}
