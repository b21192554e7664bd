//! The doctor over SSH: key and password sign-in, the lock, a prescription that survives
//! a dropped connection and a stop, refused commands and forwarding, two sessions at once.

use std::io::Read;
use std::net::{TcpListener, TcpStream};

use clinic::domain::{AccountKind, Role};
use clinic::service::auth::LoginError;
use clinic::tui::screens::home::HomeItem;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_registered_key_signs_in_to_the_doctors_home_and_others_are_refused() {
    let (env, _) = clinic_with_a_doctor().await;
    let server = Serve::start(&env, &[]);
    // The fingerprint printed at start is the host key's, and `--fingerprint` says it too;
    // the key file is the owner's only.
    let key = russh::keys::PrivateKey::read_openssh_file(server.host_key_path()).expect("key");
    assert_eq!(server.fingerprint, clinic::ssh::host_fingerprint(&key));
    assert!(server.fingerprint.starts_with("SHA256:"));
    let printed = std::process::Command::new(env!("CARGO_BIN_EXE_clinic"))
        .args(["serve", "--fingerprint", "--host-key"])
        .arg(server.host_key_path())
        .output()
        .expect("clinic serve --fingerprint");
    assert_eq!(
        String::from_utf8_lossy(&printed.stdout).trim(),
        server.fingerprint
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(server.host_key_path())
            .expect("host key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let key = doctor_key(&env, &server, "id_doctor").await;
    let mut app = server.ssh(server.key_args(&key), DOCTOR_EMAIL, &[], 80, 24);
    app.wait_for(&format!("Welcome, {DOCTOR_NAME}"), WAIT);
    app.wait_for("Signed in as", WAIT);
    let screen = app.contents();
    assert!(
        screen.contains("Agenda") && screen.contains("Prescriptions"),
        "{screen}"
    );
    assert!(!screen.contains("Sign in"), "no second sign-in: {screen}");
    // F1 as a terminal sends it (ESC O P) opens the help; Esc closes it.
    app.send("\x1bOP");
    app.wait_for("Help · Esc closes", WAIT);
    app.send("\x1b");
    app.wait_until_screen("the help closed", WAIT, |s| {
        !s.contains("Help · Esc closes")
    });
    assert!(app.shows_colour(), "colour by default");
    app.send("q");
    app.wait_for("Quit Smart Clinic and end this session?", WAIT);
    app.send("y");
    assert!(
        app.wait_exit(WAIT),
        "ssh ends cleanly when the doctor quits"
    );

    let fingerprint = clinic::service::ssh_keys::fingerprint(
        russh::keys::PrivateKey::read_openssh_file(&key)
            .expect("client key")
            .public_key(),
    );
    let logins = audit(&env, "LOGIN").await;
    assert_eq!(logins.len(), 1, "{logins:?}");
    let (outcome, email, detail) = &logins[0];
    assert_eq!(outcome, "OK");
    assert_eq!(email.as_deref(), Some(DOCTOR_EMAIL));
    assert!(
        detail.contains(&format!("public key {fingerprint}")) && detail.contains("ssh 127.0.0.1:"),
        "{detail}"
    );

    // A key nobody registered is refused, and so is the registered key of a doctor who
    // has been deactivated.
    let (stranger, _) = client_key(&server.dir, "id_stranger");
    let (ok, said) = server.ssh_output(server.key_args(&stranger), DOCTOR_EMAIL, &[]);
    assert!(!ok && said.contains("Permission denied"), "{said}");
    sqlx::query("UPDATE doctors SET is_active = FALSE WHERE email = ?")
        .bind(DOCTOR_EMAIL)
        .execute(&env.pool)
        .await
        .expect("deactivate");
    let (ok, said) = server.ssh_output(server.key_args(&key), DOCTOR_EMAIL, &[]);
    assert!(!ok && said.contains("Permission denied"), "{said}");
    let logins = audit(&env, "LOGIN").await;
    let denied: Vec<_> = logins.iter().filter(|(o, ..)| o == "DENIED").collect();
    assert_eq!(denied.len(), 1, "{logins:?}");
    assert!(
        denied[0].2.contains(&fingerprint) && denied[0].2.contains("no active account"),
        "{denied:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn five_wrong_passwords_lock_the_account_as_the_sign_in_screen_does() {
    let (env, _) = clinic_with_a_doctor().await;
    let server = Serve::start(&env, &[]);

    // The right password signs in (the password prompt answered in the terminal).
    let mut app = server.ssh(server.password_args(1), DOCTOR_EMAIL, &[], 80, 24);
    app.wait_for("password:", WAIT);
    app.send(&format!("{DOCTOR_PASSWORD}\r"));
    app.wait_for(&format!("Welcome, {DOCTOR_NAME}"), WAIT);
    app.send("q");
    app.send("y");
    assert!(app.wait_exit(WAIT));

    // Five wrong ones on one connection.
    let mut app = server.ssh(server.password_args(5), DOCTOR_EMAIL, &[], 80, 24);
    for attempt in 1..=5 {
        app.wait_until_screen(&format!("password prompt {attempt}"), WAIT, |s| {
            s.matches("password:").count() == attempt
        });
        app.send(&format!("not-the-password-{attempt}\r"));
    }
    app.wait_for("Permission denied", WAIT);
    assert!(!app.wait_exit(WAIT), "ssh gives up");

    // Now even the right password is refused, over SSH and on the sign-in screen.
    let mut app = server.ssh(server.password_args(1), DOCTOR_EMAIL, &[], 80, 24);
    app.wait_for("password:", WAIT);
    app.send(&format!("{DOCTOR_PASSWORD}\r"));
    app.wait_for("Permission denied", WAIT);
    assert!(!app.wait_exit(WAIT));
    let local = env
        .services
        .login(AccountKind::Doctor, DOCTOR_EMAIL, DOCTOR_PASSWORD)
        .await;
    assert!(matches!(local, Err(LoginError::Locked { .. })), "{local:?}");

    let logins = audit(&env, "LOGIN").await;
    let outcomes: Vec<&str> = logins.iter().map(|(o, ..)| o.as_str()).collect();
    assert_eq!(
        outcomes,
        [
            "OK", "FAILED", "FAILED", "FAILED", "FAILED", "FAILED", "DENIED", "DENIED"
        ],
        "{logins:?}"
    );
    for (outcome, email, detail) in &logins[..7] {
        assert_eq!(email.as_deref(), Some(DOCTOR_EMAIL));
        assert!(
            detail.contains("password, ssh 127.0.0.1:"),
            "{outcome}: {detail}"
        );
    }
    assert!(logins[6].2.contains("locked"), "{:?}", logins[6]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prescription_written_over_ssh_survives_a_dropped_connection_and_a_stop() {
    let (env, appointment_id) = clinic_with_a_doctor().await;
    let mut server = Serve::start(&env, &[]);
    let key = doctor_key(&env, &server, "id_doctor").await;

    let mut app = server.ssh(server.key_args(&key), DOCTOR_EMAIL, &[], 80, 24);
    app.wait_for("Welcome,", WAIT);
    open(&mut app, Role::Doctor, HomeItem::Agenda);
    app.wait_for(PATIENT_NAME, WAIT);
    app.send("e");
    app.wait_for("Medications (0)", WAIT);
    app.send("a");
    app.send("Amoxicillin");
    app.send("\t");
    app.send("500mg");
    app.send("\r");
    app.wait_for("Medications (1)", WAIT);

    // The window grows: the session draws at the new size (window-change).
    app.resize(100, 30);
    app.wait_until_screen("a 100x30 frame", WAIT, |s| {
        s.lines().count() == 30 && s.lines().any(|l| l.trim_end().chars().count() > 90)
    });
    assert!(app.contents().contains("Amoxicillin"));

    // The connection drops mid-edit: the draft is kept.
    app.kill();
    let draft =
        clinic::service::prescription_files::draft_path(&server.drafts_dir(), appointment_id);
    eventually("the draft file is written", || {
        let draft = draft.clone();
        async move { draft.exists() }
    })
    .await;
    let saved =
        clinic::store::mongo::prescriptions::find_by_appointment(&env.mongo, appointment_id)
            .await
            .expect("mongo");
    assert!(saved.is_none(), "nothing was saved, only the draft kept");

    // The doctor reconnects and is offered it.
    let mut app = server.ssh(server.key_args(&key), DOCTOR_EMAIL, &[], 80, 24);
    app.wait_for("Welcome,", WAIT);
    open(&mut app, Role::Doctor, HomeItem::Agenda);
    app.wait_for(PATIENT_NAME, WAIT);
    app.send("e");
    app.wait_for("An unsaved draft from", WAIT);
    app.wait_for("Restore it?", WAIT);
    assert!(app.contents().contains("(1"), "{}", app.contents());
    app.send("y");
    app.wait_for("Medications (1)", WAIT);
    app.wait_for("Amoxicillin", WAIT);
    app.send("a");
    app.send("Ibuprofen");
    app.send("\t");
    app.send("200mg");
    app.send("\r");
    app.wait_for("Medications (2)", WAIT);

    // The server stops (SIGTERM) with the session open: the draft holds both.
    let (ok, said) = server.stop();
    assert!(ok, "clinic serve exits cleanly on SIGTERM: {said:?}");
    let file =
        clinic::service::prescription_files::read_draft(&server.drafts_dir(), appointment_id)
            .expect("draft readable")
            .expect("draft kept on stop");
    let names: Vec<&str> = file
        .draft
        .medications
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(names, ["Amoxicillin", "Ibuprofen"]);
    // The session ended with the server (ssh exits however it was told).
    let _ = app.wait_exit(WAIT);
}

#[tokio::test(flavor = "multi_thread")]
async fn commands_and_forwarding_are_refused() {
    let (env, _) = clinic_with_a_doctor().await;
    let server = Serve::start(&env, &[]);
    let key = doctor_key(&env, &server, "id_doctor").await;

    // `ssh … host ls`: refused, nothing run.
    let (ok, said) = server.ssh_output(server.key_args(&key), DOCTOR_EMAIL, &["ls"]);
    assert!(!ok, "{said}");
    assert!(!said.contains("smart-clinic"), "no listing: {said}");
    // sftp's subsystem likewise.
    let mut args = server.key_args(&key);
    args.push("-s".into());
    let (ok, said) = server.ssh_output(args, DOCTOR_EMAIL, &["sftp"]);
    assert!(!ok, "{said}");

    // `ssh -L`: the session itself opens, but nothing passes through the tunnel.
    let target = TcpListener::bind("127.0.0.1:0").expect("a target that would answer");
    let local = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let mut args = server.key_args(&key);
    args.push("-L".into());
    args.push(format!(
        "127.0.0.1:{}:127.0.0.1:{}",
        local.port(),
        target.local_addr().expect("target").port()
    ));
    let mut app = server.ssh(args, DOCTOR_EMAIL, &[], 80, 24);
    // ssh listens on the forwarded port before it opens the session.
    app.wait_for("Welcome,", WAIT);
    let mut tunnel = TcpStream::connect(local).expect("ssh listens on the forwarded port");
    let mut buf = [0u8; 16];
    let n = tunnel.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "the tunnel is closed at once");
    target.set_nonblocking(true).expect("nonblocking");
    assert!(target.accept().is_err(), "nothing reached the target");
    app.send("q");
    app.send("y");
    assert!(app.wait_exit(WAIT));

    let refused = audit(&env, "SSH_REFUSED").await;
    let details: Vec<&str> = refused.iter().map(|(_, _, d)| d.as_str()).collect();
    for wanted in [
        "running a command (ls)",
        "the sftp subsystem",
        "port forwarding to 127.0.0.1:",
    ] {
        assert!(
            details
                .iter()
                .any(|d| d.contains(wanted) && d.contains("ssh 127.0.0.1:")),
            "no refusal {wanted:?} in {details:#?}"
        );
    }
    assert!(
        refused
            .iter()
            .all(|(o, e, _)| o == "DENIED" && e.as_deref() == Some(DOCTOR_EMAIL))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_sessions_at_once_see_each_others_changes_after_a_refresh() {
    let (env, appointment_id) = clinic_with_a_doctor().await;
    let server = Serve::start(&env, &["--max-sessions", "2"]);
    let key = doctor_key(&env, &server, "id_doctor").await;

    let mut a = server.ssh(server.key_args(&key), DOCTOR_EMAIL, &[], 80, 24);
    let mut b = server.ssh(server.password_args(1), DOCTOR_EMAIL, &[], 80, 24);
    b.wait_for("password:", WAIT);
    b.send(&format!("{DOCTOR_PASSWORD}\r"));
    for app in [&mut a, &mut b] {
        app.wait_for("Welcome,", WAIT);
        open(app, Role::Doctor, HomeItem::Agenda);
        app.wait_for(PATIENT_NAME, WAIT);
        app.wait_for("Booked", WAIT);
    }

    // A third is one too many: told so, and closed.
    let (ok, said) = server.ssh_output(
        {
            let mut args = server.key_args(&key);
            args.push("-tt".into());
            args
        },
        DOCTOR_EMAIL,
        &[],
    );
    assert!(!ok, "{said}");
    assert!(said.contains("limit of 2 sessions"), "{said}");

    // A marks the appointment done; B sees it after a refresh.
    a.send("m");
    a.wait_for("Completed", WAIT);
    assert!(b.contents().contains("Booked"), "B has not refreshed yet");
    b.send("t");
    b.wait_for("Completed", WAIT);

    // B writes the prescription and saves it; A opens it and sees it.
    b.send("e");
    b.wait_for("Medications (0)", WAIT);
    b.send("a");
    b.send("Amoxicillin");
    b.send("\t");
    b.send("500mg");
    b.send("\r");
    b.wait_for("Medications (1)", WAIT);
    b.send("\x13");
    b.wait_for("Saved version 1.", WAIT);
    a.send("e");
    a.wait_for("Amoxicillin", WAIT);
    a.wait_for("Medications (1)", WAIT);

    let saved =
        clinic::store::mongo::prescriptions::find_by_appointment(&env.mongo, appointment_id)
            .await
            .expect("mongo")
            .expect("saved");
    assert_eq!(saved.medications[0].name, "Amoxicillin");
    let refused = audit(&env, "SSH_REFUSED").await;
    assert!(
        refused
            .iter()
            .any(|(_, _, d)| d.contains("limit of 2 sessions")),
        "{refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_email_with_two_kinds_of_account_is_asked_which() {
    let (env, _) = clinic_with_a_doctor().await;
    env.services
        .add_user(
            &clinic::domain::Actor::System,
            clinic::service::users::NewAccount {
                role: Role::Patient,
                email: DOCTOR_EMAIL.into(),
                full_name: "Maya Okafor".into(),
                specialization: None,
                password: DOCTOR_PASSWORD.into(),
            },
        )
        .await
        .expect("the doctor is a patient too");
    let server = Serve::start(&env, &[]);
    let mut args = server.password_args(1);
    args.extend(["-o".to_string(), "SetEnv=NO_COLOR=1".to_string()]);
    let mut app = server.ssh(args, DOCTOR_EMAIL, &[], 80, 24);
    app.wait_for("password:", WAIT);
    app.send(&format!("{DOCTOR_PASSWORD}\r"));
    app.wait_for("continue as which?", WAIT);
    app.wait_for("Patient", WAIT);
    app.send(DOWN);
    app.send("\r");
    app.wait_for("Welcome, Maya Okafor", WAIT);
    app.wait_for("Patient · Maya Okafor", WAIT);
    assert!(!app.shows_colour(), "the client asked for NO_COLOR");
    app.send("q");
    app.send("y");
    assert!(app.wait_exit(WAIT));
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_attempts_and_new_connections_are_limited() {
    let (env, _) = clinic_with_a_doctor().await;
    let server = Serve::start(
        &env,
        &["--max-auth-tries", "2", "--connections-per-minute", "3"],
    );

    // 1. Two wrong passwords are checked; a third is not even looked at: the server
    //    offers no more methods, and hangs up when the client tries anyway.
    let mut app = server.ssh(server.password_args(3), DOCTOR_EMAIL, &[], 80, 24);
    for attempt in 1..=3 {
        app.wait_until_screen(&format!("password prompt {attempt}"), WAIT, |s| {
            s.matches("password:").count() == attempt
        });
        app.send(&format!("wrong-{attempt}\r"));
    }
    app.wait_for("Too many authentication attempts", WAIT);
    assert!(!app.wait_exit(WAIT));
    let failed = audit(&env, "LOGIN").await;
    assert_eq!(
        failed.len(),
        2,
        "only two passwords were checked: {failed:?}"
    );

    // 2 and 3 are let in (and refused for what they ask); 4 is cut off at once.
    let key = doctor_key(&env, &server, "id_doctor").await;
    for _ in 0..2 {
        let (ok, said) = server.ssh_output(server.key_args(&key), DOCTOR_EMAIL, &["true"]);
        assert!(!ok && !said.contains("Connection closed"), "{said}");
    }
    let (ok, said) = server.ssh_output(server.key_args(&key), DOCTOR_EMAIL, &[]);
    assert!(!ok, "{said}");
    assert!(!said.contains("Welcome"), "{said}");

    // The refusal of a connection is audited after it is cut off.
    eventually("the refused connection is audited", || async {
        audit(&env, "SSH_REFUSED")
            .await
            .iter()
            .any(|(_, _, d)| d.contains("too many new connections from this address"))
    })
    .await;
    let refused = audit(&env, "SSH_REFUSED").await;
    let details: Vec<&str> = refused.iter().map(|(_, _, d)| d.as_str()).collect();
    for wanted in [
        "2 failed sign-in attempts on one connection",
        "too many new connections from this address",
    ] {
        assert!(
            details.iter().any(|d| d.contains(wanted)),
            "no refusal {wanted:?} in {details:#?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_are_added_listed_and_removed_with_the_cli() {
    let (env, _) = clinic_with_a_doctor().await;
    let server = Serve::start(&env, &[]);
    let (key, public) = client_key(&server.dir, "id_cli");
    let public_file = server.dir.join("id_cli.pub");
    std::fs::write(&public_file, &public).expect("public key file");
    let fingerprint = clinic::service::ssh_keys::fingerprint(
        &clinic::service::ssh_keys::parse_public_key(&public).expect("public key"),
    );
    let file = public_file.display().to_string();
    let who = ["--role", "doctor", "--email", DOCTOR_EMAIL];
    let run = |cmd: &[&str], extra: &[&str]| {
        let mut args = vec!["user", "ssh-key"];
        args.extend_from_slice(cmd);
        args.extend_from_slice(&who);
        args.extend_from_slice(extra);
        server.clinic(&env, &args)
    };

    let (ok, said) = run(&["list"], &[]);
    assert!(ok && said.contains("No SSH keys"), "{said}");
    let (ok, said) = run(&["add"], &["--key-file", &file]);
    assert!(
        ok && said.contains(&format!("Registered key {fingerprint}")),
        "{said}"
    );
    // The private key, or the same key again, is refused with a clear message.
    let private = key.display().to_string();
    let (ok, said) = run(&["add"], &["--key-file", &private]);
    assert!(!ok && said.contains("Not an OpenSSH public key"), "{said}");
    let (ok, said) = run(&["add"], &["--key-file", &file]);
    assert!(!ok && said.contains("already registered"), "{said}");
    let (ok, said) = run(&["list"], &[]);
    assert!(
        ok && said.contains(&fingerprint) && said.contains("test@ssh"),
        "{said}"
    );

    // The key signs in; removed, it no longer does.
    let mut app = server.ssh(server.key_args(&key), DOCTOR_EMAIL, &[], 80, 24);
    app.wait_for(&format!("Welcome, {DOCTOR_NAME}"), WAIT);
    app.send("q");
    app.send("y");
    assert!(app.wait_exit(WAIT));
    let (ok, said) = run(&["remove"], &["--fingerprint", &fingerprint]);
    assert!(ok && said.contains("Removed key"), "{said}");
    let (ok, said) = server.ssh_output(server.key_args(&key), DOCTOR_EMAIL, &[]);
    assert!(!ok && said.contains("Permission denied"), "{said}");
    let (ok, said) = run(&["remove"], &["--fingerprint", &fingerprint]);
    assert!(!ok, "{said}");

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'SSH_KEY_%' ORDER BY id",
    )
    .fetch_all(&env.pool)
    .await
    .expect("audit");
    assert_eq!(actions, ["SSH_KEY_ADD", "SSH_KEY_REMOVE"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idle_session_locks_and_keeps_its_draft() {
    let (env, appointment_id) = clinic_with_a_doctor().await;
    let server = Serve::start_with_config(&env, &[], "idle_lock_minutes = 1\n");
    let key = doctor_key(&env, &server, "id_doctor").await;
    let mut app = server.ssh(server.key_args(&key), DOCTOR_EMAIL, &[], 80, 24);
    app.wait_for("Welcome,", WAIT);
    open(&mut app, Role::Doctor, HomeItem::Agenda);
    app.wait_for(PATIENT_NAME, WAIT);
    app.send("e");
    app.wait_for("Medications (0)", WAIT);
    app.send("a");
    app.send("Amoxicillin");
    app.send("\t");
    app.send("500mg");
    app.send("\r");
    app.wait_for("Medications (1)", WAIT);

    // A minute without a key (the smallest idle lock there is).
    app.wait_for(
        "Locked after 1 minute without input.",
        std::time::Duration::from_secs(90),
    );
    assert!(
        !app.contents().contains("Amoxicillin"),
        "nothing shows while locked"
    );
    let draft =
        clinic::service::prescription_files::draft_path(&server.drafts_dir(), appointment_id);
    assert!(draft.exists(), "locking keeps the unsaved prescription");

    // The password brings the doctor back where they were.
    app.send(DOCTOR_PASSWORD);
    app.send("\r");
    app.wait_for("Medications (1)", WAIT);
    app.wait_for("Amoxicillin", WAIT);
}
