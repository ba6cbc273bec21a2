use std::path::Path;

use app::db::Database;
use server::content::{export_dir, import_dir};

use crate::helpers::content_dir;

pub(crate) async fn fresh_db(dir: &Path) -> Database {
    let db = Database::connect(&format!("sqlite://{}/test.db", dir.display()))
        .await
        .expect("database opens");
    db.migrate().await.expect("migrations run");
    db
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walk(from) {
        let target = to.join(entry.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[tokio::test]
async fn importing_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path()).await;
    let first = import_dir(&db, &content_dir()).await.unwrap();
    assert_eq!(first.created, 75);
    let second = import_dir(&db, &content_dir()).await.unwrap();
    assert_eq!(
        (second.created, second.updated, second.unchanged),
        (0, 0, 75)
    );
    assert_eq!(second.history_appended, 0);
}

#[tokio::test]
async fn import_export_import_gives_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path()).await;
    import_dir(&db, &content_dir()).await.unwrap();
    let first = dir.path().join("first");
    export_dir(&db, &first).await.unwrap();

    let other = tempfile::tempdir().unwrap();
    let db2 = fresh_db(other.path()).await;
    let report = import_dir(&db2, &first).await.unwrap();
    assert_eq!(report.created, 75);
    let second = dir.path().join("second");
    export_dir(&db2, &second).await.unwrap();

    let a = walk(&first);
    let b = walk(&second);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            std::fs::read_to_string(x).unwrap(),
            std::fs::read_to_string(y).unwrap(),
            "{}",
            x.display()
        );
    }
    // And the exported folder re-imports into the first database as "unchanged".
    let again = import_dir(&db, &first).await.unwrap();
    assert_eq!(again.unchanged, 75);
}

#[tokio::test]
async fn an_edited_file_updates_its_record_and_appends_history() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&content_dir(), &content);
    let db = fresh_db(dir.path()).await;
    import_dir(&db, &content).await.unwrap();

    let path = content.join("recommendations/SH-4.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let status_line = text
        .lines()
        .find(|l| l.starts_with("status = "))
        .unwrap()
        .to_owned();
    let old_status = status_line
        .trim_start_matches("status = ")
        .trim_matches('"')
        .to_owned();
    // A decision has no progress figure or target date.
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("progress = ") && !l.starts_with("target = "))
        .map(|l| format!("{l}\n"))
        .collect();
    let edited = text.replacen(&status_line, "status = \"implemented\"", 1).replacen(
        "\n+++\n",
        &format!(
            "\n[[history]]\ndate = 2026-11-20\nfrom = \"{old_status}\"\nto = \"implemented\"\nnote = \"Done.\"\nteam = \"PPIE Team\"\n+++\n"
        ),
        1,
    );
    std::fs::write(&path, edited).unwrap();
    let report = import_dir(&db, &content).await.unwrap();
    assert_eq!(
        (report.updated, report.history_appended),
        (1, 1),
        "{report}"
    );
    let (status,): (String,) =
        sqlx::query_as("SELECT status_key FROM recommendations WHERE reference = 'SH-4'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(status, "implemented");
}

#[tokio::test]
async fn errors_name_the_file_line_and_field_and_import_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&content_dir(), &content);
    let path = content.join("recommendations/PP-3.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("team = ", "tema = ", 1)).unwrap();
    let status_path = content.join("recommendations/PP-4.md");
    let text = std::fs::read_to_string(&status_path).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("status = "))
        .unwrap()
        .to_owned();
    std::fs::write(
        &status_path,
        text.replacen(&line, "status = \"finished\"", 1),
    )
    .unwrap();

    let db = fresh_db(dir.path()).await;
    let error = import_dir(&db, &content).await.unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("PP-3.md:"), "{message}");
    assert!(message.contains("tema"), "{message}");
    assert!(
        message.contains("PP-4.md: status: there is no status called \"finished\""),
        "{message}"
    );
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM recommendations")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(count, 0, "a failed import changes nothing");
}

#[tokio::test]
async fn status_history_cannot_be_updated_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path()).await;
    import_dir(&db, &content_dir()).await.unwrap();
    let update = sqlx::query("UPDATE status_changes SET note = 'rewritten'")
        .execute(db.pool())
        .await;
    assert!(update.is_err());
    let delete = sqlx::query("DELETE FROM status_changes")
        .execute(db.pool())
        .await;
    assert!(delete.is_err());
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path()).await;
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(fk, 1);
}

async fn csv_of(db: &Database) -> String {
    let rows = server::open_data::csv::csv_rows(
        db,
        &app::register::RegisterQuery {
            page: 1,
            ..Default::default()
        },
        "http://x",
    )
    .await
    .unwrap();
    String::from_utf8(server::open_data::csv::write_csv(&rows).unwrap()).unwrap()
}

#[tokio::test]
async fn a_csv_round_trip_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path()).await;
    import_dir(&db, &content_dir()).await.unwrap();
    let exported = csv_of(&db).await;
    let report = server::open_data::csv::import_csv(&db, &exported, "2026-11-23")
        .await
        .unwrap();
    assert_eq!(
        (report.updated, report.unchanged, report.status_changes),
        (0, 75, 0)
    );
    assert_eq!(csv_of(&db).await, exported);
}

#[tokio::test]
async fn a_csv_status_change_appends_history_and_bad_rows_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path()).await;
    import_dir(&db, &content_dir()).await.unwrap();
    let exported = csv_of(&db).await;
    let mut reader = csv::Reader::from_reader(exported.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let mut rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let sh4 = rows.iter().position(|r| &r[0] == "SH-4").unwrap();
    let mut edited: Vec<String> = rows[sh4].iter().map(str::to_owned).collect();
    edited[4] = "implemented".into();
    edited[5] = "2026-11-21".into();
    edited[6] = "Community organisations now sit on the steering group.".into();
    rows[sh4] = csv::StringRecord::from(edited.clone());
    let write = |rows: &[csv::StringRecord]| {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&headers).unwrap();
        for row in rows {
            writer.write_record(row).unwrap();
        }
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    };

    // A bad row elsewhere: nothing is applied, and the error names line and column.
    let mut bad = rows.clone();
    let mut broken: Vec<String> = bad[0].iter().map(str::to_owned).collect();
    broken[9] = "140".into();
    bad[0] = csv::StringRecord::from(broken);
    let error = server::open_data::csv::import_csv(&db, &write(&bad), "2026-11-23")
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("line 2, column progress"),
        "{error}"
    );
    let (status,): (String,) =
        sqlx::query_as("SELECT status_key FROM recommendations WHERE reference = 'SH-4'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_ne!(status, "implemented");

    let report = server::open_data::csv::import_csv(&db, &write(&rows), "2026-11-23")
        .await
        .unwrap();
    assert_eq!((report.updated, report.status_changes), (1, 1), "{report}");
    let (count, note): (i64, String) = sqlx::query_as(
        "SELECT COUNT(*), MAX(CASE WHEN seq = (SELECT MAX(seq) FROM status_changes s2 WHERE s2.recommendation_id = sc.recommendation_id) THEN note END)
         FROM status_changes sc JOIN recommendations r ON r.id = sc.recommendation_id WHERE r.reference = 'SH-4'",
    )
    .fetch_one(db.pool()).await.unwrap();
    assert!(count >= 2);
    assert_eq!(note, edited[6]);
}

#[tokio::test]
async fn drafts_and_withdrawn_reports_are_never_public() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&content_dir(), &content);
    let draft = content.join("reports/opt-out-briefing.md");
    let text = std::fs::read_to_string(&draft).unwrap();
    std::fs::write(
        &draft,
        text.replacen("state = \"published\"", "state = \"draft\"", 1),
    )
    .unwrap();
    let app = crate::helpers::spawn_app_with_content(&content).await;
    assert_eq!(app.get("/reports/opt-out-briefing").await.status, 404);
    assert!(!app.get("/reports").await.body.contains("opt-out-briefing"));
    let search: serde_json::Value =
        serde_json::from_str(&app.get("/api/v1/search?q=opt-out&kind=report").await.body).unwrap();
    for hit in search["hits"].as_array().unwrap() {
        assert_ne!(hit["url"], "/reports/opt-out-briefing");
    }
    assert!(!app
        .get("/reports/feed.atom")
        .await
        .body
        .contains("opt-out-briefing"));
}

#[tokio::test]
async fn an_edited_report_file_adds_a_revision_with_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&content_dir(), &content);
    let db = fresh_db(dir.path()).await;
    import_dir(&db, &content).await.unwrap();
    let path = content.join("reports/seldom-heard-report.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nA new closing line.\n")).unwrap();
    import_dir(&db, &content).await.unwrap();
    import_dir(&db, &content).await.unwrap();
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM report_revisions v JOIN reports r ON r.id = v.report_id WHERE r.slug = 'seldom-heard-report'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(
        count, 2,
        "one revision per change, none for an unchanged import"
    );
    let history = app::reports::ssr::report_history(db.pool(), "seldom-heard-report")
        .await
        .unwrap()
        .unwrap();
    let newest = &history.revisions[0];
    assert!(newest
        .diff
        .iter()
        .any(|l| l.kind == app::reports::DiffKind::Added && l.text == "A new closing line."));
    let update = sqlx::query("UPDATE report_revisions SET change_note = 'x'")
        .execute(db.pool())
        .await;
    assert!(update.is_err(), "revisions are append-only");
}

#[tokio::test]
async fn a_pages_date_survives_export_and_a_date_only_change_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&content_dir(), &content);
    let db = fresh_db(dir.path()).await;
    import_dir(&db, &content).await.unwrap();
    let date = async |db: &Database| -> String {
        sqlx::query_scalar("SELECT substr(updated_at, 1, 10) FROM pages WHERE slug = 'contact'")
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    assert_eq!(date(&db).await, "2026-11-30");
    // The export writes the date as a bare TOML date, as the file had it.
    let exported = dir.path().join("exported");
    export_dir(&db, &exported).await.unwrap();
    let file = std::fs::read_to_string(exported.join("pages/contact.md")).unwrap();
    assert!(file.contains("\nupdated = 2026-11-30\n"), "{file}");
    // A file whose only change is its date changes the page's date, and nothing else.
    let path = content.join("pages/contact.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("updated = 2026-11-30", "updated = 2026-12-01"),
    )
    .unwrap();
    import_dir(&db, &content).await.unwrap();
    assert_eq!(date(&db).await, "2026-12-01");
    // A date that is not a date is refused with the file named, and nothing changes.
    std::fs::write(
        &path,
        text.replace("updated = 2026-11-30", "updated = \"last week\""),
    )
    .unwrap();
    let error = import_dir(&db, &content).await.unwrap_err().to_string();
    assert!(error.contains("contact.md"), "{error}");
    assert_eq!(date(&db).await, "2026-12-01");
}
