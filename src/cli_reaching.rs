//! `clinic reminders …`, `clinic prescriptions export …`, `clinic payments receipt …`:
//! emailing patients and printable PDFs, through the services, as the system operator.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};

use crate::domain::Actor;
use crate::domain::text::escape_control;
use crate::service::Services;
use crate::service::pdf::Paper;

#[derive(Debug, Subcommand)]
pub enum RemindersCommand {
    /// Queue the reminders now due and send every queued reminder and notice, once.
    /// Per-message failures are reported and retried next run (exit code 0); only a run
    /// that cannot start (no mail settings, database down) exits non-zero.
    Send {
        /// Say what would be sent; queue, claim and send nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PrescriptionsCommand {
    /// Write an appointment's stored prescription as a printable PDF.
    Export {
        #[arg(long)]
        appointment: i32,
        /// Where to write the PDF.
        #[arg(long)]
        pdf: PathBuf,
        #[arg(long, value_enum, default_value_t = PaperArg::A4)]
        paper: PaperArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// Write a payment's receipt as a PDF.
    Receipt {
        id: i32,
        /// Where to write the PDF.
        #[arg(long)]
        pdf: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PaperArg {
    A4,
    Letter,
}

impl From<PaperArg> for Paper {
    fn from(p: PaperArg) -> Paper {
        match p {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        }
    }
}

pub async fn reminders(services: &Services, cmd: RemindersCommand) -> Result<(), String> {
    let RemindersCommand::Send { dry_run, json } = cmd;
    let report = services
        .send_reminders(&Actor::System, dry_run)
        .await
        .map_err(|e| e.to_string())?;
    if json {
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    for m in &report.messages {
        println!(
            "{:<10} {:<12} appointment {} notification {} {} {}",
            m.outcome,
            m.kind,
            m.appointment_id,
            m.notification_id,
            escape_control(&m.recipient),
            escape_control(&m.detail)
        );
    }
    if report.dry_run {
        println!(
            "Dry run: {} reminders would be queued; nothing was sent.",
            report.queued
        );
    } else {
        println!(
            "{} queued, {} sent, {} failed (retried next run), {} skipped.",
            report.queued, report.sent, report.failed, report.skipped
        );
    }
    Ok(())
}

fn write_pdf(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

pub async fn prescriptions(services: &Services, cmd: PrescriptionsCommand) -> Result<(), String> {
    let PrescriptionsCommand::Export {
        appointment,
        pdf,
        paper,
    } = cmd;
    let bytes = services
        .prescription_pdf(&Actor::System, appointment, paper.into())
        .await
        .map_err(|e| e.to_string())?;
    write_pdf(&pdf, &bytes)?;
    println!(
        "Prescription of appointment {appointment} written to {}.",
        pdf.display()
    );
    Ok(())
}

pub async fn payments(services: &Services, cmd: PaymentsCommand) -> Result<(), String> {
    let PaymentsCommand::Receipt { id, pdf } = cmd;
    let bytes = services
        .receipt_pdf(&Actor::System, id)
        .await
        .map_err(|e| e.to_string())?;
    write_pdf(&pdf, &bytes)?;
    println!("Receipt {id} written to {}.", pdf.display());
    Ok(())
}
