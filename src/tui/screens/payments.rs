//! The payments of one appointment (front desk, admin; a patient reads their own): the
//! list, taking a payment (amount, method, paid now or pending, optional transaction
//! id), moving a payment's status (pending -> paid | failed, paid -> refunded) and
//! exporting a receipt. Opened from the agenda; Esc returns there.
//!
//! Pure: keys return [`Action`]s; results arrive through [`PaymentsState::on_reply`].

use crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::appointment::AppointmentView;
use crate::domain::money::format_amount;
use crate::domain::payment::{Payment, PaymentMethod, PaymentStatus};
use crate::service::payments::PaymentInput;
use crate::tui::keymap::{Command, Context};
use crate::tui::theme::Theme;
use crate::tui::widgets::{popup, text_field};

/// What the runtime is asked to do for this screen.
#[derive(Debug, Clone, PartialEq)]
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

/// The runtime's answers.
#[derive(Debug, Clone, PartialEq)]
pub enum PaymentsReply {
    Loaded(Result<Vec<Payment>, String>),
    Taken(Result<Payment, String>),
    StatusSet(Result<Payment, String>),
    /// The path the receipt was written to.
    ReceiptWritten(Result<String, String>),
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
pub struct PaymentsState {
    pub appointment: AppointmentView,
    /// The clinic's time zone, for the payment times.
    pub tz: chrono_tz::Tz,
    /// Local start of the appointment, for the header.
    pub when: String,
    pub payments: Vec<Payment>,
    pub loaded: bool,
    pub selected: usize,
    pub modal: Option<Modal>,
    /// Only reading (a patient).
    pub read_only: bool,
    pub pending: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Back,
    Request(PaymentsOp),
    Error(String),
}

/// What a reply changed, for the app (see [`super::Outcome`]).
pub type ReplyOutcome = super::Outcome<PaymentsOp>;

impl PaymentsState {
    pub fn new(
        appointment: AppointmentView,
        when: String,
        read_only: bool,
        tz: chrono_tz::Tz,
    ) -> PaymentsState {
        PaymentsState {
            appointment,
            tz,
            when,
            payments: Vec::new(),
            loaded: false,
            selected: 0,
            modal: None,
            read_only,
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

    pub fn started(&mut self, request: u64) {
        self.pending = Some(request);
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

    pub fn on_key(&mut self, key: KeyEvent, command: Option<Command>) -> Action {
        match &mut self.modal {
            Some(Modal::Form(_)) if command == Some(Command::Cancel) => {
                self.modal = None;
                return Action::None;
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
                            return Action::Request(PaymentsOp::SetStatus { payment_id, to });
                        }
                    }
                    Some(Command::Cancel) | Some(Command::Back) => self.modal = None,
                    _ => {}
                }
                return Action::None;
            }
            None => {}
        }
        match command {
            Some(Command::Back) => Action::Back,
            Some(Command::Up) => {
                self.selected = self.selected.saturating_sub(1);
                Action::None
            }
            Some(Command::Down) => {
                self.selected = (self.selected + 1).min(self.payments.len().saturating_sub(1));
                Action::None
            }
            Some(Command::NewPayment) if !self.read_only => {
                self.modal = Some(Modal::Form(PaymentForm::default()));
                Action::None
            }
            Some(Command::PaymentStatus) if !self.read_only => {
                let Some(p) = self.selected_payment() else {
                    return Action::Error("There is no payment to change yet.".into());
                };
                let choices: Vec<PaymentStatus> = PaymentStatus::ALL
                    .into_iter()
                    .filter(|s| p.status.can_become(*s))
                    .collect();
                if choices.is_empty() {
                    return Action::Error(format!(
                        "A {} payment is final.",
                        status_label(p.status).to_lowercase()
                    ));
                }
                self.modal = Some(Modal::Status {
                    choices,
                    selected: 0,
                });
                Action::None
            }
            Some(Command::Receipt) => match self.selected_payment() {
                Some(p) => Action::Request(PaymentsOp::Receipt { payment_id: p.id }),
                None => Action::Error("There is no payment to print a receipt for.".into()),
            },
            Some(Command::NewPayment | Command::PaymentStatus) => Action::Error(
                "Payments are taken at the front desk; this view is read-only.".into(),
            ),
            _ => Action::None,
        }
    }

    pub fn on_reply(&mut self, request: u64, reply: PaymentsReply) -> ReplyOutcome {
        if self.pending != Some(request) {
            return ReplyOutcome::default();
        }
        self.pending = None;
        let mut out = ReplyOutcome {
            current: true,
            ..ReplyOutcome::default()
        };
        match reply {
            PaymentsReply::Loaded(Ok(list)) => {
                self.payments = list;
                self.loaded = true;
                self.selected = self.selected.min(self.payments.len().saturating_sub(1));
            }
            PaymentsReply::Loaded(Err(e)) => out.error = Some(e),
            PaymentsReply::Taken(Ok(p)) => {
                out.info = Some(format!(
                    "Payment of {} recorded ({}, {}).",
                    format_amount(p.amount),
                    status_label(p.status).to_lowercase(),
                    p.transaction_id
                ));
                self.modal = None;
                out.then = Some(self.initial_request());
            }
            PaymentsReply::Taken(Err(e)) => {
                // The form stays open with what was typed.
                if let Some(Modal::Form(form)) = &mut self.modal {
                    form.error = Some(e.clone());
                }
                out.error = Some(e);
            }
            PaymentsReply::StatusSet(Ok(p)) => {
                out.info = Some(format!(
                    "Payment {} is now {}.",
                    p.transaction_id,
                    status_label(p.status).to_lowercase()
                ));
                out.then = Some(self.initial_request());
            }
            PaymentsReply::StatusSet(Err(e)) | PaymentsReply::ReceiptWritten(Err(e)) => {
                out.error = Some(e)
            }
            PaymentsReply::ReceiptWritten(Ok(path)) => {
                out.info = Some(format!("Receipt saved to {path}"))
            }
        }
        out
    }
}

fn on_form_key(
    form: &mut PaymentForm,
    key: KeyEvent,
    command: Option<Command>,
    appointment_id: i32,
) -> Action {
    const FIELDS: usize = 4;
    match command {
        Some(Command::NextField) => form.focus = (form.focus + 1) % FIELDS,
        Some(Command::PrevField) => form.focus = (form.focus + FIELDS - 1) % FIELDS,
        Some(Command::Save) => {
            if form.amount.value().trim().is_empty() {
                form.error = Some("Enter an amount.".into());
                form.focus = 0;
                return Action::None;
            }
            let txn = form.transaction_id.value().trim();
            return Action::Request(PaymentsOp::Take(PaymentInput {
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
    Action::None
}

pub fn render(frame: &mut Frame, area: Rect, state: &PaymentsState, theme: &Theme) {
    let v = &state.appointment;
    let rows = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .split(area);
    let header = vec![
        Line::from(Span::styled(
            format!(
                "Payments · appointment #{} · {}",
                v.appointment.id, state.when
            ),
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
                    .with_timezone(&state.tz)
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

impl PaymentsOp {
    /// The operation's name, for logs (no amounts, no names).
    pub fn kind(&self) -> &'static str {
        match self {
            PaymentsOp::Load { .. } => "load",
            PaymentsOp::Take(_) => "take",
            PaymentsOp::SetStatus { .. } => "set_status",
            PaymentsOp::Receipt { .. } => "receipt",
        }
    }

    pub fn busy_text(&self) -> &'static str {
        match self {
            PaymentsOp::Load { .. } => "Loading payments",
            PaymentsOp::Take(_) => "Recording the payment",
            PaymentsOp::SetStatus { .. } => "Changing the status",
            PaymentsOp::Receipt { .. } => "Saving the receipt",
        }
    }
}

// ---- Routing: how the app opens this screen, feeds it keys and replies.

use crate::domain::Role;
use crate::tui::effect::Effect;
use crate::tui::state::{AppState, Screen};

/// Opens the payments of `appointment` over the current screen (Esc returns to it).
pub fn open(state: &mut AppState, appointment: AppointmentView) -> Vec<Effect> {
    let Some(session) = &state.session else {
        return Vec::new();
    };
    let read_only = !matches!(session.role(), Role::Admin | Role::FrontDesk);
    let when = appointment
        .appointment
        .start_utc
        .and_utc()
        .with_timezone(&state.clinic.time_zone)
        .format("%a %-d %b %Y %H:%M")
        .to_string();
    let payments = PaymentsState::new(appointment, when, read_only, state.clinic.time_zone);
    let first = payments.initial_request();
    let back = std::mem::replace(&mut state.screen, Screen::Login(Default::default()));
    state.screen = Screen::Payments {
        state: Box::new(payments),
        back: Box::new(back),
    };
    state.status = None;
    request(state, first)
}

fn request(state: &mut AppState, op: PaymentsOp) -> Vec<Effect> {
    let Some(actor) = state.session.as_ref().map(|s| s.actor.clone()) else {
        return Vec::new();
    };
    let request = state.next_request();
    let Screen::Payments { state: p, .. } = &mut state.screen else {
        return Vec::new();
    };
    p.started(request);
    state.busy = Some(op.busy_text().to_string());
    vec![Effect::Payments { request, actor, op }]
}

pub fn on_key(state: &mut AppState, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
    let Screen::Payments { state: p, .. } = &mut state.screen else {
        return Vec::new();
    };
    match p.on_key(key, command) {
        Action::None => Vec::new(),
        Action::Back => {
            let placeholder = Screen::Login(Default::default());
            if let Screen::Payments { back, .. } = std::mem::replace(&mut state.screen, placeholder)
            {
                state.screen = *back;
            }
            state.busy = None;
            state.status = None;
            Vec::new()
        }
        Action::Error(text) => {
            state.error(text);
            Vec::new()
        }
        Action::Request(op) => request(state, op),
    }
}

pub fn on_reply(state: &mut AppState, request_id: u64, reply: PaymentsReply) -> Vec<Effect> {
    let Screen::Payments { state: p, .. } = &mut state.screen else {
        return Vec::new(); // the screen was left: stale
    };
    let outcome = p.on_reply(request_id, reply);
    super::settle_reply(state, outcome, request)
}
