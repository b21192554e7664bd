//! Reports and printable documents as pure functions: CSV, revenue summaries, receipts.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use super::appointment::AppointmentView;
use super::money::{format_amount, plain_amount};
use super::payment::{PaymentMethod, PaymentStatus};

/// RFC 4180 CSV with CRLF line ends. Cells that a spreadsheet would run as a formula
/// (starting with = + - @ or a control character) are prefixed with a quote.
pub fn csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut first = true;
        for cell in cells {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&csv_cell(cell));
        }
        out.push_str("\r\n");
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

fn csv_cell(cell: &str) -> String {
    let guarded = match cell.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => format!("'{cell}"),
        Some('-') if cell.parse::<f64>().is_err() => format!("'{cell}"),
        _ => cell.to_string(),
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A UTC instant as the clinic's wall clock shows it in a CSV cell: "2026-11-23 10:00".
fn local_cell(tz: Tz, utc: NaiveDateTime) -> String {
    utc.and_utc()
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A day's schedule, grouped by doctor, as CSV: one row per appointment.
pub fn schedule_csv(tz: Tz, schedule: &[(String, Vec<AppointmentView>)]) -> String {
    let rows: Vec<Vec<String>> = schedule
        .iter()
        .flat_map(|(doctor, list)| {
            list.iter().map(move |v| {
                vec![
                    doctor.clone(),
                    local_cell(tz, v.appointment.start_utc),
                    v.appointment.duration_minutes.to_string(),
                    v.patient_name.clone(),
                    v.appointment.status.as_str().to_string(),
                    v.location_name.clone().unwrap_or_default(),
                ]
            })
        })
        .collect();
    csv(
        &[
            "doctor",
            "start_local",
            "minutes",
            "patient",
            "status",
            "location",
        ],
        &rows,
    )
}

/// A completed appointment nobody has paid for yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Outstanding {
    pub appointment_id: i32,
    pub start_utc: NaiveDateTime,
    pub patient: String,
    pub doctor: String,
    pub pending: Decimal,
}

/// Outstanding appointments as CSV.
pub fn outstanding_csv(tz: Tz, rows: &[Outstanding]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|o| {
            vec![
                o.appointment_id.to_string(),
                local_cell(tz, o.start_utc),
                o.patient.clone(),
                o.doctor.clone(),
                plain_amount(o.pending),
            ]
        })
        .collect();
    csv(
        &[
            "appointment_id",
            "start_local",
            "patient",
            "doctor",
            "pending",
        ],
        &rows,
    )
}

/// One payment as a report sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportPayment {
    pub local_date: NaiveDate,
    pub amount: Decimal,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub doctor: String,
}

/// Revenue over a date range: PAID payments, summed by day, method and doctor.
/// Refunded payments are reported apart and are not revenue.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RevenueReport {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub by_day: BTreeMap<NaiveDate, Decimal>,
    pub by_method: BTreeMap<&'static str, Decimal>,
    pub by_doctor: BTreeMap<String, Decimal>,
    pub total: Decimal,
    pub paid_count: usize,
    pub refunded: Decimal,
    pub pending: Decimal,
}

impl RevenueReport {
    pub fn from_payments(
        from: NaiveDate,
        to: NaiveDate,
        payments: &[ReportPayment],
    ) -> RevenueReport {
        let mut r = RevenueReport {
            from: Some(from),
            to: Some(to),
            ..RevenueReport::default()
        };
        for p in payments {
            match p.status {
                PaymentStatus::Paid => {
                    *r.by_day.entry(p.local_date).or_default() += p.amount;
                    *r.by_method.entry(p.method.as_str()).or_default() += p.amount;
                    *r.by_doctor.entry(p.doctor.clone()).or_default() += p.amount;
                    r.total += p.amount;
                    r.paid_count += 1;
                }
                PaymentStatus::Refunded => r.refunded += p.amount,
                PaymentStatus::Pending => r.pending += p.amount,
                PaymentStatus::Failed => {}
            }
        }
        r
    }

    /// "kind,key,amount" rows: every day, method and doctor, then the totals.
    pub fn to_csv(&self) -> String {
        let mut rows = Vec::new();
        for (day, amount) in &self.by_day {
            rows.push(vec!["day".into(), day.to_string(), plain_amount(*amount)]);
        }
        for (method, amount) in &self.by_method {
            rows.push(vec![
                "method".into(),
                (*method).to_string(),
                plain_amount(*amount),
            ]);
        }
        for (doctor, amount) in &self.by_doctor {
            rows.push(vec!["doctor".into(), doctor.clone(), plain_amount(*amount)]);
        }
        rows.push(vec![
            "total".into(),
            "paid".into(),
            plain_amount(self.total),
        ]);
        rows.push(vec![
            "total".into(),
            "refunded".into(),
            plain_amount(self.refunded),
        ]);
        rows.push(vec![
            "total".into(),
            "pending".into(),
            plain_amount(self.pending),
        ]);
        csv(&["kind", "key", "amount"], &rows)
    }
}

/// What a receipt prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub clinic_name: String,
    pub location: Option<String>,
    pub payment_id: i32,
    pub transaction_id: String,
    pub paid_at_local: String,
    pub patient: String,
    pub doctor: String,
    pub specialization: String,
    pub appointment_local: String,
    pub appointment_id: i32,
    pub amount: Decimal,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
}

impl Receipt {
    pub fn to_markdown(&self) -> String {
        let method = match self.method {
            PaymentMethod::Cash => "Cash",
            PaymentMethod::Card => "Card",
            PaymentMethod::Insurance => "Insurance",
            PaymentMethod::BankTransfer => "Bank transfer",
            PaymentMethod::Other => "Other",
        };
        let status = match self.status {
            PaymentStatus::Pending => "Pending",
            PaymentStatus::Paid => "Paid",
            PaymentStatus::Failed => "Failed",
            PaymentStatus::Refunded => "Refunded",
        };
        let mut out = format!("# {} — Receipt\n\n", self.clinic_name);
        if let Some(loc) = &self.location {
            out.push_str(&format!("{loc}\n\n"));
        }
        out.push_str("| | |\n|---|---|\n");
        for (k, v) in [
            ("Receipt", format!("#{}", self.payment_id)),
            ("Transaction id", self.transaction_id.clone()),
            ("Date", self.paid_at_local.clone()),
            ("Patient", self.patient.clone()),
            (
                "Doctor",
                format!("{} ({})", self.doctor, self.specialization),
            ),
            (
                "Appointment",
                format!("#{} on {}", self.appointment_id, self.appointment_local),
            ),
            ("Method", method.to_string()),
            ("Status", status.to_string()),
            ("Amount", format_amount(self.amount)),
        ] {
            out.push_str(&format!("| {k} | {} |\n", v.replace('|', "\\|")));
        }
        out.push_str("\nThank you.\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_guards() {
        let text = csv(
            &["name", "note"],
            &[
                vec!["Ana, María".into(), "said \"hi\"".into()],
                vec!["=HYPERLINK(1)".into(), "line\nbreak".into()],
                vec!["-12.50".into(), "@x".into()],
            ],
        );
        assert_eq!(
            text,
            "name,note\r\n\"Ana, María\",\"said \"\"hi\"\"\"\r\n'=HYPERLINK(1),\"line\nbreak\"\r\n-12.50,'@x\r\n"
        );
    }

    #[test]
    fn revenue_counts_only_paid_and_sums_match() {
        let d1 = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
        let d2 = NaiveDate::from_ymd_opt(2026, 11, 3).expect("date");
        let p = |day, cents, method, status, doctor: &str| ReportPayment {
            local_date: day,
            amount: Decimal::new(cents, 2),
            method,
            status,
            doctor: doctor.into(),
        };
        let r = RevenueReport::from_payments(
            d1,
            d2,
            &[
                p(d1, 6000, PaymentMethod::Card, PaymentStatus::Paid, "A"),
                p(d1, 4000, PaymentMethod::Cash, PaymentStatus::Paid, "B"),
                p(d2, 1050, PaymentMethod::Card, PaymentStatus::Paid, "A"),
                p(d2, 9999, PaymentMethod::Card, PaymentStatus::Refunded, "A"),
                p(d2, 500, PaymentMethod::Card, PaymentStatus::Failed, "A"),
                p(
                    d2,
                    700,
                    PaymentMethod::Insurance,
                    PaymentStatus::Pending,
                    "B",
                ),
            ],
        );
        assert_eq!(r.total, Decimal::new(11050, 2));
        assert_eq!(r.by_day.values().copied().sum::<Decimal>(), r.total);
        assert_eq!(r.by_method.values().copied().sum::<Decimal>(), r.total);
        assert_eq!(r.by_doctor.get("A"), Some(&Decimal::new(7050, 2)));
        assert_eq!(
            (r.refunded, r.pending, r.paid_count),
            (Decimal::new(9999, 2), Decimal::new(700, 2), 3)
        );
        let csv = r.to_csv();
        assert!(
            csv.starts_with("kind,key,amount\r\nday,2026-11-02,100.00\r\n"),
            "{csv}"
        );
        assert!(csv.contains("total,paid,110.50\r\n"));
    }
}
