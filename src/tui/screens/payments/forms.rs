//! The payments screen's forms: taking a payment and refunding one, each checked with
//! the payments service's own rules. Pure.

use super::*;

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

/// The one field of the refund form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundField {
    Reason,
}

/// The refund form: why the money goes back.
pub fn refund_form(payment: &Payment) -> Form<RefundField> {
    Form::new(format!(
        "Refund {} ({})",
        format_amount(payment.amount),
        payment.transaction_id
    ))
    .text(
        RefundField::Reason,
        "Reason",
        "",
        "required, e.g. visit cancelled",
    )
    .with_footer("Enter next · Esc cancel")
}

/// The reason typed, or why it will not do (the service's own rule: one line, at most
/// 500 characters, not empty).
pub fn check_refund(form: &Form<RefundField>) -> Vec<(RefundField, String)> {
    let reason = form.value(RefundField::Reason);
    if reason.trim().is_empty() {
        return vec![(
            RefundField::Reason,
            "Give the reason for the refund.".to_string(),
        )];
    }
    match crate::domain::validation::required_text("Reason", reason, 500) {
        Ok(_) => Vec::new(),
        Err(e) => vec![(RefundField::Reason, e.to_string())],
    }
}

/// The question that confirms a refund, naming the amount and the reason.
pub fn refund_question(payment: &Payment, reason: &str) -> String {
    format!(
        "Refund {} of payment {}? Reason: \"{}\". The refund and its reason are recorded.",
        format_amount(payment.amount),
        payment.transaction_id,
        reason.trim()
    )
}
