//! `/forgot-password`: anyone asks for a link to set a new password. The answer, and the
//! time it takes, are the same whether or not the address has an account (OWASP
//! Forgot Password Cheat Sheet), and requests are throttled like sign-in: an address gets
//! at most three links an hour, and one network address may ask twenty times an hour.

use std::{net::SocketAddr, time::Duration};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::StatusCode,
};
use serde::Deserialize;

use crate::{
    accounts::ssr::{client_address, emails, links, users::normalise_email},
    forms::{
        rules::email_address,
        ssr::{internal, read, trimmed, Answer, Posted},
    },
    mail::{record_request, requests_since},
    state::AppState,
};

const PAGE: &str = "/forgot-password";
/// Every answer takes at least this long, so its timing says nothing about the address.
const ANSWER_TIME: Duration = Duration::from_millis(400);

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct ForgotForm {
    #[garde(custom(email_address))]
    #[serde(deserialize_with = "trimmed")]
    email: String,
}

pub async fn forgot_password(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Answer {
    let started = tokio::time::Instant::now();
    let Posted {
        form, mut reply, ..
    } = read::<ForgotForm>(request, "forgot", PAGE).await;
    let client = format!(
        "reset-client:{}",
        client_address(
            peer,
            &reply.parts().headers,
            &state.security.trusted_proxies
        )
    );
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    if requests_since(&mut conn, &client, chrono::Duration::hours(1))
        .await
        .map_err(internal)?
        >= 20
    {
        reply.error(
            "email",
            "There have been too many requests from your network. Try again in an hour.",
        );
        return Err(reply.again(&state, StatusCode::TOO_MANY_REQUESTS).await);
    }
    drop(conn);
    let reply = reply.mistakes(&state).await?;
    let email = normalise_email(&form.email);
    let address = {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(email.as_bytes());
        format!(
            "reset-address:{}",
            digest[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        )
    };
    let site = state.site.clone();
    let sent = async {
        let mut tx = state.db.begin_write().await?;
        record_request(&mut tx, &client).await?;
        let recent = requests_since(&mut tx, &address, chrono::Duration::hours(1)).await?;
        record_request(&mut tx, &address).await?;
        let account: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE email = $1 AND state = 'active'")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
        if let (Some(id), true) = (account, recent < 3) {
            let (_, token) = links::create_reset(&mut tx, id, None).await?;
            let message = emails::reset(&site, &token, true);
            crate::mail::send_to(&mut tx, &message, &email, Some(id), None).await?;
        }
        tx.commit().await
    }
    .await;
    if let Err(error) = sent {
        return Err(internal(error));
    }
    tokio::time::sleep_until(started + ANSWER_TIME).await;
    let mut reply = reply;
    reply.feedback.outcome = Some(
        format!("If there is an account for that address, we have sent it a link to set a new password. The link works once, for {} hours. Check your email, including any spam folder.", crate::accounts::RESET_HOURS),
    );
    reply.forget_value("email");
    Ok(reply.again(&state, StatusCode::OK).await)
}
