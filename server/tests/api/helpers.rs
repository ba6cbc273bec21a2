//! Starts the real server on a free port with a fresh data folder, and talks HTTP to it.

use std::path::{Path, PathBuf};

use server::{config::ConfigArgs, startup::Application};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
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
    }
    .check()
    .expect("test configuration is valid")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with_content(&content_dir()).await
}

pub async fn spawn_app_with_content(content: &Path) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temporary data folder");
    let app = Application::build(config_for(data_dir.path(), content))
        .await
        .expect("the server starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client"),
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
