//! A request whose task failed never answers: whatever waits for it stops waiting, so
//! no spinner spins on and no Save stays blocked. Each screen forgets the request id in
//! every slot that holds it; what the user typed stays.

use super::{admin, agenda, audit, booking, calendar, patients, payments, reports};
use crate::tui::state::Screen;

/// Clears `slot` if it waits for `request`; whether it did.
pub fn forget(slot: &mut Option<u64>, request: u64) -> bool {
    let waiting = *slot == Some(request);
    if waiting {
        *slot = None;
    }
    waiting
}

impl Screen {
    /// Stops waiting for `request` wherever this screen (or the one under it) does.
    pub fn abandon(&mut self, request: u64) {
        match self {
            Screen::Login(s) => {
                forget(&mut s.pending, request);
            }
            Screen::Home(_) => {}
            Screen::Calendar(s) => calendar_abandon(s, request),
            Screen::Booking(s) => booking_abandon(s, request),
            Screen::Agenda(s) => agenda_abandon(s, request),
            Screen::Prescription(s) => s.abandon(request),
            Screen::Payments { state, back } => {
                payments_abandon(state, request);
                back.abandon(request);
            }
            Screen::Reports(s) => reports_abandon(s, request),
            Screen::Patients(s) => patients_abandon(s, request),
            Screen::Admin(s) => admin_abandon(s, request),
            Screen::Audit(s) => audit_abandon(s, request),
            Screen::Password(s) => {
                forget(&mut s.form.pending, request);
            }
        }
    }
}

fn calendar_abandon(s: &mut calendar::CalendarState, request: u64) {
    forget(&mut s.week_request, request);
    forget(&mut s.doctors_request, request);
    forget(&mut s.save_request, request);
    match &mut s.modal {
        Some(calendar::Modal::Form(f)) => {
            forget(&mut f.pending, request);
        }
        Some(calendar::Modal::Confirm(c)) => {
            forget(&mut c.pending, request);
        }
        _ => {}
    }
}

fn booking_abandon(s: &mut booking::BookingState, request: u64) {
    forget(&mut s.search_request, request);
    forget(&mut s.doctors_request, request);
    forget(&mut s.slots_request, request);
    forget(&mut s.book_request, request);
    if let Some(f) = &mut s.register {
        forget(&mut f.pending, request);
    }
}

fn agenda_abandon(s: &mut agenda::AgendaState, request: u64) {
    forget(&mut s.load_request, request);
    forget(&mut s.doctors_request, request);
    forget(&mut s.history_request, request);
    forget(&mut s.slots_request, request);
    if forget(&mut s.action_request, request) {
        match &mut s.modal {
            Some(agenda::Modal::Reason(r)) => r.pending = false,
            Some(agenda::Modal::Reschedule(r)) => r.pending = false,
            _ => {}
        }
    }
}

fn payments_abandon(s: &mut payments::PaymentsState, request: u64) {
    forget(&mut s.pending, request);
}

fn reports_abandon(s: &mut reports::ReportsState, request: u64) {
    forget(&mut s.pending, request);
}

fn patients_abandon(s: &mut patients::PatientsState, request: u64) {
    forget(&mut s.search_request, request);
    if let Some(v) = &mut s.view {
        forget(&mut v.request, request);
    }
    if let Some(f) = &mut s.form {
        forget(&mut f.form.pending, request);
    }
    if let Some(c) = &mut s.confirm {
        forget(&mut c.pending, request);
    }
}

fn admin_abandon(s: &mut admin::AdminState, request: u64) {
    for slot in &mut s.loading {
        forget(slot, request);
    }
    if let Some(f) = &mut s.form {
        forget(&mut f.form.pending, request);
    }
    if let Some(c) = &mut s.confirm {
        forget(&mut c.pending, request);
    }
}

fn audit_abandon(s: &mut audit::AuditState, request: u64) {
    forget(&mut s.request, request);
    forget(&mut s.export_request, request);
    forget(&mut s.filters.pending, request);
}
