//! Dates and times: how they are stored, checked and computed. Timestamps are stored as
//! RFC 3339 text in UTC, to the second, so they sort as text; calendar dates as
//! `YYYY-MM-DD` (ISO 8601).

/// True for a real calendar date written `YYYY-MM-DD`.
pub fn is_iso_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &value[range];
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1900 && (1..=days_in_month).contains(&day)
}

/// "2026-06-30" → "30 June 2026" (GOV.UK / NHS style). Anything else is shown as it is.
pub fn display_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<&str> = iso.get(..10).unwrap_or(iso).split('-').collect();
    match parts.as_slice() {
        [year, month, day] => match (month.parse::<usize>(), day.parse::<u32>()) {
            (Ok(month @ 1..=12), Ok(day)) => format!("{day} {} {year}", MONTHS[month - 1]),
            _ => iso.to_owned(),
        },
        _ => iso.to_owned(),
    }
}

/// "23 November 2026, 14:05 UTC" from an RFC 3339 timestamp.
pub fn display_time(at: &str) -> String {
    let (date, time) = at.split_once('T').unwrap_or((at, ""));
    let time: String = time.chars().take(5).collect();
    if time.is_empty() {
        display_date(date)
    } else {
        format!("{}, {time} UTC", display_date(date))
    }
}

/// A timestamp as it is stored: RFC 3339, UTC, whole seconds (`2026-11-30T09:15:00Z`).
#[cfg(feature = "ssr")]
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Today's date (UTC) as `YYYY-MM-DD`.
#[cfg(feature = "ssr")]
pub fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

/// This moment, as stored (see [`timestamp`]).
#[cfg(feature = "ssr")]
pub fn now() -> String {
    timestamp(chrono::Utc::now())
}
