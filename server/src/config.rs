//! Configuration from environment variables, each with a matching flag and a default.
//! A bad value stops start-up with one line that names the variable and the problem.

use std::{net::SocketAddr, path::PathBuf};

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Address to listen on.
    #[arg(
        long,
        env = "CANDOUR_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: String,
    /// Folder for the SQLite database and the search index (created if missing).
    #[arg(
        long,
        env = "CANDOUR_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database URL [default: sqlite://<data dir>/candour.db]; postgres://… for PostgreSQL.
    #[arg(long, env = "CANDOUR_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Folder of content to import (see content/README.md).
    #[arg(
        long,
        env = "CANDOUR_CONTENT_DIR",
        default_value = "./content",
        global = true
    )]
    pub content_dir: PathBuf,
    /// The address people use to reach Candour, used in feeds and links.
    #[arg(
        long,
        env = "CANDOUR_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000",
        global = true
    )]
    pub public_url: String,
    /// Folder of built assets (the wasm bundle, CSS and images) made by scripts/build.
    #[arg(
        long,
        env = "CANDOUR_SITE_DIR",
        default_value = "./target/site",
        global = true
    )]
    pub site_dir: PathBuf,
    /// Organisation name shown in the header [default: from content/site.toml].
    #[arg(long, env = "CANDOUR_ORGANISATION", global = true)]
    pub organisation: Option<String>,
    /// Comma-separated IP addresses of reverse proxies whose X-Forwarded-For is believed
    /// (for sign-in throttling by client address). Empty: believe nobody's.
    #[arg(
        long,
        env = "CANDOUR_TRUSTED_PROXIES",
        default_value = "",
        global = true
    )]
    pub trusted_proxies: String,
    /// The mail server: smtp://host:port, smtp://user:password@host:587?tls=required
    /// (STARTTLS) or smtps://user:password@host:465. Unset: emails wait in the outbox.
    #[arg(long, env = "CANDOUR_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// The sender of the service's email [default: "You said, we did" <no-reply@the public address's host>].
    #[arg(long, env = "CANDOUR_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
}

/// Checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub content_dir: PathBuf,
    pub public_url: url::Url,
    pub site_dir: PathBuf,
    pub organisation: Option<String>,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub mailer: crate::mail::Mailer,
    /// Whether this instance makes the scheduled emails (daily and weekly summaries, review
    /// reminders). Always on in service; the HTTP tests turn it off and make them when a
    /// test says, so a summary never lands in the middle of another test's mail.
    pub scheduled_email: bool,
    /// Time limits for clients (`serve::Limits`; the defaults in service, shorter in tests).
    pub limits: crate::serve::Limits,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid {variable} (--{flag}) {value:?}: {problem}")]
pub struct ConfigError {
    variable: &'static str,
    flag: &'static str,
    value: String,
    problem: String,
}

impl ConfigArgs {
    pub fn check(&self) -> Result<Config, ConfigError> {
        let error = |variable, flag, value: &str, problem: &str| ConfigError {
            variable,
            flag,
            value: value.to_owned(),
            problem: problem.to_owned(),
        };
        let addr = self.addr.parse().map_err(|_| {
            error(
                "CANDOUR_ADDR",
                "addr",
                &self.addr,
                "expected an IP address and port, such as 127.0.0.1:3000",
            )
        })?;
        let data_dir_text = self.data_dir.display().to_string();
        if data_dir_text.trim().is_empty() {
            return Err(error(
                "CANDOUR_DATA_DIR",
                "data-dir",
                &data_dir_text,
                "must not be empty",
            ));
        }
        let database_url = match &self.database_url {
            Some(url)
                if url.starts_with("sqlite:")
                    || url.starts_with("postgres:")
                    || url.starts_with("postgresql:") =>
            {
                url.clone()
            }
            Some(url) => {
                return Err(error(
                    "CANDOUR_DATABASE_URL",
                    "database-url",
                    url,
                    "expected a URL starting with sqlite:// or postgres://",
                ))
            }
            None => format!("sqlite://{}", self.data_dir.join("candour.db").display()),
        };
        let public_url = url::Url::parse(&self.public_url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
            .ok_or_else(|| {
                error(
                    "CANDOUR_PUBLIC_URL",
                    "public-url",
                    &self.public_url,
                    "expected an http:// or https:// address, such as https://candour.example.org",
                )
            })?;
        if let Some(name) = &self.organisation {
            if name.trim().is_empty() || name.len() > 120 {
                return Err(error(
                    "CANDOUR_ORGANISATION",
                    "organisation",
                    name,
                    "must be 1 to 120 characters",
                ));
            }
        }
        let trusted_proxies = self
            .trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse().map_err(|_| {
                    error(
                        "CANDOUR_TRUSTED_PROXIES",
                        "trusted-proxies",
                        part,
                        "expected IP addresses separated by commas, such as 10.0.0.2,10.0.0.3",
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mail_from = self.mail_from.clone().unwrap_or_else(|| {
            format!(
                // Quoted: the name has a comma (RFC 5322 3.4, a display name with one is a
                // quoted string).
                "\"{}\" <no-reply@{}>",
                app::site::DEFAULT_SERVICE_NAME,
                public_url.host_str().unwrap_or("localhost")
            )
        });
        let mailer = crate::mail::mailer(None, &mail_from)
            .map_err(|problem| error("CANDOUR_MAIL_FROM", "mail-from", &mail_from, &problem))?;
        let mailer = match &self.smtp_url {
            None => mailer,
            Some(url) => crate::mail::mailer(Some(url), &mail_from).map_err(|problem| {
                // The password is never repeated back.
                let shown = url::Url::parse(url)
                    .map(|mut u| {
                        let _ = u.set_password(None);
                        u.to_string()
                    })
                    .unwrap_or_else(|_| url.split('@').next_back().unwrap_or_default().to_owned());
                error("CANDOUR_SMTP_URL", "smtp-url", &shown, &problem)
            })?,
        };
        Ok(Config {
            mailer,
            scheduled_email: true,
            limits: crate::serve::Limits::default(),
            trusted_proxies,
            addr,
            data_dir: self.data_dir.clone(),
            database_url,
            content_dir: self.content_dir.clone(),
            public_url,
            site_dir: self.site_dir.clone(),
            organisation: self.organisation.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> ConfigArgs {
        ConfigArgs {
            addr: "127.0.0.1:3000".into(),
            data_dir: "./data".into(),
            database_url: None,
            content_dir: "./content".into(),
            public_url: "http://127.0.0.1:3000".into(),
            site_dir: "./target/site".into(),
            organisation: None,
            trusted_proxies: String::new(),
            smtp_url: None,
            mail_from: None,
        }
    }

    #[test]
    fn mail_settings_are_checked_and_a_password_is_never_shown() {
        let config = args().check().unwrap();
        assert_eq!(
            config.mailer.from.to_string(),
            "\"You said, we did\" <no-reply@127.0.0.1>"
        );
        let error = ConfigArgs {
            smtp_url: Some("imap://user:secret@mail.example.org".into()),
            ..args()
        }
        .check()
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("invalid CANDOUR_SMTP_URL"), "{error}");
        assert!(!error.contains("secret"), "{error}");
        let error = ConfigArgs {
            mail_from: Some("nobody".into()),
            ..args()
        }
        .check()
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("invalid CANDOUR_MAIL_FROM"), "{error}");
    }

    #[test]
    fn trusted_proxies_must_be_ip_addresses() {
        let mut bad = args();
        bad.trusted_proxies = "10.0.0.2, proxy.example".into();
        let message = bad.check().unwrap_err().to_string();
        assert!(message.contains("CANDOUR_TRUSTED_PROXIES"), "{message}");
        let mut good = args();
        good.trusted_proxies = "10.0.0.2, ::1".into();
        assert_eq!(good.check().unwrap().trusted_proxies.len(), 2);
    }

    #[test]
    fn defaults_put_sqlite_in_the_data_folder() {
        let config = args().check().unwrap();
        assert_eq!(config.database_url, "sqlite://./data/candour.db");
    }

    #[test]
    fn a_bad_address_names_the_variable_and_the_problem() {
        let error = ConfigArgs {
            addr: "localhost".into(),
            ..args()
        }
        .check()
        .unwrap_err();
        let line = error.to_string();
        assert!(
            line.starts_with("invalid CANDOUR_ADDR (--addr) \"localhost\""),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }

    #[test]
    fn public_url_must_be_http_or_https() {
        let error = ConfigArgs {
            public_url: "ftp://x".into(),
            ..args()
        }
        .check()
        .unwrap_err();
        assert!(error.to_string().contains("CANDOUR_PUBLIC_URL"));
        let error = ConfigArgs {
            database_url: Some("mysql://x".into()),
            ..args()
        }
        .check()
        .unwrap_err();
        assert!(error.to_string().contains("CANDOUR_DATABASE_URL"));
    }
}
