//! A real SMTP server on loopback for the mail tests: `scripts/smtp_sink.py` (aiosmtpd, from
//! PyPI, installed by `scripts/setup` into `target/pyenv`). Each accepted message is a file;
//! the server stops when the test drops it.

use std::{
    io::{BufRead as _, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use crate::helpers::{content_dir, spawn_app_configured, TestApp};

pub struct SmtpSink {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

/// One email as the server received it.
#[derive(Debug, Clone)]
pub struct Email {
    /// The envelope recipients, as the server was told them.
    pub envelope_to: String,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Every header as `(name, value)`, for the ones a test looks at by name.
    pub headers: Vec<(String, String)>,
    pub content_type: String,
}

impl Email {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first link in the plain text that goes to `path_prefix` on the public address
    /// (`http://127.0.0.1:3000` in tests), as a path to ask the test server for.
    pub fn link(&self, path_prefix: &str) -> String {
        let base = "http://127.0.0.1:3000";
        let start = self
            .text
            .find(&format!("{base}{path_prefix}"))
            .unwrap_or_else(|| panic!("no link to {path_prefix} in:\n{}", self.text))
            + base.len();
        self.text[start..]
            .split(|c: char| c.is_whitespace() || c == '>')
            .next()
            .unwrap()
            .to_owned()
    }
}

fn python() -> PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/pyenv/bin/python");
    assert!(
        python.exists(),
        "the mail tests need aiosmtpd: run scripts/setup (it installs it into target/pyenv)"
    );
    python
}

impl SmtpSink {
    /// Starts the server; with `reject_first` > 0 it answers that many messages with
    /// `451 Try again later` first.
    pub fn start(reject_first: u32) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(python())
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/smtp_sink.py"))
            .arg("--dir")
            .arg(dir.path())
            .arg("--reject-first")
            .arg(reject_first.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the SMTP server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("port ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the SMTP server said {line:?}"));
        SmtpSink { child, port, dir }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Everything received so far, in order.
    pub fn received(&self) -> Vec<Email> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|path| parse(&std::fs::read(path).unwrap()))
            .collect()
    }

    /// Waits (up to 30 seconds) until at least `count` emails have arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Email> {
        for _ in 0..300 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "expected {count} emails, the server received {}",
            self.received().len()
        );
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse(raw: &[u8]) -> Email {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("an email the parser reads");
    let address = |a: Option<&mail_parser::Address>| {
        a.and_then(|a| a.first())
            .map(|a| match (&a.name, &a.address) {
                (Some(name), Some(address)) => format!("{name} <{address}>"),
                (None, Some(address)) => address.to_string(),
                _ => String::new(),
            })
            .unwrap_or_default()
    };
    let content_type = message
        .header_raw("Content-Type")
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_lowercase())
        .unwrap_or_default();
    Email {
        envelope_to: message
            .header_raw("X-Envelope-To")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        from: address(message.from()),
        to: address(message.to()),
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message.body_text(0).unwrap_or_default().into_owned(),
        html: message.body_html(0).unwrap_or_default().into_owned(),
        headers: message
            .headers_raw()
            .map(|(name, value)| (name.to_owned(), value.trim().to_owned()))
            .collect(),
        content_type,
    }
}

/// A server that sends through `sink`.
pub async fn spawn_app_with_mail(sink: &SmtpSink) -> TestApp {
    spawn_app_mailing(sink, |_| {}).await
}

/// A server that sends through `sink`, its configuration adjusted first.
pub async fn spawn_app_mailing(
    sink: &SmtpSink,
    adjust: impl FnOnce(&mut server::config::Config),
) -> TestApp {
    let url = sink.url();
    spawn_app_configured(&content_dir(), move |config| {
        config.mailer = server::mail::mailer(Some(&url), "Candour <no-reply@example.org>")
            .expect("a valid mail server address");
        adjust(config);
    })
    .await
}
