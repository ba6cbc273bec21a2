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

/// "23 November 2026 at 2:05pm" from a stored (UTC) timestamp, in UK time (GMT or BST, as
/// the clocks were then), the GOV.UK style for times.
pub fn display_time(at: &str) -> String {
    #[cfg(feature = "ssr")]
    if let Ok(utc) = chrono::DateTime::parse_from_rfc3339(at) {
        let uk = utc.with_timezone(&chrono_tz::Europe::London);
        return format!(
            "{} at {}",
            display_date(&uk.date_naive().to_string()),
            clock_time(&uk.format("%H:%M").to_string())
        );
    }
    let (date, time) = at.split_once('T').unwrap_or((at, ""));
    let time: String = time.chars().take(5).collect();
    if time.is_empty() {
        display_date(date)
    } else {
        format!("{} at {}", display_date(date), clock_time(&time))
    }
}

/// "14:05" → "2:05pm", "00:00" → "midnight", "12:00" → "midday" (GOV.UK style).
pub fn clock_time(hh_mm: &str) -> String {
    let Some((h, m)) = hh_mm.split_once(':') else {
        return hh_mm.to_owned();
    };
    let (Ok(h), Ok(m)) = (h.parse::<u32>(), m.parse::<u32>()) else {
        return hh_mm.to_owned();
    };
    match (h, m) {
        (0, 0) => "midnight".to_owned(),
        (12, 0) => "midday".to_owned(),
        _ => format!(
            "{}:{m:02}{}",
            if h % 12 == 0 { 12 } else { h % 12 },
            if h < 12 { "am" } else { "pm" }
        ),
    }
}

/// A timestamp as it is stored: RFC 3339, UTC, whole seconds (`2026-11-30T09:15:00Z`).
#[cfg(feature = "ssr")]
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// This moment in the UK (Europe/London: GMT in winter, BST in summer).
#[cfg(feature = "ssr")]
pub fn uk_now() -> chrono::DateTime<chrono_tz::Tz> {
    chrono::Utc::now().with_timezone(&chrono_tz::Europe::London)
}

/// Today's date in the UK as `YYYY-MM-DD`: every date Candour decides (the latest a change
/// may be dated, "overdue") is the UK's, not UTC's (at 00:30 BST it is already tomorrow).
#[cfg(feature = "ssr")]
pub fn today() -> String {
    uk_date(chrono::Utc::now())
}

/// The UK date of a moment, `YYYY-MM-DD`.
#[cfg(feature = "ssr")]
pub fn uk_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::London)
        .date_naive()
        .to_string()
}

/// This moment, as stored (see [`timestamp`]).
#[cfg(feature = "ssr")]
pub fn now() -> String {
    timestamp(chrono::Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "ssr")]
    fn today_is_the_uk_date_at_both_clock_changes() {
        use chrono::TimeZone;
        // 00:30 BST on 2 July is 23:30 UTC on 1 July.
        let summer = chrono::Utc.with_ymd_and_hms(2026, 7, 1, 23, 30, 0).unwrap();
        assert_eq!(uk_date(summer), "2026-07-02");
        // The clocks go forward at 01:00 UTC on 29 March 2026 and back at 01:00 UTC on
        // 25 October 2026.
        let before_forward = chrono::Utc
            .with_ymd_and_hms(2026, 3, 28, 23, 30, 0)
            .unwrap();
        assert_eq!(uk_date(before_forward), "2026-03-28");
        let after_forward = chrono::Utc
            .with_ymd_and_hms(2026, 3, 29, 23, 30, 0)
            .unwrap();
        assert_eq!(uk_date(after_forward), "2026-03-30");
        let after_back = chrono::Utc
            .with_ymd_and_hms(2026, 10, 25, 23, 30, 0)
            .unwrap();
        assert_eq!(uk_date(after_back), "2026-10-25");
        assert_eq!(
            display_time("2026-07-01T23:30:00Z"),
            "2 July 2026 at 12:30am"
        );
        assert_eq!(
            display_time("2026-12-01T14:05:00Z"),
            "1 December 2026 at 2:05pm"
        );
        assert_eq!(
            display_time("2026-12-01T12:00:00Z"),
            "1 December 2026 at midday"
        );
    }

    #[test]
    fn dates_are_checked_and_shown_as_people_read_them() {
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2023-02-29"));
        assert_eq!(display_date("2025-02-17"), "17 February 2025");
    }
}
