//! PDF exports of prescriptions and receipts: permission checks and one audit row per
//! export; the drawing is in [`super::pdf`].

use sqlx::Row;

use super::audit::actions;
use super::booking::local_label;
use super::pdf::{self, Letterhead, Paper, PrescriptionSheet};
use super::{ServiceError, Services};
use crate::domain::Actor;
use crate::domain::audit::AuditEvent;
use crate::store::mongo::prescriptions as docs;
use crate::store::mysql::{patients, people};

impl Services {
    /// The letterhead of an appointment's location (the clinic's name when it has none).
    async fn letterhead_for(&self, appointment_id: i32) -> Result<Letterhead, ServiceError> {
        let row = sqlx::query(
            "SELECT l.name, l.address, l.phone_number FROM appointments a
               LEFT JOIN clinic_locations l ON l.id = a.location_id WHERE a.id = ?",
        )
        .bind(appointment_id)
        .fetch_optional(&self.db)
        .await?;
        let clinic = self.config.clinic_name.clone();
        Ok(match row {
            Some(r) => {
                let name: Option<String> = r.try_get(0)?;
                let address: Option<String> = r.try_get(1)?;
                let phone: Option<String> = r.try_get(2)?;
                match name {
                    Some(n) => Letterhead {
                        name: if n.contains(&clinic) {
                            n
                        } else {
                            format!("{clinic} — {n}")
                        },
                        address: address.unwrap_or_default(),
                        phone,
                    },
                    None => Letterhead {
                        name: clinic,
                        address: String::new(),
                        phone: None,
                    },
                }
            }
            None => Letterhead {
                name: clinic,
                address: String::new(),
                phone: None,
            },
        })
    }

    /// The stored prescription of an appointment as a printable PDF. Who may read the
    /// patient's prescriptions may export it; audited (PRESCRIPTION_PDF) either way.
    pub async fn prescription_pdf(
        &self,
        actor: &Actor,
        appointment_id: i32,
        paper: Paper,
    ) -> Result<Vec<u8>, ServiceError> {
        let appt = self.appointment(appointment_id).await?;
        let event = AuditEvent::by(actor, actions::PRESCRIPTION_PDF, "prescription")
            .entity_id(appointment_id)
            .patient(appt.patient_id);
        self.check_read(actor, appt.patient_id, &event).await?;
        let Some(p) = docs::find_by_appointment(self.mongo().await?, appointment_id).await? else {
            return Err(self
                .refuse(
                    event,
                    ServiceError::NotFound("A saved prescription for this appointment".into()),
                )
                .await);
        };
        let patient = patients::get(&self.db, appt.patient_id).await?;
        let doctor = people::get_doctor(&self.db, appt.doctor_id).await?;
        let tz = self.config.time_zone;
        let sheet = PrescriptionSheet {
            letterhead: self.letterhead_for(appointment_id).await?,
            doctor_name: doctor.as_ref().map_or_else(
                || format!("doctor {}", appt.doctor_id),
                |d| d.full_name.clone(),
            ),
            specialization: doctor.map(|d| d.specialization).unwrap_or_default(),
            patient_name: patient.as_ref().map_or_else(
                || format!("patient {}", appt.patient_id),
                |p| p.full_name.clone(),
            ),
            patient_date_of_birth: patient.as_ref().and_then(|p| p.date_of_birth),
            appointment_label: local_label(tz, appt.start_utc),
            issued_label: p
                .date_issued
                .with_timezone(&tz)
                .format("%-d %B %Y")
                .to_string(),
            version: p.version,
            medications: p.medications.clone(),
            recommendations: p.notes.recommendations.clone(),
        };
        let bytes = pdf::prescription_pdf(&sheet, paper).map_err(ServiceError::Internal)?;
        self.audit(event.detail(format!("version {} as PDF ({paper:?})", p.version)))
            .await?;
        Ok(bytes)
    }

    /// A payment's receipt as a PDF (A4). Who may read the payment may export it;
    /// audited (RECEIPT_PDF) on top of the receipt read.
    pub async fn receipt_pdf(
        &self,
        actor: &Actor,
        payment_id: i32,
    ) -> Result<Vec<u8>, ServiceError> {
        let receipt = self.receipt(actor, payment_id).await?;
        let head = self.letterhead_for(receipt.appointment_id).await?;
        let bytes = pdf::receipt_pdf(&head, &receipt, Paper::A4).map_err(ServiceError::Internal)?;
        let event = AuditEvent::by(actor, actions::RECEIPT_PDF, "payment").entity_id(payment_id);
        let patient =
            sqlx::query_scalar::<_, i32>("SELECT patient_id FROM appointments WHERE id = ?")
                .bind(receipt.appointment_id)
                .fetch_optional(&self.db)
                .await?;
        let event = match patient {
            Some(p) => event.patient(p),
            None => event,
        };
        self.audit(event.detail("receipt as PDF")).await?;
        Ok(bytes)
    }
}
