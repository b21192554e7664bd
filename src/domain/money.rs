//! Money as an exact decimal with two places (never a float): parsing what people type
//! and formatting it back.

use rust_decimal::Decimal;
use thiserror::Error;

/// The largest amount `DECIMAL(10,2)` holds.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(999_999_999, 0, 0, false, 2);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("Enter an amount.")]
    Empty,
    #[error(
        "\"{0}\" is not an amount (use digits with an optional point and two decimals, e.g. 120.50)."
    )]
    NotAnAmount(String),
    #[error("\"{0}\" has more than two decimals.")]
    TooManyDecimals(String),
    #[error("The amount must be more than zero.")]
    NotPositive,
    #[error("The amount is too large (at most 9,999,999.99).")]
    TooLarge,
}

/// Parses "120", "120.5", "120.50", "1,234.50" or "1234.50" into an exact amount with two
/// decimal places. Thousands separators must be in the right places; no signs, no
/// exponents, no currency symbols.
pub fn parse_amount(text: &str) -> Result<Decimal, MoneyError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(MoneyError::Empty);
    }
    let bad = || MoneyError::NotAnAmount(t.to_string());
    let (int_part, frac_part) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    if int_part.is_empty() {
        return Err(bad());
    }
    // Grouping: either no commas, or groups of three after the first (1-3 digits).
    let digits: String = if int_part.contains(',') {
        let mut groups = int_part.split(',');
        let first = groups.next().unwrap_or_default();
        if first.is_empty() || first.len() > 3 {
            return Err(bad());
        }
        let rest: Vec<&str> = groups.collect();
        if rest.iter().any(|g| g.len() != 3) {
            return Err(bad());
        }
        std::iter::once(first).chain(rest).collect()
    } else {
        int_part.to_string()
    };
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let frac = frac_part.unwrap_or("");
    if !frac.chars().all(|c| c.is_ascii_digit()) || (frac_part.is_some() && frac.is_empty()) {
        return Err(bad());
    }
    if frac.len() > 2 {
        return Err(MoneyError::TooManyDecimals(t.to_string()));
    }
    let digits = digits.trim_start_matches('0');
    if digits.len() > 8 {
        return Err(MoneyError::TooLarge);
    }
    let cents_text = format!(
        "{}{:0<2}",
        if digits.is_empty() { "0" } else { digits },
        frac
    );
    let cents: i64 = cents_text.parse().map_err(|_| bad())?;
    let amount = Decimal::new(cents, 2);
    if amount.is_zero() {
        return Err(MoneyError::NotPositive);
    }
    if amount > MAX_AMOUNT {
        return Err(MoneyError::TooLarge);
    }
    Ok(amount)
}

/// "1,234.50": two decimals, thousands grouped.
pub fn format_amount(amount: Decimal) -> String {
    let rounded = amount.round_dp(2);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let plain = format!("{:.2}", rounded.abs());
    let (int_part, frac) = plain.split_once('.').unwrap_or((plain.as_str(), "00"));
    let mut grouped = String::new();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped}.{frac}", if negative { "-" } else { "" })
}

/// "1234.50": two decimals, no grouping (CSV and machine output).
pub fn plain_amount(amount: Decimal) -> String {
    format!("{:.2}", amount.round_dp(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        for (text, cents) in [
            ("120", 12000),
            ("120.5", 12050),
            ("120.50", 12050),
            (" 0.01 ", 1),
            ("1,234.50", 123450),
            ("007", 700),
            ("9,999,999.99", 999999999),
        ] {
            assert_eq!(parse_amount(text), Ok(Decimal::new(cents, 2)), "{text}");
        }
    }

    #[test]
    fn refuses_clearly() {
        assert_eq!(parse_amount(""), Err(MoneyError::Empty));
        assert_eq!(parse_amount("0.00"), Err(MoneyError::NotPositive));
        assert!(matches!(
            parse_amount("1.234"),
            Err(MoneyError::TooManyDecimals(_))
        ));
        assert_eq!(parse_amount("10000000"), Err(MoneyError::TooLarge));
        for bad in [
            "-5", "1e3", "12.", ".5", "1,23", "12,345,6", "1 000", "£12", "abc", "1.2.3", "NaN",
        ] {
            assert!(
                matches!(parse_amount(bad), Err(MoneyError::NotAnAmount(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn formats_with_grouping() {
        assert_eq!(format_amount(Decimal::new(123450, 2)), "1,234.50");
        assert_eq!(format_amount(Decimal::new(5, 0)), "5.00");
        assert_eq!(
            format_amount(Decimal::new(99999999999, 2)),
            "999,999,999.99"
        );
        assert_eq!(plain_amount(Decimal::new(123450, 2)), "1234.50");
    }
}
