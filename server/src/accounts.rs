//! `candour user …`: accounts from the command line, for the first administrator and for
//! deployments where nobody has signed in yet.

use std::io::{BufRead as _, IsTerminal as _};

use anyhow::Context as _;
use app::{
    accounts::{
        ssr::{
            audit::{self, Change},
            links, passwords, users,
        },
        Role, Viewer,
    },
    db::Database,
};

/// The new password: asked for twice at a terminal, or the first line of standard input.
pub fn read_new_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (12 characters or more): ")?;
        let second = rpassword::prompt_password("Type it again: ")?;
        anyhow::ensure!(first == second, "the two passwords are different");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

fn check_email(email: &str) -> anyhow::Result<String> {
    let email = users::normalise_email(email);
    anyhow::ensure!(
        users::looks_like_email(&email),
        "--email {email:?} is not an email address"
    );
    Ok(email)
}

pub async fn create_admin(
    db: &Database,
    email: &str,
    name: &str,
    password: String,
) -> anyhow::Result<String> {
    let email = check_email(email)?;
    let name = name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.chars().count() <= app::accounts::DISPLAY_NAME_MAX_CHARS,
        "--name must be 1 to {} characters",
        app::accounts::DISPLAY_NAME_MAX_CHARS
    );
    passwords::check_new_password(&password, &[name, &email])
        .map_err(|message| anyhow::anyhow!(message))?;
    let hash = passwords::hash_password(password).await?;
    let mut tx = db.begin_write().await?;
    anyhow::ensure!(
        !users::email_exists(&mut tx, &email).await?,
        "there is already an account with the email address {email}"
    );
    let id = users::create(&mut tx, &email, name, Role::Admin, &hash).await?;
    let viewer = Viewer {
        id,
        display_name: name.to_owned(),
        role: Role::Admin,
    };
    audit::record(
        &mut tx,
        &viewer,
        Change {
            action: "account.created-at-command-line",
            record_kind: "account",
            record_id: id.to_string(),
            before: String::new(),
            after: "active account, role admin".to_owned(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(format!(
        "created administrator account {id} for {email}; sign in at /sign-in"
    ))
}

pub async fn invite(
    db: &Database,
    public_url: &url::Url,
    email: &str,
    role: &str,
) -> anyhow::Result<String> {
    let email = check_email(email)?;
    let role = Role::parse(role).with_context(|| {
        format!("--role {role:?} is not a role: use critical_friend, editor or admin")
    })?;
    let mut tx = db.begin_write().await?;
    anyhow::ensure!(
        !users::email_exists(&mut tx, &email).await?,
        "there is already an account with the email address {email}"
    );
    let (_, token) = links::create_invite(&mut tx, &email, role, None).await?;
    tx.commit().await?;
    let base = public_url.as_str().trim_end_matches('/');
    Ok(format!(
        "Invitation for {email} as {}. Send them this link; it works once, for {} days:\n{base}/invite/{token}",
        role.label(),
        links::INVITE_DAYS
    ))
}
