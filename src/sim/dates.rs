//! Time, in one place: the calendar (seconds since the epoch to dates and
//! back), the range Python's `datetime` holds, the formats Django and Python
//! write (`http_date()`, `isoformat()`, `strftime()`) with Python's range
//! errors, and Chromium's reading of a cookie's `Expires` date
//! (`net::cookie_util::ParseCookieExpirationTime`), which is far more liberal
//! than the HTTP date Django writes.

use super::error::PyErr;

/// A calendar date and time in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Monday.
    pub weekday: u32,
}

/// The first second Python's `datetime` holds (0001-01-01T00:00:00Z).
pub const MIN_TIME: i64 = -62_135_596_800;
/// The last second Python's `datetime` holds (9999-12-31T23:59:59Z).
pub const MAX_TIME: i64 = 253_402_300_799;

/// Python's error for a time outside years 1 to 9999.
pub fn time_out_of_range() -> PyErr {
    PyErr::new(
        "OverflowError",
        "timestamp out of range for platform time_t",
    )
}

/// `now + seconds` as a time Python can hold, or Django's `OverflowError`.
pub fn add_seconds(now: i64, seconds: i64) -> Result<i64, PyErr> {
    now.checked_add(seconds)
        .filter(|t| (MIN_TIME..=MAX_TIME).contains(t))
        .ok_or_else(time_out_of_range)
}

/// Whole seconds of a float as Python's `int()` takes them, or the
/// `OverflowError` for one that no time can be that far from now.
pub fn float_seconds(f: f64) -> Result<i64, PyErr> {
    let span = (MAX_TIME - MIN_TIME) as f64;
    if f.is_finite() && f.abs() <= span {
        Ok(f.trunc() as i64)
    } else {
        Err(time_out_of_range())
    }
}

/// Seconds since the epoch to a UTC calendar date (Howard Hinnant's algorithm).
pub fn civil(t: i64) -> Civil {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400) as u32;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: secs / 3600,
        minute: secs / 60 % 60,
        second: secs % 60,
        weekday: (days + 3).rem_euclid(7) as u32,
    }
}

/// `django.utils.http.http_date`: `Thu, 15 Jan 2026 00:00:00 GMT`.
pub fn http_date(t: i64) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = civil(t);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[c.weekday as usize],
        c.day,
        MONTHS[c.month as usize - 1],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// `datetime.isoformat()` of an aware UTC datetime.
pub fn iso_format(t: i64) -> String {
    let c = civil(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// `datetime.fromisoformat()` for the forms `isoformat()` writes, as seconds
/// since the epoch (fractions of a second are dropped).
pub fn parse_iso(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, rest) = if s.len() >= 10 && s.is_char_boundary(10) {
        s.split_at(10)
    } else {
        return None;
    };
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut seconds = 0;
    let mut offset = 0;
    if let Some(time) = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' ')) {
        let (clock, zone) = match time.find(['+', '-', 'Z']) {
            Some(i) => time.split_at(i),
            None => (time, ""),
        };
        let clock = clock.split('.').next()?;
        let mut fields = clock.split(':');
        let h: i64 = fields.next()?.parse().ok()?;
        let m: i64 = fields.next().unwrap_or("0").parse().ok()?;
        let sec: i64 = fields.next().unwrap_or("0").parse().ok()?;
        seconds = h * 3600 + m * 60 + sec;
        if let Some(z) = zone.strip_prefix(['+', '-']) {
            let mut f = z.split(':');
            let zh: i64 = f.next()?.parse().ok()?;
            let zm: i64 = f.next().unwrap_or("0").parse().ok()?;
            offset = (zh * 3600 + zm * 60) * if zone.starts_with('-') { -1 } else { 1 };
        }
    } else if !rest.is_empty() {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + seconds - offset)
}

/// Days since the epoch of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

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

/// `datetime.strftime(format)` for an aware UTC datetime, with the C
/// library's directives in the C locale.
pub fn strftime(format: &str, t: i64) -> String {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
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
    let c = civil(t);
    let day_of_year = t.div_euclid(86_400) - days_from_civil(c.year, 1, 1) + 1;
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        let Some(d) = chars.next() else {
            out.push('%');
            break;
        };
        let day = DAYS[c.weekday as usize];
        let month = MONTHS[c.month as usize - 1];
        let text = match d {
            'Y' => c.year.to_string(),
            'y' => format!("{:02}", c.year.rem_euclid(100)),
            'm' => format!("{:02}", c.month),
            'd' => format!("{:02}", c.day),
            'H' => format!("{:02}", c.hour),
            'I' => format!("{:02}", (c.hour + 11) % 12 + 1),
            'p' => (if c.hour < 12 { "AM" } else { "PM" }).to_string(),
            'M' => format!("{:02}", c.minute),
            'S' => format!("{:02}", c.second),
            'f' => "000000".to_string(),
            'A' => day.to_string(),
            'a' => day[..3].to_string(),
            'B' => month.to_string(),
            'b' | 'h' => month[..3].to_string(),
            'j' => format!("{day_of_year:03}"),
            'w' => ((c.weekday + 1) % 7).to_string(),
            'u' => (c.weekday + 1).to_string(),
            'z' => "+0000".to_string(),
            'Z' => "UTC".to_string(),
            'F' => format!("{:04}-{:02}-{:02}", c.year, c.month, c.day),
            'T' => format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second),
            '%' => "%".to_string(),
            other => format!("%{other}"),
        };
        out.push_str(&text);
    }
    out
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
    fn iso_dates_with_wide_characters_are_not_dates() {
        assert_eq!(parse_iso("2026-02-\u{f71}\u{f80}01T00:00:00"), None);
        assert_eq!(parse_iso("2026-02-01T00:00:00+00:00"), Some(1_769_904_000));
    }

    #[test]
    fn far_years() {
        assert_eq!(parse("01 Jan 10000 00:00:00"), Some(Expires::FarFuture));
        assert!(at("01 Jan 1000 00:00:00").is_some_and(|t| t < 0));
    }
}
