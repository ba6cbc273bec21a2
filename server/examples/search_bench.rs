//! Times the search module alone (no HTTP): a full index build from the database, then
//! each query of bench/search_queries.txt repeated. Used by bench/search.py.
//! Usage: search_bench DATABASE_URL DATA_DIR REPEATS

use std::time::Instant;

use app::{
    db::Database,
    search::{index::SearchIndex, SearchQuery},
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (url, data_dir, repeats) = match args.as_slice() {
        [_, url, dir, repeats] => (
            url.clone(),
            std::path::PathBuf::from(dir),
            repeats.parse::<usize>()?,
        ),
        _ => anyhow::bail!("usage: search_bench DATABASE_URL DATA_DIR REPEATS"),
    };
    let db = Database::connect(&url).await?;
    let index = SearchIndex::open(&data_dir.join("bench-index"))?;
    let started = Instant::now();
    let documents = index.rebuild(db.pool()).await?;
    println!("build\t{documents}\t{:.3}", started.elapsed().as_secs_f64());
    let queries = include_str!("../../bench/search_queries.txt");
    for q in queries.lines().filter(|l| !l.trim().is_empty()) {
        let mut times = Vec::with_capacity(repeats);
        let mut total = 0;
        for _ in 0..repeats {
            let started = Instant::now();
            let results = index.search(SearchQuery::from_pairs([("q", q)])).await?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            total = results.total;
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let p = |pct: f64| times[((pct / 100.0) * (times.len() - 1) as f64).round() as usize];
        println!("query\t{q}\t{total}\t{:.3}\t{:.3}", p(50.0), p(99.0));
    }
    Ok(())
}
