//! Every parser of user input, fed arbitrary text: it answers or refuses, never panics,
//! and what it accepts is well formed.

use chrono::{NaiveDate, Timelike};
use clinic::domain::validation;
use clinic::tui::keymap::{Chord, Keymap};
use clinic::tui::screens::calendar::{parse_date, parse_time};
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn emails(text in "\\PC{0,40}") {
        if let Ok(e) = validation::email(&text) {
            prop_assert_eq!(e.matches('@').count(), 1);
            prop_assert!(!e.chars().any(char::is_whitespace));
            prop_assert_eq!(e.clone(), e.to_lowercase());
            prop_assert_eq!(validation::email(&e), Ok(e.clone()), "normalised emails are fixed points");
        }
    }

    #[test]
    fn email_like_text(local in "[a-zA-Z0-9._%+-]{0,12}", domain in "[a-zA-Z0-9.-]{0,12}") {
        let _ = validation::email(&format!("{local}@{domain}"));
    }

    #[test]
    fn phones(text in "\\PC{0,30}") {
        if let Ok(Some(p)) = validation::phone(&text) {
            let digits = p.chars().filter(char::is_ascii_digit).count();
            prop_assert!((6..=15).contains(&digits));
            prop_assert!(p.len() <= 20);
        }
    }

    #[test]
    fn phone_like_text(text in "[0-9 +().-]{0,24}") {
        let _ = validation::phone(&text);
    }

    #[test]
    fn dates(text in "\\PC{0,16}") {
        if let Ok(Some(d)) = validation::date_of_birth(&text, today()) {
            prop_assert!(d <= today());
        }
        let _ = parse_date(&text);
    }

    #[test]
    fn date_like_text(y in 0i32..10000, m in 0u32..20, d in 0u32..40) {
        let text = format!("{y:04}-{m:02}-{d:02}");
        let parsed = validation::optional_date(&text);
        // A real date within the dates the clinic records (1900-01-01 to 9999-12-31).
        let recordable = NaiveDate::from_ymd_opt(y, m, d)
            .is_some_and(|d| (validation::MIN_DATE..=validation::MAX_DATE).contains(&d));
        prop_assert_eq!(parsed.is_ok(), recordable);
    }

    #[test]
    fn times(text in "\\PC{0,8}") {
        if let Some(t) = parse_time(&text) {
            prop_assert!(t.hour() < 24);
        }
    }

    #[test]
    fn time_like_text(text in "[0-9:.]{0,6}") {
        let _ = parse_time(&text);
    }

    #[test]
    fn key_chords(text in "\\PC{0,16}") {
        if let Ok(chord) = text.parse::<Chord>() {
            // What is shown for a chord is never empty.
            prop_assert!(!chord.to_string().is_empty());
        }
    }

    #[test]
    fn chord_like_text(mods in "(ctrl\\+|alt\\+|shift\\+){0,3}", key in "[a-z0-9?+\\[\\]]{0,9}") {
        let _ = format!("{mods}{key}").parse::<Chord>();
    }

    #[test]
    fn keymap_files(text in "\\PC{0,200}") {
        let _ = Keymap::with_overrides(&text);
    }

    #[test]
    fn keymap_like_files(ctx in "(global|home|login|help|calendar|nowhere)", chord in "[a-z+]{1,8}", cmd in "[a-z_]{1,12}") {
        let _ = Keymap::with_overrides(&format!("[{ctx}]\n\"{chord}\" = \"{cmd}\"\n"));
    }
}
