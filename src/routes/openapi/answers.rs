//! The answers every route shares, added to the generated description so that each operation lists every
//! status it can be answered with, exactly as the server's extractors and middleware produce them:
//!
//! - every error status is `application/problem+json` with the `Problem` schema;
//! - an operation that takes a bearer token can answer `401 unauthorized` (no token, a bad or expired one,
//!   an account changed since) and `403` (the token's role may not call it, or a candidate's access rules
//!   refuse the request);
//! - an operation with path parameters can answer `404 not_found` (a malformed or unknown id);
//! - an operation with a query string or a body can answer `422 validation_failed`; one with a body
//!   `413 payload_too_large`;
//! - an optional query parameter is absent or has a value: never `null`.
//!
//! What only some routes answer (`409` and its codes, `429`, `503`) is in their own annotations.

use serde_json::{Map, Value, json};

/// The description of each status added here, and of error statuses an annotation left undescribed.
fn meaning(status: &str) -> &'static str {
    match status {
        "400" => "the request is malformed",
        "401" => "no valid bearer token: `unauthorized` (or `invalid_credentials` when signing in)",
        "403" => {
            "the caller may not do this: `forbidden`, or a sitting's access rule (`outside_centre_network`, `seb_required`)"
        }
        "404" => "no such resource, or not the caller's: `not_found`",
        "405" => "the path does not take this method: `method_not_allowed`, with `Allow`",
        "409" => "the resource's state forbids the request; `code` says which",
        "413" => "the body is larger than the route reads: `payload_too_large`",
        "415" => "the body is not of a type the route reads: `unsupported_media`",
        "422" => "a body, query or header value is malformed or out of bounds: `validation_failed`",
        "429" => "too many requests: `rate_limited`, with `Retry-After`",
        "503" => "the server is busy: `busy`, with `Retry-After`",
        _ => "an error",
    }
}

/// Adds the shared answers to every operation of `doc` (an OpenAPI 3.1 document as JSON).
pub fn add(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for operation in item.values_mut().filter_map(Value::as_object_mut) {
            complete(path, operation);
        }
    }
}

fn complete(path: &str, operation: &mut Map<String, Value>) {
    let secured = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    let has_body = operation.contains_key("requestBody");
    let mut has_query = false;
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        for parameter in parameters.iter_mut().filter(|p| p["in"] == "query") {
            has_query = true;
            if let Some(schema) = parameter.get_mut("schema") {
                not_null(schema);
            }
        }
    }
    let mut added = Vec::new();
    if secured {
        added.extend(["401", "403"]);
    }
    if path.contains('{') {
        added.push("404");
    }
    if has_body || has_query {
        added.push("422");
    }
    if has_body {
        added.push("413");
    }
    let responses = operation
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("responses is an object");
    for status in added {
        responses.entry(status).or_insert_with(|| json!({}));
    }
    for (status, response) in responses.iter_mut() {
        if status.starts_with('4') || status.starts_with('5') {
            problem(status, response);
        }
    }
}

/// Makes `response` a problem document, keeping its description when it has one.
fn problem(status: &str, response: &mut Value) {
    let described = response
        .get("description")
        .and_then(Value::as_str)
        .is_some_and(|d| !d.is_empty());
    if !described {
        response["description"] = json!(meaning(status));
    }
    response["content"] = json!({
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    });
}

/// An optional query parameter's schema without its `null`: a query string has no null.
fn not_null(schema: &mut Value) {
    if let Some(types) = schema.get_mut("type").and_then(Value::as_array_mut) {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types[0].clone();
            schema["type"] = only;
        }
    }
    let single = schema
        .get_mut("oneOf")
        .and_then(Value::as_array_mut)
        .and_then(|variants| {
            variants.retain(|v| v.get("type").and_then(Value::as_str) != Some("null"));
            (variants.len() == 1).then(|| variants[0].clone())
        });
    if let Some(only) = single {
        let object = schema.as_object_mut().expect("a schema is an object");
        object.remove("oneOf");
        if let Some(only) = only.as_object() {
            for (k, v) in only {
                object.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secured_operation_with_a_path_and_a_body_lists_every_shared_answer() {
        let mut doc = json!({"paths": {"/things/{id}": {"put": {
            "security": [{"bearer": []}],
            "requestBody": {"content": {"application/json": {}}},
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {}}},
                "409": {"description": "", "content": {"application/json": {}}}
            }
        }}}});
        add(&mut doc);
        let responses = doc["paths"]["/things/{id}"]["put"]["responses"]
            .as_object()
            .unwrap();
        let mut statuses: Vec<_> = responses.keys().map(String::as_str).collect();
        statuses.sort();
        assert_eq!(statuses, ["200", "401", "403", "404", "409", "413", "422"]);
        for (status, response) in responses {
            let content = response["content"].as_object().unwrap();
            let kind = content.keys().next().unwrap();
            if status == "200" {
                assert_eq!(kind, "application/json");
            } else {
                assert_eq!(kind, "application/problem+json", "{status}");
                assert!(!response["description"].as_str().unwrap().is_empty());
            }
        }
    }

    #[test]
    fn a_public_operation_without_parameters_gains_nothing() {
        let mut doc = json!({"paths": {"/healthz": {"get": {
            "responses": {"200": {"description": "alive"}}
        }}}});
        add(&mut doc);
        let responses = doc["paths"]["/healthz"]["get"]["responses"]
            .as_object()
            .unwrap();
        assert_eq!(responses.keys().collect::<Vec<_>>(), ["200"]);
    }

    #[test]
    fn optional_query_parameters_are_never_null() {
        let mut doc = json!({"paths": {"/list": {"get": {"parameters": [
            {"name": "limit", "in": "query", "schema": {"type": ["integer", "null"], "minimum": 1}},
            {"name": "status", "in": "query", "schema": {"oneOf": [{"type": "null"}, {"$ref": "#/x"}]}}
        ], "responses": {}}}}});
        add(&mut doc);
        let parameters = &doc["paths"]["/list"]["get"]["parameters"];
        assert_eq!(
            parameters[0]["schema"],
            json!({"type": "integer", "minimum": 1})
        );
        assert_eq!(parameters[1]["schema"], json!({"$ref": "#/x"}));
        assert!(doc["paths"]["/list"]["get"]["responses"]["422"].is_object());
    }
}
