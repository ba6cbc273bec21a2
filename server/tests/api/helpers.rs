//! Starts the real server on a free port with a fresh data folder, and talks HTTP to it.

use std::path::{Path, PathBuf};

use server::{config::ConfigArgs, startup::Application};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The server's own database handle, for arranging and inspecting state.
    pub db: app::db::Database,
    /// Kept so the folder lives as long as the server.
    pub _data_dir: tempfile::TempDir,
}

pub fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

pub fn config_for(data_dir: &Path, content: &Path) -> server::config::Config {
    ConfigArgs {
        addr: "127.0.0.1:0".into(),
        data_dir: data_dir.to_path_buf(),
        database_url: None,
        content_dir: content.to_path_buf(),
        public_url: "http://127.0.0.1:3000".into(),
        site_dir: data_dir.join("site"),
        organisation: None,
        trusted_proxies: String::new(),
        smtp_url: None,
        mail_from: None,
    }
    .check()
    .map(|mut config| {
        // Tests make the summaries themselves (`server::mail::run_all_now`).
        config.scheduled_email = false;
        config
    })
    .expect("test configuration is valid")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with_content(&content_dir()).await
}

pub async fn spawn_app_with_content(content: &Path) -> TestApp {
    spawn_app_configured(content, |_| {}).await
}

/// A server whose configuration the test adjusts first (trusted proxies, https).
pub async fn spawn_app_configured(
    content: &Path,
    adjust: impl FnOnce(&mut server::config::Config),
) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temporary data folder");
    let mut config = config_for(data_dir.path(), content);
    adjust(&mut config);
    let app = Application::build(config).await.expect("the server starts");
    let db = app.state.db.clone();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client"),
        db,
        _data_dir: data_dir,
    }
}

pub struct Page {
    pub status: u16,
    pub body: String,
    pub content_type: String,
}

impl TestApp {
    pub fn data_dir(&self) -> &Path {
        self._data_dir.path()
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Page {
            status,
            body: response.text().await.expect("body read"),
            content_type,
        }
    }
}

impl Page {
    /// The references of the register rows on the page, in order.
    pub fn references(&self) -> Vec<String> {
        self.body
            .split("data-test=\"register-row\" data-reference=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next().map(str::to_owned))
            .collect()
    }

    pub fn title(&self) -> String {
        self.body
            .split("<title>")
            .nth(1)
            .and_then(|rest| rest.split("</title>").next())
            .unwrap_or_default()
            .to_owned()
    }
}

/// A password that meets the rules, shared by test accounts.
pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestUser {
    pub id: i64,
    pub email: String,
}

/// A browser: its own cookie jar, no redirects followed.
pub struct Browser {
    pub address: String,
    pub client: reqwest::Client,
    pub jar: std::sync::Arc<reqwest::cookie::Jar>,
}

pub struct Reply {
    pub status: u16,
    pub location: String,
    pub set_cookie: Vec<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl TestApp {
    /// An account made directly in the database (not through a form).
    pub async fn create_user(&self, role: app::accounts::Role) -> TestUser {
        use app::accounts::ssr::{passwords, users};
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let email = format!("{}{n}@example.org", role.as_str().replace('_', "-"));
        let hash = passwords::hash_password(PASSWORD.to_owned()).await.unwrap();
        let mut tx = self.db.begin_write().await.unwrap();
        let id = users::create(
            &mut tx,
            &email,
            &format!("Test {} {n}", role.label()),
            role,
            &hash,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        TestUser { id, email }
    }

    pub fn browser(&self) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        Browser {
            address: self.address.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .cookie_provider(jar.clone())
                .build()
                .expect("HTTP client"),
            jar,
        }
    }

    /// A browser signed in as a new account with this role.
    pub async fn signed_in(&self, role: app::accounts::Role) -> (Browser, TestUser) {
        let user = self.create_user(role).await;
        let browser = self.browser();
        let reply = browser.sign_in(&user.email, PASSWORD).await;
        assert_eq!(
            reply.status, 303,
            "signing in as {role:?} failed: {}",
            reply.body
        );
        (browser, user)
    }

    pub async fn scalar_i64(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }
}

impl Browser {
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let set_cookie = headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        Reply {
            status,
            location,
            set_cookie,
            headers,
            body: response.text().await.unwrap_or_default(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(format!("{}{path}", self.address)))
            .await
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send(
            self.client
                .post(format!("{}{path}", self.address))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body),
        )
        .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Reply {
        self.post(
            "/sign-in",
            &[
                ("email", email),
                ("password", password),
                ("next", "/account"),
            ],
        )
        .await
    }

    /// The session cookie's value, if the browser holds one.
    pub fn session_cookie(&self) -> Option<String> {
        use reqwest::cookie::CookieStore as _;
        let url = self.address.parse().ok()?;
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|c| c.strip_prefix("candour_session=").map(str::to_owned))
    }
}

impl Reply {
    /// The messages shown beside fields.
    pub fn field_errors(&self) -> Vec<String> {
        self.body
            .split("<span class=\"nhsuk-u-visually-hidden\">Error: </span>")
            .skip(1)
            .filter_map(|rest| rest.split('<').next().map(str::to_owned))
            .collect()
    }
}
