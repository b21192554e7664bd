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

/// The full-text terms for a name search: each word of at least three letters or
/// digits becomes a required prefix term (`+rib*`); shorter words and punctuation are
/// left out (InnoDB does not index words under three characters).
pub fn fulltext_terms(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(|w| format!("+{}*", w.to_lowercase()))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Active patients whose name starts with `text` or has words starting with each of its
/// words, whose email starts with it, or (when `phone_digits` has at least three digits)
/// whose phone number starts or ends with those digits. Name-prefix matches sort first,
/// then by name.
///
/// Each part is an index range (name prefix, FULLTEXT, email prefix, phone digits
/// forwards and reversed), so the search costs milliseconds at 100,000 patients instead
/// of a table scan (docs/PERFORMANCE.md).
pub async fn search<'c, E>(
    exec: E,
    text: &str,
    phone_digits: &str,
    limit: u32,
) -> Result<Vec<Patient>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    search_matching(exec, text, phone_digits, limit, false).await
}

/// [`search`], optionally with deactivated patients too (listed after the active ones).
pub async fn search_matching<'c, E>(
    exec: E,
    text: &str,
    phone_digits: &str,
    limit: u32,
    include_inactive: bool,
) -> Result<Vec<Patient>, sqlx::Error>
where
    E: Executor<'c, Database = MySql>,
{
    let pattern = escape_like(text.trim());
    let terms = fulltext_terms(text);
    let use_phone = phone_digits.len() >= 3;
    let mut qb: sqlx::QueryBuilder<MySql> = sqlx::QueryBuilder::new(
        "SELECT p.id, p.full_name, p.email, p.phone_number, p.date_of_birth, p.gender, p.is_active, p.password_hash <> '!' AS has_portal_access, p.created_at FROM ((SELECT id FROM patients WHERE full_name LIKE CONCAT(",
    );
    qb.push_bind(&pattern);
    qb.push(", '%') LIMIT 100) UNION (SELECT id FROM patients WHERE email LIKE CONCAT(");
    qb.push_bind(&pattern);
    qb.push(", '%') LIMIT 100)");
    if let Some(t) = &terms {
        qb.push(" UNION (SELECT id FROM patients WHERE MATCH(full_name) AGAINST (");
        qb.push_bind(t);
        qb.push(" IN BOOLEAN MODE) LIMIT 200)");
    }
    if use_phone {
        let reversed: String = phone_digits.chars().rev().collect();
        qb.push(" UNION (SELECT id FROM patients WHERE phone_digits LIKE CONCAT(");
        qb.push_bind(phone_digits.to_string());
        qb.push(
            ", '%') LIMIT 100) UNION (SELECT id FROM patients WHERE phone_digits_rev LIKE CONCAT(",
        );
        qb.push_bind(reversed);
        qb.push(", '%') LIMIT 100)");
    }
    qb.push(if include_inactive {
        ") u JOIN patients p ON p.id = u.id ORDER BY p.is_active DESC, (p.full_name LIKE CONCAT("
    } else {
        ") u JOIN patients p ON p.id = u.id WHERE p.is_active ORDER BY (p.full_name LIKE CONCAT("
    });
    qb.push_bind(&pattern);
    qb.push(", '%')) DESC, p.full_name, p.id LIMIT ");
    qb.push_bind(limit);
    qb.build().fetch_all(exec).await?.iter().map(map).collect()
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
    fn fulltext_terms_are_sanitised() {
        assert_eq!(fulltext_terms("Ana Rib"), Some("+ana* +rib*".into()));
        assert_eq!(
            fulltext_terms("O'Brien-Smith"),
            Some("+brien* +smith*".into())
        );
        assert_eq!(fulltext_terms("+ana* -(x) \"q\""), Some("+ana*".into()));
        assert_eq!(fulltext_terms("Zoë Ørsted"), Some("+zoë* +ørsted*".into()));
        assert_eq!(fulltext_terms("al"), None);
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("a%b_c\\d"), "a\\%b\\_c\\\\d");
        assert_eq!(digits("+44 (20) 7946-0958"), "442079460958");
    }
}
