//! The OpenAPI 3.1 description of `/api/v1` and the open data files, exact enough for a
//! conformance tester (Schemathesis, in the test command) to check every answer against
//! it: the filters' allowed values come from the database (statuses, engagements, values
//! and priorities are content), every response and error is described, and every object
//! says which fields it has.

use app::register::FilterOptions;
use serde_json::{json, Value};

use super::api::MAX_PER_PAGE;

/// What a search can be narrowed to by `kind`.
pub const SEARCH_KINDS: [&str; 7] = [
    "recommendation",
    "value",
    "priority",
    "engagement",
    "report",
    "policy",
    "page",
];

fn repeatable(name: &str, values: Vec<String>, description: &str) -> Value {
    json!({
        "name": name, "in": "query", "style": "form", "explode": true, "description": description,
        "schema": {"type": "array", "items": {"type": "string", "enum": values}}
    })
}

fn page(maximum: i64) -> Value {
    json!({"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": maximum}})
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties, "additionalProperties": false})
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// The document, with the filters' values as they are in the database now.
pub fn document(public_url: &str, options: &FilterOptions) -> Value {
    let keys = |list: &[(String, String)]| list.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    let statuses: Vec<String> = options.statuses.iter().map(|s| s.key.clone()).collect();
    let filters = vec![
        repeatable(
            "status",
            statuses.clone(),
            "Status key, repeatable (e.g. in-progress).",
        ),
        repeatable(
            "engagement",
            keys(&options.engagements),
            "Engagement key, repeatable.",
        ),
        repeatable(
            "value",
            keys(&options.values),
            "Core value slug, repeatable.",
        ),
        repeatable(
            "priority",
            keys(&options.priorities),
            "Research priority slug, repeatable.",
        ),
        repeatable(
            "friends_view",
            app::register::friends::OPINION_KEYS.map(str::to_owned).to_vec(),
            "Recommendations where at least one Digital Critical Friend's current view of the status is this one, repeatable (e.g. disagree).",
        ),
        json!({"name": "q", "in": "query", "schema": {"type": "string", "minLength": 1, "maxLength": app::register::MAX_QUERY_CHARS}, "description": "Words that must all appear."}),
        json!({"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["reference", "raised", "updated"]}}),
        page(100_000),
        json!({"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date", "pattern": "^(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"}, "description": "The register as it stood at the end of this day (YYYY-MM-DD, from 1900)."}),
    ];
    let mut list_params = filters.clone();
    list_params.push(json!({"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}}));
    let problem = json!({"description": "The request cannot be answered as it is", "content": {"application/problem+json": {"schema": schema_ref("Problem")}}});
    let not_found = json!({"description": "Not found", "content": {"application/problem+json": {"schema": schema_ref("Problem")}}});
    let items_of = |schema: Value| {
        object(
            &["items"],
            json!({"items": {"type": "array", "items": schema}}),
        )
    };
    let nullable_string = json!({"type": ["string", "null"]});
    let date = json!({"type": "string", "format": "date"});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Candour: Actions to Build Trust",
            "version": "1",
            "description": "The register of recommendations the public made to the Secure Data Environment, their status and history, with the policies, values, priorities, engagements and search. Errors are RFC 9457 problem details."
        },
        "servers": [{"url": public_url}],
        "paths": {
            "/api/v1/recommendations": {"get": {
                "summary": "Recommendations, filtered and paginated",
                "parameters": list_params,
                "responses": {
                    "200": json_response("A page of recommendations (an empty page past the last)", object(
                        &["total", "page", "per_page", "items"],
                        json!({"total": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 1},
                               "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                               "items": {"type": "array", "items": schema_ref("Recommendation")}}))),
                    "400": problem
                }
            }},
            "/api/v1/recommendations/{reference}": {"get": {
                "summary": "One recommendation with its history",
                "parameters": [{"name": "reference", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}, "example": "PP-17"}],
                "responses": {"200": json_response("The recommendation", schema_ref("Recommendation")), "404": not_found}
            }},
            "/api/v1/search": {"get": {
                "summary": "Full-text search of everything public (the same results as /search)",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Words (all required), \"phrases\", -excluded words, or a reference such as PP-17. Longer than 256 characters, it is cut between words."},
                    repeatable("kind", SEARCH_KINDS.iter().map(|k| (*k).to_owned()).collect(), "What to find, repeatable."),
                    repeatable("status", statuses.clone(), "Recommendations with this status, repeatable."),
                    repeatable("engagement", keys(&options.engagements), "Recommendations from this engagement, repeatable."),
                    {"name": "year", "in": "query", "style": "form", "explode": true, "schema": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{4}$"}}},
                    page(1000)
                ],
                "responses": {"200": json_response("Results with facets", schema_ref("SearchResults")), "400": problem}
            }},
            "/api/v1/policies": {"get": {"summary": "Published policies (current version)", "responses": {
                "200": json_response("Policies", items_of(schema_ref("PolicySummary")))}}},
            "/api/v1/policies/{slug}": {"get": {
                "summary": "One published policy: its text (numbered blocks of sanitised HTML) and its public reviews with every comment, reply and answer",
                "parameters": [{"name": "slug", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}, "example": "data-access"}],
                "responses": {"200": json_response("The policy", schema_ref("Policy")), "404": not_found}
            }},
            "/api/v1/engagements": {"get": {"summary": "Where recommendations came from", "responses": {
                "200": json_response("Engagements", items_of(schema_ref("Engagement")))}}},
            "/api/v1/values": {"get": {"summary": "Core values with status counts", "responses": {
                "200": json_response("Core values", items_of(schema_ref("LicenceTerm")))}}},
            "/api/v1/priorities": {"get": {"summary": "Research priorities with status counts", "responses": {
                "200": json_response("Research priorities", items_of(schema_ref("LicenceTerm")))}}},
            "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {
                "200": json_response("The OpenAPI document", json!({"type": "object"}))}}},
            "/actions.json": {"get": {"summary": "The whole register with history", "parameters": filters.clone(), "responses": {
                "200": json_response("The register", object(
                    &["format", "generated_at", "as_of", "count", "recommendations"],
                    json!({"format": {"const": "candour-register/1"}, "generated_at": {"type": "string", "format": "date-time"},
                           "as_of": {"type": ["string", "null"], "format": "date"}, "count": {"type": "integer", "minimum": 0},
                           "recommendations": {"type": "array", "items": schema_ref("Recommendation")}}))),
                "400": problem}}},
            "/actions.csv": {"get": {"summary": "The register as CSV (importable with `candour import --csv`), UTF-8 with a byte-order mark; cells a spreadsheet would run as formulas start with '", "parameters": filters, "responses": {
                "200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}, "400": problem}}}
        },
        "components": {"schemas": {
            "Problem": object(&["type", "title", "status", "detail"], json!({
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer", "minimum": 400, "maximum": 599}, "detail": {"type": "string"}})),
            "StatusChange": object(&["reference", "title", "seq", "changed_on", "from_key", "from_name", "to_key", "to_name", "note", "team"], json!({
                "reference": {"type": "string"}, "title": {"type": "string"}, "seq": {"type": "integer", "minimum": 1}, "changed_on": date,
                "from_key": {"type": ["string", "null"], "enum": statuses.iter().cloned().map(Value::String).chain([Value::Null]).collect::<Vec<_>>()},
                "from_name": nullable_string, "to_key": {"type": "string", "enum": statuses}, "to_name": {"type": "string"},
                "note": {"type": "string"}, "team": {"type": "string"}})),
            "Evidence": object(&["title", "url"], json!({"title": {"type": "string"}, "url": {"type": "string", "format": "uri"}})),
            "Recommendation": object(
                &["reference", "title", "summary", "engagement", "raised", "status", "status_name", "closed", "status_changed", "status_note",
                  "team", "target", "progress", "decided_on", "overdue", "values", "priorities", "what_you_said", "what_we_did", "evidence", "history", "friends_view", "url"],
                json!({
                "reference": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"},
                "engagement": {"type": "string"}, "raised": date,
                "status": {"type": "string"}, "status_name": {"type": "string"}, "closed": {"type": "boolean"},
                "status_changed": date, "status_note": {"type": "string"},
                "team": {"type": "string"}, "target": {"type": ["string", "null"], "format": "date"},
                "progress": {"type": ["integer", "null"], "minimum": 0, "maximum": 100, "description": "Per cent done, for an open status only; null for a decision."},
                "decided_on": {"type": ["string", "null"], "format": "date", "description": "When the decision was made, for a closed status."},
                "overdue": {"type": "boolean"},
                "values": {"type": "array", "items": {"type": "string"}}, "priorities": {"type": "array", "items": {"type": "string"}},
                "what_you_said": {"type": "string", "description": "Markdown"}, "what_we_did": {"type": "string", "description": "Markdown"},
                "evidence": {"type": "array", "items": schema_ref("Evidence")},
                "history": {"type": "array", "items": schema_ref("StatusChange")},
                "friends_view": object(&["agree", "partly", "disagree"], json!({
                    "agree": {"type": "integer", "minimum": 0}, "partly": {"type": "integer", "minimum": 0}, "disagree": {"type": "integer", "minimum": 0}})),
                "url": {"type": "string", "format": "uri"}})),
            "SearchQuery": object(&["q", "kind", "status", "engagement", "year", "page", "shortened"], json!({
                "q": {"type": "string"}, "kind": {"type": "array", "items": {"type": "string"}}, "status": {"type": "array", "items": {"type": "string"}},
                "engagement": {"type": "array", "items": {"type": "string"}}, "year": {"type": "array", "items": {"type": "string"}},
                "page": {"type": "integer", "minimum": 1}, "shortened": {"type": "boolean"}})),
            "SearchHit": object(&["kind", "kind_label", "title", "url", "status_key", "status_name", "date", "snippet"], json!({
                "kind": {"type": "string", "enum": SEARCH_KINDS}, "kind_label": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string"},
                "status_key": nullable_string, "status_name": nullable_string, "date": nullable_string,
                "snippet": {"type": "string", "description": "Escaped text with the matching words in <mark>"}})),
            "SearchResults": object(&["query", "total", "hits", "facets", "fuzzy"], json!({
                "query": schema_ref("SearchQuery"), "total": {"type": "integer", "minimum": 0},
                "hits": {"type": "array", "items": schema_ref("SearchHit")},
                "facets": {"type": "array", "items": object(&["key", "label", "values"], json!({
                    "key": {"type": "string"}, "label": {"type": "string"},
                    "values": {"type": "array", "items": object(&["key", "label", "count"], json!({
                        "key": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer", "minimum": 0}}))}}))},
                "fuzzy": {"type": "boolean", "description": "No exact matches: near spellings were used."}})),
            "PolicySummary": object(&["slug", "title", "summary", "version", "published_at", "url"], json!({
                "slug": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"},
                "version": {"type": "integer", "minimum": 1}, "published_at": {"type": "string"}, "url": {"type": "string", "format": "uri"}})),
            "Reply": object(&["id", "author", "author_is_staff", "body", "removed", "created_at"], json!({
                "id": {"type": "integer"}, "author": {"type": "string"}, "author_is_staff": {"type": "boolean"},
                "body": {"type": "string"}, "removed": nullable_string, "created_at": {"type": "string"}})),
            "Answer": object(&["outcome", "body", "responder", "responded_at"], json!({
                "outcome": {"type": "string", "enum": ["changed", "partly-changed", "not-changed", "noted"]}, "body": {"type": "string"},
                "responder": {"type": "string"}, "responded_at": {"type": "string"}})),
            "CommentThread": object(&["id", "paragraph", "quote", "author", "author_is_staff", "body", "removed", "created_at", "replies", "response", "recommendation"], json!({
                "id": {"type": "integer"}, "paragraph": {"type": ["integer", "null"]}, "quote": nullable_string,
                "author": {"type": "string"}, "author_is_staff": {"type": "boolean"}, "body": {"type": "string"},
                "removed": nullable_string, "created_at": {"type": "string"},
                "replies": {"type": "array", "items": schema_ref("Reply")},
                "response": {"oneOf": [schema_ref("Answer"), {"type": "null"}]},
                "recommendation": nullable_string})),
            "Policy": object(&["slug", "title", "summary", "version", "published_at", "change_note", "blocks", "reviews", "url"], json!({
                "slug": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"},
                "version": {"type": "integer", "minimum": 1}, "published_at": {"type": "string"}, "change_note": {"type": "string"},
                "blocks": {"type": "array", "items": object(&["number", "heading", "html", "excerpt"], json!({
                    "number": {"type": "integer", "minimum": 1}, "heading": {"type": "boolean"},
                    "html": {"type": "string", "description": "Sanitised HTML"}, "excerpt": {"type": "string"}}))},
                "reviews": {"type": "array", "items": object(&["version", "opened", "closed", "threads"], json!({
                    "version": {"type": "integer"}, "opened": {"type": "string"}, "closed": {"type": "string"},
                    "threads": {"type": "array", "items": schema_ref("CommentThread")}}))},
                "url": {"type": "string", "format": "uri"}})),
            "Engagement": object(&["key", "prefix", "name", "kind", "started", "ended", "summary", "body", "figures", "recommendation_count"], json!({
                "key": {"type": "string"}, "prefix": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
                "started": {"type": "string"}, "ended": nullable_string, "summary": {"type": "string"},
                "body": {"type": "string", "description": "Sanitised HTML"},
                "figures": {"type": "array", "items": object(&["value", "label"], json!({"value": {"type": "string"}, "label": {"type": "string"}}))},
                "recommendation_count": {"type": "integer", "minimum": 0}})),
            "LicenceTerm": object(&["slug", "name", "statement", "status_counts"], json!({
                "slug": {"type": "string"}, "name": {"type": "string"}, "statement": {"type": "string"},
                "status_counts": {"type": "array", "items": object(&["status", "count"], json!({
                    "status": {"type": "string"}, "count": {"type": "integer", "minimum": 0}}))}}))
        }}
    })
}
