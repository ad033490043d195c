//! What the OpenAPI document says of every operation alike, added once here rather than at each
//! route: the errors any operation may answer for reasons of its kind (a malformed query string
//! or body, a body over the size limit, a missing or unknown token), and the links from an
//! operation that creates a resource to the operations on it, which let a client (and the
//! contract tests' stateful phase) follow a created case to its parts.

use serde_json::{Map, Value, json};

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

fn error(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiErrorEnvelope"}}}
    })
}

/// Adds the errors every operation of a kind may answer, where its route did not list them.
pub fn add_common_responses(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        for method in METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let takes_query = operation
                .get("parameters")
                .and_then(Value::as_array)
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
            let takes_body = operation.contains_key("requestBody");
            // `security: [{}]` is an operation open without a token.
            let open = operation
                .get("security")
                .and_then(Value::as_array)
                .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(Map::is_empty)));
            let responses = operation
                .entry("responses")
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("an operation's responses are an object");
            let mut add = |status: &str, description: &str| {
                responses
                    .entry(status)
                    .or_insert_with(|| error(description));
            };
            if takes_query {
                add(
                    "400",
                    "The query string is malformed: a parameter repeated, of the wrong kind or without a value.",
                );
            }
            if takes_body {
                add("400", "The body is not the JSON this operation takes.");
                add("413", "The body is larger than the server accepts.");
            }
            if !open {
                add(
                    "401",
                    "No bearer token, or one that is unknown, expired or revoked.",
                );
            }
        }
    }
}

/// Replaces the short patterns of text the routes declare with the exact ones: `\S` ("says
/// something") and `^\s*$` ("blank") differ from what the server trims away (`mnir_app::text`)
/// in the characters that show nothing, such as U+200B, and in those a regular expression's
/// `\s` takes for space and the server does not (U+001C–U+001F).
pub fn exact_text_patterns(document: &mut Value) {
    let shown = Value::from(mnir_app::text::shown_pattern());
    let blank = Value::from(mnir_app::text::blank_pattern());
    match document {
        Value::Object(map) => {
            match map.get("pattern").and_then(Value::as_str) {
                Some(r"\S") => {
                    map.insert("pattern".into(), shown);
                }
                Some(r"^\s*$") => {
                    map.insert("pattern".into(), blank);
                }
                _ => {}
            }
            for value in map.values_mut() {
                exact_text_patterns(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(exact_text_patterns),
        _ => {}
    }
}

/// Makes each "a day, or the empty text" field exact: a pattern alone (`^(YYYY-MM-DD)?$`) would
/// let through days no calendar has (`2026-02-30`), which the server refuses; the day becomes
/// an alternative of `format: date` (with the field's own pattern of digits), beside the empty
/// text and, for a field that may be null, null.
pub fn exact_optional_days(document: &mut Value) {
    match document {
        Value::Object(map) => {
            let optional_day = map
                .get("pattern")
                .and_then(Value::as_str)
                .filter(|p| p.contains("[0-9]{") && p.contains('-'))
                .and_then(|p| p.strip_prefix("^(")?.strip_suffix(")?$"))
                .map(str::to_string);
            if let (Some(inner), None) = (optional_day, map.get("format")) {
                map.remove("pattern");
                let nullable = map
                    .get("type")
                    .and_then(Value::as_array)
                    .is_some_and(|types| types.iter().any(|t| t == "null"));
                let mut alternatives = vec![
                    json!({"type": "string", "format": "date", "pattern": format!("^{inner}$")}),
                    json!({"type": "string", "maxLength": 0}),
                ];
                if nullable {
                    alternatives.push(json!({"type": "null"}));
                }
                map.insert("anyOf".into(), Value::Array(alternatives));
            }
            for value in map.values_mut() {
                exact_optional_days(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(exact_optional_days),
        _ => {}
    }
}

/// Where the resources an operation creates are handled, when not under its own path: a
/// referral made on a case is answered at `/api/v1/referrals/{id}`, a return opened on a case
/// is followed at `/api/v1/repatriations/{id}`.
const ELSEWHERE: [(&str, &str); 2] = [
    ("/api/v1/cases/{id}/referrals", "/api/v1/referrals/{id}"),
    (
        "/api/v1/cases/{id}/repatriation",
        "/api/v1/repatriations/{id}",
    ),
];

/// The names of a path template's parameters, in order.
fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

/// One link for each operation on a resource to the operation that created it (a `POST` that
/// answers 201 with the resource's `id`), and from a list of cases to the operations on a case.
/// The created resource's id fills the target's new path parameter; the parameters the two
/// paths share are passed on from the request.
pub fn add_links(document: &mut Value) {
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return;
    };
    // (source path, source method, status, item path template, id expression)
    let mut sources: Vec<(String, &str, &str, String, &str)> = Vec::new();
    for (path, item) in paths {
        if item
            .get("post")
            .is_some_and(|op| op["responses"].get("201").is_some())
        {
            let item_path = ELSEWHERE
                .iter()
                .find(|(from, _)| from == path)
                .map(|(_, to)| (*to).to_string());
            sources.push((
                path.clone(),
                "post",
                "201",
                item_path.unwrap_or_else(|| path.clone()),
                "$response.body#/id",
            ));
        }
    }
    sources.push((
        "/api/v1/cases".into(),
        "get",
        "200",
        "/api/v1/cases".into(),
        "$response.body#/cases/0/id",
    ));
    let mut links: Vec<(String, &str, &str, String, Value)> = Vec::new();
    for (source, method, status, item_path, id_expression) in &sources {
        let shared = path_parameters(source);
        for (target, item) in paths {
            // The target is the created item itself or something under it: the item's path,
            // one more parameter for its id, then anything.
            let Some(rest) = target.strip_prefix(item_path.as_str()) else {
                continue;
            };
            let new_parameter = if item_path == source {
                let Some(name) = rest.strip_prefix("/{").and_then(|r| r.split('}').next()) else {
                    continue;
                };
                name.to_string()
            } else if rest.is_empty() || rest.starts_with('/') {
                // The item lives elsewhere, its id already in the template ({id}).
                match path_parameters(item_path).last() {
                    Some(name) => (*name).to_string(),
                    None => continue,
                }
            } else {
                continue;
            };
            let targets = path_parameters(target);
            // Every other parameter of the target must come from the source's own path.
            if !targets
                .iter()
                .all(|p| *p == new_parameter || (item_path == source && shared.contains(p)))
            {
                continue;
            }
            for target_method in METHODS {
                let Some(operation_id) = item
                    .get(target_method)
                    .and_then(|op| op.get("operationId"))
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                let mut parameters = Map::new();
                for name in &targets {
                    let value = if *name == new_parameter {
                        (*id_expression).to_string()
                    } else {
                        format!("$request.path.{name}")
                    };
                    parameters.insert((*name).to_string(), Value::from(value));
                }
                links.push((
                    source.clone(),
                    method,
                    status,
                    operation_id.to_string(),
                    json!({"operationId": operation_id, "parameters": parameters}),
                ));
            }
        }
    }
    for (source, method, status, name, link) in links {
        if let Some(response) = document
            .pointer_mut(&format!(
                "/paths/{}/{method}/responses/{status}",
                source.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(Value::as_object_mut)
        {
            response
                .entry("links")
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("links are an object")
                .insert(name, link);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        crate::api::document().clone()
    }

    fn links_of(document: &Value, path: &str, method: &str, status: &str) -> Map<String, Value> {
        let pointer = format!(
            "/paths/{}/{method}/responses/{status}/links",
            path.replace('/', "~1")
        );
        document
            .pointer(&pointer)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn a_created_case_links_to_its_parts_and_a_created_part_to_what_is_done_with_it() {
        let document = document();
        let case = links_of(&document, "/api/v1/cases", "post", "201");
        assert_eq!(
            case["record_proceeding"]["parameters"]["id"],
            "$response.body#/id"
        );
        assert!(case.contains_key("get_case"), "{case:?}");
        // A part's own id is not the case's: the proceeding's hearing needs both.
        assert!(!case.contains_key("record_hearing"));
        let proceeding = links_of(&document, "/api/v1/cases/{id}/proceedings", "post", "201");
        assert_eq!(
            proceeding["record_hearing"]["parameters"],
            json!({"id": "$request.path.id", "proceeding_id": "$response.body#/id"})
        );
        let referral = links_of(&document, "/api/v1/cases/{id}/referrals", "post", "201");
        assert_eq!(
            referral["answer_referral"]["parameters"],
            json!({"id": "$response.body#/id"})
        );
        let listed = links_of(&document, "/api/v1/cases", "get", "200");
        assert_eq!(
            listed["get_case"]["parameters"]["id"],
            "$response.body#/cases/0/id"
        );
    }

    #[test]
    fn every_link_names_an_operation_and_fills_each_of_its_path_parameters() {
        let document = document();
        let mut operations = std::collections::BTreeMap::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            for method in METHODS {
                if let Some(id) = item.get(method).and_then(|op| op["operationId"].as_str()) {
                    operations.insert(id.to_string(), path.clone());
                }
            }
        }
        let mut count = 0;
        for item in document["paths"].as_object().unwrap().values() {
            for method in METHODS {
                let Some(responses) = item.get(method).map(|op| &op["responses"]) else {
                    continue;
                };
                for response in responses.as_object().unwrap().values() {
                    for link in response["links"].as_object().into_iter().flatten() {
                        let link = link.1;
                        let target = &operations[link["operationId"].as_str().unwrap()];
                        let mut wanted = path_parameters(target);
                        wanted.sort_unstable();
                        let mut given: Vec<&str> = link["parameters"]
                            .as_object()
                            .unwrap()
                            .keys()
                            .map(String::as_str)
                            .collect();
                        given.sort_unstable();
                        assert_eq!(wanted, given, "{link}");
                        count += 1;
                    }
                }
            }
        }
        assert!(count > 40, "only {count} links");
    }

    #[test]
    fn a_day_or_nothing_is_a_calendar_day_or_the_empty_text() {
        let document = document();
        let expires = &document["components"]["schemas"]["ConsentInput"]["properties"]["expires"];
        assert!(expires.get("pattern").is_none(), "{expires}");
        assert_eq!(expires["anyOf"][0]["format"], "date", "{expires}");
        assert_eq!(expires["anyOf"][1]["maxLength"], 0, "{expires}");
        let birth =
            &document["components"]["schemas"]["NotificationInput"]["properties"]["birth_date"];
        assert_eq!(birth["anyOf"][2]["type"], "null", "{birth}");
        assert!(
            birth["anyOf"][0]["pattern"]
                .as_str()
                .unwrap()
                .starts_with("^(19"),
            "{birth}"
        );
    }

    #[test]
    fn every_operation_states_the_errors_of_its_kind() {
        let document = document();
        let list = &document["paths"]["/api/v1/cases"]["get"]["responses"];
        assert!(list.get("400").is_some() && list.get("401").is_some());
        let create = &document["paths"]["/api/v1/cases"]["post"]["responses"];
        assert!(create.get("413").is_some());
        let open = &document["paths"]["/api/v1/openapi.json"]["get"]["responses"];
        assert!(open.get("401").is_none(), "the document needs no token");
    }

    #[test]
    fn every_path_parameter_is_in_its_template_and_every_template_parameter_declared() {
        let document = document();
        for (path, item) in document["paths"].as_object().unwrap() {
            let mut template = path_parameters(path);
            template.sort_unstable();
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let mut declared: Vec<&str> = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "path")
                    .map(|p| p["name"].as_str().unwrap())
                    .collect();
                declared.sort_unstable();
                assert_eq!(template, declared, "{method} {path}");
            }
        }
    }
}
