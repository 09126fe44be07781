//! Dates on the wire: Django's `http_date()` with Python's range errors, and
//! Chromium's reading of a cookie's `Expires` date
//! (`net::cookie_util::ParseCookieExpirationTime`), which is far more liberal
//! than the HTTP date Django writes.

use super::error::PyErr;
use super::value::{civil, days_from_civil, http_date};

/// `django.utils.http.http_date(t)` for a float timestamp, failing where
/// Python's `datetime.fromtimestamp()` fails: outside `time_t`, outside the
/// C library's years, or outside years 1-9999.
pub fn http_date_checked(t: f64) -> Result<String, PyErr> {
    const TIME_T: f64 = 9_223_372_036_854_775_808.0;
    if !t.is_finite() || !(-TIME_T..TIME_T).contains(&t) {
        return Err(PyErr::new(
            "OverflowError",
            "timestamp out of range for platform time_t",
        ));
    }
    let seconds = t.floor() as i64;
    let year = civil(seconds).year;
    if !(i64::from(i32::MIN) + 1900..=i64::from(i32::MAX) + 1900).contains(&year) {
        return Err(PyErr::new(
            "OSError",
            "[Errno 75] Value too large for defined data type",
        ));
    }
    if !(1..=9999).contains(&year) {
        return Err(PyErr::new(
            "ValueError",
            format!("year {year} is out of range"),
        ));
    }
    Ok(http_date(seconds))
}

/// What an `Expires` attribute means to the browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expires {
    /// Seconds since the epoch.
    At(i64),
    /// A year past 9999: as far as the browser can go (then capped).
    FarFuture,
}

const DELIMITERS: &[u8] = b"\t !\"#$%&'()*+,-./;<=>?@[\\]^_`{|}~";
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Parse `text` as Chromium does: tokens split at [`DELIMITERS`]; the first
/// word starting with a month's three letters is the month, the first number
/// with `:` read as `h:m:s` is the time, the first other number of one or
/// two digits the day and then one of up to five digits the year; time zones
/// are ignored. `None` when a field is missing or out of range (the browser
/// then ignores the attribute).
pub fn parse(text: &str) -> Option<Expires> {
    let mut month = None;
    let mut time = None;
    let mut day = None;
    let mut year = None;
    for token in text
        .as_bytes()
        .split(|b| DELIMITERS.contains(b))
        .filter(|t| !t.is_empty())
    {
        if !token[0].is_ascii_digit() {
            if month.is_none() {
                month = MONTHS
                    .iter()
                    .position(|m| token.len() >= 3 && token[..3].eq_ignore_ascii_case(m.as_bytes()))
                    .map(|i| i as u32 + 1);
            }
        } else if token.contains(&b':') {
            if time.is_none() {
                time = scan_time(token);
            }
        } else if day.is_none() && token.len() <= 2 {
            day = Some(atoi(token));
        } else if year.is_none() && token.len() <= 5 {
            year = Some(atoi(token));
        }
    }
    let (month, (hour, minute, second), day, mut year) = (month?, time?, day?, year?);
    if (70..=99).contains(&year) {
        year += 1900;
    } else if (0..=69).contains(&year) {
        year += 2000;
    }
    if !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days_in_month = match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > days_in_month {
        return None;
    }
    if year > 9999 {
        return Some(Expires::FarFuture);
    }
    let days = days_from_civil(year, i64::from(month), day);
    Some(Expires::At(
        days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second),
    ))
}

/// `sscanf(token, "%2u:%2u:%2u")`: up to two digits each, separated by `:`.
fn scan_time(token: &[u8]) -> Option<(u32, u32, u32)> {
    let mut rest = token;
    let mut fields = [0u32; 3];
    for (i, field) in fields.iter_mut().enumerate() {
        if i > 0 {
            rest = rest.strip_prefix(b":")?;
        }
        let digits = rest
            .iter()
            .take(2)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        *field = atoi(&rest[..digits]) as u32;
        rest = &rest[digits..];
    }
    Some((fields[0], fields[1], fields[2]))
}

/// C's `atoi` on a token that starts with a digit: the leading digits.
fn atoi(token: &[u8]) -> i64 {
    token
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0, |n, b| n * 10 + i64::from(b - b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<i64> {
        match parse(text)? {
            Expires::At(t) => Some(t),
            Expires::FarFuture => Some(i64::MAX),
        }
    }

    #[test]
    fn reads_every_rfc_form() {
        let want = Some(1_767_225_600);
        assert_eq!(at("Thu, 01 Jan 2026 00:00:00 GMT"), want);
        assert_eq!(at("Thursday, 01-Jan-26 00:00:00 GMT"), want);
        assert_eq!(at("Thu Jan  1 00:00:00 2026"), want);
        assert_eq!(at("1 janvier 2026 00:00:00 +0500"), want);
        assert_eq!(at("01 Jan 0026 00:00:00 PST"), want);
    }

    #[test]
    fn refuses_impossible_dates() {
        assert_eq!(at("31 Feb 2026 00:00:00"), None);
        assert_eq!(at("01 Jan 2026 24:00:00"), None);
        assert_eq!(at("01 Jan 2026 00:60:00"), None);
        assert_eq!(at("00 Jan 2026 00:00:00"), None);
        assert_eq!(at("01 Jan 2026"), None);
        assert_eq!(at("tomorrow"), None);
        assert_eq!(at("29 Feb 2028 00:00:00"), Some(1_835_395_200));
    }

    #[test]
    fn http_dates_fail_as_python_does() {
        let now = 1_767_225_600.0;
        assert_eq!(
            http_date_checked(now).unwrap(),
            "Thu, 01 Jan 2026 00:00:00 GMT"
        );
        let err = |t: f64| http_date_checked(t).unwrap_err().to_string();
        assert_eq!(err(now + 1e12), "ValueError: year 33714 is out of range");
        assert_eq!(
            err(now - 1e15),
            "ValueError: year -31686713 is out of range"
        );
        assert_eq!(
            err(now + 1e17),
            "OSError: [Errno 75] Value too large for defined data type"
        );
        assert_eq!(
            err(now + 1e19),
            "OverflowError: timestamp out of range for platform time_t"
        );
        assert_eq!(
            err(253_402_300_800.0),
            "ValueError: year 10000 is out of range"
        );
    }

    #[test]
    fn far_years() {
        assert_eq!(parse("01 Jan 10000 00:00:00"), Some(Expires::FarFuture));
        assert!(at("01 Jan 1000 00:00:00").is_some_and(|t| t < 0));
    }
}
