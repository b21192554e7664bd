//! Runs effects as tokio tasks against the services and sends the results back as
//! messages. The only part of the UI that awaits.

use tokio::sync::mpsc::UnboundedSender;

use super::effect::{CalendarOp, Effect};
use super::msg::{CalendarReply, Msg};
use super::task;
use crate::domain::Actor;
use crate::service::Services;

#[derive(Clone)]
pub struct Runtime {
    services: Services,
    tx: UnboundedSender<Msg>,
}

impl Runtime {
    pub fn new(services: Services, tx: UnboundedSender<Msg>) -> Runtime {
        Runtime { services, tx }
    }

    pub fn run(&self, effect: Effect) {
        let services = self.services.clone();
        let tx = self.tx.clone();
        match effect {
            Effect::Login {
                request,
                kind,
                email,
                password,
            } => {
                task::spawn(&tx, request, async move {
                    let result = services
                        .login(kind, &email, &password)
                        .await
                        .map_err(|e| e.to_string());
                    Msg::LoginFinished { request, result }
                });
            }
            Effect::Calendar { request, actor, op } => {
                task::spawn(&tx, request, async move {
                    let reply = calendar(&services, &actor, op).await;
                    Msg::Calendar { request, reply }
                });
            }
            Effect::Booking { request, actor, op } => {
                let locations_tx = tx.clone();
                task::spawn(&tx, request, async move {
                    // The doctor step also offers a location filter: the open locations
                    // arrive first, under the same request.
                    if op == super::effect::BookingOp::LoadDoctors {
                        let locations = services
                            .list_locations()
                            .await
                            .map(|l| {
                                l.into_iter()
                                    .filter(|l| l.is_active)
                                    .map(|l| (l.id, l.name))
                                    .collect()
                            })
                            .map_err(|e| e.to_string());
                        let reply = super::msg::BookingReply::Locations(locations);
                        let _ = locations_tx.send(Msg::Booking { request, reply });
                    }
                    let reply = booking_task(&services, &actor, op).await;
                    Msg::Booking { request, reply }
                });
            }
            Effect::Agenda { request, actor, op } => {
                task::spawn(&tx, request, async move {
                    let reply = agenda_task(&services, &actor, op).await;
                    Msg::Agenda { request, reply }
                });
            }
            Effect::Payments { request, actor, op } => {
                task::spawn(&tx, request, async move {
                    let reply = payments_task(&services, &actor, op).await;
                    Msg::Payments { request, reply }
                });
            }
            Effect::Reports { request, actor, op } => {
                task::spawn(&tx, request, async move {
                    let reply = reports_task(&services, &actor, op).await;
                    Msg::Reports { request, reply }
                });
            }
            Effect::Prescription { request, actor, op } => {
                super::prescription_runtime::spawn(services, tx, request, actor, op);
            }
            Effect::DraftFile(op) => super::prescription_runtime::draft_file(&tx, op),
            Effect::Patients { request, actor, op } => {
                super::people_runtime::patients(services, tx, request, actor, op)
            }
            Effect::Admin { request, actor, op } => {
                super::people_runtime::admin(services, tx, request, actor, op)
            }
            Effect::Audit { request, actor, op } => {
                super::people_runtime::audit(services, tx, request, actor, op)
            }
            Effect::ChangePassword {
                request,
                actor,
                current,
                new_password,
            } => super::people_runtime::change_password(
                services,
                tx,
                request,
                actor,
                current,
                new_password,
            ),
        }
    }
}

async fn calendar(services: &Services, actor: &Actor, op: CalendarOp) -> CalendarReply {
    let text = |e: crate::service::ServiceError| e.to_string();
    match op {
        CalendarOp::LoadWeek { doctor_id, monday } => CalendarReply::Week(
            services
                .doctor_week(actor, doctor_id, monday)
                .await
                .map_err(text),
        ),
        CalendarOp::LoadDoctors => {
            CalendarReply::Doctors(services.list_doctors(actor).await.map_err(text))
        }
        CalendarOp::AddWindow { doctor_id, window } => CalendarReply::Saved(
            services
                .add_window(actor, doctor_id, window)
                .await
                .map(|_| "Window added.".to_string())
                .map_err(text),
        ),
        CalendarOp::UpdateWindow {
            doctor_id,
            window_id,
            window,
        } => CalendarReply::Saved(
            services
                .update_window(actor, doctor_id, window_id, window)
                .await
                .map(|()| "Window changed.".to_string())
                .map_err(text),
        ),
        CalendarOp::DeleteWindow {
            doctor_id,
            window_id,
        } => CalendarReply::Saved(
            services
                .delete_window(actor, doctor_id, window_id)
                .await
                .map(|()| "Window deleted.".to_string())
                .map_err(text),
        ),
        CalendarOp::AddTimeOff { doctor_id, input } => CalendarReply::Saved(
            services
                .add_time_off(actor, doctor_id, input)
                .await
                .map(|_| "Time off added.".to_string())
                .map_err(text),
        ),
        CalendarOp::DeleteTimeOff {
            doctor_id,
            time_off_id,
        } => CalendarReply::Saved(
            services
                .delete_time_off(actor, doctor_id, time_off_id)
                .await
                .map(|()| "Time off deleted.".to_string())
                .map_err(text),
        ),
    }
}

async fn booking_task(
    services: &Services,
    actor: &Actor,
    op: super::effect::BookingOp,
) -> super::msg::BookingReply {
    use super::effect::BookingOp;
    use super::msg::BookingReply;
    use super::screens::booking::{BookedSummary, RegisterFailure, SlotChoice};
    use crate::service::patients::{MAX_RESULTS, RegisterError};
    let text = |e: crate::service::ServiceError| e.to_string();
    match op {
        BookingOp::SearchPatients { query } => BookingReply::Patients(
            services
                .search_patients(actor, &query, MAX_RESULTS)
                .await
                .map_err(text),
        ),
        BookingOp::Register(input) => {
            BookingReply::Registered(services.register_patient(actor, input).await.map_err(|e| {
                RegisterFailure {
                    duplicate: matches!(e, RegisterError::PossibleDuplicate { .. }),
                    message: e.to_string(),
                }
            }))
        }
        BookingOp::LoadDoctors => {
            BookingReply::Doctors(services.doctors_to_book(actor).await.map_err(text))
        }
        BookingOp::LoadSlots {
            doctor,
            from,
            days,
            location,
        } => BookingReply::Slots(
            services
                .free_slots_of(&[doctor.id], location, from, days, None)
                .await
                .map(|mut by_doctor| {
                    by_doctor
                        .pop()
                        .map(|(_, slots)| slots)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|s| SlotChoice {
                            doctor_id: doctor.id,
                            doctor_name: doctor.full_name.clone(),
                            start_utc: s.start_utc,
                            end_utc: s.end_utc,
                            location_id: s.location_id,
                        })
                        .collect()
                })
                .map_err(text),
        ),
        BookingOp::FirstAvailable {
            specialization,
            from,
            days,
            location,
        } => BookingReply::Slots(
            services
                .first_available(Some(&specialization), location, from, days, None)
                .await
                .map(|list| {
                    list.into_iter()
                        .map(|d| SlotChoice {
                            doctor_id: d.doctor_id,
                            doctor_name: d.doctor_name,
                            start_utc: d.slot.start_utc,
                            end_utc: d.slot.end_utc,
                            location_id: d.slot.location_id,
                        })
                        .collect()
                })
                .map_err(text),
        ),
        BookingOp::Book {
            patient_id,
            doctor_id,
            start_utc,
        } => {
            let req = crate::service::booking::BookingRequest {
                patient_id,
                doctor_id,
                start_utc,
                duration_minutes: None,
            };
            let booked = match services.book(actor, req).await {
                Ok(a) => a,
                Err(e) => return BookingReply::Booked(Err(e.to_string())),
            };
            // Names for the summary; the booking stands even if this lookup fails.
            let filter = crate::domain::appointment::ListFilter {
                patient_id: Some(booked.patient_id),
                doctor_id: Some(booked.doctor_id),
                from: Some(booked.start_utc),
                to: Some(booked.start_utc + chrono::Duration::minutes(1)),
                include_cancelled: false,
                limit: Some(5),
            };
            let view = services
                .list_appointments(actor, filter)
                .await
                .ok()
                .and_then(|v| v.into_iter().find(|x| x.appointment.id == booked.id));
            BookingReply::Booked(Ok(BookedSummary {
                appointment_id: booked.id,
                patient_name: view.as_ref().map_or_else(
                    || format!("patient {patient_id}"),
                    |v| v.patient_name.clone(),
                ),
                doctor_name: view
                    .as_ref()
                    .map_or_else(|| format!("doctor {doctor_id}"), |v| v.doctor_name.clone()),
                specialization: view
                    .as_ref()
                    .map(|v| v.specialization.clone())
                    .unwrap_or_default(),
                start_utc: booked.start_utc,
                duration_minutes: booked.duration_minutes,
                location: view.and_then(|v| v.location_name),
            }))
        }
    }
}

async fn agenda_task(
    services: &Services,
    actor: &Actor,
    op: super::effect::AgendaOp,
) -> super::msg::AgendaReply {
    use super::effect::AgendaOp;
    use super::msg::AgendaReply;
    use crate::domain::AppointmentStatus;
    let text = |e: crate::service::ServiceError| e.to_string();
    match op {
        AgendaOp::Load(filter) => AgendaReply::Appointments(
            services
                .list_appointments(actor, filter)
                .await
                .map_err(text),
        ),
        AgendaOp::LoadDoctors => {
            AgendaReply::Doctors(services.list_doctors(actor).await.map_err(text))
        }
        AgendaOp::Cancel {
            appointment_id,
            reason,
        } => AgendaReply::Done(
            services
                .cancel(actor, appointment_id, &reason)
                .await
                .map(|a| format!("Appointment {} cancelled.", a.id))
                .map_err(text),
        ),
        AgendaOp::Mark {
            appointment_id,
            status,
        } => AgendaReply::Done(
            services
                .mark_outcome(actor, appointment_id, status)
                .await
                .map(|a| match status {
                    AppointmentStatus::NoShow => format!("Appointment {} marked no-show.", a.id),
                    _ => format!("Appointment {} marked completed.", a.id),
                })
                .map_err(text),
        ),
        AgendaOp::History { appointment_id } => AgendaReply::History(
            services
                .appointment_history(actor, appointment_id)
                .await
                .map_err(text),
        ),
        AgendaOp::Slots {
            doctor_id,
            from,
            days,
            duration_minutes,
        } => AgendaReply::Slots(
            services
                .free_slots(doctor_id, from, days, Some(duration_minutes))
                .await
                .map_err(text),
        ),
        AgendaOp::Reschedule {
            appointment_id,
            start_utc,
        } => AgendaReply::Done(
            services
                .reschedule(actor, appointment_id, start_utc, None)
                .await
                .map(|a| {
                    format!(
                        "Appointment {} moved to {}.",
                        a.id,
                        crate::service::booking::local_label(
                            services.config().time_zone,
                            a.start_utc
                        )
                    )
                })
                .map_err(text),
        ),
    }
}

async fn payments_task(
    services: &Services,
    actor: &Actor,
    op: crate::tui::screens::payments::PaymentsOp,
) -> crate::tui::screens::payments::PaymentsReply {
    use crate::tui::screens::payments::{PaymentsOp, PaymentsReply};
    let text = |e: crate::service::ServiceError| e.to_string();
    match op {
        PaymentsOp::Load { appointment_id } => PaymentsReply::Loaded(
            services
                .payments_for_appointment(actor, appointment_id)
                .await
                .map_err(text),
        ),
        PaymentsOp::Take(input) => {
            PaymentsReply::Taken(services.take_payment(actor, input).await.map_err(text))
        }
        PaymentsOp::SetStatus { payment_id, to } => PaymentsReply::StatusSet(
            services
                .change_payment_status(actor, payment_id, to)
                .await
                .map_err(text),
        ),
        PaymentsOp::Receipt { payment_id } => {
            let receipt = match services.receipt(actor, payment_id).await {
                Ok(r) => r,
                Err(e) => return PaymentsReply::ReceiptWritten(Err(e.to_string())),
            };
            let name = format!(
                "receipt-{}-{}.md",
                payment_id,
                receipt.transaction_id.replace(['/', '\\'], "_")
            );
            PaymentsReply::ReceiptWritten(super::export::write(name, receipt.to_markdown()).await)
        }
    }
}

async fn reports_task(
    services: &Services,
    actor: &Actor,
    op: crate::tui::screens::reports::ReportsOp,
) -> crate::tui::screens::reports::ReportsReply {
    use crate::tui::screens::reports::{ReportsOp, ReportsReply};
    let text = |e: crate::service::ServiceError| e.to_string();
    match op {
        ReportsOp::Schedule(day) => {
            ReportsReply::Schedule(services.day_schedule(actor, day).await.map_err(text))
        }
        ReportsOp::Revenue(from, to) => {
            ReportsReply::Revenue(services.revenue_report(actor, from, to).await.map_err(text))
        }
        ReportsOp::Outstanding(from, to) => {
            ReportsReply::Outstanding(services.outstanding(actor, from, to).await.map_err(text))
        }
        ReportsOp::Export { file_name, content } => {
            ReportsReply::Exported(super::export::write(file_name, content).await)
        }
    }
}
