//! A prescription as the seed's example document describes it. The MongoDB mapping
//! (field names, BSON dates) lives in `store::mongo`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::text;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Medication {
    pub name: String,
    pub dosage: String,
    pub frequency: String,
    pub duration_days: Option<u32>,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ClinicalNotes {
    pub chief_complaint: String,
    pub diagnosis: String,
    pub recommendations: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Attachment {
    /// e.g. "pdf", "png", "link".
    pub kind: String,
    pub file_name: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prescription {
    /// The document `_id` as hex, once stored.
    pub id: Option<String>,
    pub appointment_id: i32,
    pub doctor_id: i32,
    pub patient_id: i32,
    pub date_issued: DateTime<Utc>,
    pub medications: Vec<Medication>,
    pub notes: ClinicalNotes,
    pub tags: Vec<String>,
    pub attachments: Vec<Attachment>,
    pub created_at: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    pub version: i64,
}

/// The most medications one prescription may list.
pub const MAX_MEDICATIONS: usize = 200;
/// The most tags one prescription may carry.
pub const MAX_TAGS: usize = 20;
/// Longest tag, in characters.
pub const MAX_TAG_LEN: usize = 40;

impl Prescription {
    /// An empty prescription for an appointment, not yet stored (version 0).
    pub fn new_draft(
        appointment_id: i32,
        doctor_id: i32,
        patient_id: i32,
        now: DateTime<Utc>,
    ) -> Prescription {
        Prescription {
            id: None,
            appointment_id,
            doctor_id,
            patient_id,
            date_issued: now,
            medications: Vec::new(),
            notes: ClinicalNotes::default(),
            tags: Vec::new(),
            attachments: Vec::new(),
            created_at: now,
            last_updated: now,
            version: 0,
        }
    }

    /// Whether the clinical content (what a doctor edits) is the same; ids, versions
    /// and timestamps are ignored.
    pub fn same_content(&self, other: &Prescription) -> bool {
        self.medications == other.medications
            && self.notes == other.notes
            && self.tags == other.tags
            && self.attachments == other.attachments
    }

    /// A short line for lists: "Amoxicillin, Ibuprofen +1 · pharyngitis".
    pub fn summary(&self) -> PrescriptionSummary {
        PrescriptionSummary {
            appointment_id: self.appointment_id,
            doctor_id: self.doctor_id,
            patient_id: self.patient_id,
            date_issued: self.date_issued,
            version: self.version,
            medications: self.medications.iter().map(|m| m.name.clone()).collect(),
            diagnosis: self.notes.diagnosis.clone(),
            tags: self.tags.clone(),
        }
    }
}

/// What a timeline shows of a prescription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrescriptionSummary {
    pub appointment_id: i32,
    pub doctor_id: i32,
    pub patient_id: i32,
    pub date_issued: DateTime<Utc>,
    pub version: i64,
    pub medications: Vec<String>,
    pub diagnosis: String,
    pub tags: Vec<String>,
}

impl PrescriptionSummary {
    /// "Amoxicillin, Ibuprofen (+1 more)".
    pub fn medications_line(&self, shown: usize) -> String {
        if self.medications.is_empty() {
            return "no medication".to_string();
        }
        let mut line = self
            .medications
            .iter()
            .take(shown)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if self.medications.len() > shown {
            line.push_str(&format!(" (+{} more)", self.medications.len() - shown));
        }
        line
    }
}

/// A tag as stored: trimmed, lower case, inner spaces as dashes ("Follow up" ->
/// "follow-up"). `None` when nothing is left.
pub fn normalise_tag(raw: &str) -> Option<String> {
    let words: Vec<String> = raw.split_whitespace().map(|w| w.to_lowercase()).collect();
    let tag = words.join("-");
    (!tag.is_empty()).then_some(tag)
}

/// Why a tag is refused, as a sentence; `None` when it is fine.
pub fn tag_problem(tag: &str) -> Option<String> {
    if tag.is_empty() {
        return Some("A tag cannot be empty.".into());
    }
    if tag.chars().count() > MAX_TAG_LEN {
        return Some(format!(
            "The tag \"{tag}\" is longer than {MAX_TAG_LEN} characters."
        ));
    }
    if !tag
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return Some(format!(
            "The tag \"{tag}\" may only contain letters, digits, '-' and '_'."
        ));
    }
    None
}

/// Parses a duration in days as typed: empty is "not given"; otherwise a positive whole
/// number.
pub fn parse_duration_days(text: &str) -> Result<Option<u32>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(0) => Err("The duration must be at least 1 day.".into()),
        Ok(n) if n > 3650 => Err("The duration is at most 3650 days (ten years).".into()),
        Ok(n) => Ok(Some(n)),
        Err(_) => Err(format!(
            "The duration \"{t}\" is not a whole number of days (for example 7)."
        )),
    }
}

/// The parts of a medication row, to say which one a problem is about (a form shows
/// each problem next to its field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MedicationField {
    Name,
    Dosage,
    Frequency,
    Duration,
    Notes,
}

/// Every problem of one medication row, each with the field it is about, in the row's
/// order; the sentences name the row (1-based).
pub fn medication_problems(row: usize, m: &Medication) -> Vec<(MedicationField, String)> {
    let mut problems = Vec::new();
    let name = m.name.trim();
    let which = if name.is_empty() {
        problems.push((
            MedicationField::Name,
            format!("Medication {row} needs a name."),
        ));
        format!("Medication {row}")
    } else {
        format!("Medication {row} ({name})")
    };
    if m.dosage.trim().is_empty() {
        problems.push((
            MedicationField::Dosage,
            format!("{which} needs a dosage, for example 500mg."),
        ));
    }
    if m.duration_days == Some(0) {
        problems.push((
            MedicationField::Duration,
            format!("{which}: the duration must be at least 1 day."),
        ));
    }
    problems
}

/// Checks one medication row: its first problem (see [`medication_problems`]).
pub fn medication_problem(row: usize, m: &Medication) -> Option<String> {
    medication_problems(row, m)
        .into_iter()
        .next()
        .map(|(_, sentence)| sentence)
}

/// Normalises a prescription before it is stored: trims medication fields and tags,
/// drops duplicate tags. Then validates it; the error is the first problem, as a
/// sentence the user can act on.
pub fn normalise_and_validate(p: &mut Prescription) -> Result<(), String> {
    for m in &mut p.medications {
        m.name = m.name.trim().to_string();
        m.dosage = m.dosage.trim().to_string();
        m.frequency = m.frequency.trim().to_string();
        m.notes = m.notes.trim().to_string();
    }
    let mut tags: Vec<String> = Vec::new();
    for raw in &p.tags {
        let Some(tag) = normalise_tag(raw) else {
            continue;
        };
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    p.tags = tags;
    if let Some(problem) = control_problem(p) {
        return Err(problem);
    }
    if p.medications.len() > MAX_MEDICATIONS {
        return Err(format!(
            "A prescription lists at most {MAX_MEDICATIONS} medications."
        ));
    }
    for (i, m) in p.medications.iter().enumerate() {
        if let Some(problem) = medication_problem(i + 1, m) {
            return Err(problem);
        }
    }
    if p.tags.len() > MAX_TAGS {
        return Err(format!("A prescription carries at most {MAX_TAGS} tags."));
    }
    if let Some(problem) = p.tags.iter().find_map(|t| tag_problem(t)) {
        return Err(problem);
    }
    for a in &p.attachments {
        if a.file_name.trim().is_empty() {
            return Err("Every attachment needs a name.".into());
        }
        if a.url.trim().is_empty() {
            return Err(format!(
                "The attachment \"{}\" has no link or stored file.",
                a.file_name
            ));
        }
    }
    Ok(())
}

/// The first field that holds a control character (an escape code, a bell; a line break
/// outside the multi-line notes), as a sentence naming it.
fn control_problem(p: &Prescription) -> Option<String> {
    let one_line = |t: &str| text::problem(t, false).is_some();
    let notes = |t: &str| text::problem(t, true).is_some();
    for (i, m) in p.medications.iter().enumerate() {
        for (what, value) in [
            ("name", &m.name),
            ("dosage", &m.dosage),
            ("frequency", &m.frequency),
        ] {
            if one_line(value) {
                return Some(format!(
                    "Medication {}: the {what} cannot contain line breaks, tabs or other control characters.",
                    i + 1
                ));
            }
        }
        if notes(&m.notes) {
            return Some(format!(
                "Medication {}: the notes cannot contain control characters other than line breaks.",
                i + 1
            ));
        }
    }
    for (what, value) in [
        ("chief complaint", &p.notes.chief_complaint),
        ("diagnosis", &p.notes.diagnosis),
        ("recommendations", &p.notes.recommendations),
    ] {
        if notes(value) {
            return Some(format!(
                "The {what} cannot contain control characters other than line breaks."
            ));
        }
    }
    p.attachments
        .iter()
        .any(|a| one_line(&a.file_name) || one_line(&a.url) || one_line(&a.kind))
        .then(|| "An attachment's name or link cannot contain control characters.".into())
}

/// One difference between two versions, field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    Added {
        what: String,
        text: String,
    },
    Removed {
        what: String,
        text: String,
    },
    Changed {
        what: String,
        before: String,
        after: String,
    },
}

impl DiffLine {
    /// "+ medication Amoxicillin: 500mg …" style text for a plain terminal.
    pub fn text(&self) -> String {
        match self {
            DiffLine::Added { what, text } => format!("+ {what}: {text}"),
            DiffLine::Removed { what, text } => format!("- {what}: {text}"),
            DiffLine::Changed {
                what,
                before,
                after,
            } => format!("~ {what}: {before} -> {after}"),
        }
    }
}

impl Medication {
    /// "500mg, 3 times a day, 7 days (Take after meals)".
    pub fn describe(&self) -> String {
        let mut parts = vec![self.dosage.clone()];
        if !self.frequency.is_empty() {
            parts.push(self.frequency.clone());
        }
        if let Some(d) = self.duration_days {
            parts.push(format!("{d} day{}", if d == 1 { "" } else { "s" }));
        }
        let mut text = parts.join(", ");
        if !self.notes.is_empty() {
            text.push_str(&format!(" ({})", self.notes));
        }
        text
    }
}

fn one_line(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        "(empty)".to_string()
    } else {
        flat
    }
}

/// What changed from `a` to `b`: medications (matched by name, case-insensitively)
/// added, removed or changed field by field, a changed order, the three notes, tags and
/// attachments. Pure.
pub fn diff(a: &Prescription, b: &Prescription) -> Vec<DiffLine> {
    let mut out = Vec::new();
    let key = |m: &Medication| m.name.trim().to_lowercase();
    for old in &a.medications {
        match b.medications.iter().find(|n| key(n) == key(old)) {
            None => out.push(DiffLine::Removed {
                what: format!("medication {}", old.name),
                text: old.describe(),
            }),
            Some(new) => {
                let fields: [(&str, String, String); 5] = [
                    ("name", old.name.clone(), new.name.clone()),
                    ("dosage", old.dosage.clone(), new.dosage.clone()),
                    ("frequency", old.frequency.clone(), new.frequency.clone()),
                    (
                        "duration",
                        old.duration_days
                            .map_or("-".into(), |d| format!("{d} days")),
                        new.duration_days
                            .map_or("-".into(), |d| format!("{d} days")),
                    ),
                    ("notes", old.notes.clone(), new.notes.clone()),
                ];
                for (field, before, after) in fields {
                    if before != after {
                        out.push(DiffLine::Changed {
                            what: format!("medication {} {field}", new.name),
                            before: one_line(&before),
                            after: one_line(&after),
                        });
                    }
                }
            }
        }
    }
    for new in &b.medications {
        if !a.medications.iter().any(|o| key(o) == key(new)) {
            out.push(DiffLine::Added {
                what: format!("medication {}", new.name),
                text: new.describe(),
            });
        }
    }
    let order = |p: &Prescription| -> Vec<String> {
        p.medications
            .iter()
            .map(key)
            .filter(|k| {
                a.medications.iter().any(|m| key(m) == *k)
                    && b.medications.iter().any(|m| key(m) == *k)
            })
            .collect()
    };
    if order(a) != order(b) {
        out.push(DiffLine::Changed {
            what: "medication order".into(),
            before: a
                .medications
                .iter()
                .map(|m| m.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
            after: b
                .medications
                .iter()
                .map(|m| m.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    for (what, before, after) in [
        (
            "chief complaint",
            &a.notes.chief_complaint,
            &b.notes.chief_complaint,
        ),
        ("diagnosis", &a.notes.diagnosis, &b.notes.diagnosis),
        (
            "recommendations",
            &a.notes.recommendations,
            &b.notes.recommendations,
        ),
    ] {
        if before != after {
            out.push(DiffLine::Changed {
                what: what.into(),
                before: one_line(before),
                after: one_line(after),
            });
        }
    }
    for t in &a.tags {
        if !b.tags.contains(t) {
            out.push(DiffLine::Removed {
                what: "tag".into(),
                text: t.clone(),
            });
        }
    }
    for t in &b.tags {
        if !a.tags.contains(t) {
            out.push(DiffLine::Added {
                what: "tag".into(),
                text: t.clone(),
            });
        }
    }
    for x in &a.attachments {
        if !b.attachments.contains(x) {
            out.push(DiffLine::Removed {
                what: "attachment".into(),
                text: x.file_name.clone(),
            });
        }
    }
    for x in &b.attachments {
        if !a.attachments.contains(x) {
            out.push(DiffLine::Added {
                what: "attachment".into(),
                text: x.file_name.clone(),
            });
        }
    }
    out
}

/// Who and when, for a printed prescription.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintHeader {
    pub clinic_name: String,
    pub patient_name: String,
    pub patient_date_of_birth: Option<chrono::NaiveDate>,
    pub doctor_name: String,
    pub specialization: String,
    /// The appointment's local time, already formatted.
    pub appointment_label: String,
    /// The date of issue in the clinic's zone, already formatted.
    pub issued_label: String,
}

/// A Markdown table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

/// A printable Markdown prescription. Pure.
pub fn render_markdown(p: &Prescription, h: &PrintHeader) -> String {
    let mut md = String::new();
    md.push_str(&format!("# {}\n\n", h.clinic_name.trim()));
    md.push_str("## Prescription\n\n");
    md.push_str(&format!("- **Patient:** {}", h.patient_name));
    if let Some(dob) = h.patient_date_of_birth {
        md.push_str(&format!(" (born {})", dob.format("%-d %B %Y")));
    }
    md.push('\n');
    md.push_str(&format!(
        "- **Doctor:** {} ({})\n",
        h.doctor_name, h.specialization
    ));
    md.push_str(&format!("- **Appointment:** {}\n", h.appointment_label));
    md.push_str(&format!(
        "- **Date issued:** {} (version {})\n\n",
        h.issued_label, p.version
    ));
    md.push_str("### Medications\n\n");
    if p.medications.is_empty() {
        md.push_str("No medication prescribed.\n\n");
    } else {
        md.push_str("| # | Medication | Dosage | Frequency | Duration | Notes |\n");
        md.push_str("|---|---|---|---|---|---|\n");
        for (i, m) in p.medications.iter().enumerate() {
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                i + 1,
                cell(&m.name),
                cell(&m.dosage),
                if m.frequency.is_empty() {
                    String::new()
                } else {
                    cell(&m.frequency)
                },
                m.duration_days.map_or(String::new(), |d| format!(
                    "{d} day{}",
                    if d == 1 { "" } else { "s" }
                )),
                if m.notes.is_empty() {
                    String::new()
                } else {
                    cell(&m.notes)
                },
            ));
        }
        md.push('\n');
    }
    for (title, text) in [
        ("Chief complaint", &p.notes.chief_complaint),
        ("Diagnosis", &p.notes.diagnosis),
        ("Recommendations", &p.notes.recommendations),
    ] {
        if !text.trim().is_empty() {
            md.push_str(&format!("### {title}\n\n{}\n\n", text.trim_end()));
        }
    }
    if !p.tags.is_empty() {
        md.push_str(&format!("**Tags:** {}\n\n", p.tags.join(", ")));
    }
    if !p.attachments.is_empty() {
        md.push_str("### Attachments\n\n");
        for a in &p.attachments {
            if a.url.starts_with("http://") || a.url.starts_with("https://") {
                md.push_str(&format!("- [{}]({}) ({})\n", a.file_name, a.url, a.kind));
            } else {
                md.push_str(&format!(
                    "- {} ({}, stored in the clinic)\n",
                    a.file_name, a.kind
                ));
            }
        }
        md.push('\n');
    }
    md.push_str("---\n\nSignature: ______________________\n");
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 12, 9, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn med(name: &str, dosage: &str) -> Medication {
        Medication {
            name: name.into(),
            dosage: dosage.into(),
            ..Medication::default()
        }
    }

    #[test]
    fn every_problem_of_a_row_is_named_with_its_field() {
        let mut m = med("", "");
        m.duration_days = Some(0);
        assert_eq!(
            medication_problems(3, &m),
            [
                (MedicationField::Name, "Medication 3 needs a name.".into()),
                (
                    MedicationField::Dosage,
                    "Medication 3 needs a dosage, for example 500mg.".into()
                ),
                (
                    MedicationField::Duration,
                    "Medication 3: the duration must be at least 1 day.".into()
                ),
            ]
        );
        assert_eq!(
            medication_problem(2, &med("Ibuprofen", "")),
            Some("Medication 2 (Ibuprofen) needs a dosage, for example 500mg.".into())
        );
        assert!(medication_problems(1, &med("Ibuprofen", "200mg")).is_empty());
    }

    #[test]
    fn validation_names_the_row_and_the_problem() {
        let mut p = Prescription::new_draft(1, 2, 3, at());
        p.medications = vec![med("Amoxicillin", "500mg"), med(" ", "1")];
        assert_eq!(
            normalise_and_validate(&mut p),
            Err("Medication 2 needs a name.".into())
        );
        p.medications[1] = med("Ibuprofen", "");
        assert!(
            normalise_and_validate(&mut p)
                .unwrap_err()
                .contains("needs a dosage")
        );
        p.medications[1].dosage = "200mg".into();
        p.tags = vec!["Follow up".into(), "follow-up".into(), "a/b".into()];
        assert!(normalise_and_validate(&mut p).unwrap_err().contains("a/b"));
        p.tags.pop();
        assert_eq!(normalise_and_validate(&mut p), Ok(()));
        assert_eq!(p.tags, vec!["follow-up".to_string()]);
        assert_eq!(parse_duration_days(" 7 "), Ok(Some(7)));
        assert_eq!(parse_duration_days(""), Ok(None));
        assert!(parse_duration_days("0").is_err());
        assert!(parse_duration_days("1.5").is_err());
        assert!(parse_duration_days("-3").is_err());
    }

    #[test]
    fn diff_reports_each_kind_of_change() {
        let mut a = Prescription::new_draft(1, 2, 3, at());
        a.medications = vec![med("Amoxicillin", "500mg"), med("Ibuprofen", "200mg")];
        a.tags = vec!["infection".into()];
        let mut b = a.clone();
        b.medications[0].dosage = "250mg".into();
        b.medications.remove(1);
        b.medications.push(med("Paracetamol", "1g"));
        b.notes.diagnosis = "Pharyngitis".into();
        b.tags = vec!["follow-up".into()];
        let lines: Vec<String> = diff(&a, &b).iter().map(DiffLine::text).collect();
        assert_eq!(
            lines,
            vec![
                "~ medication Amoxicillin dosage: 500mg -> 250mg",
                "- medication Ibuprofen: 200mg",
                "+ medication Paracetamol: 1g",
                "~ diagnosis: (empty) -> Pharyngitis",
                "- tag: infection",
                "+ tag: follow-up",
            ]
        );
        assert!(diff(&a, &a).is_empty());
        let mut c = a.clone();
        c.medications.reverse();
        assert_eq!(diff(&a, &c).len(), 1, "only the order changed");
    }

    #[test]
    fn markdown_escapes_cells_and_lists_everything() {
        let mut p = Prescription::new_draft(1, 2, 3, at());
        p.version = 2;
        p.medications = vec![Medication {
            name: "A|B".into(),
            dosage: "5 mg".into(),
            frequency: "daily".into(),
            duration_days: Some(1),
            notes: "line one\nline two".into(),
        }];
        p.notes.diagnosis = "Cold".into();
        let h = PrintHeader {
            clinic_name: "Clinic".into(),
            patient_name: "Zoë".into(),
            patient_date_of_birth: None,
            doctor_name: "Dr. X".into(),
            specialization: "GP".into(),
            appointment_label: "Mon 12 Jan 09:00".into(),
            issued_label: "12 January 2026".into(),
        };
        let md = render_markdown(&p, &h);
        assert!(md.contains("| 1 | A\\|B | 5 mg | daily | 1 day | line one line two |"));
        assert!(md.contains("### Diagnosis\n\nCold"));
        assert!(md.contains("(version 2)"));
        assert!(!md.contains("Chief complaint"));
    }
}
