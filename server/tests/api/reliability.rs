//! Nothing lost, nothing wrong: saves made at once from one copy, the search index after a
//! restart or an import while stopped, `reindex` beside a running server, a data folder
//! that cannot be written, and a disk that fills up and is freed again.

use std::time::Duration;

use app::accounts::Role;

use crate::helpers::{content_dir, spawn_app, spawn_app_configured, Browser, TestApp};

/// The hidden `name="{field}" value="…"` on a form page.
fn hidden(body: &str, field: &str) -> String {
    let marker = format!("name=\"{field}\" value=\"");
    let start = body.find(&marker).expect("the form carries the field") + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

/// Posts `fields` from two editors at the same moment; the two statuses.
async fn at_once(a: &Browser, b: &Browser, path: &str, fields: Vec<(String, String)>) -> [u16; 2] {
    let send = |browser: &Browser, mut fields: Vec<(String, String)>, who: &str| {
        for (name, value) in &mut fields {
            if name == "body" || name == "summary" {
                value.push_str(&format!(" ({who})"));
            }
        }
        let request = browser
            .client
            .post(format!("{}{path}", browser.address))
            .form(&fields);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let (first, second) = tokio::join!(
        send(a, fields.clone(), "first editor"),
        send(b, fields, "second editor")
    );
    [first, second]
}

/// Ten rounds of two editors saving one report's draft from the same copy: each round
/// exactly one save is recorded and the other is refused (409), never both.
pub async fn report_saves_at_once_record_exactly_one(app: &TestApp) {
    let (a, _) = app.signed_in(Role::Editor).await;
    let (b, _) = app.signed_in(Role::Editor).await;
    let created = a
        .post(
            "/admin/reports/new",
            &[
                ("title", "Raced draft"),
                ("kind", "briefing"),
                ("date-day", "20"),
                ("date-month", "11"),
                ("date-year", "2026"),
                ("summary", "What two editors wrote at once."),
                ("body", "The first words."),
                ("version", "0"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{:?}", created.field_errors());
    let editor_page = created.location.split('?').next().unwrap().to_owned();
    for round in 0..10 {
        let form = a.get(&editor_page).await.body;
        let version = hidden(&form, "version");
        let fields: Vec<(String, String)> = [
            ("title", "Raced draft"),
            ("slug", ""),
            ("kind", "briefing"),
            ("quarter", ""),
            ("date-day", "20"),
            ("date-month", "11"),
            ("date-year", "2026"),
            ("summary", "What two editors wrote at once."),
            ("body", &format!("Round {round} of the race.")),
            ("recommendations", ""),
            ("values", ""),
            ("change_note", ""),
            ("version", &version),
            ("action", "save"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let mut statuses = at_once(&a, &b, &editor_page, fields).await;
        statuses.sort_unstable();
        assert_eq!(statuses, [303, 409], "round {round}");
    }
}

#[tokio::test]
async fn two_editors_saving_one_report_at_once_never_both_succeed() {
    let app = spawn_app().await;
    report_saves_at_once_record_exactly_one(&app).await;
}

#[tokio::test]
async fn two_editors_saving_one_page_at_once_never_both_succeed() {
    let app = spawn_app().await;
    let (a, _) = app.signed_in(Role::Editor).await;
    let (b, _) = app.signed_in(Role::Editor).await;
    for round in 0..10 {
        let form = a.get("/admin/pages/contact").await.body;
        let revision = hidden(&form, "revision");
        let fields: Vec<(String, String)> = [
            ("title", "Contact us"),
            ("summary", "How to reach the involvement team."),
            ("body", &format!("Write to us. Round {round}.")),
            ("note", ""),
            ("revision", &revision),
            ("action", "save"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let mut statuses = at_once(&a, &b, "/admin/pages/contact", fields).await;
        statuses.sort_unstable();
        assert_eq!(statuses, [303, 409], "round {round}");
    }
}

/// A free port for a child process.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `candour` binary serving `data` on a free port, and its address once it answers.
async fn start_binary(data: &std::path::Path) -> (std::process::Child, String) {
    let port = free_port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_candour"))
        .env("CANDOUR_ADDR", format!("127.0.0.1:{port}"))
        .env("CANDOUR_DATA_DIR", data)
        .env("CANDOUR_CONTENT_DIR", content_dir())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut child = child;
    let address = format!("http://127.0.0.1:{port}");
    for _ in 0..300 {
        if reqwest::get(format!("{address}/healthz")).await.is_ok() {
            return (child, address);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("candour did not start");
}

/// Changes a recommendation's title straight in the database, as an import run while no
/// server is watching would, moving the content version on.
async fn retitle_while_stopped(data: &std::path::Path, title: &str) {
    let db = app::db::Database::connect(&format!("sqlite://{}/candour.db", data.display()))
        .await
        .unwrap();
    let mut tx = db.begin_write().await.unwrap();
    sqlx::query("UPDATE recommendations SET title = $1 WHERE reference = 'PP-3'")
        .bind(title)
        .execute(&mut *tx)
        .await
        .unwrap();
    app::db::bump_content_version(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    app::db::content_committed();
    db.close().await;
}

async fn finds(address: &str, word: &str) -> bool {
    let body = reqwest::get(format!("{address}/search?q={word}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    body.contains("/actions/PP-3")
}

/// Polls search for up to five seconds.
async fn eventually_finds(address: &str, word: &str) -> bool {
    for _ in 0..50 {
        if finds(address, word).await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn the_search_index_catches_up_with_changes_made_while_no_server_ran() {
    let data = tempfile::tempdir().unwrap();
    let (mut first, address) = start_binary(data.path()).await;
    first.kill().unwrap();
    first.wait().unwrap();
    retitle_while_stopped(data.path(), "Zanzibarian oversight of every release").await;
    let (mut second, address2) = start_binary(data.path()).await;
    assert!(
        eventually_finds(&address2, "zanzibarian").await,
        "the change made while stopped is searchable after the start"
    );
    second.kill().unwrap();
    second.wait().unwrap();
    let _ = address;
}

#[tokio::test]
async fn reindex_works_while_a_server_is_running() {
    let data = tempfile::tempdir().unwrap();
    let (mut server, address) = start_binary(data.path()).await;
    // A change the server is not told about (its content version is not moved on).
    let db = app::db::Database::connect(&format!("sqlite://{}/candour.db", data.path().display()))
        .await
        .unwrap();
    sqlx::query("UPDATE recommendations SET title = 'Quixotic audit of data flows' WHERE reference = 'PP-3'")
        .execute(db.pool())
        .await
        .unwrap();
    db.close().await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(!finds(&address, "quixotic").await);
    let reindex = std::process::Command::new(env!("CARGO_BIN_EXE_candour"))
        .arg("reindex")
        .env("CANDOUR_DATA_DIR", data.path())
        .env("CANDOUR_CONTENT_DIR", content_dir())
        .output()
        .unwrap();
    assert!(
        reindex.status.success(),
        "{}",
        String::from_utf8_lossy(&reindex.stderr)
    );
    assert!(String::from_utf8_lossy(&reindex.stdout).contains("will rebuild its search index"));
    assert!(eventually_finds(&address, "quixotic").await);
    server.kill().unwrap();
    server.wait().unwrap();
}

#[tokio::test]
async fn a_data_folder_that_cannot_be_written_is_named_with_its_cause_at_once() {
    let data = tempfile::tempdir().unwrap();
    let not_a_folder = data.path().join("a-file");
    std::fs::write(&not_a_folder, "not a folder").unwrap();
    let started = std::time::Instant::now();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_candour"))
        .env("CANDOUR_ADDR", format!("127.0.0.1:{}", free_port()))
        .env("CANDOUR_DATA_DIR", &not_a_folder)
        .env("CANDOUR_CONTENT_DIR", content_dir())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains(&not_a_folder.display().to_string()), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "one line: {said}");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "not after a pool timeout"
    );
}

/// A small file system of its own (tmpfs), so the test can fill it up and free it again.
/// Needs root or permission to mount, as the test machines have.
struct SmallDisk {
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        assert!(
            status.success(),
            "this test mounts a small tmpfs to fill it up: run the tests as root (as scripts/test does in CI)"
        );
        SmallDisk {
            path: dir.path().to_path_buf(),
            _dir: dir,
        }
    }

    /// Fills what is left with a ballast file.
    fn fill(&self) {
        use std::io::Write as _;
        let mut ballast = std::fs::File::create(self.path.join("ballast")).unwrap();
        let block = vec![0u8; 64 * 1024];
        while ballast.write_all(&block).is_ok() {}
        let _ = ballast.sync_all();
    }

    fn free(&self) {
        std::fs::remove_file(self.path.join("ballast")).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.path)
            .status();
    }
}

#[tokio::test]
async fn a_full_disk_keeps_reads_working_and_writes_work_again_once_it_is_freed() {
    let disk = SmallDisk::mount(96);
    let data = disk.path.clone();
    let app = spawn_app_configured(&content_dir(), move |config| {
        config.database_url = format!("sqlite://{}/candour.db", data.display());
        config.data_dir = data.clone();
    })
    .await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let form = [
        ("title", "Written on a full disk"),
        ("kind", "briefing"),
        ("date-day", "20"),
        ("date-month", "11"),
        ("date-year", "2026"),
        ("summary", "Kept when the disk is full."),
        ("body", &"Every word of this matters. ".repeat(400)),
        ("version", "0"),
        ("action", "save"),
    ];
    disk.fill();

    let refused = editor.post("/admin/reports/new", &form).await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(refused.body.contains("a problem storing data"));
    assert!(
        refused.body.contains("Written on a full disk"),
        "the title is kept"
    );
    assert!(
        refused.body.contains("Every word of this matters."),
        "the text is kept"
    );
    // Reads keep working, signed in or not.
    assert_eq!(editor.get("/actions").await.status, 200);
    assert_eq!(editor.get("/admin").await.status, 200);
    assert_eq!(app.get("/actions/PP-1").await.status, 200);
    assert_eq!(app.get("/healthz").await.status, 503);
    // Signing in needs a write: a page that says so, not an empty 500.
    let sign_in = app
        .browser()
        .post(
            "/sign-in",
            &[
                ("email", "nobody@example.org"),
                ("password", "wrong password here"),
            ],
        )
        .await;
    assert!(sign_in.status >= 400);
    assert!(sign_in.body.contains("<html"), "{}", sign_in.body);

    disk.free();
    assert_eq!(app.get("/healthz").await.status, 200);
    for n in 0..12 {
        let mut fields = form.to_vec();
        let title = format!("Written after the disk was freed {n}");
        fields[0] = ("title", &title);
        let saved = editor.post("/admin/reports/new", &fields).await;
        assert_eq!(
            saved.status,
            303,
            "write {n} after freeing: {:?}",
            saved.field_errors()
        );
    }
}

#[tokio::test]
async fn a_backup_made_while_the_site_writes_is_whole_and_restores_elsewhere() {
    use std::sync::{
        atomic::{AtomicBool, AtomicI64, Ordering},
        Arc,
    };
    let app = spawn_app().await;
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicI64::new(0));
    let writer = {
        let db = app.db.clone();
        let (stop, written) = (stop.clone(), written.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let mut tx = db.begin_write().await.unwrap();
                sqlx::query("INSERT INTO site_settings (key, value) VALUES ($1, 'x')")
                    .bind(format!("load:{n}"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                n += 1;
                written.store(n, Ordering::Relaxed);
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let copy = tempfile::tempdir().unwrap();
    let file = copy.path().join("candour-backup.db");
    let backup = tokio::process::Command::new(env!("CARGO_BIN_EXE_candour"))
        .arg("backup")
        .arg(&file)
        .env("CANDOUR_DATA_DIR", app.data_dir())
        .output()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    assert!(String::from_utf8_lossy(&backup.stdout).contains("integrity check ok"));
    let total = written.load(Ordering::Relaxed);
    let copied = {
        use sqlx::Connection as _;
        let mut conn =
            sqlx::AnyConnection::connect(&format!("sqlite://{}?mode=ro", file.display()))
                .await
                .unwrap();
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM site_settings WHERE key LIKE 'load:%'")
                .fetch_one(&mut conn)
                .await
                .unwrap();
        n
    };
    assert!(
        copied > 0 && copied < total,
        "a moment's copy: {copied} of {total} writes"
    );

    // Refused where a server is running (this test's server holds its data folder).
    let refused = tokio::process::Command::new(env!("CARGO_BIN_EXE_candour"))
        .arg("restore")
        .arg(&file)
        .env("CANDOUR_DATA_DIR", app.data_dir())
        .output()
        .await
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("stop it first"));

    // Restored into another folder, a server starts on it with everything in the copy.
    let fresh = tempfile::tempdir().unwrap();
    let restored = tokio::process::Command::new(env!("CARGO_BIN_EXE_candour"))
        .arg("restore")
        .arg(&file)
        .env("CANDOUR_DATA_DIR", fresh.path())
        .output()
        .await
        .unwrap();
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let data = fresh.path().to_path_buf();
    let again = spawn_app_configured(&content_dir(), move |config| {
        config.database_url = format!("sqlite://{}/candour.db", data.display());
        config.data_dir = data.clone();
    })
    .await;
    assert_eq!(
        again
            .scalar_i64("SELECT COUNT(*) FROM site_settings WHERE key LIKE 'load:%'")
            .await,
        copied
    );
    assert_eq!(again.get("/actions/PP-1").await.status, 200);
    // A file that is not a backup is refused before anything is replaced.
    let junk = copy.path().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let refused = tokio::process::Command::new(env!("CARGO_BIN_EXE_candour"))
        .arg("restore")
        .arg(&junk)
        .env("CANDOUR_DATA_DIR", tempfile::tempdir().unwrap().path())
        .output()
        .await
        .unwrap();
    assert!(!refused.status.success());
}

#[tokio::test]
async fn a_creating_form_sent_twice_creates_one_thing() {
    let app = spawn_app().await;
    creating_forms_sent_twice_create_one_thing(&app).await;
}

/// A comment sent twice at once and again later, a report sent twice: one of each.
pub async fn creating_forms_sent_twice_create_one_thing(app: &TestApp) {
    let (editor, friend, _) = crate::policies::policy_in_review(app).await;
    let page = friend.get("/review/trial-policy").await.body;
    let key = hidden(&page, "idempotency_key");
    assert_eq!(key.len(), 32, "the comment form carries a one-time key");
    let comment = [
        ("paragraph", "whole"),
        ("body", "Sent twice by a double click."),
        ("idempotency_key", key.as_str()),
    ];
    // A double click: both at once.
    let fields: Vec<(String, String)> = comment
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let send = |fields: Vec<(String, String)>| {
        let request = friend
            .client
            .post(format!("{}/review/trial-policy/comments", friend.address))
            .form(&fields);
        async move { request.send().await.unwrap() }
    };
    let (first, second) = tokio::join!(send(fields.clone()), send(fields.clone()));
    assert_eq!(first.status().as_u16(), 303);
    assert_eq!(second.status().as_u16(), 303);
    // Both lead to the one comment (the first also says it was posted).
    let place = |response: &reqwest::Response| {
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let (path, fragment) = location.split_once('#').unwrap_or((&location, ""));
        format!("{}#{fragment}", path.split('?').next().unwrap())
    };
    assert_eq!(place(&first), place(&second));
    // A retry after a lost reply, later.
    let retried = friend.post("/review/trial-policy/comments", &comment).await;
    assert_eq!(retried.status, 303);
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM policy_comments WHERE body = 'Sent twice by a double click.'"
        )
        .await,
        1
    );
    // A new page gives a new key: saying it again on purpose is a second comment.
    let again = friend.get("/review/trial-policy").await.body;
    let second_key = hidden(&again, "idempotency_key");
    assert_ne!(key, second_key);
    friend
        .post(
            "/review/trial-policy/comments",
            &[
                ("paragraph", "whole"),
                ("body", "Sent twice by a double click."),
                ("idempotency_key", second_key.as_str()),
            ],
        )
        .await;
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM policy_comments WHERE body = 'Sent twice by a double click.'"
        )
        .await,
        2
    );

    // A new report sent twice: one report, and both go to it.
    let form = editor.get("/admin/reports/new").await.body;
    let key = hidden(&form, "idempotency_key");
    let report = [
        ("title", "Sent twice"),
        ("kind", "briefing"),
        ("date-day", "20"),
        ("date-month", "11"),
        ("date-year", "2026"),
        ("summary", "A report whose reply was lost."),
        ("body", "Words."),
        ("version", "0"),
        ("action", "save"),
        ("idempotency_key", key.as_str()),
    ];
    let first = editor.post("/admin/reports/new", &report).await;
    let second = editor.post("/admin/reports/new", &report).await;
    assert_eq!(first.status, 303, "{:?}", first.field_errors());
    assert_eq!(second.status, 303, "{:?}", second.field_errors());
    assert_eq!(
        first.location.split('?').next(),
        second.location.split('?').next()
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM reports WHERE title = 'Sent twice'")
            .await,
        1
    );
}

/// Signs in on a running `candour` binary; the client keeps the session cookie.
async fn signed_in_client(address: &str, email: &str, password: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let reply = client
        .post(format!("{address}/sign-in"))
        .form(&[("email", email), ("password", password), ("next", "/admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 303);
    client
}

/// Publishes reports from `writers` tasks until the server stops answering; the titles
/// whose publication was acknowledged (303).
async fn write_until_killed(client: &reqwest::Client, address: &str, round: usize) -> Vec<String> {
    let mut tasks = Vec::new();
    for writer in 0..4 {
        let client = client.clone();
        let address = address.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for n in 0.. {
                let title = format!("Crashtest report r{round} w{writer} n{n}");
                let sent = client
                    .post(format!("{address}/admin/reports/new"))
                    .form(&[
                        ("title", title.as_str()),
                        ("kind", "briefing"),
                        ("date-day", "20"),
                        ("date-month", "11"),
                        ("date-year", "2026"),
                        ("summary", "Written while the server was killed."),
                        ("body", "Crashtest words."),
                        ("version", "0"),
                        ("action", "publish"),
                        ("confirmed", "yes"),
                    ])
                    .send()
                    .await;
                match sent {
                    Ok(reply) if reply.status().as_u16() == 303 => acknowledged.push(title),
                    Ok(reply) => panic!("{title}: {}", reply.status()),
                    Err(_) => break,
                }
            }
            acknowledged
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all
}

#[tokio::test]
async fn kill_nine_three_times_under_writes_loses_no_acknowledged_write() {
    let data = tempfile::tempdir().unwrap();
    let password = "harbour lantern thistle";
    let created = std::process::Command::new(env!("CARGO_BIN_EXE_candour"))
        .args([
            "user",
            "create-admin",
            "--email",
            "crash@example.org",
            "--name",
            "Crash Test",
        ])
        .env("CANDOUR_DATA_DIR", data.path())
        .env("CANDOUR_CONTENT_DIR", content_dir())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("{password}\n").as_bytes())?;
            child.wait()
        })
        .unwrap();
    assert!(created.success());
    let mut acknowledged = Vec::new();
    for round in 0..3 {
        let (mut server, address) = start_binary(data.path()).await;
        let client = signed_in_client(&address, "crash@example.org", password).await;
        let writing = tokio::spawn({
            let address = address.clone();
            async move { write_until_killed(&client, &address, round).await }
        });
        tokio::time::sleep(Duration::from_millis(1500)).await;
        server.kill().unwrap(); // SIGKILL, mid-write
        server.wait().unwrap();
        acknowledged.extend(writing.await.unwrap());
    }
    assert!(
        acknowledged.len() > 10,
        "the load wrote something: {}",
        acknowledged.len()
    );

    let (mut server, address) = start_binary(data.path()).await;
    let db = app::db::Database::connect(&format!("sqlite://{}/candour.db", data.path().display()))
        .await
        .unwrap();
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(verdict, "ok");
    for title in &acknowledged {
        let copies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE title = $1")
            .bind(title)
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(
            copies, 1,
            "{title} was acknowledged, so it is there exactly once"
        );
    }
    let published: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reports WHERE title LIKE 'Crashtest report%' AND state = 'published'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    db.close().await;
    // Search agrees with the database once the restarted server has caught up.
    let mut found = -1;
    for _ in 0..100 {
        let results: serde_json::Value =
            reqwest::get(format!("{address}/api/v1/search?q=crashtest&per_page=1"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        found = results["total"].as_i64().unwrap_or(-1);
        if found == published {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(found, published, "search finds every published report");
    server.kill().unwrap();
    server.wait().unwrap();
}
