//! Finding patients: incremental search for the front desk and the duplicate check run
//! before a registration. Parameterised SQL only; LIKE wildcards in what was typed are
//! escaped, so `%` and `_` match themselves.

use chrono::NaiveDate;
use sqlx::mysql::MySqlRow;
use sqlx::{Executor, MySql, Row};

use super::parse_col;
use crate::domain::Gender;
use crate::domain::person::Patient;

const COLUMNS: &str = "id, full_name, email, phone_number, date_of_birth, gender, is_active, \
                       password_hash <> '!' AS has_portal_access, created_at";

fn map(r: &MySqlRow) -> Result<Patient, sqlx::Error> {
    let gender: Option<String> = r.try_get("gender")?;
    Ok(Patient {
        id: r.try_get("id")?,
        full_name: r.try_get("full_name")?,
        email: r.try_get("email")?,
        phone_number: r.try_get("phone_number")?,
        date_of_birth: r.try_get("date_of_birth")?,
        gender: gender
            .map(|g| parse_col("gender", &g, Gender::parse))
            .transpose()?,
        is_active: r.try_get("is_active")?,
        has_portal_access: r.try_get::<i64, _>("has_portal_access")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

/// Escapes `\`, `%` and `_` for a LIKE pattern (MySQL's default escape character is `\`).
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Only the digits of a phone number or of a search text.
pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// At most this many characters of a search text are used.
pub const MAX_QUERY_CHARS: usize = 100;

/// The date-of-birth formats a search understands (chrono patterns, tried in order):
/// `1980-03-14` and `14.03.1980`.
pub const DATE_OF_BIRTH_FORMATS: [&str; 2] = ["%Y-%m-%d", "%d.%m.%Y"];

/// What a search text asks for, worked out before any SQL is built.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatientQuery {
    /// The text, trimmed, at most [`MAX_QUERY_CHARS`] characters.
    pub text: String,
    /// A patient id: `#42`, or digits typed alone (`42`).
    pub id: Option<i32>,
    /// Only the id was asked for (`#42`): nothing else is searched.
    pub id_only: bool,
    /// A date of birth in one of [`DATE_OF_BIRTH_FORMATS`].
    pub date_of_birth: Option<NaiveDate>,
    /// The digits, when the text looks like (part of) a phone number: only digits,
    /// spaces, `+`, `-`, `(`, `)` and `.`, with at least three digits.
    pub phone_digits: Option<String>,
}

impl PatientQuery {
    pub fn parse(query: &str) -> PatientQuery {
        let text: String = query.trim().chars().take(MAX_QUERY_CHARS).collect();
        let text = text.trim().to_string();
        let mut q = PatientQuery {
            text: text.clone(),
            ..PatientQuery::default()
        };
        let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if let Some(rest) = text.strip_prefix('#') {
            let rest = rest.trim();
            if all_digits(rest) {
                q.id = rest.parse().ok();
                q.id_only = true;
                return q;
            }
        }
        if all_digits(&text) {
            q.id = text.parse().ok();
        }
        q.date_of_birth = DATE_OF_BIRTH_FORMATS
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(&text, f).ok())
            .filter(|d| crate::domain::validation::date_in_range(*d).is_ok());
        let phone_like = text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'));
        let d = digits(&text);
        if phone_like && d.len() >= 3 {
            q.phone_digits = Some(d);
        }
        q
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// The distinct lower-cased trigrams of `text` (as the migration's triggers store
/// them), at most `most`: all of them when there are few; otherwise up to two that span
/// a space (the start of one word and the end of another, far rarer than either word),
/// then the first, the last and ones spread between of the rest (the candidates are
/// checked with LIKE anyway).
pub fn trigrams(text: &str, most: usize) -> Vec<String> {
    let chars: Vec<char> = text.to_lowercase().chars().collect();
    let mut all: Vec<String> = Vec::new();
    for w in chars.windows(3) {
        let g: String = w.iter().collect();
        if !all.contains(&g) {
            all.push(g);
        }
    }
    if all.len() <= most || most < 2 {
        all.truncate(most);
        return all;
    }
    let (spanning, rest): (Vec<String>, Vec<String>) =
        all.into_iter().partition(|g| g.contains(' '));
    let mut picked: Vec<String> = spanning.into_iter().take((most / 2).max(1)).collect();
    let room = most - picked.len();
    if rest.len() <= room {
        picked.extend(rest);
        return picked;
    }
    let last = rest.len() - 1;
    for k in 0..room {
        let g = &rest[if room < 2 { 0 } else { k * last / (room - 1) }];
        if !picked.contains(g) {
            picked.push(g.clone());
        }
    }
    picked
}

/// At most this many trigrams of a text are looked up.
const MOST_TRIGRAMS: usize = 4;

/// At most this many words of a search text are matched against the name.
const MAX_WORDS: usize = 5;

/// Ranks, best first.
const RANK_ID: u8 = 0;
const RANK_STARTS: u8 = 1;
const RANK_WORD: u8 = 2;
const RANK_CONTAINS: u8 = 3;

/// Active patients matching `query` (see [`search_matching`]).
pub async fn search<'c, E>(
    exec: E,
    query: &PatientQuery,
    limit: u32,
) -> Result<Vec<Patient>, sqlx::Error>
where
    E: Executor<'c, Database = MySql> + Copy,
{
    search_matching(exec, query, limit, false).await
}

/// Patients matching `query`, best first: the exact id; then a name that starts with
/// the text or the date of birth; then a name with a word starting with each word
/// typed, an email or phone number that starts with it; then a name holding each word
/// typed anywhere (`ana owals`: Ana Kowalski), any part of the email or of the phone
/// digits. Within a rank by name. Optionally with deactivated patients too
/// (listed after the active ones).
///
/// Every part is an index lookup with its own limit: the primary key, the date of
/// birth, the name and email prefixes, the phone digits forwards and reversed, and for
/// words and "any part" the trigram table `patient_search_terms` (the trigrams of the
/// longest word typed joined on the patient, then checked with LIKE; FULLTEXT only
/// when no word has three characters), so a search costs
/// milliseconds at 100,000 patients (docs/PERFORMANCE.md). What was typed is bound,
/// never spliced; LIKE wildcards in it are escaped.
pub async fn search_matching<'c, E>(
    exec: E,
    query: &PatientQuery,
    limit: u32,
    include_inactive: bool,
) -> Result<Vec<Patient>, sqlx::Error>
where
    E: Executor<'c, Database = MySql> + Copy,
{
    let Some(mut qb) = build(query, limit, include_inactive, false) else {
        return Ok(Vec::new());
    };
    let found: Vec<Patient> = qb
        .build()
        .fetch_all(exec)
        .await?
        .iter()
        .map(map)
        .collect::<Result<_, _>>()?;
    // Words typed out of order (`Kowalski Anna`) are looked for only when the text as
    // typed found too few: that lookup walks every patient with the longest word.
    if found.len() >= limit as usize || query.text.split_whitespace().nth(1).is_none() {
        return Ok(found);
    }
    let Some(mut qb) = build(query, limit, include_inactive, true) else {
        return Ok(found);
    };
    qb.build().fetch_all(exec).await?.iter().map(map).collect()
}

/// The search's one statement (see [`search_matching`]); `any_order` adds the name
/// holding every word typed, in any order. None when nothing can be searched.
fn build(
    query: &PatientQuery,
    limit: u32,
    include_inactive: bool,
    any_order: bool,
) -> Option<sqlx::QueryBuilder<MySql>> {
    let mut qb: sqlx::QueryBuilder<MySql> = sqlx::QueryBuilder::new(
        "SELECT p.id, p.full_name, p.email, p.phone_number, p.date_of_birth, p.gender, \
         p.is_active, p.password_hash <> '!' AS has_portal_access, p.created_at \
         FROM (SELECT id, MIN(r) AS r FROM (",
    );
    let mut parts = 0;
    let mut part = |qb: &mut sqlx::QueryBuilder<MySql>| {
        if parts > 0 {
            qb.push(" UNION ALL ");
        }
        parts += 1;
    };
    if let Some(id) = query.id {
        part(&mut qb);
        qb.push(format!(
            "(SELECT id, {RANK_ID} AS r FROM patients WHERE id = "
        ));
        qb.push_bind(id);
        qb.push(")");
    }
    if !query.id_only && !query.text.is_empty() {
        let text = query.text.as_str();
        let pattern = escape_like(text);
        if let Some(dob) = query.date_of_birth {
            part(&mut qb);
            qb.push(format!(
                "(SELECT id, {RANK_STARTS} AS r FROM patients WHERE date_of_birth = "
            ));
            qb.push_bind(dob);
            qb.push(" LIMIT 200)");
        }
        part(&mut qb);
        qb.push(format!(
            "(SELECT id, {RANK_STARTS} AS r FROM patients WHERE full_name LIKE CONCAT("
        ));
        qb.push_bind(pattern.clone());
        qb.push(", '%') LIMIT 100)");
        // The name: the text as typed anywhere in it (its trigrams, those across a
        // space first: `e d` of `Chloe Dub` is rarer than either word), or with
        // `any_order` every word typed anywhere (the longest word's trigrams). A name
        // in which each word starts a word ranks as "word", else as "contains".
        let words: Vec<&str> = text.split_whitespace().take(MAX_WORDS).collect();
        let longest = words
            .iter()
            .copied()
            .max_by_key(|w| w.chars().count())
            .unwrap_or(text);
        let phrase = words.join(" ");
        let (name_grams, needles) = match trigrams(longest, MOST_TRIGRAMS - 1) {
            mut g if any_order && words.len() > 1 && !g.is_empty() => {
                // One trigram of every other word too: the index intersects them
                // before any patient row is read.
                for w in words.iter().filter(|w| **w != longest) {
                    for t in trigrams(w, 1) {
                        if !g.contains(&t) && g.len() < MOST_TRIGRAMS + 1 {
                            g.push(t);
                        }
                    }
                }
                (g, words.clone())
            }
            _ => (trigrams(&phrase, MOST_TRIGRAMS), vec![phrase.as_str()]),
        };
        if !name_grams.is_empty() {
            part(&mut qb);
            qb.push("(SELECT t0.patient_id AS id, CASE WHEN ");
            for (k, w) in words.iter().enumerate() {
                if k > 0 {
                    qb.push(" AND ");
                }
                qb.push("CONCAT(' ', REPLACE(c.full_name, '-', ' ')) LIKE CONCAT('% ', ");
                qb.push_bind(escape_like(w));
                qb.push(", '%')");
            }
            qb.push(format!(
                " THEN {RANK_WORD} ELSE {RANK_CONTAINS} END AS r FROM patient_search_terms t0"
            ));
            for (k, g) in name_grams.iter().enumerate().skip(1) {
                qb.push(format!(
                    " JOIN patient_search_terms t{k} ON t{k}.patient_id = t0.patient_id \
                     AND t{k}.field = 'n' AND t{k}.gram = "
                ));
                qb.push_bind(g.clone());
            }
            qb.push(" JOIN patients c ON c.id = t0.patient_id WHERE t0.field = 'n' AND t0.gram = ");
            qb.push_bind(name_grams[0].clone());
            for w in &needles {
                qb.push(" AND c.full_name LIKE CONCAT('%', ");
                qb.push_bind(escape_like(w));
                qb.push(", '%')");
            }
            if !include_inactive {
                qb.push(" AND c.is_active");
            }
            qb.push(" LIMIT 200)");
        }
        let mut contains = |qb: &mut sqlx::QueryBuilder<MySql>,
                            field: &str,
                            column: &str,
                            grams: Vec<String>,
                            needle: String| {
            if grams.is_empty() {
                return;
            }
            part(qb);
            qb.push(format!(
                "(SELECT t0.patient_id AS id, {RANK_CONTAINS} AS r FROM patient_search_terms t0"
            ));
            for (k, g) in grams.iter().enumerate().skip(1) {
                qb.push(format!(
                    " JOIN patient_search_terms t{k} ON t{k}.patient_id = t0.patient_id \
                     AND t{k}.field = '{field}' AND t{k}.gram = "
                ));
                qb.push_bind(g.clone());
            }
            qb.push(format!(
                " JOIN patients c ON c.id = t0.patient_id WHERE t0.field = '{field}' AND t0.gram = "
            ));
            qb.push_bind(grams[0].clone());
            qb.push(format!(" AND c.{column} LIKE CONCAT('%', "));
            qb.push_bind(escape_like(&needle));
            qb.push(", '%')");
            if !include_inactive {
                qb.push(" AND c.is_active");
            }
            qb.push(" LIMIT 100)");
        };
        // An email has no spaces: a text with some is not looked for in emails.
        if words.len() == 1 {
            contains(
                &mut qb,
                "e",
                "email",
                trigrams(text, MOST_TRIGRAMS),
                text.to_string(),
            );
        }
        if let Some(d) = &query.phone_digits {
            contains(
                &mut qb,
                "p",
                "phone_digits",
                trigrams(d, MOST_TRIGRAMS),
                d.clone(),
            );
        }
    }
    if parts == 0 {
        return None;
    }
    qb.push(if include_inactive {
        ") x GROUP BY id) u JOIN patients p ON p.id = u.id \
         ORDER BY p.is_active DESC, u.r, p.full_name, p.id LIMIT "
    } else {
        ") x GROUP BY id) u JOIN patients p ON p.id = u.id WHERE p.is_active \
         ORDER BY u.r, p.full_name, p.id LIMIT "
    });
    qb.push_bind(limit);
    Some(qb)
}

/// Patients (active or not) that look like the one about to be registered: the same
/// name and date of birth, the same email, or the same phone digits.
pub async fn possible_duplicates<'c, E>(
    exec: E,
    full_name: &str,
    date_of_birth: Option<NaiveDate>,
    email: &str,
    phone_digits: Option<&str>,
) -> Result<Vec<Patient>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let sql = format!(
        "SELECT {COLUMNS} FROM patients \
         WHERE (full_name = ? AND date_of_birth = ?) OR email = ? \
         OR (? IS NOT NULL AND phone_digits = ?) ORDER BY id LIMIT 10"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(full_name)
        .bind(date_of_birth)
        .bind(email)
        .bind(phone_digits)
        .bind(phone_digits)
        .fetch_all(exec)
        .await?
        .iter()
        .map(map)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_understood() {
        let q = PatientQuery::parse("  #42 ");
        assert_eq!((q.id, q.id_only), (Some(42), true));
        let q = PatientQuery::parse("42");
        assert_eq!((q.id, q.id_only, q.phone_digits), (Some(42), false, None));
        let q = PatientQuery::parse("1980-03-14");
        assert_eq!(q.date_of_birth, NaiveDate::from_ymd_opt(1980, 3, 14));
        assert_eq!(
            PatientQuery::parse("14.03.1980").date_of_birth,
            NaiveDate::from_ymd_opt(1980, 3, 14)
        );
        assert_eq!(PatientQuery::parse("1980-02-30").date_of_birth, None);
        assert_eq!(
            PatientQuery::parse("+44 (20) 7946-0958").phone_digits,
            Some("442079460958".into())
        );
        assert_eq!(PatientQuery::parse("p123@x").phone_digits, None);
        assert_eq!(PatientQuery::parse("#x").id, None);
        assert_eq!(PatientQuery::parse("99999999999").id, None);
        assert_eq!(PatientQuery::parse(&"a".repeat(500)).text.len(), 100);
    }

    #[test]
    fn trigrams_are_spread_and_distinct() {
        assert_eq!(trigrams("OWals", 4), vec!["owa", "wal", "als"]);
        assert_eq!(trigrams("ab", 4), Vec::<String>::new());
        assert_eq!(trigrams("aaaa", 4), vec!["aaa"]);
        let g = trigrams("kowalski", 4);
        assert_eq!(g, vec!["kow", "owa", "als", "ski"]);
        assert_eq!(trigrams("Zoë", 4), vec!["zoë"]);
        // Across a space first: far rarer than the words on either side.
        assert_eq!(trigrams("Chloe Dub", 4), vec!["oe ", "e d", "chl", "dub"]);
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("a%b_c\\d"), "a\\%b\\_c\\\\d");
        assert_eq!(digits("+44 (20) 7946-0958"), "442079460958");
    }
}
