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

/// Every inline script on a page is one the page's policy allows: on a public page by the
/// SHA-256 of its text (the page is the same for everyone, so it carries no nonce), on a
/// signed-in page by that response's nonce. Never `'unsafe-inline'`.
#[tokio::test]
async fn page_scripts_are_each_allowed_by_the_policy_and_no_other_inline_script_is() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(app::accounts::Role::Editor).await;
    for (client, signed_in) in [(&app.client, false), (&editor.client, true)] {
        let response = client
            .get(format!("{}/actions", app.address))
            .send()
            .await
            .unwrap();
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let script_src = csp
            .split(';')
            .find(|directive| directive.trim_start().starts_with("script-src "))
            .unwrap();
        assert!(!script_src.contains("unsafe-inline"), "{script_src}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .map(str::to_owned);
        assert_eq!(nonce.is_some(), signed_in, "{csp}");
        let body = response.text().await.unwrap();
        let mut inline = 0;
        for script in body.split("<script").skip(1) {
            let (tag, rest) = script.split_once('>').unwrap();
            if tag.contains("src=\"/") {
                continue;
            }
            inline += 1;
            match &nonce {
                Some(nonce) => assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{tag}"),
                None => {
                    let text = rest.split("</script>").next().unwrap();
                    let hash = base64::engine::general_purpose::STANDARD
                        .encode(sha2::Sha256::digest(text.as_bytes()));
                    assert!(
                        csp.contains(&format!("'sha256-{hash}'")),
                        "{text} is not allowed by {csp}"
                    );
                }
            }
        }
        assert!(inline > 0, "the page's own inline scripts were checked");
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
