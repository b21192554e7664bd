//! The payments of one appointment (front desk, admin; a patient reads their own): the
//! list, taking a payment (amount, method, paid now or pending, optional transaction
//! id), moving a payment's status (pending -> paid | failed, paid -> refunded) and
//! exporting a receipt. Opened on top of the agenda; Esc returns there as it was.
//!
//! Pure: keys return [`PaymentsKey`]s; results arrive through [`PaymentsScreen::answer`].

use chrono_tz::Tz;
use crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::Actor;
use crate::domain::Role;
use crate::domain::appointment::AppointmentView;
use crate::domain::money::format_amount;
use crate::domain::payment::{Payment, PaymentMethod, PaymentStatus};
use crate::service::payments::PaymentInput;
use crate::service::{ServiceError, Services};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::{popup, text_field};

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

/// The "take a payment" form.
#[derive(Debug, Clone)]
pub struct PaymentForm {
    pub amount: Input,
    pub transaction_id: Input,
    pub method: PaymentMethod,
    pub paid_now: bool,
    /// 0 amount, 1 method, 2 paid/pending, 3 transaction id.
    pub focus: usize,
    pub error: Option<String>,
}

impl Default for PaymentForm {
    fn default() -> Self {
        PaymentForm {
            amount: Input::default(),
            transaction_id: Input::default(),
            method: PaymentMethod::Card,
            paid_now: true,
            focus: 0,
            error: None,
        }
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
    Form(PaymentForm),
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
    pub selected: usize,
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
            selected: 0,
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
        self.payments.get(self.selected)
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
            Some(Modal::Form(_)) if command == Some(Command::Cancel) => {
                self.modal = None;
                return PaymentsKey::None;
            }
            Some(Modal::Form(form)) => {
                return on_form_key(form, key, command, self.appointment.appointment.id);
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
        match command {
            Some(Command::Back) => PaymentsKey::Back,
            Some(Command::Up) => {
                self.selected = self.selected.saturating_sub(1);
                PaymentsKey::None
            }
            Some(Command::Down) => {
                self.selected = (self.selected + 1).min(self.payments.len().saturating_sub(1));
                PaymentsKey::None
            }
            Some(Command::NewPayment) if !read_only => {
                self.modal = Some(Modal::Form(PaymentForm::default()));
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
                self.selected = self.selected.min(self.payments.len().saturating_sub(1));
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
                // The form stays open with what was typed.
                if let Some(Modal::Form(form)) = &mut self.modal {
                    form.error = Some(e.to_string());
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

fn on_form_key(
    form: &mut PaymentForm,
    key: KeyEvent,
    command: Option<Command>,
    appointment_id: i32,
) -> PaymentsKey {
    const FIELDS: usize = 4;
    match command {
        Some(Command::NextField) => form.focus = (form.focus + 1) % FIELDS,
        Some(Command::PrevField) => form.focus = (form.focus + FIELDS - 1) % FIELDS,
        Some(Command::Save) => {
            if form.amount.value().trim().is_empty() {
                form.error = Some("Enter an amount.".into());
                form.focus = 0;
                return PaymentsKey::None;
            }
            let txn = form.transaction_id.value().trim();
            return PaymentsKey::Request(PaymentsOp::Take(PaymentInput {
                appointment_id,
                amount: form.amount.value().to_string(),
                method: form.method,
                status: if form.paid_now {
                    PaymentStatus::Paid
                } else {
                    PaymentStatus::Pending
                },
                transaction_id: (!txn.is_empty()).then(|| txn.to_string()),
            }));
        }
        _ => match form.focus {
            0 => {
                form.amount.handle_event(&Event::Key(key));
            }
            1 => {
                let all = PaymentMethod::ALL;
                let i = all.iter().position(|m| *m == form.method).unwrap_or(0);
                match key.code {
                    KeyCode::Left | KeyCode::Char('h') => {
                        form.method = all[(i + all.len() - 1) % all.len()]
                    }
                    KeyCode::Right | KeyCode::Char('l') | KeyCode::Char(' ') => {
                        form.method = all[(i + 1) % all.len()]
                    }
                    _ => {}
                }
            }
            2 => {
                if matches!(
                    key.code,
                    KeyCode::Left
                        | KeyCode::Right
                        | KeyCode::Char(' ')
                        | KeyCode::Char('h')
                        | KeyCode::Char('l')
                ) {
                    form.paid_now = !form.paid_now;
                }
            }
            _ => {
                form.transaction_id.handle_event(&Event::Key(key));
            }
        },
    }
    PaymentsKey::None
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
    let rows = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .split(area);
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

    let body: Vec<Row> = state
        .payments
        .iter()
        .map(|p| {
            Row::new(vec![
                p.created_at
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                format!("{:>12}", format_amount(p.amount)),
                method_label(p.method).to_string(),
                status_label(p.status).to_string(),
                p.transaction_id.clone(),
            ])
        })
        .collect();
    let empty = body.is_empty();
    let table = Table::new(
        body,
        [
            Constraint::Length(16),
            Constraint::Length(12),
            Constraint::Length(13),
            Constraint::Length(9),
            Constraint::Min(10),
        ],
    )
    .header(
        Row::new(vec!["Taken", "Amount", "Method", "Status", "Transaction"]).style(theme.title()),
    )
    .row_highlight_style(theme.focus())
    .highlight_symbol("▶ ")
    .block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border()),
    );
    let mut ts = TableState::default().with_selected((!empty).then_some(state.selected));
    frame.render_stateful_widget(table, rows[1], &mut ts);
    let footer = if !state.loaded {
        "Loading…"
    } else if empty {
        "No payments yet."
    } else {
        ""
    };
    frame.render_widget(Paragraph::new(Span::styled(footer, theme.dim())), rows[2]);

    match &state.modal {
        Some(Modal::Form(form)) => render_form(frame, area, form, theme),
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

fn render_form(frame: &mut Frame, area: Rect, form: &PaymentForm, theme: &Theme) {
    let boxed = popup(frame, area, 60, 11);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(
            " Take a payment · Ctrl-S saves · Esc cancels ",
            theme.title(),
        ));
    let inner = block.inner(boxed);
    frame.render_widget(block, boxed);
    let rows = Layout::vertical([Constraint::Length(1); 9])
        .split(inner.inner(ratatui::layout::Margin::new(1, 0)));
    let label = |text: &str, focused: bool| {
        Span::styled(
            format!("{text:<15}"),
            if focused {
                theme.title()
            } else {
                ratatui::style::Style::new()
            },
        )
    };
    let cols = |r: Rect| Layout::horizontal([Constraint::Length(15), Constraint::Min(5)]).split(r);

    let c = cols(rows[0]);
    frame.render_widget(Paragraph::new(label("Amount", form.focus == 0)), c[0]);
    if let Some(pos) = text_field(frame, c[1], &form.amount, None, form.focus == 0, theme) {
        frame.set_cursor_position(pos);
    }
    let c = cols(rows[2]);
    frame.render_widget(Paragraph::new(label("Method", form.focus == 1)), c[0]);
    let method = format!("◀ {} ▶", method_label(form.method));
    let style = if form.focus == 1 {
        theme.focus()
    } else {
        ratatui::style::Style::new()
    };
    frame.render_widget(Paragraph::new(Span::styled(method, style)), c[1]);
    let c = cols(rows[4]);
    frame.render_widget(Paragraph::new(label("Paid now?", form.focus == 2)), c[0]);
    let paid = if form.paid_now {
        "(•) paid  ( ) pending"
    } else {
        "( ) paid  (•) pending"
    };
    let style = if form.focus == 2 {
        theme.focus()
    } else {
        ratatui::style::Style::new()
    };
    frame.render_widget(Paragraph::new(Span::styled(paid, style)), c[1]);
    let c = cols(rows[6]);
    frame.render_widget(
        Paragraph::new(label("Transaction id", form.focus == 3)),
        c[0],
    );
    if let Some(pos) = text_field(
        frame,
        c[1],
        &form.transaction_id,
        None,
        form.focus == 3,
        theme,
    ) {
        frame.set_cursor_position(pos);
    }
    let note = match &form.error {
        Some(e) => Span::styled(e.clone(), theme.error()),
        None => Span::styled(
            "Empty transaction id: one is generated. ←/→ change a choice.",
            theme.dim(),
        ),
    };
    frame.render_widget(Paragraph::new(note).wrap(Wrap { trim: true }), rows[8]);
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

    fn started(&mut self, request: u64, _op: &PaymentsOp) {
        self.pending = Some(request);
    }

    fn on_reply(&mut self, request: u64, reply: PaymentsReply, _cx: &Ctx) -> Actions<PaymentsOp> {
        self.answer(request, reply)
    }

    fn abandon(&mut self, request: u64) {
        super::abandon::forget(&mut self.pending, request);
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        render(frame, area, self, cx.tz(), cx.theme);
    }

    fn commands(&self, cx: &Ctx, out: &mut Commands) {
        match &self.modal {
            Some(Modal::Form(_)) => {
                out.add(Command::NextField, "next", true)
                    .add(Command::Save, "save", true)
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
