//! The patients service against MariaDB: incremental search, registration with
//! validation and the duplicate warning, reading a record, permissions and audit.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use clinic::domain::{Actor, Role};
use clinic::service::patients::{NewPatientInput, RegisterError};
use clinic::service::{Clock, ServiceError, Services};
use common::TestEnv;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("time")
}

fn user(role: Role, id: i32) -> Actor {
    Actor::User {
        role,
        id,
        name: "Someone".into(),
        email: "someone@clinic.test".into(),
    }
}

fn desk() -> Actor {
    user(Role::FrontDesk, 1)
}

fn input(name: &str, email: &str, phone: &str, born: &str) -> NewPatientInput {
    NewPatientInput {
        full_name: name.into(),
        email: email.into(),
        phone: phone.into(),
        date_of_birth: born.into(),
        gender: String::new(),
        confirm_duplicate: false,
    }
}

async fn setup() -> (TestEnv, Services) {
    let env = TestEnv::new().await;
    let services = env.services.clone().with_clock(Clock::Fixed(now()));
    for (name, email, phone, born) in [
        (
            "Ana Lima",
            "ana@example.com",
            "+44 20 7946 0958",
            "1990-02-28",
        ),
        ("Bruno Analtes", "bruno@example.com", "020 7946 1111", ""),
        ("Carla Souza", "carla.s@example.com", "", "1985-06-01"),
        ("Dora 100% Real_Name", "dora@example.com", "", ""),
    ] {
        services
            .register_patient(&desk(), input(name, email, phone, born))
            .await
            .unwrap_or_else(|e| panic!("register {name}: {e}"));
    }
    (env, services)
}

async fn names(services: &Services, actor: &Actor, q: &str) -> Vec<String> {
    services
        .search_patients(actor, q, 20)
        .await
        .expect("search")
        .into_iter()
        .map(|p| p.full_name)
        .collect()
}

async fn audit_count(env: &TestEnv, action: &str, outcome: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = ? AND outcome = ?")
        .bind(action)
        .bind(outcome)
        .fetch_one(&env.pool)
        .await
        .expect("count audit")
}

#[tokio::test]
async fn search_matches_name_words_email_and_phone_digits() {
    let (env, s) = setup().await;
    let d = desk();
    // The start of the name first, then a later word.
    assert_eq!(
        names(&s, &d, "ana").await,
        vec!["Ana Lima", "Bruno Analtes"]
    );
    assert_eq!(names(&s, &d, "lim").await, vec!["Ana Lima"]);
    assert_eq!(names(&s, &d, "SOU").await, vec!["Carla Souza"]);
    // Inside a word too, after the names that start with it.
    assert_eq!(names(&s, &d, "ima").await, vec!["Ana Lima"]);
    // Several words: as typed, with extra spaces, or in another order (surname first).
    assert_eq!(names(&s, &d, "ana  lim").await, vec!["Ana Lima"]);
    assert_eq!(names(&s, &d, "Lima Ana").await, vec!["Ana Lima"]);
    assert_eq!(names(&s, &d, "souza carl").await, vec!["Carla Souza"]);
    assert!(names(&s, &d, "Lima Souza").await.is_empty());
    // Email prefix.
    assert_eq!(names(&s, &d, "carla.s@").await, vec!["Carla Souza"]);
    // Phone digits, whatever the punctuation typed or stored.
    assert_eq!(names(&s, &d, "7946-0958").await, vec!["Ana Lima"]);
    // The start, the end or the middle of the number.
    assert_eq!(names(&s, &d, "020 7946").await, vec!["Bruno Analtes"]);
    assert_eq!(names(&s, &d, "+44 20").await, vec!["Ana Lima"]);
    assert_eq!(
        names(&s, &d, "(20) 7946").await,
        vec!["Ana Lima", "Bruno Analtes"]
    );
    // Wildcards typed are literal.
    assert_eq!(names(&s, &d, "100%").await, vec!["Dora 100% Real_Name"]);
    assert!(names(&s, &d, "%").await.is_empty());
    assert!(names(&s, &d, "_").await.is_empty());
    assert!(names(&s, &d, "   ").await.is_empty());
    // The limit holds.
    assert_eq!(
        s.search_patients(&d, "a", 1).await.expect("search").len(),
        1
    );
    assert!(audit_count(&env, "PATIENT_SEARCH", "OK").await >= 10);
}

#[tokio::test]
async fn search_finds_any_part_id_and_date_of_birth() {
    let (env, s) = setup().await;
    let d = desk();
    s.register_patient(
        &d,
        input(
            "Jan Kowalski",
            "jan.kowalski@poczta.pl",
            "+48 601-234-567",
            "1980-03-14",
        ),
    )
    .await
    .expect("register");
    // The middle of a surname, any case.
    assert_eq!(names(&s, &d, "owals").await, vec!["Jan Kowalski"]);
    assert_eq!(names(&s, &d, "OWALS").await, vec!["Jan Kowalski"]);
    // A part of an email.
    assert_eq!(names(&s, &d, "poczta").await, vec!["Jan Kowalski"]);
    assert_eq!(names(&s, &d, "kowalski@po").await, vec!["Jan Kowalski"]);
    // Phone digits in the middle, ignoring spaces, dashes and +.
    assert_eq!(names(&s, &d, "1234 56").await, vec!["Jan Kowalski"]);
    assert_eq!(names(&s, &d, "+48601-234").await, vec!["Jan Kowalski"]);
    // Date of birth, both formats.
    assert_eq!(names(&s, &d, "1980-03-14").await, vec!["Jan Kowalski"]);
    assert_eq!(names(&s, &d, "14.03.1980").await, vec!["Jan Kowalski"]);
    assert_eq!(names(&s, &d, "1990-02-28").await, vec!["Ana Lima"]);
    // By id: `#42` or the number alone; the exact id comes first.
    let carla: i32 = sqlx::query_scalar("SELECT id FROM patients WHERE full_name = 'Carla Souza'")
        .fetch_one(&env.pool)
        .await
        .expect("id");
    assert_eq!(
        names(&s, &d, &format!("#{carla}")).await,
        vec!["Carla Souza"]
    );
    assert_eq!(names(&s, &d, &format!("{carla}")).await[0], "Carla Souza");
    assert!(names(&s, &d, "#99999").await.is_empty());
    // Ranked: names that start with the text, then a word, then inside.
    s.register_patient(&d, input("Mima Kos", "mima@example.com", "", ""))
        .await
        .expect("register");
    s.register_patient(&d, input("Imara Nowak", "imara@example.com", "", ""))
        .await
        .expect("register");
    assert_eq!(
        names(&s, &d, "ima").await,
        vec!["Imara Nowak", "Ana Lima", "Mima Kos"]
    );
}

#[tokio::test]
async fn a_patient_registered_or_changed_a_moment_ago_is_found_at_once() {
    let (_env, s) = setup().await;
    let d = desk();
    assert!(names(&s, &d, "zdzis").await.is_empty());
    let p = s
        .register_patient(
            &d,
            input("Zdzisław Wójcik", "zw@example.com", "600 700 800", ""),
        )
        .await
        .expect("register");
    assert_eq!(names(&s, &d, "zdzis").await, vec!["Zdzisław Wójcik"]);
    assert_eq!(names(&s, &d, "ójci").await, vec!["Zdzisław Wójcik"]);
    // A change of name or phone is searchable at once; the old one no longer finds them.
    s.update_patient(
        &d,
        p.id,
        &input("Zdzisław Nowicki", "zw@example.com", "611 222 333", ""),
    )
    .await
    .expect("update");
    assert!(names(&s, &d, "wójc").await.is_empty());
    assert!(names(&s, &d, "700 8").await.is_empty());
    assert_eq!(names(&s, &d, "owick").await, vec!["Zdzisław Nowicki"]);
    assert_eq!(names(&s, &d, "1222").await, vec!["Zdzisław Nowicki"]);
    // Deactivated: not offered for booking, still found on the patients screen.
    s.set_patient_active(&d, p.id, false)
        .await
        .expect("deactivate");
    assert!(names(&s, &d, "owick").await.is_empty());
    let all = s.find_patients(&d, "owick", 10).await.expect("find");
    assert_eq!(all.len(), 1);
    assert!(!all[0].is_active);
}

#[tokio::test]
async fn search_text_is_never_sql() {
    let (env, s) = setup().await;
    let d = desk();
    for q in [
        "%%%",
        "___",
        "a%a",
        "_na",
        "' OR 1=1 -- ",
        "\" OR \"1\"=\"1",
        "Ana'; DROP TABLE patients; --",
        "\\%",
        "Real_Nam",
        "%' UNION SELECT 1 --",
        "#1 OR 1=1",
        "\\\\",
    ] {
        let found = names(&s, &d, q).await;
        assert!(
            found.is_empty() || found == vec!["Dora 100% Real_Name"],
            "{q:?} found {found:?}"
        );
    }
    // `_` and `%` match themselves only.
    assert_eq!(names(&s, &d, "l_nam").await, vec!["Dora 100% Real_Name"]);
    assert!(names(&s, &d, "l%nam").await.is_empty());
    assert_eq!(names(&s, &d, "0% r").await, vec!["Dora 100% Real_Name"]);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM patients")
        .fetch_one(&env.pool)
        .await
        .expect("still there");
    assert_eq!(count, 4);
}

#[tokio::test]
async fn search_is_for_front_desk_admin_and_system_only() {
    let (env, s) = setup().await;
    assert!(!names(&s, &user(Role::Admin, 2), "ana").await.is_empty());
    assert!(!names(&s, &Actor::System, "ana").await.is_empty());
    for role in [Role::Doctor, Role::Patient] {
        let err = s
            .search_patients(&user(role, 1), "ana", 10)
            .await
            .expect_err("refused");
        assert!(matches!(err, ServiceError::Forbidden(_)), "{role:?}: {err}");
    }
    assert_eq!(audit_count(&env, "PATIENT_SEARCH", "DENIED").await, 2);
}

#[tokio::test]
async fn registration_validates_with_sentences() {
    let (_env, s) = setup().await;
    let cases = [
        (input("  ", "x@example.com", "", ""), "Name is required"),
        (input("X", "not-an-email", "", ""), "not an email address"),
        (
            input("X", "x@example.com", "12ab", ""),
            "not a phone number",
        ),
        (input("X", "x@example.com", "", "1990-02-30"), "not a date"),
        (
            input("X", "x@example.com", "", "2027-01-01"),
            "in the future",
        ),
        (
            NewPatientInput {
                gender: "Q".into(),
                ..input("X", "x@example.com", "", "")
            },
            "M, F or O",
        ),
    ];
    for (i, expected) in cases {
        let err = s
            .register_patient(&desk(), i.clone())
            .await
            .expect_err("invalid");
        assert!(
            matches!(err, RegisterError::Failed(ServiceError::Invalid(_))),
            "{i:?}: {err:?}"
        );
        assert!(err.to_string().contains(expected), "{err} lacks {expected}");
    }
}

#[tokio::test]
async fn duplicates_warn_unless_confirmed_and_emails_are_unique() {
    let (env, s) = setup().await;
    // Same name (any case) and date of birth.
    let twin = input("ana lima", "ana.other@example.com", "", "1990-02-28");
    let err = s
        .register_patient(&desk(), twin.clone())
        .await
        .expect_err("warned");
    match &err {
        RegisterError::PossibleDuplicate { message, existing } => {
            assert_eq!(
                message,
                "A patient named Ana Lima, born 1990-02-28 exists. Register anyway?"
            );
            assert_eq!(existing.len(), 1);
        }
        other => panic!("expected a duplicate warning, got {other:?}"),
    }
    let p = s
        .register_patient(
            &desk(),
            NewPatientInput {
                confirm_duplicate: true,
                ..twin
            },
        )
        .await
        .expect("registered anyway");
    assert_eq!(p.email, "ana.other@example.com");
    assert!(!p.has_portal_access);

    // Same phone digits, written differently.
    let err = s
        .register_patient(
            &desk(),
            input("Eve", "eve@example.com", "+442079460958", ""),
        )
        .await
        .expect_err("warned");
    assert!(
        err.to_string().contains("already has the phone number"),
        "{err}"
    );

    // Same email (any case): a conflict even when confirmed.
    let err = s
        .register_patient(
            &desk(),
            NewPatientInput {
                confirm_duplicate: true,
                ..input("Someone Else", "ANA@example.com", "", "")
            },
        )
        .await
        .expect_err("conflict");
    assert!(
        matches!(err, RegisterError::Failed(ServiceError::Conflict(_))),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "A patient with the email ana@example.com is already registered (Ana Lima, born 1990-02-28)."
    );
    assert_eq!(audit_count(&env, "PATIENT_CREATE", "OK").await, 5);
}

#[tokio::test]
async fn registration_is_refused_to_doctors_and_patients() {
    let (env, s) = setup().await;
    for role in [Role::Doctor, Role::Patient] {
        let err = s
            .register_patient(&user(role, 1), input("Z", "z@example.com", "", ""))
            .await
            .expect_err("refused");
        assert!(
            matches!(err, RegisterError::Failed(ServiceError::Forbidden(_))),
            "{err:?}"
        );
    }
    assert_eq!(audit_count(&env, "PATIENT_CREATE", "DENIED").await, 2);
}

#[tokio::test]
async fn reading_a_record_is_checked_and_audited() {
    let (env, s) = setup().await;
    let ana = s.search_patients(&desk(), "ana@", 5).await.expect("search")[0].id;
    let bruno = s
        .search_patients(&desk(), "bruno", 5)
        .await
        .expect("search")[0]
        .id;
    assert_eq!(
        s.get_patient(&desk(), ana).await.expect("read").full_name,
        "Ana Lima"
    );
    assert_eq!(
        s.get_patient(&user(Role::Patient, ana), ana)
            .await
            .expect("own")
            .email,
        "ana@example.com"
    );
    for actor in [user(Role::Patient, ana), user(Role::Doctor, 1)] {
        let err = s.get_patient(&actor, bruno).await.expect_err("refused");
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    }
    let err = s.get_patient(&desk(), 999_999).await.expect_err("missing");
    assert!(matches!(err, ServiceError::NotFound(_)), "{err}");
    assert_eq!(audit_count(&env, "PATIENT_READ", "OK").await, 2);
    assert_eq!(audit_count(&env, "PATIENT_READ", "DENIED").await, 2);
    let with_patient: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'PATIENT_READ' AND patient_id = ?",
    )
    .bind(ana)
    .fetch_one(&env.pool)
    .await
    .expect("count");
    assert_eq!(with_patient, 2);
}

#[tokio::test]
async fn patients_may_list_doctors_to_book_with() {
    let (_env, s) = setup().await;
    let doctors = s
        .doctors_to_book(&user(Role::Patient, 1))
        .await
        .expect("patients see the directory");
    assert!(doctors.is_empty());
}
