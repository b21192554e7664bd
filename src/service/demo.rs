//! Realistic demo data: three locations, twelve doctors over six specializations with
//! weekly availability (lunch breaks included), 200 patients, four weeks of past and two
//! of future appointments in every status, payments and prescriptions shaped like the
//! seed's example document. Deterministic (fixed random seed) and idempotent.
//!
//! The two databases are judged apart: the MySQL part is the accounts, schedules,
//! appointments and payments; the MongoDB part is one prescription for about two in
//! three of the demo's completed visits, chosen and written from the appointment alone
//! (its id, doctor, patient and time). So when the MySQL demo is there but its
//! prescriptions are not (a second clone sharing the MySQL server, a new MongoDB), they
//! are written again from MySQL, the same ones as the first time, and only those missing.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use super::audit::actions;
use super::{ServiceError, Services, password};
use crate::domain::appointment::{Appointment, AppointmentStatus, NewAppointment, StatusChange};
use crate::domain::audit::AuditEvent;
use crate::domain::availability::Window;
use crate::domain::payment::{NewPayment, PaymentMethod, PaymentStatus};
use crate::domain::person::{NewDoctor, NewLocation, NewPatient};
use crate::domain::prescription::{Attachment, ClinicalNotes, Medication, Prescription};
use crate::domain::{Actor, Gender, Role};
use crate::store::mongo::prescriptions as rx_store;
use crate::store::mysql::{
    accounts, appointments, availability, locations, patients, payments, people,
};

pub const DEMO_PASSWORD: &str = "clinic-demo";
pub const DEMO_ADMIN: &str = "admin@demo.clinic";
pub const DEMO_FRONT_DESK: &str = "frontdesk@demo.clinic";
pub const DEMO_DOCTOR: &str = "doctor@demo.clinic";
pub const DEMO_PATIENT: &str = "patient@demo.clinic";

/// What a seed run did.
#[derive(Debug, Clone, PartialEq)]
pub enum SeedOutcome {
    Seeded(SeedCounts),
    /// MySQL and MongoDB both hold the demo; nothing changed.
    AlreadyPresent,
    /// The MySQL demo was there but some or all of its prescriptions were missing from
    /// MongoDB: `recreated` were written, `kept` were there already.
    MongoRecreated {
        recreated: usize,
        kept: usize,
    },
    /// `--if-empty` and the database already has accounts that are not the demo's.
    SkippedNotEmpty,
    /// Only the MongoDB part was asked for, and MySQL holds no demo to build it from.
    NoMysqlDemo,
    /// MySQL holds no demo, and MongoDB already has this many prescriptions for
    /// appointment ids MySQL has not handed out yet: the demo's new appointments would
    /// be linked to them. Nothing was written.
    MongoNotEmpty {
        prescriptions: u64,
    },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeedCounts {
    pub locations: usize,
    pub doctors: usize,
    pub patients: usize,
    pub appointments: usize,
    pub payments: usize,
    pub prescriptions: usize,
}

/// The accounts printed after seeding: (role, email).
pub const DEMO_ACCOUNTS: [(&str, &str); 4] = [
    ("admin", DEMO_ADMIN),
    ("front desk", DEMO_FRONT_DESK),
    ("doctor", DEMO_DOCTOR),
    ("patient", DEMO_PATIENT),
];

const LOCATIONS: [(&str, &str, &str, &str); 3] = [
    (
        "Central Clinic",
        "12 Harbour Street, Springfield",
        "+1 555 0100",
        "Mon-Fri 8am-6pm",
    ),
    (
        "Riverside Branch",
        "4 Mill Lane, Springfield",
        "+1 555 0110",
        "Mon-Sat 8am-5pm",
    ),
    (
        "Northgate Branch",
        "201 North Avenue, Springfield",
        "+1 555 0120",
        "Mon-Fri 9am-5pm",
    ),
];

/// (name, email, specialization, location index, schedule kind)
const DOCTORS: [(&str, &str, &str, usize, u8); 12] = [
    ("Dr. Maya Okafor", DEMO_DOCTOR, "General Practice", 0, 0),
    (
        "Dr. Liam Chen",
        "liam.chen@demo.clinic",
        "General Practice",
        1,
        1,
    ),
    (
        "Dr. Sofia Marquez",
        "sofia.marquez@demo.clinic",
        "General Practice",
        2,
        2,
    ),
    (
        "Dr. Ahmed Karimi",
        "ahmed.karimi@demo.clinic",
        "Cardiology",
        0,
        0,
    ),
    (
        "Dr. Hannah Berg",
        "hannah.berg@demo.clinic",
        "Cardiology",
        1,
        2,
    ),
    (
        "Dr. Tomasz Nowak",
        "tomasz.nowak@demo.clinic",
        "Dermatology",
        2,
        1,
    ),
    (
        "Dr. Priya Raman",
        "priya.raman@demo.clinic",
        "Dermatology",
        0,
        2,
    ),
    (
        "Dr. Grace Mensah",
        "grace.mensah@demo.clinic",
        "Pediatrics",
        1,
        0,
    ),
    (
        "Dr. Lucas Moreau",
        "lucas.moreau@demo.clinic",
        "Pediatrics",
        2,
        0,
    ),
    (
        "Dr. Elena Petrova",
        "elena.petrova@demo.clinic",
        "Orthopedics",
        0,
        1,
    ),
    (
        "Dr. Samuel Adeyemi",
        "samuel.adeyemi@demo.clinic",
        "Orthopedics",
        1,
        2,
    ),
    (
        "Dr. Yuki Tanaka",
        "yuki.tanaka@demo.clinic",
        "Neurology",
        2,
        0,
    ),
];

const FIRST: [&str; 20] = [
    "Ana", "Ben", "Chloe", "Daniel", "Eva", "Farah", "George", "Hana", "Ivan", "Julia", "Kwame",
    "Lena", "Marco", "Nadia", "Omar", "Paula", "Quentin", "Rosa", "Stefan", "Tara",
];
const LAST: [&str; 20] = [
    "Ribeiro",
    "Schmidt",
    "Dubois",
    "Kowalski",
    "Nakamura",
    "Haddad",
    "Olsen",
    "Fernandes",
    "Novak",
    "Costa",
    "Asante",
    "Larsen",
    "Rossi",
    "Ivanova",
    "Yilmaz",
    "Santos",
    "Moreau",
    "Jensen",
    "Horvat",
    "Walsh",
];

/// The demo's prescriptions are drawn from this seed and the appointment id.
const PRESCRIPTION_SEED: u64 = 20261124;

/// The share of completed demo visits that have a prescription.
const PRESCRIBED_SHARE: f64 = 0.65;

const MEDICATIONS: [(&str, &str, &str, u32, &str); 8] = [
    (
        "Amoxicillin",
        "500mg",
        "3 times a day",
        7,
        "Take after meals",
    ),
    (
        "Ibuprofen",
        "200mg",
        "As needed",
        5,
        "Do not exceed 1200mg/day",
    ),
    ("Paracetamol", "500mg", "Every 6 hours", 3, "Max 4g per day"),
    (
        "Atorvastatin",
        "20mg",
        "Once daily",
        90,
        "Take in the evening",
    ),
    (
        "Cetirizine",
        "10mg",
        "Once daily",
        14,
        "May cause drowsiness",
    ),
    (
        "Hydrocortisone cream",
        "1%",
        "Twice daily",
        10,
        "Thin layer on affected skin",
    ),
    ("Omeprazole", "20mg", "Once daily before breakfast", 28, ""),
    (
        "Metformin",
        "500mg",
        "Twice daily with meals",
        90,
        "Review kidney function in 3 months",
    ),
];

const VISITS: [(&str, &str, &str, &[&str]); 5] = [
    (
        "Persistent sore throat and mild fever.",
        "Suspected bacterial pharyngitis.",
        "Increase fluid intake and rest. Monitor temperature daily.",
        &["infection", "antibiotics", "follow-up-needed"],
    ),
    (
        "Lower back pain after lifting.",
        "Mechanical low back pain.",
        "Gentle stretching, avoid heavy lifting for two weeks.",
        &["pain", "musculoskeletal"],
    ),
    (
        "Itchy rash on both forearms.",
        "Contact dermatitis.",
        "Avoid the new detergent; apply cream twice daily.",
        &["skin", "allergy"],
    ),
    (
        "Routine check of blood pressure and cholesterol.",
        "Hypercholesterolaemia, BP within range.",
        "Low-saturated-fat diet, recheck lipids in three months.",
        &["cardiology", "chronic", "follow-up-needed"],
    ),
    (
        "Seasonal sneezing and watery eyes.",
        "Allergic rhinitis.",
        "Antihistamine daily during pollen season.",
        &["allergy"],
    ),
];

fn fee(specialization: &str) -> Decimal {
    match specialization {
        "Cardiology" => Decimal::new(15000, 2),
        "Neurology" => Decimal::new(14000, 2),
        "Dermatology" => Decimal::new(9500, 2),
        "Orthopedics" => Decimal::new(12000, 2),
        "Pediatrics" => Decimal::new(7000, 2),
        _ => Decimal::new(6000, 2),
    }
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// Weekly windows for a schedule kind: 0 full weekdays with a lunch break, 1 mornings
/// plus two long afternoons, 2 weekdays and Saturday morning.
fn schedule(kind: u8, location_id: i32) -> Vec<Window> {
    use Weekday::*;
    let mut out = Vec::new();
    let mut add = |day, from: NaiveTime, to: NaiveTime| {
        out.push(Window {
            weekday: day,
            start: from,
            end: to,
            location_id: Some(location_id),
        })
    };
    match kind {
        0 => {
            for d in [Mon, Tue, Wed, Thu, Fri] {
                add(d, time(9, 0), time(12, 30));
                add(d, time(13, 30), time(17, 0));
            }
        }
        1 => {
            for d in [Mon, Wed, Fri] {
                add(d, time(8, 0), time(12, 0));
            }
            for d in [Tue, Thu] {
                add(d, time(10, 0), time(13, 0));
                add(d, time(14, 0), time(19, 0));
            }
        }
        _ => {
            for d in [Mon, Tue, Wed, Thu] {
                add(d, time(9, 0), time(13, 0));
                add(d, time(14, 0), time(17, 30));
            }
            add(Sat, time(9, 0), time(13, 0));
        }
    }
    out
}

fn to_utc(tz: Tz, date: NaiveDate, t: NaiveTime) -> Option<NaiveDateTime> {
    tz.from_local_datetime(&date.and_time(t))
        .earliest()
        .map(|dt| dt.naive_utc())
}

impl Services {
    /// Seeds the demo data. When the MySQL demo is there already, writes whatever of its
    /// MongoDB part is missing (see [`Self::seed_demo_mongo`]). With `only_if_empty`, does
    /// nothing to a MySQL database with accounts that are not the demo's.
    pub async fn seed_demo(
        &self,
        actor: &Actor,
        only_if_empty: bool,
    ) -> Result<SeedOutcome, ServiceError> {
        if !matches!(actor, Actor::System) {
            return Err(ServiceError::Forbidden("seed demo data".into()));
        }
        if self.mysql_demo_present().await? {
            return self.fill_demo_prescriptions(actor).await;
        }
        if only_if_empty && accounts::count_all(&self.db).await? > 0 {
            return Ok(SeedOutcome::SkippedNotEmpty);
        }
        // Prescriptions for appointment ids MySQL has not handed out would be taken for
        // the new demo's: refuse rather than link records to the wrong visits.
        let max_id = appointments::max_id(&self.db).await?;
        let stray = rx_store::count_beyond(self.mongo().await?, max_id).await?;
        if stray > 0 {
            return Ok(SeedOutcome::MongoNotEmpty {
                prescriptions: stray,
            });
        }
        let mut rng = StdRng::seed_from_u64(20261123);
        let tz = self.config.time_zone;
        let now = self.clock.now_naive();
        let today = self.clock.now().with_timezone(&tz).date_naive();
        let mut counts = SeedCounts::default();
        let mut tx = self.db.begin().await?;

        let mut location_ids = Vec::new();
        for (name, address, phone, hours) in LOCATIONS {
            let id = locations::insert(
                &mut *tx,
                &NewLocation {
                    name: name.into(),
                    address: address.into(),
                    phone_number: Some(phone.into()),
                    operating_hours: Some(hours.into()),
                },
            )
            .await?;
            location_ids.push(id);
        }
        counts.locations = location_ids.len();

        for (name, email, role) in [
            ("Alex Admin", DEMO_ADMIN, Role::Admin),
            ("Fran Desk", DEMO_FRONT_DESK, Role::FrontDesk),
            (
                "Sam Reception",
                "sam.reception@demo.clinic",
                Role::FrontDesk,
            ),
        ] {
            let hash = password::hash(DEMO_PASSWORD).await?;
            people::insert_staff(&mut *tx, name, email, role, &hash).await?;
        }

        // Doctors and their weekly windows.
        let mut doctors = Vec::new();
        for (name, email, specialization, loc, kind) in DOCTORS {
            let hash = password::hash(DEMO_PASSWORD).await?;
            let id = people::insert_doctor(
                &mut *tx,
                &NewDoctor {
                    full_name: name.into(),
                    email: email.into(),
                    specialization: specialization.into(),
                    phone_number: Some(format!("+1 555 02{:02}", doctors.len())),
                    bio: Some(format!("{specialization} at {}.", LOCATIONS[loc].0)),
                },
                &hash,
            )
            .await?;
            let location_id = location_ids.get(loc).copied().unwrap_or_default();
            let windows = schedule(kind, location_id);
            for w in &windows {
                availability::insert_window(&mut *tx, id, w).await?;
            }
            doctors.push((id, specialization, location_id, windows));
        }
        counts.doctors = doctors.len();

        // Patients: the demo patient has portal access, the rest were registered at the desk.
        let mut patient_ids = Vec::new();
        let demo_hash = password::hash(DEMO_PASSWORD).await?;
        let demo_patient = NewPatient {
            full_name: "Pat Demo".into(),
            email: DEMO_PATIENT.into(),
            phone_number: Some("+1 555 0199".into()),
            date_of_birth: NaiveDate::from_ymd_opt(1985, 4, 12),
            gender: Some(Gender::O),
        };
        patient_ids.push(patients::insert(&mut *tx, &demo_patient, &demo_hash).await?);
        for i in 0..199usize {
            let first = FIRST[i % FIRST.len()];
            let last = LAST[(i / FIRST.len() + i * 7) % LAST.len()];
            let p = NewPatient {
                full_name: format!("{first} {last}"),
                email: format!(
                    "{}.{}{}@example.net",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    i + 1
                ),
                phone_number: Some(format!("+1 555 3{:03} {:04}", i, rng.gen_range(0..10_000))),
                date_of_birth: NaiveDate::from_ymd_opt(
                    rng.gen_range(1940..2022),
                    rng.gen_range(1..=12),
                    rng.gen_range(1..=28),
                ),
                gender: Some([Gender::F, Gender::M, Gender::O][rng.gen_range(0..3)]),
            };
            patient_ids.push(patients::insert(&mut *tx, &p, patients::NO_PORTAL_ACCESS).await?);
        }
        counts.patients = patient_ids.len();

        // Appointments from four weeks back to the end of next week, hourly inside windows.
        let week_start = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        let first_day = week_start - Duration::weeks(4);
        let last_day = week_start + Duration::days(13);
        let mut patient_busy: Vec<Vec<(NaiveDateTime, NaiveDateTime)>> =
            vec![Vec::new(); patient_ids.len()];
        let mut day = first_day;
        while day <= last_day {
            for (doctor_id, specialization, location_id, windows) in &doctors {
                let demo_doctor = *doctor_id == doctors[0].0;
                for w in windows.iter().filter(|w| w.weekday == day.weekday()) {
                    let mut start = w.start;
                    while start + Duration::hours(1) <= w.end {
                        let slot = start;
                        start += Duration::hours(1);
                        let chance = if demo_doctor { 0.6 } else { 0.4 };
                        if !rng.gen_bool(chance) {
                            continue;
                        }
                        let (Some(s), Some(e)) = (
                            to_utc(tz, day, slot),
                            to_utc(tz, day, slot + Duration::hours(1)),
                        ) else {
                            continue;
                        };
                        // The demo patient gets a few visits; the others are drawn at random.
                        let idx = if demo_doctor && rng.gen_bool(0.08) {
                            0
                        } else {
                            rng.gen_range(1..patient_ids.len())
                        };
                        if patient_busy[idx].iter().any(|(bs, be)| *bs < e && *be > s) {
                            continue;
                        }
                        patient_busy[idx].push((s, e));
                        let status = if e <= now {
                            *[
                                AppointmentStatus::Completed,
                                AppointmentStatus::Completed,
                                AppointmentStatus::Completed,
                                AppointmentStatus::Completed,
                                AppointmentStatus::Completed,
                                AppointmentStatus::Completed,
                                AppointmentStatus::Completed,
                                AppointmentStatus::NoShow,
                                AppointmentStatus::Cancelled,
                                AppointmentStatus::Cancelled,
                            ]
                            .choose(&mut rng)
                            .unwrap_or(&AppointmentStatus::Completed)
                        } else if s > now && rng.gen_bool(0.12) {
                            AppointmentStatus::Cancelled
                        } else {
                            AppointmentStatus::Booked
                        };
                        let new = NewAppointment {
                            patient_id: patient_ids[idx],
                            doctor_id: *doctor_id,
                            location_id: Some(*location_id),
                            start_utc: s,
                            duration_minutes: 60,
                        };
                        let booked_at = s - Duration::days(rng.gen_range(1..21));
                        let id = appointments::insert(
                            &mut *tx,
                            &new,
                            AppointmentStatus::Booked,
                            "FRONT_DESK",
                            None,
                        )
                        .await?;
                        appointments::insert_history(
                            &mut *tx,
                            &StatusChange {
                                appointment_id: id,
                                from_status: None,
                                to_status: AppointmentStatus::Booked,
                                old_time: None,
                                new_time: Some(s),
                                reason: None,
                                changed_by_kind: "FRONT_DESK".into(),
                                changed_by_id: None,
                                changed_at: booked_at.min(now),
                            },
                        )
                        .await?;
                        if status != AppointmentStatus::Booked {
                            let changed_at = if status == AppointmentStatus::Cancelled {
                                (s - Duration::hours(rng.gen_range(2..48))).min(now)
                            } else {
                                e
                            };
                            let reason = (status == AppointmentStatus::Cancelled).then(|| {
                                [
                                    "Patient unwell",
                                    "Schedule conflict",
                                    "Travel",
                                    "Doctor unavailable",
                                ][rng.gen_range(0..4)]
                                .to_string()
                            });
                            appointments::set_status(
                                &mut *tx,
                                id,
                                status,
                                reason
                                    .as_deref()
                                    .map(|r| (r, "FRONT_DESK", None, changed_at)),
                            )
                            .await?;
                            appointments::insert_history(
                                &mut *tx,
                                &StatusChange {
                                    appointment_id: id,
                                    from_status: Some(AppointmentStatus::Booked),
                                    to_status: status,
                                    old_time: None,
                                    new_time: None,
                                    reason,
                                    changed_by_kind: if status == AppointmentStatus::Cancelled {
                                        "FRONT_DESK"
                                    } else {
                                        "DOCTOR"
                                    }
                                    .into(),
                                    changed_by_id: None,
                                    changed_at,
                                },
                            )
                            .await?;
                        }
                        counts.appointments += 1;
                        if status == AppointmentStatus::Completed {
                            counts.payments += self
                                .seed_payments(&mut tx, &mut rng, id, specialization, e)
                                .await?;
                        }
                    }
                }
            }
            day += Duration::days(1);
        }
        tx.commit().await?;
        // The MongoDB part is written from what MySQL now holds, exactly as it is
        // rewritten later should it go missing.
        counts.prescriptions = self.write_demo_prescriptions().await?.0;
        self.audit(
            AuditEvent::by(actor, actions::DEMO_SEED, "database").detail(format!("{counts:?}")),
        )
        .await?;
        Ok(SeedOutcome::Seeded(counts))
    }

    /// Writes the demo's MongoDB part again from the MySQL demo: every demo prescription
    /// that is missing, none twice; existing prescriptions (edited ones included) are
    /// kept as they are. [`SeedOutcome::NoMysqlDemo`] when MySQL holds no demo.
    pub async fn seed_demo_mongo(&self, actor: &Actor) -> Result<SeedOutcome, ServiceError> {
        if !matches!(actor, Actor::System) {
            return Err(ServiceError::Forbidden("seed demo data".into()));
        }
        if !self.mysql_demo_present().await? {
            return Ok(SeedOutcome::NoMysqlDemo);
        }
        self.fill_demo_prescriptions(actor).await
    }

    async fn mysql_demo_present(&self) -> Result<bool, ServiceError> {
        Ok(
            accounts::find_by_email(&self.db, crate::domain::AccountKind::Staff, DEMO_ADMIN)
                .await?
                .is_some(),
        )
    }

    async fn fill_demo_prescriptions(&self, actor: &Actor) -> Result<SeedOutcome, ServiceError> {
        let (recreated, kept) = self.write_demo_prescriptions().await?;
        if recreated == 0 {
            return Ok(SeedOutcome::AlreadyPresent);
        }
        self.audit(
            AuditEvent::by(actor, actions::DEMO_SEED, "database").detail(format!(
                "recreated {recreated} demo prescriptions in MongoDB ({kept} were there)"
            )),
        )
        .await?;
        Ok(SeedOutcome::MongoRecreated { recreated, kept })
    }

    /// Inserts the demo prescriptions MongoDB lacks (indexes first: the database may be
    /// new). Returns (how many were written, how many were there already).
    async fn write_demo_prescriptions(&self) -> Result<(usize, usize), ServiceError> {
        crate::store::mongo::ensure_indexes(self.mongo().await?).await?;
        let emails: Vec<&str> = DOCTORS.iter().map(|d| d.1).collect();
        let visits = appointments::seeded_completed(&self.db, &emails).await?;
        let wanted: Vec<Prescription> = visits.iter().filter_map(demo_prescription).collect();
        let ids: Vec<i32> = wanted.iter().map(|p| p.appointment_id).collect();
        let present = rx_store::appointments_with_prescription(self.mongo().await?, &ids).await?;
        let missing: Vec<Prescription> = wanted
            .into_iter()
            .filter(|p| !present.contains(&p.appointment_id))
            .collect();
        let written = rx_store::insert_many_skip_existing(self.mongo().await?, &missing).await?;
        Ok((written, present.len()))
    }

    async fn seed_payments(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::MySql>,
        rng: &mut StdRng,
        appointment_id: i32,
        specialization: &str,
        paid_at: NaiveDateTime,
    ) -> Result<usize, ServiceError> {
        let amount = fee(specialization);
        let method = [
            PaymentMethod::Card,
            PaymentMethod::Card,
            PaymentMethod::Cash,
            PaymentMethod::Insurance,
        ][rng.gen_range(0..4)];
        let roll = rng.gen_range(0..100);
        let statuses: &[PaymentStatus] = match roll {
            0..=74 => &[PaymentStatus::Paid],
            75..=84 => &[PaymentStatus::Pending],
            85..=92 => &[PaymentStatus::Failed, PaymentStatus::Paid],
            _ => &[PaymentStatus::Refunded],
        };
        for (n, status) in statuses.iter().enumerate() {
            let p = NewPayment {
                appointment_id,
                amount,
                method,
                status: *status,
                transaction_id: format!("DEMO-{appointment_id:06}-{n}"),
            };
            payments::insert(&mut **tx, &p, "FRONT_DESK", None, paid_at).await?;
        }
        Ok(statuses.len())
    }
}

/// The demo prescription of a completed demo visit, if it has one: drawn from the
/// appointment alone, so that the same visit always gets the same prescription.
fn demo_prescription(visit: &Appointment) -> Option<Prescription> {
    let appointment_id = visit.id;
    let rng = &mut StdRng::seed_from_u64(
        PRESCRIPTION_SEED ^ u64::from(appointment_id.unsigned_abs()).wrapping_mul(0x9E37_79B9),
    );
    if !rng.gen_bool(PRESCRIBED_SHARE) {
        return None;
    }
    let at = visit.start_utc + Duration::minutes(i64::from(visit.duration_minutes));
    let (doctor_id, patient_id) = (visit.doctor_id, visit.patient_id);
    let (complaint, diagnosis, recommendations, tags) = VISITS[rng.gen_range(0..VISITS.len())];
    let count = rng.gen_range(1..=3);
    let mut meds: Vec<_> = MEDICATIONS.iter().collect();
    meds.shuffle(rng);
    let issued = at.and_utc();
    let attachments = if rng.gen_bool(0.2) {
        vec![Attachment {
            kind: "pdf".into(),
            file_name: format!("lab_results_{appointment_id}.pdf"),
            url: format!("https://files.demo.clinic/prescriptions/lab_{appointment_id}.pdf"),
        }]
    } else {
        Vec::new()
    };
    Some(Prescription {
        id: None,
        appointment_id,
        doctor_id,
        patient_id,
        date_issued: issued,
        medications: meds
            .into_iter()
            .take(count)
            .map(|(name, dosage, frequency, days, notes)| Medication {
                name: (*name).into(),
                dosage: (*dosage).into(),
                frequency: (*frequency).into(),
                duration_days: Some(*days),
                notes: (*notes).into(),
            })
            .collect(),
        notes: ClinicalNotes {
            chief_complaint: complaint.into(),
            diagnosis: diagnosis.into(),
            recommendations: recommendations.into(),
        },
        tags: tags.iter().map(|t| (*t).to_string()).collect(),
        attachments,
        created_at: issued + Duration::minutes(5),
        last_updated: issued + Duration::minutes(5),
        version: 1,
    })
}
