//! The schemas of the API's value sets for the web's own request structs (those of `crates/app`
//! use `mnir_app::schema` directly): closed lists of codes (`schema_with = codes::<T>`), the
//! counties of the reference data, and the sets a deployment keeps in its database, whose
//! markers the served document replaces with the set of the moment ([`fill_value_sets`]).

use mnir_app::schema::{MARKER, ValueSet};
use mnir_domain::Vocabulary;
use serde_json::Value;
use utoipa::openapi::Array;
use utoipa::openapi::schema::{ArrayBuilder, Object, ObjectBuilder, Type};

/// A day as the API writes one.
pub const DAY_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
/// A day, or the empty text for none.
pub const OPTIONAL_DAY_PATTERN: &str = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$";
/// A text that says something: at least one character that is not a space.
pub const SOME_TEXT: &str = r"\S";

fn enum_of(texts: impl IntoIterator<Item = String>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(texts))
        .build()
}

fn list_of(item: Object) -> Array {
    ArrayBuilder::new().items(item).build()
}

/// One code of a closed list.
pub fn codes<T: Vocabulary>() -> Object {
    mnir_app::schema::code::<T>()
}

/// A county of the reference data (ISO 3166-2).
pub fn county() -> Object {
    enum_of(
        mnir_domain::reference::counties()
            .iter()
            .map(|c| c.code.clone()),
    )
}

/// An organisation of the register, by its code.
pub fn organisation() -> Object {
    mnir_app::schema::organisation()
}

/// Indicators of the catalogue in force; a code given twice counts once, so repeats are not
/// refused.
pub fn indicator_list() -> Array {
    list_of(mnir_app::schema::indicator())
}

/// Adds `rule` to what `schema` requires (its `allOf`), keeping what it says already.
pub fn add_rule(schema: &mut Value, rule: Value) {
    if let Some(map) = schema.as_object_mut() {
        match map.get_mut("allOf").and_then(Value::as_array_mut) {
            Some(rules) => rules.push(rule),
            None => {
                map.insert("allOf".into(), Value::Array(vec![rule]));
            }
        }
    }
}

/// An evaluation names only indicators of its profile: one alternative per profile, with the
/// codes of that profile (`present`, and `asked` when given).
pub fn indicators_by_profile(profiles: &[(&str, Vec<&str>)]) -> Value {
    let alternatives: Vec<Value> = profiles
        .iter()
        .map(|(profile, codes)| {
            serde_json::json!({
                "properties": {
                    "profile": {"const": profile},
                    "present": {"items": {"enum": codes}},
                    "asked": {"anyOf": [{"type": "null"}, {"items": {"enum": codes}}]},
                }
            })
        })
        .collect();
    serde_json::json!({ "oneOf": alternatives })
}

/// Replaces every marker of `document` with the enum of its set, as `values` gives it; a set
/// `values` does not know keeps its marker and its pattern.
pub fn fill_value_sets(document: &mut Value, values: &dyn Fn(ValueSet) -> Option<Vec<String>>) {
    match document {
        Value::Object(map) => {
            if let Some(set) = map
                .get(MARKER)
                .and_then(Value::as_str)
                .and_then(ValueSet::parse)
                && let Some(texts) = values(set)
            {
                map.remove(MARKER);
                map.remove("pattern");
                map.insert("enum".into(), Value::from(texts));
            }
            for value in map.values_mut() {
                fill_value_sets(value, values);
            }
        }
        Value::Array(items) => {
            for item in items {
                fill_value_sets(item, values);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_becomes_the_enum_of_its_set_and_an_unknown_set_keeps_its_pattern() {
        let mut document = serde_json::to_value(serde_json::json!({
            "a": serde_json::to_value(organisation()).unwrap(),
            "b": serde_json::to_value(indicator_list()).unwrap(),
        }))
        .unwrap();
        fill_value_sets(&mut document, &|set| {
            (set == ValueSet::Organisation).then(|| vec!["ANITP".to_string(), "IGPR".into()])
        });
        assert_eq!(document["a"]["enum"], serde_json::json!(["ANITP", "IGPR"]));
        assert!(document["a"].get(MARKER).is_none());
        assert!(document["a"].get("pattern").is_none());
        assert_eq!(document["b"]["items"][MARKER], "indicator");
        assert_eq!(document["b"]["items"]["pattern"], SOME_TEXT);
    }

    #[test]
    fn a_closed_list_is_stated_as_its_texts() {
        let schema = serde_json::to_value(codes::<mnir_domain::CaseState>()).unwrap();
        let texts = schema["enum"].as_array().unwrap();
        assert_eq!(texts.len(), mnir_domain::CaseState::ALL.len());
        assert!(texts.contains(&Value::from("presumed_victim")));
    }
}
