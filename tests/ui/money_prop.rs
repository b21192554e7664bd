//! Property tests of money parsing and formatting: every amount survives a round trip,
//! and no input makes the parser panic.

use clinic::domain::money::{MAX_AMOUNT, format_amount, parse_amount, plain_amount};
use proptest::prelude::*;
use rust_decimal::Decimal;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_of_format_is_identity(cents in 1i64..=999_999_999) {
        let amount = Decimal::new(cents, 2);
        prop_assert_eq!(parse_amount(&format_amount(amount)), Ok(amount));
        prop_assert_eq!(parse_amount(&plain_amount(amount)), Ok(amount));
        prop_assert!(amount <= MAX_AMOUNT);
    }

    #[test]
    fn any_text_is_parsed_or_refused_without_panicking(text in "\\PC{0,24}") {
        if let Ok(amount) = parse_amount(&text) {
            prop_assert!(amount > Decimal::ZERO && amount <= MAX_AMOUNT);
            prop_assert_eq!(amount.scale(), 2);
        }
    }

    #[test]
    fn number_like_text_is_parsed_or_refused_without_panicking(text in "[0-9,.]{0,16}") {
        if let Ok(amount) = parse_amount(&text) {
            prop_assert_eq!(parse_amount(&plain_amount(amount)), Ok(amount));
        }
    }
}
