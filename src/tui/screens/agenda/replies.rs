//! The agenda's replies: what each answer to an [`AgendaOp`] does to the screen. Pure.

use super::*;

impl AgendaScreen {
    /// A result came back; stale ones (not the latest of their kind) are dropped.
    pub fn answer(
        &mut self,
        request: u64,
        reply: AgendaReply,
        now: NaiveDateTime,
        today: NaiveDate,
        tz: Tz,
    ) -> Actions<AgendaOp> {
        let mut out = Vec::new();
        match reply {
            AgendaReply::Appointments(result) => {
                if self.load_request != Some(request) {
                    return out;
                }
                self.load_request = None;
                match result {
                    Ok(rows) => {
                        self.rows = rows;
                        self.loaded = true;
                        self.refilter(None);
                        let len = self.visible.len();
                        if matches!(self.viewer, Viewer::Patient(_)) && !self.jumped {
                            self.jumped = true;
                            let upcoming = self
                                .listed()
                                .position(|v| v.appointment.end_utc() > now)
                                .unwrap_or(len.saturating_sub(1));
                            self.view.select(upcoming, len);
                        }
                        if let Some(id) = self.keep.take() {
                            self.refilter(Some(id));
                        }
                        // The open appointment shows the row as reloaded.
                        if let Some(page) = &mut self.detail
                            && let Some(v) =
                                self.rows.iter().find(|v| v.appointment.id == page.id())
                        {
                            page.view = v.clone();
                        }
                    }
                    Err(e) => {
                        self.keep = None;
                        out.push(Action::Failed(e));
                    }
                }
            }
            AgendaReply::Doctors(result) => {
                if self.doctors_request != Some(request) {
                    return out;
                }
                self.doctors_request = None;
                match result {
                    Ok(list) => self.doctors = list,
                    Err(e) => out.push(Action::Failed(e)),
                }
            }
            AgendaReply::History(result) => {
                if self.history_request != Some(request) {
                    return out;
                }
                self.history_request = None;
                match result {
                    Ok(rows) => {
                        if let Some(Modal::History(h)) = &mut self.modal {
                            h.rows = Some(rows);
                        }
                    }
                    Err(e) => {
                        if matches!(self.modal, Some(Modal::History(_))) {
                            self.modal = None;
                        }
                        out.push(Action::Failed(e));
                    }
                }
            }
            AgendaReply::Slots(result) => {
                if self.slots_request != Some(request) {
                    return out;
                }
                self.slots_request = None;
                match (result, &mut self.modal) {
                    (Ok(slots), Some(Modal::Reschedule(r))) => {
                        r.slots = slots
                            .into_iter()
                            .map(|s| SlotChoice {
                                doctor_id: r.doctor_id,
                                doctor_name: r.doctor_name.clone(),
                                start_utc: s.start_utc,
                                end_utc: s.end_utc,
                                location_id: s.location_id,
                            })
                            .collect();
                        r.loaded = true;
                        r.selected = r.selected.min(r.slots.len().saturating_sub(1));
                    }
                    (Ok(_), _) => {}
                    (Err(e), _) => out.push(Action::Failed(e)),
                }
            }
            AgendaReply::Series {
                appointment_id,
                result,
            } => {
                if self.series_request != Some(request) {
                    return out;
                }
                self.series_request = None;
                match result {
                    Ok(series) => {
                        let Some(v) = self
                            .rows
                            .iter()
                            .chain(self.detail.as_ref().map(|d| &d.view))
                            .find(|v| v.appointment.id == appointment_id)
                        else {
                            return out;
                        };
                        let later = appointment::later_in_series(series.as_ref(), v);
                        match &mut self.modal {
                            Some(Modal::Reason(p)) if p.appointment_id == appointment_id => {
                                p.set_later(later);
                            }
                            Some(Modal::Reschedule(r)) if r.appointment_id == appointment_id => {
                                r.later = later;
                                r.all_later = r.all_later && later > 0;
                            }
                            _ => {}
                        }
                    }
                    Err(e) => out.push(Action::Failed(e)),
                }
            }
            AgendaReply::Detail {
                appointment_id,
                data,
            } => {
                if self.detail_request != Some(request) {
                    return out;
                }
                self.detail_request = None;
                if let Some(page) = &mut self.detail
                    && page.id() == appointment_id
                {
                    // Without the appointment itself there is nothing to show.
                    if let Err(e) = &data.history {
                        let e = e.clone();
                        self.detail = None;
                        out.push(Action::Failed(e));
                    } else {
                        page.data = Some(data);
                    }
                }
            }
            AgendaReply::WaitlistCounts(result) => {
                if self.counts_request != Some(request) {
                    return out;
                }
                self.counts_request = None;
                // The count is a hint in the header: without it the agenda still works
                // (and a failing database shows through the agenda's own load).
                self.waitlist = result.ok();
            }
            AgendaReply::Exported(result) => {
                if self.export_request != Some(request) {
                    return out;
                }
                self.export_request = None;
                match result {
                    Ok((path, events)) => out.push(Action::Info(match events {
                        0 => format!(
                            "No appointments to export; an empty calendar was written to {path}."
                        ),
                        1 => format!("1 appointment written to {path}."),
                        n => format!("{n} appointments written to {path}."),
                    })),
                    Err(e) => out.push(e.action()),
                }
            }
            AgendaReply::Done(result) => {
                if self.action_request != Some(request) {
                    return out;
                }
                self.action_request = None;
                match result {
                    Ok(message) => {
                        if matches!(self.modal, Some(Modal::Reason(_) | Modal::Reschedule(_))) {
                            self.modal = None;
                        }
                        out.push(Action::Info(message));
                        // Freed time goes to the waitlist: count its offers again.
                        if self.viewer == Viewer::Staff {
                            out.push(Action::Request(AgendaOp::WaitlistCounts));
                        }
                        out.push(Action::Request(self.refresh(tz)));
                        if let Some(op) = self.detail_op() {
                            out.push(Action::Request(op));
                        }
                    }
                    Err(e) => {
                        let sentence = e.to_string();
                        out.push(Action::Failed(e));
                        match &mut self.modal {
                            // A refusal is about the cancellation, not the reason typed.
                            Some(Modal::Reason(p)) => {
                                p.form.set_pending(false);
                                p.form.set_form_error(sentence);
                            }
                            Some(Modal::Reschedule(r)) => {
                                // Someone took that time: show why and offer fresh times.
                                r.pending = false;
                                r.error = Some(sentence);
                                out.push(Action::Request(AgendaOp::Slots {
                                    doctor_id: r.doctor_id,
                                    from: today,
                                    days: DAYS,
                                    duration_minutes: r.duration_minutes,
                                }));
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        out
    }
}
