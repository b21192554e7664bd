//! The payments of one appointment (front desk, admin; a patient reads their own): the
//! list with the visit's fee and what is still due, taking a payment (amount, method,
//! paid now or pending, optional transaction id; an amount that is not the fee asks
//! once), moving a payment's status (pending -> paid | failed), refunding a paid one
//! (a reason, then a y/n naming the amount and the reason; both are recorded) and
//! exporting a receipt (Markdown, or `x` as a PDF). Opened on top of the agenda; Esc
//! returns there as it was.
//!
//! Pure: keys return [`PaymentsKey`]s; results arrive through [`PaymentsScreen::answer`].
//! The forms and their checks are in `forms.rs`, the drawing in `view.rs`.

mod forms;
mod view;

pub use forms::*;
pub use view::render;

use chrono_tz::Tz;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::domain::Actor;
use crate::domain::Role;
use crate::domain::appointment::AppointmentView;
use crate::domain::money::{format_amount, parse_amount};
use crate::domain::payment::{Payment, PaymentMethod, PaymentStatus};
use crate::service::payments::{AppointmentPayments, PaymentInput, check_transaction_id};
use crate::service::{ServiceError, Services};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::confirm::render_confirm;
use crate::tui::widgets::form::{Form, FormOutcome};
use crate::tui::widgets::popup;
use crate::tui::widgets::table::{Column, DataTable, TableView};

/// What the payments screen asks of the payments service.
#[derive(Clone, PartialEq)]
pub enum PaymentsOp {
    Load {
        appointment_id: i32,
    },
    Take(PaymentInput),
    SetStatus {
        payment_id: i32,
        to: PaymentStatus,
    },
    /// Refund a paid payment, for a reason (recorded with it and in the audit trail).
    Refund {
        payment_id: i32,
        reason: String,
    },
    /// Render the receipt and write it to a file.
    Receipt {
        payment_id: i32,
    },
    /// Render the receipt as a PDF and write it to the export folder.
    ReceiptPdf {
        payment_id: i32,
    },
}

/// Amounts and transaction ids stay out of logs: an operation prints its kind and ids.
impl std::fmt::Debug for PaymentsOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PaymentsOp::Load { appointment_id } => f
                .debug_struct("Load")
                .field("appointment_id", appointment_id)
                .finish(),
            PaymentsOp::Take(input) => f
                .debug_struct("Take")
                .field("appointment_id", &input.appointment_id)
                .finish_non_exhaustive(),
            PaymentsOp::SetStatus { payment_id, to } => f
                .debug_struct("SetStatus")
                .field("payment_id", payment_id)
                .field("to", to)
                .finish(),
            PaymentsOp::Refund { payment_id, .. } => f
                .debug_struct("Refund")
                .field("payment_id", payment_id)
                .finish_non_exhaustive(),
            PaymentsOp::Receipt { payment_id } => f
                .debug_struct("Receipt")
                .field("payment_id", payment_id)
                .finish(),
            PaymentsOp::ReceiptPdf { payment_id } => f
                .debug_struct("ReceiptPdf")
                .field("payment_id", payment_id)
                .finish(),
        }
    }
}

/// The answers to [`PaymentsOp`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum PaymentsReply {
    Loaded(Result<AppointmentPayments, ServiceError>),
    /// A new payment, or why not: `ServiceError::Unconfirmed` is the question to ask
    /// about an amount that is not the fee.
    Taken(Result<Payment, ServiceError>),
    StatusSet(Result<Payment, ServiceError>),
    Refunded(Result<Payment, ServiceError>),
    /// The path the receipt was written to.
    ReceiptWritten(Result<String, ServiceError>),
}

#[derive(Debug, Clone)]
pub enum Modal {
    Form(Form<PayField>),
    /// Choose the new status of the selected payment.
    Status {
        choices: Vec<PaymentStatus>,
        selected: usize,
    },
    /// Why payment `payment_id` is refunded.
    RefundReason {
        payment_id: i32,
        form: Form<RefundField>,
    },
    /// The y/n before a refund; `form` keeps the reason (n goes back to it).
    RefundConfirm {
        payment_id: i32,
        form: Form<RefundField>,
        question: String,
        pending: bool,
    },
}

#[derive(Debug, Clone)]
pub struct PaymentsScreen {
    pub appointment: AppointmentView,
    pub payments: Vec<Payment>,
    /// The consultation fee of the appointment's doctor (None: no fee set).
    pub fee: Option<rust_decimal::Decimal>,
    /// Why each refunded payment was refunded: (payment id, reason).
    pub refund_reasons: Vec<(i32, String)>,
    pub loaded: bool,
    /// The selected payment and the table's scroll position.
    pub view: TableView,
    pub modal: Option<Modal>,
    pub pending: Option<u64>,
}

/// What a key on the payments screen asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum PaymentsKey {
    None,
    Back,
    Request(PaymentsOp),
    Info(String),
    Error(String),
}

/// Whether `role` only reads payments (a patient their own); the front desk and admins
/// take them.
pub fn read_only(role: Role) -> bool {
    !matches!(role, Role::Admin | Role::FrontDesk)
}

impl PaymentsScreen {
    /// The payments of `appointment` (opened from the agenda's selected row).
    pub fn new(appointment: AppointmentView) -> PaymentsScreen {
        PaymentsScreen {
            appointment,
            payments: Vec::new(),
            fee: None,
            refund_reasons: Vec::new(),
            loaded: false,
            view: TableView::new(),
            modal: None,
            pending: None,
        }
    }

    pub fn initial_request(&self) -> PaymentsOp {
        PaymentsOp::Load {
            appointment_id: self.appointment.appointment.id,
        }
    }

    pub fn context(&self) -> Context {
        match &self.modal {
            Some(Modal::Form(form)) => form.context(),
            Some(Modal::RefundReason { form, .. }) => form.context(),
            Some(Modal::RefundConfirm { .. }) => Context::Confirm,
            Some(Modal::Status { .. }) => Context::Search,
            None => Context::Payments,
        }
    }

    fn selected_payment(&self) -> Option<&Payment> {
        self.payments.get(self.view.selected())
    }

    /// Total of PAID payments.
    pub fn paid_total(&self) -> rust_decimal::Decimal {
        crate::service::payments::paid_of(&self.payments)
    }

    /// What is still due of the fee (never below zero); None without a fee.
    pub fn due(&self) -> Option<rust_decimal::Decimal> {
        crate::service::payments::due_of(self.fee, &self.payments)
    }

    /// Why payment `payment_id` was refunded, if it was.
    pub fn refund_reason(&self, payment_id: i32) -> Option<&str> {
        crate::service::payments::refund_reason_in(&self.refund_reasons, payment_id)
    }

    /// Handles a key; `read_only` for a role that only reads payments.
    pub fn handle(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        read_only: bool,
    ) -> PaymentsKey {
        match &mut self.modal {
            Some(Modal::Form(form)) => {
                return match form.on_key(&key, command) {
                    FormOutcome::Cancel => {
                        self.modal = None;
                        PaymentsKey::None
                    }
                    FormOutcome::Submit if form.validate(check_payment) => PaymentsKey::Request(
                        PaymentsOp::Take(payment_input(form, self.appointment.appointment.id)),
                    ),
                    // Yes to "60.00 is not the fee …": the same payment, confirmed.
                    FormOutcome::Yes => {
                        let mut input = payment_input(form, self.appointment.appointment.id);
                        input.confirm_amount = true;
                        PaymentsKey::Request(PaymentsOp::Take(input))
                    }
                    _ => PaymentsKey::None,
                };
            }
            Some(Modal::RefundReason { payment_id, form }) => {
                return match form.on_key(&key, command) {
                    FormOutcome::Cancel => {
                        self.modal = None;
                        PaymentsKey::Info("Nothing was refunded.".into())
                    }
                    FormOutcome::Submit if form.validate(check_refund) => {
                        let payment_id = *payment_id;
                        let form = form.clone();
                        let Some(p) = self.payments.iter().find(|p| p.id == payment_id) else {
                            self.modal = None;
                            return PaymentsKey::None;
                        };
                        let question = refund_question(p, form.value(RefundField::Reason));
                        self.modal = Some(Modal::RefundConfirm {
                            payment_id,
                            form,
                            question,
                            pending: false,
                        });
                        PaymentsKey::None
                    }
                    _ => PaymentsKey::None,
                };
            }
            Some(Modal::RefundConfirm {
                payment_id,
                form,
                pending,
                ..
            }) => {
                match command {
                    Some(Command::Yes) if !*pending => {
                        return PaymentsKey::Request(PaymentsOp::Refund {
                            payment_id: *payment_id,
                            reason: form.value(RefundField::Reason).trim().to_string(),
                        });
                    }
                    Some(Command::No | Command::Cancel | Command::Back) if !*pending => {
                        // Back to the reason, as typed.
                        let (payment_id, form) = (*payment_id, form.clone());
                        self.modal = Some(Modal::RefundReason { payment_id, form });
                    }
                    _ => {}
                }
                return PaymentsKey::None;
            }
            Some(Modal::Status { choices, selected }) => {
                match command {
                    Some(Command::Up) => *selected = selected.saturating_sub(1),
                    Some(Command::Down) => {
                        *selected = (*selected + 1).min(choices.len().saturating_sub(1))
                    }
                    Some(Command::Open) => {
                        let to = choices.get(*selected).copied();
                        let payment = self.selected_payment().cloned();
                        self.modal = None;
                        match (to, payment) {
                            // A refund asks why first, then for a confirmation.
                            (Some(PaymentStatus::Refunded), Some(p)) => {
                                self.modal = Some(Modal::RefundReason {
                                    payment_id: p.id,
                                    form: refund_form(&p),
                                });
                            }
                            (Some(to), Some(p)) => {
                                return PaymentsKey::Request(PaymentsOp::SetStatus {
                                    payment_id: p.id,
                                    to,
                                });
                            }
                            _ => {}
                        }
                    }
                    Some(Command::Cancel) | Some(Command::Back) => self.modal = None,
                    _ => {}
                }
                return PaymentsKey::None;
            }
            None => {}
        }
        if self.view.on_key(&key, command, self.payments.len()) {
            return PaymentsKey::None;
        }
        match command {
            Some(Command::Back) => PaymentsKey::Back,
            Some(Command::NewPayment) if !read_only => {
                self.modal = Some(Modal::Form(payment_form()));
                PaymentsKey::None
            }
            Some(Command::PaymentStatus) if !read_only => {
                let Some(p) = self.selected_payment() else {
                    return PaymentsKey::Error("There is no payment to change yet.".into());
                };
                let choices: Vec<PaymentStatus> = PaymentStatus::ALL
                    .into_iter()
                    .filter(|s| p.status.can_become(*s))
                    .collect();
                if choices.is_empty() {
                    return PaymentsKey::Error(format!(
                        "A {} payment is final.",
                        status_label(p.status).to_lowercase()
                    ));
                }
                self.modal = Some(Modal::Status {
                    choices,
                    selected: 0,
                });
                PaymentsKey::None
            }
            Some(Command::Receipt) => match self.selected_payment() {
                Some(p) => PaymentsKey::Request(PaymentsOp::Receipt { payment_id: p.id }),
                None => PaymentsKey::Error("There is no payment to print a receipt for.".into()),
            },
            Some(Command::ReceiptPdf) => match self.selected_payment() {
                Some(p) => PaymentsKey::Request(PaymentsOp::ReceiptPdf { payment_id: p.id }),
                None => PaymentsKey::Error("There is no payment to print a receipt for.".into()),
            },
            Some(Command::NewPayment | Command::PaymentStatus) => PaymentsKey::Error(
                "Payments are taken at the front desk; this view is read-only.".into(),
            ),
            _ => PaymentsKey::None,
        }
    }

    /// A reply to this screen's request; a stale one (not the latest) is dropped.
    pub fn answer(&mut self, request: u64, reply: PaymentsReply) -> Actions<PaymentsOp> {
        if self.pending != Some(request) {
            return Vec::new();
        }
        self.pending = None;
        match reply {
            PaymentsReply::Loaded(Ok(list)) => {
                self.payments = list.payments;
                self.fee = list.fee;
                self.refund_reasons = list.refund_reasons;
                self.loaded = true;
                self.view.clamp(self.payments.len());
                Vec::new()
            }
            PaymentsReply::Taken(Ok(p)) => {
                self.modal = None;
                vec![
                    Action::Info(format!(
                        "Payment of {} recorded ({}, {}).",
                        format_amount(p.amount),
                        status_label(p.status).to_lowercase(),
                        p.transaction_id
                    )),
                    Action::Request(self.initial_request()),
                ]
            }
            PaymentsReply::Taken(Err(ServiceError::Unconfirmed(question))) => {
                // An amount that is not the fee: asked once; y sends it confirmed, n
                // leaves the form as typed.
                if let Some(Modal::Form(form)) = &mut self.modal {
                    form.set_pending(false);
                    form.ask(question);
                }
                Vec::new()
            }
            PaymentsReply::Taken(Err(e)) => {
                // The form stays open with what was typed. The one refusal about one
                // field: the transaction id is another payment's. Anything else (the
                // appointment was cancelled, an outage) is about the whole form.
                if let Some(Modal::Form(form)) = &mut self.modal {
                    form.set_pending(false);
                    form.clear_question();
                    if matches!(e, ServiceError::Conflict(_)) {
                        form.set_errors([(PayField::TransactionId, e.to_string())]);
                    } else {
                        form.clear_errors();
                        form.set_form_error(e.to_string());
                    }
                }
                vec![Action::Failed(e)]
            }
            PaymentsReply::StatusSet(Ok(p)) => vec![
                Action::Info(format!(
                    "Payment {} is now {}.",
                    p.transaction_id,
                    status_label(p.status).to_lowercase()
                )),
                Action::Request(self.initial_request()),
            ],
            PaymentsReply::Refunded(Ok(p)) => {
                self.modal = None;
                vec![
                    Action::Info(format!(
                        "Payment {} refunded ({}); the reason is recorded.",
                        p.transaction_id,
                        format_amount(p.amount)
                    )),
                    Action::Request(self.initial_request()),
                ]
            }
            PaymentsReply::Refunded(Err(e)) => {
                // Back to the reason as typed, with the refusal on the form.
                if let Some(Modal::RefundConfirm {
                    payment_id, form, ..
                }) = &self.modal
                {
                    let (payment_id, mut form) = (*payment_id, form.clone());
                    form.set_form_error(e.to_string());
                    self.modal = Some(Modal::RefundReason { payment_id, form });
                }
                vec![Action::Failed(e)]
            }
            PaymentsReply::ReceiptWritten(Ok(path)) => {
                vec![Action::Info(format!("Receipt saved to {path}"))]
            }
            PaymentsReply::Loaded(Err(e))
            | PaymentsReply::StatusSet(Err(e))
            | PaymentsReply::ReceiptWritten(Err(e)) => vec![Action::Failed(e)],
        }
    }
}

impl Operation for PaymentsOp {
    type Reply = PaymentsReply;

    fn busy_text(&self) -> &'static str {
        match self {
            PaymentsOp::Load { .. } => "Loading payments",
            PaymentsOp::Take(_) => "Recording the payment",
            PaymentsOp::SetStatus { .. } => "Changing the status",
            PaymentsOp::Refund { .. } => "Refunding the payment",
            PaymentsOp::Receipt { .. } => "Saving the receipt",
            PaymentsOp::ReceiptPdf { .. } => "Saving the receipt as a PDF",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> PaymentsReply {
        match self {
            PaymentsOp::Load { appointment_id } => {
                PaymentsReply::Loaded(services.appointment_payments(actor, appointment_id).await)
            }
            PaymentsOp::Take(input) => {
                PaymentsReply::Taken(services.take_payment(actor, input).await)
            }
            PaymentsOp::SetStatus { payment_id, to } => PaymentsReply::StatusSet(
                services.change_payment_status(actor, payment_id, to).await,
            ),
            PaymentsOp::Refund { payment_id, reason } => {
                PaymentsReply::Refunded(services.refund_payment(actor, payment_id, &reason).await)
            }
            PaymentsOp::ReceiptPdf { payment_id } => {
                let bytes = match services.receipt_pdf(actor, payment_id).await {
                    Ok(b) => b,
                    Err(e) => return PaymentsReply::ReceiptWritten(Err(e)),
                };
                PaymentsReply::ReceiptWritten(
                    write_pdf(format!("receipt-{payment_id}.pdf"), bytes)
                        .await
                        .map_err(ServiceError::Invalid),
                )
            }
            PaymentsOp::Receipt { payment_id } => {
                let receipt = match services.receipt(actor, payment_id).await {
                    Ok(r) => r,
                    Err(e) => return PaymentsReply::ReceiptWritten(Err(e)),
                };
                let name = format!(
                    "receipt-{}-{}.md",
                    payment_id,
                    receipt.transaction_id.replace(['/', '\\'], "_")
                );
                // The file's own sentence ("The file could not be written: …"), as is.
                PaymentsReply::ReceiptWritten(
                    crate::tui::export::write(name, receipt.to_markdown())
                        .await
                        .map_err(ServiceError::Invalid),
                )
            }
        }
    }
}

/// Writes `bytes` to `file_name` in the export folder, off the async threads; the full
/// path, or a sentence.
async fn write_pdf(file_name: String, bytes: Vec<u8>) -> Result<String, String> {
    let dir = crate::tui::export::export_dir();
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(file_name);
        std::fs::write(&path, bytes)?;
        Ok::<_, std::io::Error>(path.display().to_string())
    })
    .await
    .map_err(|e| format!("The file could not be written: {e}"))?
    .map_err(|e| format!("The file could not be written: {e}"))
}

impl Screen for PaymentsScreen {
    type Op = PaymentsOp;

    fn context(&self) -> Context {
        PaymentsScreen::context(self)
    }

    fn on_enter(&mut self, _cx: &Ctx) -> Actions<PaymentsOp> {
        vec![Action::Request(self.initial_request())]
    }

    fn on_key(&mut self, key: KeyEvent, command: Option<Command>, cx: &Ctx) -> Actions<PaymentsOp> {
        match self.handle(key, command, read_only(cx.role())) {
            PaymentsKey::None => Vec::new(),
            PaymentsKey::Back => vec![Action::Back],
            PaymentsKey::Request(op) => vec![Action::Request(op)],
            PaymentsKey::Info(text) => vec![Action::Info(text)],
            PaymentsKey::Error(text) => vec![Action::Error(text)],
        }
    }

    fn started(&mut self, request: u64, op: &PaymentsOp) {
        self.pending = Some(request);
        match (op, &mut self.modal) {
            (PaymentsOp::Take(_), Some(Modal::Form(form))) => form.set_pending(true),
            (PaymentsOp::Refund { .. }, Some(Modal::RefundConfirm { pending, .. })) => {
                *pending = true
            }
            _ => {}
        }
    }

    fn on_reply(&mut self, request: u64, reply: PaymentsReply, _cx: &Ctx) -> Actions<PaymentsOp> {
        self.answer(request, reply)
    }

    fn abandon(&mut self, request: u64) {
        if super::abandon::forget(&mut self.pending, request) {
            match &mut self.modal {
                Some(Modal::Form(form)) => form.set_pending(false),
                Some(Modal::RefundConfirm { pending, .. }) => *pending = false,
                _ => {}
            }
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        render(frame, area, self, cx.tz(), cx.theme);
    }

    fn commands(&self, cx: &Ctx, out: &mut Commands) {
        match &self.modal {
            Some(Modal::Form(form)) if form.question().is_some() => {
                out.add(Command::Yes, "record it", !form.is_pending()).add(
                    Command::No,
                    "back to the form",
                    true,
                );
            }
            Some(Modal::RefundConfirm { pending, .. }) => {
                out.add(Command::Yes, "refund", !*pending)
                    .add(Command::No, "back", !*pending);
            }
            Some(Modal::RefundReason { .. }) => {
                out.add(Command::Save, "next", true)
                    .add(Command::Cancel, "cancel", true);
            }
            Some(Modal::Form(form)) => {
                out.add(Command::NextField, "next", true)
                    .add(Command::Save, "save", !form.is_pending())
                    .add(Command::Cancel, "cancel", true)
                    .more(Command::PrevField, "previous field", true);
            }
            Some(Modal::Status { .. }) => {
                out.group(&[Command::Up, Command::Down], "move", true)
                    .add(Command::Open, "set", true)
                    .add(Command::Cancel, "cancel", true);
            }
            None => {
                let selected = self.selected_payment();
                out.group(
                    &[Command::Up, Command::Down],
                    "move",
                    self.payments.len() > 1,
                );
                if !read_only(cx.role()) {
                    let changes = selected.is_some_and(|p| {
                        PaymentStatus::ALL
                            .into_iter()
                            .any(|s| p.status.can_become(s))
                    });
                    out.add(Command::NewPayment, "take payment", true).add(
                        Command::PaymentStatus,
                        "status",
                        changes,
                    );
                }
                out.add(Command::Receipt, "receipt", selected.is_some())
                    .add(Command::ReceiptPdf, "PDF", selected.is_some())
                    .add(Command::Back, "back", true);
            }
        }
    }
}
