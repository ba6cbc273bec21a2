use crate::helpers::spawn_app;

#[tokio::test]
async fn security_headers_are_on_pages_assets_errors_and_the_api() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/actions",
        "/no-such-page",
        "/api/v1/values",
        "/actions.csv",
        "/healthz",
        "/assets/missing.css",
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.contains_key("referrer-policy"), "{path}");
        assert!(headers.contains_key("permissions-policy"), "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{path}: {csp}"
        );
        assert!(
            !headers.contains_key("strict-transport-security"),
            "plain http: no HSTS ({path})"
        );
    }
}

#[tokio::test]
async fn page_scripts_carry_the_nonce_named_in_the_policy() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/actions", app.address))
        .send()
        .await
        .unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce")
        .to_owned();
    let body = response.text().await.unwrap();
    for script in body.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap_or_default();
        assert!(
            tag.contains("src=\"/") || tag.contains(&format!("nonce=\"{nonce}\"")),
            "inline script without the nonce: {tag}"
        );
    }
}

#[tokio::test]
async fn a_cross_origin_post_is_refused_and_a_same_origin_one_is_not() {
    let app = spawn_app().await;
    let post = |origin: Option<&str>, site: Option<&str>| {
        let mut request = app
            .client
            .post(format!("{}/_fn/search", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("query[q]=data");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        request.send()
    };
    assert_eq!(
        post(Some("https://evil.example"), None)
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        post(None, Some("cross-site"))
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        post(Some(&app.address), Some("same-origin"))
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
}
