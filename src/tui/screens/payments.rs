//! The payments of one appointment (front desk, admin; a patient reads their own): the
//! list, taking a payment (amount, method, paid now or pending, optional transaction
//! id), moving a payment's status (pending -> paid | failed, paid -> refunded) and
//! exporting a receipt. Opened on top of the agenda; Esc returns there as it was.
//!
//! Pure: keys return [`PaymentsKey`]s; results arrive through [`PaymentsScreen::answer`].

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
use crate::service::payments::{PaymentInput, check_transaction_id};
use crate::service::{ServiceError, Services};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::theme::Theme;
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
    /// Render the receipt and write it to a file.
    Receipt {
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
            PaymentsOp::Receipt { payment_id } => f
                .debug_struct("Receipt")
                .field("payment_id", payment_id)
                .finish(),
        }
    }
}

/// The answers to [`PaymentsOp`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum PaymentsReply {
    Loaded(Result<Vec<Payment>, ServiceError>),
    Taken(Result<Payment, ServiceError>),
    StatusSet(Result<Payment, ServiceError>),
    /// The path the receipt was written to.
    ReceiptWritten(Result<String, ServiceError>),
}

/// The fields of the "take a payment" form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayField {
    Amount,
    Method,
    /// Paid now, or pending.
    Status,
    TransactionId,
}

/// The statuses a new payment may have, in the order the form offers them.
const NEW_STATUSES: [PaymentStatus; 2] = [PaymentStatus::Paid, PaymentStatus::Pending];

/// The "take a payment" form: an amount, the method (card first), paid now or pending,
/// and an optional transaction id.
pub fn payment_form() -> Form<PayField> {
    let card = PaymentMethod::ALL
        .iter()
        .position(|m| *m == PaymentMethod::Card)
        .unwrap_or(0);
    Form::new("Take a payment")
        .text(PayField::Amount, "Amount", "", "e.g. 120.50")
        .choice(
            PayField::Method,
            "Method",
            PaymentMethod::ALL.map(method_label),
            card,
            "←/→ to change",
        )
        .choice(
            PayField::Status,
            "Paid now?",
            ["paid", "pending"],
            0,
            "←/→ to change",
        )
        .text(
            PayField::TransactionId,
            "Transaction id",
            "",
            "auto if empty",
        )
        .with_footer("Ctrl-S/Enter save · Tab next field · Esc cancel")
}

/// Every problem with the form at once, each with its field, checked with the rules the
/// payments service applies (so the sentences are the service's).
pub fn check_payment(form: &Form<PayField>) -> Vec<(PayField, String)> {
    let mut errors = Vec::new();
    if let Err(e) = parse_amount(form.value(PayField::Amount)) {
        errors.push((PayField::Amount, e.to_string()));
    }
    let txn = form.value(PayField::TransactionId).trim();
    if !txn.is_empty()
        && let Err(e) = check_transaction_id(txn)
    {
        errors.push((PayField::TransactionId, e.to_string()));
    }
    errors
}

/// What the form sends for `appointment_id`.
pub fn payment_input(form: &Form<PayField>, appointment_id: i32) -> PaymentInput {
    let pick = |key, n: usize| form.selected(key).unwrap_or(0).min(n - 1);
    let txn = form.value(PayField::TransactionId).trim();
    PaymentInput {
        appointment_id,
        amount: form.value(PayField::Amount).to_string(),
        method: PaymentMethod::ALL[pick(PayField::Method, PaymentMethod::ALL.len())],
        status: NEW_STATUSES[pick(PayField::Status, NEW_STATUSES.len())],
        transaction_id: (!txn.is_empty()).then(|| txn.to_string()),
        confirm_amount: false,
    }
}

pub fn method_label(m: PaymentMethod) -> &'static str {
    match m {
        PaymentMethod::Cash => "Cash",
        PaymentMethod::Card => "Card",
        PaymentMethod::Insurance => "Insurance",
        PaymentMethod::BankTransfer => "Bank transfer",
        PaymentMethod::Other => "Other",
    }
}

pub fn status_label(s: PaymentStatus) -> &'static str {
    match s {
        PaymentStatus::Pending => "Pending",
        PaymentStatus::Paid => "Paid",
        PaymentStatus::Failed => "Failed",
        PaymentStatus::Refunded => "Refunded",
    }
}

#[derive(Debug, Clone)]
pub enum Modal {
    Form(Form<PayField>),
    /// Choose the new status of the selected payment.
    Status {
        choices: Vec<PaymentStatus>,
        selected: usize,
    },
}

#[derive(Debug, Clone)]
pub struct PaymentsScreen {
    pub appointment: AppointmentView,
    pub payments: Vec<Payment>,
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
        match self.modal {
            Some(Modal::Form(_)) => Context::Form,
            Some(Modal::Status { .. }) => Context::Search,
            None => Context::Payments,
        }
    }

    fn selected_payment(&self) -> Option<&Payment> {
        self.payments.get(self.view.selected())
    }

    /// Total of PAID payments.
    pub fn paid_total(&self) -> rust_decimal::Decimal {
        self.payments
            .iter()
            .filter(|p| p.status == PaymentStatus::Paid)
            .map(|p| p.amount)
            .sum()
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
                    _ => PaymentsKey::None,
                };
            }
            Some(Modal::Status { choices, selected }) => {
                match command {
                    Some(Command::Up) => *selected = selected.saturating_sub(1),
                    Some(Command::Down) => {
                        *selected = (*selected + 1).min(choices.len().saturating_sub(1))
                    }
                    Some(Command::Open) => {
                        let to = choices.get(*selected).copied();
                        let payment_id = self.selected_payment().map(|p| p.id);
                        self.modal = None;
                        if let (Some(to), Some(payment_id)) = (to, payment_id) {
                            return PaymentsKey::Request(PaymentsOp::SetStatus { payment_id, to });
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
                self.payments = list;
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
            PaymentsReply::Taken(Err(e)) => {
                // The form stays open with what was typed. The one refusal about one
                // field: the transaction id is another payment's. Anything else (the
                // appointment was cancelled, an outage) is about the whole form.
                if let Some(Modal::Form(form)) = &mut self.modal {
                    form.set_pending(false);
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
            PaymentsReply::ReceiptWritten(Ok(path)) => {
                vec![Action::Info(format!("Receipt saved to {path}"))]
            }
            PaymentsReply::Loaded(Err(e))
            | PaymentsReply::StatusSet(Err(e))
            | PaymentsReply::ReceiptWritten(Err(e)) => vec![Action::Failed(e)],
        }
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &PaymentsScreen, tz: Tz, theme: &Theme) {
    let v = &state.appointment;
    let when = v
        .appointment
        .start_utc
        .and_utc()
        .with_timezone(&tz)
        .format("%a %-d %b %Y %H:%M")
        .to_string();
    let rows = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).split(area);
    let header = vec![
        Line::from(Span::styled(
            format!("Payments · appointment #{} · {}", v.appointment.id, when),
            theme.title(),
        )),
        Line::from(vec![
            Span::styled("Patient ", theme.dim()),
            Span::raw(v.patient_name.clone()),
            Span::styled("   Doctor ", theme.dim()),
            Span::raw(format!("{} ({})", v.doctor_name, v.specialization)),
        ]),
        Line::from(vec![
            Span::styled("Status ", theme.dim()),
            Span::raw(v.appointment.status.label()),
            Span::styled("   Paid so far ", theme.dim()),
            Span::raw(format_amount(state.paid_total())),
        ]),
    ];
    frame.render_widget(Paragraph::new(header), rows[0]);

    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border());
    let inner = block.inner(rows[1]);
    frame.render_widget(block, rows[1]);
    let columns = vec![
        Column::new("Taken", Constraint::Length(16)),
        Column::new("Amount", Constraint::Length(12)).right(),
        Column::new("Method", Constraint::Length(13)),
        Column::new("Status", Constraint::Length(9)),
        Column::new("Transaction", Constraint::Fill(1)),
    ];
    DataTable::new(columns)
        .empty(if state.loaded {
            "No payments yet."
        } else {
            "Loading…"
        })
        .active(state.modal.is_none())
        .render_with(
            frame,
            inner,
            &state.view,
            state.payments.len(),
            |i| {
                let p = &state.payments[i];
                vec![
                    Span::raw(
                        p.created_at
                            .with_timezone(&tz)
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                    ),
                    Span::raw(format_amount(p.amount)),
                    Span::raw(method_label(p.method)),
                    Span::raw(status_label(p.status)),
                    Span::raw(p.transaction_id.clone()),
                ]
            },
            theme,
        );

    match &state.modal {
        Some(Modal::Form(form)) => form.render_popup(frame, area, theme),
        Some(Modal::Status { choices, selected }) => {
            let boxed = popup(
                frame,
                area,
                36,
                u16::try_from(choices.len()).unwrap_or(4) + 2,
            );
            let lines: Vec<Line> = choices
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let style = if i == *selected {
                        theme.focus()
                    } else {
                        ratatui::style::Style::new()
                    };
                    Line::from(Span::styled(format!(" {} ", status_label(*s)), style))
                })
                .collect();
            frame.render_widget(
                Paragraph::new(lines).block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(theme.border())
                        .title(Span::styled(" New status · Enter ", theme.title())),
                ),
                boxed,
            );
        }
        None => {}
    }
}

impl Operation for PaymentsOp {
    type Reply = PaymentsReply;

    fn busy_text(&self) -> &'static str {
        match self {
            PaymentsOp::Load { .. } => "Loading payments",
            PaymentsOp::Take(_) => "Recording the payment",
            PaymentsOp::SetStatus { .. } => "Changing the status",
            PaymentsOp::Receipt { .. } => "Saving the receipt",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> PaymentsReply {
        match self {
            PaymentsOp::Load { appointment_id } => PaymentsReply::Loaded(
                services
                    .payments_for_appointment(actor, appointment_id)
                    .await,
            ),
            PaymentsOp::Take(input) => {
                PaymentsReply::Taken(services.take_payment(actor, input).await)
            }
            PaymentsOp::SetStatus { payment_id, to } => PaymentsReply::StatusSet(
                services.change_payment_status(actor, payment_id, to).await,
            ),
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
            PaymentsKey::Error(text) => vec![Action::Error(text)],
        }
    }

    fn started(&mut self, request: u64, op: &PaymentsOp) {
        self.pending = Some(request);
        if let (PaymentsOp::Take(_), Some(Modal::Form(form))) = (op, &mut self.modal) {
            form.set_pending(true);
        }
    }

    fn on_reply(&mut self, request: u64, reply: PaymentsReply, _cx: &Ctx) -> Actions<PaymentsOp> {
        self.answer(request, reply)
    }

    fn abandon(&mut self, request: u64) {
        if super::abandon::forget(&mut self.pending, request)
            && let Some(Modal::Form(form)) = &mut self.modal
        {
            form.set_pending(false);
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        render(frame, area, self, cx.tz(), cx.theme);
    }

    fn commands(&self, cx: &Ctx, out: &mut Commands) {
        match &self.modal {
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
                    .add(Command::Back, "back", true);
            }
        }
    }
}
