//! The clinic's reports (front desk and admins): a day's schedule, revenue and outstanding
//! appointments, read on screen or exported as CSV; and the CSV export of the audit trail
//! (admins). Every read and every export is audited; an export is recorded as such, with
//! what it covered and how many rows it held.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::audit::actions;
use super::{ServiceError, Services};
use crate::domain::appointment::{AppointmentView, ListFilter};
use crate::domain::audit::{AuditEvent, AuditFilter, Outcome};
use crate::domain::availability::local_to_utc;
use crate::domain::permission::{Access, Action, access};
use crate::domain::report::{
    Outstanding, ReportPayment, RevenueReport, outstanding_csv, schedule_csv,
};
use crate::domain::{Actor, validation};
use crate::store::mysql::audit as audit_store;
use crate::store::mysql::booking as booking_store;
use crate::store::mysql::payments;

/// A report to export, with what it covers (local dates, both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportCsv {
    Schedule { day: NaiveDate },
    Revenue { from: NaiveDate, to: NaiveDate },
    Outstanding { from: NaiveDate, to: NaiveDate },
}

impl ReportCsv {
    /// "schedule 2026-11-23", "revenue 2026-11-01..2026-11-23": what the audit row says.
    fn label(self) -> String {
        match self {
            ReportCsv::Schedule { day } => format!("schedule {day}"),
            ReportCsv::Revenue { from, to } => format!("revenue {from}..{to}"),
            ReportCsv::Outstanding { from, to } => format!("outstanding {from}..{to}"),
        }
    }

    /// "schedule-2026-11-23.csv", "revenue-2026-11-01-2026-11-23.csv".
    fn file_name(self) -> String {
        match self {
            ReportCsv::Schedule { day } => format!("schedule-{day}.csv"),
            ReportCsv::Revenue { from, to } => format!("revenue-{from}-{to}.csv"),
            ReportCsv::Outstanding { from, to } => format!("outstanding-{from}-{to}.csv"),
        }
    }
}

/// A CSV document ready to be written: where the caller puts it is its own business.
#[derive(Clone, PartialEq)]
pub struct CsvFile {
    /// A plain file name (no folder): "outstanding-2026-11-01-2026-11-23.csv".
    pub file_name: String,
    /// RFC 4180 text with CRLF line ends.
    pub contents: String,
    /// Data rows, the header not counted.
    pub rows: usize,
}

/// No report contents in logs: the name and the size only.
impl std::fmt::Debug for CsvFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvFile")
            .field("file_name", &self.file_name)
            .field("rows", &self.rows)
            .field("bytes", &self.contents.len())
            .finish()
    }
}

/// "1 row", "12 rows".
fn rows_label(n: usize) -> String {
    if n == 1 {
        "1 row".into()
    } else {
        format!("{n} rows")
    }
}

impl Services {
    /// UTC bounds of the local dates `from..=to`.
    fn local_range(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(NaiveDateTime, NaiveDateTime), ServiceError> {
        validation::date_in_range(from)?;
        validation::date_in_range(to)?;
        if to < from {
            return Err(ServiceError::Invalid(
                "The end date is before the start date.".into(),
            ));
        }
        if (to - from).num_days() > 366 {
            return Err(ServiceError::Invalid(
                "A report covers at most a year.".into(),
            ));
        }
        let tz = self.config.time_zone;
        let start = local_to_utc(tz, from.and_hms_opt(0, 0, 0).unwrap_or_default());
        let end = local_to_utc(
            tz,
            (to + Duration::days(1))
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default(),
        );
        match (start, end) {
            (Some(s), Some(e)) => Ok((s, e)),
            _ => Err(ServiceError::Invalid(
                "Those dates cannot be placed in the clinic's time zone.".into(),
            )),
        }
    }

    fn require_reports(&self, actor: &Actor) -> Result<(), ServiceError> {
        let ok = match actor {
            Actor::System => true,
            Actor::User { role, .. } => access(*role, Action::ReadPayments) == Access::All,
        };
        if ok {
            Ok(())
        } else {
            Err(ServiceError::Forbidden("read the clinic's reports".into()))
        }
    }

    /// Refuses (audited) anyone who may not read the clinic's reports.
    async fn check_reports(&self, actor: &Actor, event: &AuditEvent) -> Result<(), ServiceError> {
        match self.require_reports(actor) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.refused(event.clone(), e).await),
        }
    }

    /// Revenue by day, method and doctor for the local dates `from..=to`.
    pub async fn revenue_report(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<RevenueReport, ServiceError> {
        let event = AuditEvent::by(actor, actions::REPORT_READ, "report")
            .detail(format!("revenue {from}..{to}"));
        self.check_reports(actor, &event).await?;
        let report = self.read_revenue(from, to).await?;
        self.audit(event).await?;
        Ok(report)
    }

    async fn read_revenue(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<RevenueReport, ServiceError> {
        let (start, end) = self.local_range(from, to)?;
        let tz = self.config.time_zone;
        let rows = payments::rows_created_between(&self.db, start, end).await?;
        let items: Vec<ReportPayment> = rows
            .into_iter()
            .map(|r| ReportPayment {
                local_date: r.payment.created_at.with_timezone(&tz).date_naive(),
                amount: r.payment.amount,
                method: r.payment.method,
                status: r.payment.status,
                doctor: r.doctor_name,
            })
            .collect();
        Ok(RevenueReport::from_payments(from, to, &items))
    }

    /// Completed appointments in `from..=to` (local dates) with no PAID payment.
    pub async fn outstanding(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Outstanding>, ServiceError> {
        let event = AuditEvent::by(actor, actions::REPORT_READ, "report")
            .detail(format!("outstanding {from}..{to}"));
        self.check_reports(actor, &event).await?;
        let rows = self.read_outstanding(from, to).await?;
        self.audit(event).await?;
        Ok(rows)
    }

    async fn read_outstanding(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Outstanding>, ServiceError> {
        let (start, end) = self.local_range(from, to)?;
        let rows = payments::unpaid_completed(&self.db, start, end).await?;
        Ok(rows
            .into_iter()
            .map(
                |(appointment_id, start_utc, patient, doctor, pending)| Outstanding {
                    appointment_id,
                    start_utc,
                    patient,
                    doctor,
                    pending,
                },
            )
            .collect())
    }

    /// A day's schedule (local date), grouped by doctor: (doctor name, appointments).
    pub async fn day_schedule(
        &self,
        actor: &Actor,
        date: NaiveDate,
    ) -> Result<Vec<(String, Vec<AppointmentView>)>, ServiceError> {
        let event = AuditEvent::by(actor, actions::REPORT_READ, "report")
            .detail(format!("schedule {date}"));
        self.check_reports(actor, &event).await?;
        let schedule = self.read_schedule(date).await?;
        self.audit(event).await?;
        Ok(schedule)
    }

    async fn read_schedule(
        &self,
        date: NaiveDate,
    ) -> Result<Vec<(String, Vec<AppointmentView>)>, ServiceError> {
        let (start, end) = self.local_range(date, date)?;
        let mut rows = booking_store::list_views(
            &self.db,
            &ListFilter {
                from: Some(start),
                to: Some(end),
                include_cancelled: false,
                ..ListFilter::default()
            },
        )
        .await?;
        rows.sort_by(|a, b| {
            a.doctor_name
                .cmp(&b.doctor_name)
                .then(a.appointment.start_utc.cmp(&b.appointment.start_utc))
        });
        let mut out: Vec<(String, Vec<AppointmentView>)> = Vec::new();
        for v in rows {
            match out.last_mut() {
                Some((name, list)) if *name == v.doctor_name => list.push(v),
                _ => out.push((v.doctor_name.clone(), vec![v])),
            }
        }
        Ok(out)
    }

    /// A report as a CSV file, in the format the reports screen has always exported
    /// (times in the clinic's zone). Front desk and admins; the export is audited as
    /// `REPORT_EXPORT` with what it covered and its row count, a refusal as denied.
    pub async fn report_csv(
        &self,
        actor: &Actor,
        report: ReportCsv,
    ) -> Result<CsvFile, ServiceError> {
        let event = AuditEvent::by(actor, actions::REPORT_EXPORT, "report").detail(report.label());
        self.check_reports(actor, &event).await?;
        let tz = self.config.time_zone;
        let (contents, rows) = match report {
            ReportCsv::Schedule { day } => {
                let schedule = self.read_schedule(day).await?;
                let rows = schedule.iter().map(|(_, list)| list.len()).sum();
                (schedule_csv(tz, &schedule), rows)
            }
            ReportCsv::Revenue { from, to } => {
                let revenue = self.read_revenue(from, to).await?;
                let rows =
                    revenue.by_day.len() + revenue.by_method.len() + revenue.by_doctor.len() + 3;
                (revenue.to_csv(), rows)
            }
            ReportCsv::Outstanding { from, to } => {
                let list = self.read_outstanding(from, to).await?;
                (outstanding_csv(tz, &list), list.len())
            }
        };
        let file = CsvFile {
            file_name: report.file_name(),
            contents,
            rows,
        };
        self.audit(event.detail(format!("{}: {}", report.label(), rows_label(file.rows))))
            .await?;
        Ok(file)
    }

    /// The audit entries matching `filter` (newest first, at most `filter.limit`) as a
    /// CSV file named after the clinic's local time ("audit-20261123-101500.csv").
    /// Admins and the system operator only; the export is audited as `AUDIT_EXPORT`.
    pub async fn audit_csv(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
    ) -> Result<CsvFile, ServiceError> {
        let event = AuditEvent::by(actor, actions::AUDIT_EXPORT, "audit_log");
        let ok = match actor {
            Actor::System => true,
            Actor::User { role, .. } => access(*role, Action::ReadAudit) == Access::All,
        };
        if !ok {
            self.audit(event.outcome(Outcome::Denied).detail(format!("{filter:?}")))
                .await?;
            return Err(ServiceError::Forbidden(Action::ReadAudit.phrase().into()));
        }
        for at in [filter.from, filter.to].into_iter().flatten() {
            validation::datetime_in_range(at)?;
        }
        let entries = audit_store::search(&self.db, filter).await?;
        let local = self.clock.now().with_timezone(&self.config.time_zone);
        let file = CsvFile {
            file_name: format!("audit-{}.csv", local.format("%Y%m%d-%H%M%S")),
            contents: super::admin::audit_csv(&entries),
            rows: entries.len(),
        };
        self.audit(event.detail(format!("{}; {filter:?}", rows_label(file.rows))))
            .await?;
        Ok(file)
    }
}
