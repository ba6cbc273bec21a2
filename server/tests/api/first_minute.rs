//! The public's first minute: what the home page offers first, figures that agree with the
//! register, and the opt-out advice.

use crate::helpers::spawn_app;

/// Every number in `text` (digits only), in order.
fn numbers(text: &str) -> Vec<i64> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}

/// The text of each element carrying `data-test="{name}"`, tags removed.
fn texts(body: &str, name: &str) -> Vec<String> {
    let marker = format!("data-test=\"{name}\"");
    body.match_indices(&marker)
        .map(|(at, _)| {
            let start = body[at..].find('>').unwrap() + at + 1;
            let end = body[start..].find("</").unwrap() + start;
            body[start..end].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_home_page_opens_with_what_happened_and_how_to_find_it() {
    let app = spawn_app().await;
    let home = app.get("/").await.body;
    let h1 = home.find("<h1").unwrap();
    assert!(home[h1..].starts_with("<h1>Find out what happened to a recommendation</h1>"));
    let search = home.find("data-test=\"home-search\"").unwrap();
    let progress = home.find("data-test=\"progress-summary\"").unwrap();
    let changes = home.find("data-test=\"recent-changes\"").unwrap();
    let licence = home.find("data-test=\"licence-parts\"").unwrap();
    assert!(h1 < search && search < progress && progress < changes && changes < licence);
    assert_eq!(
        home[changes..]
            .split("</ol>")
            .next()
            .unwrap()
            .matches("<li")
            .count(),
        3,
        "the three latest changes"
    );
    let total = app.scalar_i64("SELECT COUNT(*) FROM recommendations").await;
    assert_eq!(
        texts(&home, "all-recommendations"),
        vec![format!("See all {total} recommendations")]
    );
    assert!(
        home.contains("id=\"opt-out\""),
        "Can I opt out? is answered"
    );
    // One search in the header (no "Search" in the navigation), and You said, we did in it.
    let menu = &home[home.find("aria-label=\"Main menu\"").unwrap()..];
    let menu = &menu[..menu.find("</nav>").unwrap()];
    assert!(
        !menu.contains("href=\"/search\""),
        "no second way to search"
    );
    assert!(home.contains("href=\"/you-said-we-did\" class=\"nhsuk-header__navigation-link\""));
    // The service is named by its task, and by the site's own setting.
    assert!(home.contains("<span class=\"nhsuk-header__service-name\">You said, we did</span>"));
    // The social licence's explanation has its own heading, and its sections sit beneath
    // it (h3), not beside it.
    let intro = home
        .find(">Our social licence: how we earn your trust</h2>")
        .unwrap();
    let parts = home
        .find(">The three parts of our social licence</h2>")
        .unwrap();
    let explanation = &home[intro..parts];
    assert!(
        explanation.contains("Why trust matters</h3>"),
        "{explanation}"
    );
    assert_eq!(
        explanation.matches("<h2").count(),
        1,
        "only the next part's: {explanation}"
    );
}

#[tokio::test]
async fn every_count_a_sentence_states_is_the_registers_own() {
    let app = spawn_app().await;
    let page = app.get("/you-said-we-did").await.body;
    let sentences = texts(&page, "group-progress");
    let engagements: Vec<(String, i64)> = sqlx::query_as(
        "SELECT e.name, COUNT(r.id) FROM engagements e JOIN recommendations r ON r.engagement_id = e.id
         GROUP BY e.name, e.position ORDER BY e.position",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(sentences.len(), engagements.len());
    for (sentence, (name, total)) in sentences.iter().zip(&engagements) {
        let figures = numbers(sentence);
        assert_eq!(figures[0], *total, "{name}: {sentence}");
        if figures.len() == 1 {
            assert!(
                sentence.contains(", all "),
                "{name}: one status for all: {sentence}"
            );
        } else {
            assert_eq!(
                figures[1..].iter().sum::<i64>(),
                *total,
                "{name}: the parts add up to the whole: {sentence}"
            );
        }
        assert!(!sentence.contains("are done and"), "{sentence}");
    }
    // The register's own summary agrees with its rows.
    let register = app.get("/actions").await.body;
    let total = app.scalar_i64("SELECT COUNT(*) FROM recommendations").await;
    assert_eq!(
        numbers(&texts(&register, "results-summary")[0]),
        vec![total]
    );
    let filtered = app.get("/actions?status=in-progress").await.body;
    let in_progress = app
        .scalar_i64("SELECT COUNT(*) FROM recommendations WHERE status_key = 'in-progress'")
        .await;
    assert_eq!(
        numbers(&texts(&filtered, "results-summary")[0]),
        vec![in_progress]
    );
}

#[tokio::test]
async fn the_opt_out_advice_sends_people_to_the_right_place() {
    let app = spawn_app().await;
    for path in ["/", "/contact"] {
        let body = app.get(path).await.body;
        assert!(body.contains("NHS App"), "{path}");
        assert!(
            body.contains("https://www.nhs.uk/your-nhs-data-matters/"),
            "{path}"
        );
        assert!(body.contains("0300 303 5678"), "{path}");
        assert!(
            body.contains("type 1 opt-out"),
            "{path}: the GP handles type 1"
        );
        assert!(
            !body.contains("ask your GP practice about the national data opt-out"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_page_says_when_its_content_last_changed_in_words() {
    let app = spawn_app().await;
    let contact = app.get("/contact").await.body;
    assert!(
        contact.contains("Page last updated: 30 November 2026"),
        "the file's own date"
    );
    assert!(!contact.contains("Page last updated: 20"), "never ISO");
}

#[tokio::test]
async fn feeds_are_named_by_the_service_and_written_by_its_organisation() {
    let app = spawn_app().await;
    for (path, title) in [
        ("/reports/feed.atom", "You said, we did: reports"),
        ("/policies/feed.atom", "You said, we did: policies"),
        (
            "/actions/feed.atom",
            "Actions to Build Trust: every status change",
        ),
    ] {
        let feed = feed_rs::parser::parse(app.get(path).await.body.as_bytes()).unwrap();
        assert_eq!(feed.title.unwrap().content, title, "{path}");
        let authors: Vec<String> = feed.authors.into_iter().filter_map(|a| a.name).collect();
        assert_eq!(authors, vec!["Wessex Secure Data Environment"], "{path}");
    }
}

#[tokio::test]
async fn the_progress_note_says_what_the_figures_describe() {
    let app = spawn_app().await;
    // A status filter alone leaves the figures describing the whole register: no note.
    let status_only = app.get("/actions?status=in-progress").await.body;
    assert!(status_only.contains("data-test=\"results-summary\""));
    assert!(!status_only.contains("data-test=\"progress-filtered\""));
    let narrowed = app.get("/actions?engagement=public-panel").await.body;
    assert!(
        texts(&narrowed, "progress-filtered")[0].contains("only the recommendations that match")
    );
    let both = app
        .get("/actions?engagement=public-panel&status=in-progress")
        .await
        .body;
    assert!(texts(&both, "progress-filtered")[0].contains("other than status"));
}

#[tokio::test]
async fn the_time_limits_people_are_told_are_the_ones_kept() {
    let app = spawn_app().await;
    let days = app::email::UNCONFIRMED_KEPT_DAYS;
    // The privacy notice is content, written by the team: it must agree with the clear-out.
    let privacy = app.get("/privacy").await.body;
    assert!(privacy.contains(&format!("we delete your address after {days} days")));
    assert!(privacy.contains(&format!("or {days} days if they never confirm")));
    let subscribe = app.get("/subscribe?topic=register").await.body;
    assert!(subscribe.contains(&format!("or after {days} days if you never confirm")));
    let browser = app.browser();
    let form = [("email", "nobody@example.org")];
    let reply = browser.post("/forgot-password", &form).await;
    assert!(
        reply.body.contains(&format!(
            "The link works once, for {} hours.",
            app::accounts::RESET_HOURS
        )),
        "{}",
        reply.body
    );
}

/// The hrefs of the status links in the progress legend.
fn legend_links(body: &str) -> Vec<(String, i64)> {
    body.split("<li data-status=\"")
        .skip(1)
        .map(|item| {
            let href = item
                .split("href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let count = item
                .split("data-test=\"status-count\">")
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            (href.replace("&amp;", "&"), count)
        })
        .collect()
}

#[tokio::test]
async fn each_status_count_opens_a_list_of_that_many() {
    let app = spawn_app().await;
    for page in [
        "/actions?engagement=public-panel",
        "/actions?q=data",
        "/you-said-we-did",
        "/values/transparency",
    ] {
        let body = app.get(page).await.body;
        let links = legend_links(&body);
        assert!(!links.is_empty(), "{page}");
        for (href, count) in links.into_iter().filter(|(_, count)| *count > 0) {
            let summary = texts(&app.get(&href).await.body, "results-summary").join(" ");
            assert!(
                summary.starts_with(&format!("{count} recommendation")),
                "{page}: {href} says {count} but opens “{summary}”"
            );
        }
    }
}

#[tokio::test]
async fn on_a_phone_a_back_link_takes_the_place_of_the_breadcrumb() {
    let app = spawn_app().await;
    for (page, parent) in [
        ("/actions/PP-1", "/actions"),
        ("/reports/quarterly-summary-2026-q3", "/reports"),
        ("/policies/data-access", "/policies"),
        ("/values/transparency", "/values"),
    ] {
        let body = app.get(page).await.body;
        let nav = &body[body.find("aria-label=\"Breadcrumb\"").unwrap()..];
        let nav = &nav[..nav.find("</nav>").unwrap()];
        assert!(
            nav.contains(&format!(
                "<a href=\"{parent}\" data-test=\"breadcrumb-back\" class=\"nhsuk-back-link\">"
            )),
            "{page}: {nav}"
        );
    }
}
