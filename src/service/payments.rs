//! Payments and receipts (the money reports are in `reports`). Amounts are exact decimals; statuses move
//! PENDING -> PAID | FAILED and PAID -> REFUNDED only; nothing is ever deleted; every read
//! and change is audited.

use chrono::NaiveDateTime;
use rand::Rng;

use super::audit::actions;
use super::booking::local_label;
use super::{ServiceError, Services};
use crate::domain::appointment::AppointmentStatus;
use crate::domain::audit::{AuditEvent, Outcome};
use crate::domain::money::{format_amount, parse_amount};
use crate::domain::payment::{NewPayment, Payment, PaymentMethod, PaymentStatus};
use crate::domain::permission::{Access, Action, access};
use crate::domain::report::Receipt;
use crate::domain::{Actor, Role};
use crate::store::mysql::{appointments, audit, is_unique_violation, payments};

/// A payment as the desk enters it.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentInput {
    pub appointment_id: i32,
    /// As typed: "120.50".
    pub amount: String,
    pub method: PaymentMethod,
    /// PAID at once (cash at the desk) or PENDING (card terminal, insurance claim).
    pub status: PaymentStatus,
    /// Generated when empty.
    pub transaction_id: Option<String>,
    /// The person confirmed an amount that is not the visit's fee.
    pub confirm_amount: bool,
}

/// An appointment's payments with what the desk needs beside them: the fee of its doctor
/// and why each refunded payment was refunded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppointmentPayments {
    pub payments: Vec<Payment>,
    /// The consultation fee of the appointment's doctor (None: no fee set).
    pub fee: Option<rust_decimal::Decimal>,
    /// (payment id, reason) of every refunded payment that has one.
    pub refund_reasons: Vec<(i32, String)>,
}

impl AppointmentPayments {
    /// The sum of the PAID payments.
    pub fn paid(&self) -> rust_decimal::Decimal {
        paid_of(&self.payments)
    }

    /// What is still due of the fee (never below zero); None without a fee.
    pub fn due(&self) -> Option<rust_decimal::Decimal> {
        due_of(self.fee, &self.payments)
    }

    pub fn refund_reason(&self, payment_id: i32) -> Option<&str> {
        refund_reason_in(&self.refund_reasons, payment_id)
    }
}

/// The sum of the PAID payments among `payments`.
pub fn paid_of(payments: &[Payment]) -> rust_decimal::Decimal {
    payments
        .iter()
        .filter(|p| p.status == PaymentStatus::Paid)
        .map(|p| p.amount)
        .sum()
}

/// What is still due of `fee` after `payments` (never below zero); None without a fee.
pub fn due_of(
    fee: Option<rust_decimal::Decimal>,
    payments: &[Payment],
) -> Option<rust_decimal::Decimal> {
    fee.map(|fee| (fee - paid_of(payments)).max(rust_decimal::Decimal::ZERO))
}

/// The reason recorded for refunded payment `payment_id`, among (id, reason) pairs.
pub fn refund_reason_in(reasons: &[(i32, String)], payment_id: i32) -> Option<&str> {
    reasons
        .iter()
        .find(|(id, _)| *id == payment_id)
        .map(|(_, r)| r.as_str())
}

/// Where the screens have always found it; the type lives with the other reports.
pub use crate::domain::report::Outstanding;

/// A generated transaction id: "TX-20261123-4F9A1C2B".
fn new_transaction_id(now: NaiveDateTime) -> String {
    let n: u32 = rand::thread_rng().r#gen();
    format!("TX-{}-{n:08X}", now.format("%Y%m%d"))
}

/// A transaction id as typed, trimmed; the payment form checks it with this too.
pub fn check_transaction_id(text: &str) -> Result<String, ServiceError> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 100 || t.chars().any(|c| c.is_control()) {
        return Err(ServiceError::Invalid(
            "A transaction id is 1 to 100 printable characters.".into(),
        ));
    }
    Ok(t.to_string())
}

impl Services {
    fn may(&self, actor: &Actor, action: Action, patient_id: Option<i32>) -> bool {
        match actor {
            Actor::System => true,
            Actor::User { role, id, .. } => match access(*role, action) {
                Access::All => true,
                Access::Own => *role == Role::Patient && patient_id == Some(*id),
                Access::Denied => false,
            },
        }
    }

    pub(super) async fn refused(&self, event: AuditEvent, err: ServiceError) -> ServiceError {
        let outcome = if matches!(err, ServiceError::Forbidden(_)) {
            Outcome::Denied
        } else {
            Outcome::Failed
        };
        if let Err(e) = self
            .audit(event.outcome(outcome).detail(err.to_string()))
            .await
        {
            tracing::warn!(error = %e, "could not audit a refusal");
        }
        err
    }

    /// Records a payment for an appointment (several are allowed: a deposit and the rest).
    pub async fn take_payment(
        &self,
        actor: &Actor,
        input: PaymentInput,
    ) -> Result<Payment, ServiceError> {
        let event = AuditEvent::by(actor, actions::PAYMENT_CREATE, "payment");
        if !self.may(actor, Action::TakePayments, None) {
            return Err(self
                .refused(
                    event,
                    ServiceError::Forbidden(Action::TakePayments.phrase().into()),
                )
                .await);
        }
        let amount = match parse_amount(&input.amount) {
            Ok(a) => a,
            Err(e) => {
                return Err(self
                    .refused(event, ServiceError::Invalid(e.to_string()))
                    .await);
            }
        };
        if !matches!(input.status, PaymentStatus::Pending | PaymentStatus::Paid) {
            return Err(self
                .refused(
                    event,
                    ServiceError::Invalid("A new payment is either pending or paid.".into()),
                )
                .await);
        }
        let now = self.clock.now_naive();
        let transaction_id = match input
            .transaction_id
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(t) => match check_transaction_id(t) {
                Ok(t) => t,
                Err(e) => return Err(self.refused(event, e).await),
            },
            None => new_transaction_id(now),
        };
        let Some(appt) = appointments::get(&self.db, input.appointment_id).await? else {
            return Err(self
                .refused(
                    event,
                    ServiceError::NotFound(format!("Appointment {}", input.appointment_id)),
                )
                .await);
        };
        let event = event.patient(appt.patient_id);
        if appt.status == AppointmentStatus::Cancelled {
            return Err(self
                .refused(
                    event,
                    ServiceError::Invalid(
                        "This appointment was cancelled; it takes no new payments.".into(),
                    ),
                )
                .await);
        }
        if !input.confirm_amount
            && let Some(question) = self.fee_question(appt.id, amount).await?
        {
            return Err(ServiceError::Unconfirmed(question));
        }
        let new = NewPayment {
            appointment_id: appt.id,
            amount,
            method: input.method,
            status: input.status,
            transaction_id: transaction_id.clone(),
        };
        let mut tx = self.db.begin().await?;
        let id =
            match payments::insert(&mut *tx, &new, &event.actor_kind, event.actor_id, now).await {
                Ok(id) => id,
                Err(e) if is_unique_violation(&e) => {
                    drop(tx);
                    let other = payments::id_by_transaction(&self.db, &transaction_id)
                        .await?
                        .unwrap_or_default();
                    return Err(self
                    .refused(
                        event,
                        ServiceError::Conflict(format!(
                            "Transaction id {transaction_id} is already used by payment {other}."
                        )),
                    )
                    .await);
                }
                Err(e) => return Err(e.into()),
            };
        let event = event.entity_id(id).detail(format!(
            "{} {} {}{}",
            amount,
            input.method.as_str(),
            input.status.as_str(),
            if input.confirm_amount {
                " (amount confirmed)"
            } else {
                ""
            }
        ));
        audit::append(&mut *tx, now, &event).await?;
        tx.commit().await?;
        Ok(Payment {
            id,
            appointment_id: appt.id,
            amount,
            method: input.method,
            status: input.status,
            transaction_id,
            created_at: now.and_utc(),
        })
    }

    /// The question to ask when `amount` is neither the fee of the appointment's doctor
    /// nor what is still due of it; None when it is, or no fee is set.
    async fn fee_question(
        &self,
        appointment_id: i32,
        amount: rust_decimal::Decimal,
    ) -> Result<Option<String>, ServiceError> {
        let Some(fee) = payments::fee_of_appointment(&self.db, appointment_id).await? else {
            return Ok(None);
        };
        let paid: rust_decimal::Decimal = payments::list_for_appointment(&self.db, appointment_id)
            .await?
            .iter()
            .filter(|p| p.status == PaymentStatus::Paid)
            .map(|p| p.amount)
            .sum();
        let due = fee - paid;
        if amount == fee || (due > rust_decimal::Decimal::ZERO && amount == due) {
            return Ok(None);
        }
        let still_due = if paid > rust_decimal::Decimal::ZERO && due != fee {
            format!(
                " ({} still due)",
                format_amount(due.max(rust_decimal::Decimal::ZERO))
            )
        } else {
            String::new()
        };
        Ok(Some(format!(
            "{} is not the {} fee of this visit{still_due}; confirm to record it anyway.",
            format_amount(amount),
            format_amount(fee)
        )))
    }

    /// Refunds a PAID payment. The reason is required (one line, up to 500 characters)
    /// and kept with the payment and in the audit row.
    pub async fn refund_payment(
        &self,
        actor: &Actor,
        payment_id: i32,
        reason: &str,
    ) -> Result<Payment, ServiceError> {
        let event = AuditEvent::by(actor, actions::PAYMENT_STATUS, "payment").entity_id(payment_id);
        if !self.may(actor, Action::TakePayments, None) {
            return Err(self
                .refused(
                    event,
                    ServiceError::Forbidden(Action::TakePayments.phrase().into()),
                )
                .await);
        }
        let reason = match crate::domain::validation::required_text("Reason", reason, 500) {
            Ok(r) => r,
            Err(_) if reason.trim().is_empty() => {
                return Err(self
                    .refused(
                        event,
                        ServiceError::Invalid("Give the reason for the refund.".into()),
                    )
                    .await);
            }
            Err(e) => return Err(self.refused(event, e.into()).await),
        };
        let now = self.clock.now_naive();
        let (mut tx, mut payment) = self.lock_payment(payment_id, &event).await?;
        if !payment.status.can_become(PaymentStatus::Refunded) {
            drop(tx);
            return Err(self
                .refused(
                    event,
                    ServiceError::Invalid(format!(
                        "Only a paid payment can be refunded; this one is {}.",
                        payment.status.as_str().to_lowercase()
                    )),
                )
                .await);
        }
        payments::refund(
            &mut *tx,
            payment_id,
            &reason,
            &event.actor_kind,
            event.actor_id,
            now,
        )
        .await?;
        let patient = appointments::get(&mut *tx, payment.appointment_id)
            .await?
            .map(|a| a.patient_id);
        let event = match patient {
            Some(p) => event.patient(p),
            None => event,
        };
        audit::append(
            &mut *tx,
            now,
            &event.detail(format!(
                "PAID -> REFUNDED {}; reason: {reason}",
                format_amount(payment.amount)
            )),
        )
        .await?;
        tx.commit().await?;
        payment.status = PaymentStatus::Refunded;
        Ok(payment)
    }

    /// Why payment `payment_id` was refunded (front desk, admin), if it was.
    pub async fn refund_reason(
        &self,
        actor: &Actor,
        payment_id: i32,
    ) -> Result<Option<String>, ServiceError> {
        if !self.may(actor, Action::TakePayments, None) {
            return Err(ServiceError::Forbidden(
                Action::TakePayments.phrase().into(),
            ));
        }
        Ok(payments::refund_reason(&self.db, payment_id).await?)
    }

    /// Payment `payment_id`, locked in a new transaction for a change of its status; a
    /// payment that does not exist is refused (and audited as `event`).
    async fn lock_payment(
        &self,
        payment_id: i32,
        event: &AuditEvent,
    ) -> Result<(sqlx::Transaction<'static, sqlx::MySql>, Payment), ServiceError> {
        let mut tx = self.db.begin().await?;
        match payments::lock(&mut *tx, payment_id).await? {
            Some(payment) => Ok((tx, payment)),
            None => {
                drop(tx);
                Err(self
                    .refused(
                        event.clone(),
                        ServiceError::NotFound(format!("Payment {payment_id}")),
                    )
                    .await)
            }
        }
    }

    /// Moves a payment to a new status, if the transition is allowed.
    pub async fn change_payment_status(
        &self,
        actor: &Actor,
        payment_id: i32,
        to: PaymentStatus,
    ) -> Result<Payment, ServiceError> {
        let event = AuditEvent::by(actor, actions::PAYMENT_STATUS, "payment")
            .entity_id(payment_id)
            .detail(to.as_str());
        if !self.may(actor, Action::TakePayments, None) {
            return Err(self
                .refused(
                    event,
                    ServiceError::Forbidden(Action::TakePayments.phrase().into()),
                )
                .await);
        }
        let now = self.clock.now_naive();
        let (mut tx, mut payment) = self.lock_payment(payment_id, &event).await?;
        if to == PaymentStatus::Refunded && payment.status.can_become(to) {
            drop(tx);
            return Err(self
                .refused(
                    event,
                    ServiceError::Invalid(
                        "A refund needs a reason: refund the payment with one.".into(),
                    ),
                )
                .await);
        }
        if !payment.status.can_become(to) {
            drop(tx);
            return Err(self
                .refused(
                    event,
                    ServiceError::Invalid(format!(
                        "A {} payment cannot become {} (pending -> paid or failed; paid -> refunded).",
                        payment.status.as_str().to_lowercase(),
                        to.as_str().to_lowercase()
                    )),
                )
                .await);
        }
        payments::set_status(&mut *tx, payment_id, to).await?;
        let patient = appointments::get(&mut *tx, payment.appointment_id)
            .await?
            .map(|a| a.patient_id);
        let event = match patient {
            Some(p) => event.patient(p),
            None => event,
        };
        audit::append(
            &mut *tx,
            now,
            &event.detail(format!("{} -> {}", payment.status.as_str(), to.as_str())),
        )
        .await?;
        tx.commit().await?;
        payment.status = to;
        Ok(payment)
    }

    /// The payments of an appointment (front desk, admin; a patient: their own).
    pub async fn payments_for_appointment(
        &self,
        actor: &Actor,
        appointment_id: i32,
    ) -> Result<Vec<Payment>, ServiceError> {
        let event =
            AuditEvent::by(actor, actions::PAYMENT_READ, "appointment").entity_id(appointment_id);
        let Some(appt) = appointments::get(&self.db, appointment_id).await? else {
            return Err(ServiceError::NotFound(format!(
                "Appointment {appointment_id}"
            )));
        };
        let event = event.patient(appt.patient_id);
        if !self.may(actor, Action::ReadPayments, Some(appt.patient_id)) {
            return Err(self
                .refused(
                    event,
                    ServiceError::Forbidden(Action::ReadPayments.phrase().into()),
                )
                .await);
        }
        let rows = payments::list_for_appointment(&self.db, appointment_id).await?;
        self.audit(event).await?;
        Ok(rows)
    }

    /// The payments of an appointment with its fee and the refund reasons (front desk,
    /// admin; a patient: their own, without the reasons). Audited as one read.
    pub async fn appointment_payments(
        &self,
        actor: &Actor,
        appointment_id: i32,
    ) -> Result<AppointmentPayments, ServiceError> {
        let payments = self.payments_for_appointment(actor, appointment_id).await?;
        let fee = payments::fee_of_appointment(&self.db, appointment_id).await?;
        let refund_reasons = if self.may(actor, Action::TakePayments, None) {
            payments::refund_reasons(&self.db, appointment_id).await?
        } else {
            Vec::new()
        };
        Ok(AppointmentPayments {
            payments,
            fee,
            refund_reasons,
        })
    }

    /// A printable receipt for one payment.
    pub async fn receipt(&self, actor: &Actor, payment_id: i32) -> Result<Receipt, ServiceError> {
        let event =
            AuditEvent::by(actor, actions::PAYMENT_RECEIPT, "payment").entity_id(payment_id);
        let Some(row) = payments::row(&self.db, payment_id).await? else {
            return Err(ServiceError::NotFound(format!("Payment {payment_id}")));
        };
        let event = event.patient(row.patient_id);
        if !self.may(actor, Action::ReadPayments, Some(row.patient_id)) {
            return Err(self
                .refused(
                    event,
                    ServiceError::Forbidden(Action::ReadPayments.phrase().into()),
                )
                .await);
        }
        self.audit(event).await?;
        let tz = self.config.time_zone;
        Ok(Receipt {
            clinic_name: self.config.clinic_name.clone(),
            location: row.location_name,
            payment_id,
            transaction_id: row.payment.transaction_id,
            paid_at_local: row
                .payment
                .created_at
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            patient: row.patient_name,
            doctor: row.doctor_name,
            specialization: row.specialization,
            appointment_local: local_label(tz, row.appointment_start),
            appointment_id: row.payment.appointment_id,
            amount: row.payment.amount,
            method: row.payment.method,
            status: row.payment.status,
        })
    }
}
