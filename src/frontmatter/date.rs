//! The front matter's date: a year, a month, a day or an RFC 3339 timestamp, kept at the
//! precision the author wrote, with its serde conversions and the messages for a bad date.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date from front matter: a year (`2018`), a month (`2018-12`), a day (`2018-12-01`) or
/// RFC 3339 (`2018-12-01T09:30:00+08:00`). It keeps the precision the author wrote, so that a
/// source known only by its year is never shown as 1 January.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The calendar day (in the date's own offset); the first of the month or year when only
    /// those were written.
    pub day: NaiveDate,
    /// The full timestamp when one was given.
    pub time: Option<DateTime<FixedOffset>>,
    /// What was written: a year, a month or a day.
    pub precision: DatePrecision,
}

/// How much of a date the author wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DatePrecision {
    Year,
    Month,
    Day,
}

impl Date {
    /// Parse `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or RFC 3339.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if s.len() == 4 && digits(s) {
            let day = NaiveDate::from_ymd_opt(s.parse().ok()?, 1, 1)?;
            return Some(Date {
                day,
                time: None,
                precision: DatePrecision::Year,
            });
        }
        if s.len() == 7 && digits(&s[..4]) && s.as_bytes()[4] == b'-' && digits(&s[5..]) {
            let day = NaiveDate::from_ymd_opt(s[..4].parse().ok()?, s[5..].parse().ok()?, 1)?;
            return Some(Date {
                day,
                time: None,
                precision: DatePrecision::Month,
            });
        }
        if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            if s.len() == 10 {
                return Some(Date {
                    day,
                    time: None,
                    precision: DatePrecision::Day,
                });
            }
        }
        let t = DateTime::parse_from_rfc3339(s).ok()?;
        Some(Date {
            day: t.date_naive(),
            time: Some(t),
            precision: DatePrecision::Day,
        })
    }

    /// RFC 3339 timestamp, midnight UTC+8 for a plain date (for feeds and sitemaps).
    pub fn rfc3339(&self) -> String {
        match &self.time {
            Some(t) => t.to_rfc3339(),
            None => format!("{}T00:00:00+08:00", self.day.format("%Y-%m-%d")),
        }
    }

    /// The date as written, without the time: `2018`, `2018-12` or `2018-12-01` (W3C
    /// datetime, for sitemaps).
    pub fn as_written(&self) -> String {
        match self.precision {
            DatePrecision::Year => self.day.format("%Y").to_string(),
            DatePrecision::Month => self.day.format("%Y-%m").to_string(),
            DatePrecision::Day => self.day.format("%Y-%m-%d").to_string(),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.time {
            Some(t) => write!(f, "{}", t.to_rfc3339()),
            None => f.write_str(&self.as_written()),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2018, 2018-12, 2018-12-01 or 2018-12-01T09:30:00+08:00")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).ok_or_else(|| {
                    E::custom(format!(
                        "invalid date `{v}`: write YYYY-MM-DD (2018-12-01), a month YYYY-MM (2018-12), a year YYYY (2018) or RFC 3339 (2018-12-01T09:30:00+08:00)"
                    ))
                })
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Date, E> {
                // `date: 2018` is a year.
                match v {
                    1000..=9999 => self.visit_str(&v.to_string()),
                    _ => Err(E::custom(format!(
                        "invalid date `{v}`: write a year (2018), a month (2018-12) or a day (2018-12-01), here perhaps {}",
                        date_example(v)
                    ))),
                }
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Date, E> {
                self.visit_i64(v as i64)
            }
        }
        d.deserialize_any(V)
    }
}

/// A valid date built from a number an author wrote as a date: `20230101` → `2023-01-01`,
/// `202301` → `2023-01` (a month); anything else → an example date.
fn date_example(v: i64) -> String {
    let digits = v.to_string();
    let ymd = |y: &str, m: &str, d: &str| -> Option<String> {
        let s = format!("{y}-{m}-{d}");
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok().map(|_| s)
    };
    let found = match digits.len() {
        8 => ymd(&digits[..4], &digits[4..6], &digits[6..]),
        6 => ymd(&digits[..4], &digits[4..], "01").map(|d| d[..7].to_string()),
        4 => ymd(&digits, "01", "01"),
        _ => None,
    };
    found.unwrap_or_else(|| "2018-12-01".to_string())
}
