//! Printable PDFs (prescriptions, receipts) with krilla: DejaVu Sans (assets/fonts,
//! with its licence) is embedded as a subset with a ToUnicode map, so Latin accents,
//! Greek and Cyrillic print and the text can be extracted (pdftotext, copy-paste).
//! DejaVu has no CJK glyphs: a CJK font is 10–20 MB, too much for the binary.
//!
//! Layout first (pure: pages of positioned text and rules), then drawing.

use std::sync::{Arc, LazyLock};

use krilla::Document;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

static REGULAR_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

fn load(bytes: &'static [u8]) -> Option<Font> {
    let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(bytes);
    Font::new(data.into(), 0)
}

static REGULAR: LazyLock<Option<Font>> = LazyLock::new(|| load(REGULAR_BYTES));
static BOLD: LazyLock<Option<Font>> = LazyLock::new(|| load(BOLD_BYTES));

/// Paper size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    /// Width and height in points.
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// The clinic location heading the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Letterhead {
    pub name: String,
    pub address: String,
    pub phone: Option<String>,
}

/// One thing on a page (y grows downwards, baseline for text).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
}

/// Text widths from the font's advances.
fn width(text: &str, size: f32, bold: bool) -> f32 {
    let bytes = if bold { BOLD_BYTES } else { REGULAR_BYTES };
    let Ok(font) = FontRef::new(bytes) else {
        return text.chars().count() as f32 * size * 0.6;
    };
    let cmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            cmap.map(c)
                .and_then(|g| metrics.advance_width(g))
                .unwrap_or(size * 0.6)
        })
        .sum()
}

/// Greedy word wrap to `max` points; over-long words are broken.
pub fn wrap(text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, size, bold) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone; break it if it still does not fit.
            for c in word.chars() {
                line.push(c);
                if width(&line, size, bold) > max && line.chars().count() > 1 {
                    let last = line.pop().unwrap_or(c);
                    lines.push(std::mem::take(&mut line));
                    line.push(last);
                }
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Pages being laid out.
pub struct Layout {
    pub paper: Paper,
    pub pages: Vec<Vec<Op>>,
    y: f32,
    margin: f32,
}

impl Layout {
    fn new(paper: Paper) -> Layout {
        Layout {
            paper,
            pages: vec![Vec::new()],
            y: 56.0,
            margin: 50.0,
        }
    }

    fn right(&self) -> f32 {
        self.paper.size().0 - self.margin
    }

    fn bottom(&self) -> f32 {
        self.paper.size().1 - 60.0
    }

    fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom() {
            self.pages.push(Vec::new());
            self.y = 56.0;
        }
    }

    fn op(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        self.op(Op::Text {
            x,
            y,
            size,
            bold,
            text: crate::domain::text::escape_control(text).to_string(),
        });
    }

    /// A wrapped paragraph at the left margin.
    fn para(&mut self, size: f32, bold: bool, text: &str) {
        let max = self.right() - self.margin;
        for line in wrap(text, size, bold, max) {
            self.ensure(size * 1.4);
            self.y += size * 1.4;
            let (x, y) = (self.margin, self.y);
            self.text_at(x, y, size, bold, &line);
        }
    }

    fn rule(&mut self) {
        self.y += 6.0;
        let (x1, x2, y) = (self.margin, self.right(), self.y);
        self.op(Op::Rule {
            x1,
            y1: y,
            x2,
            y2: y,
        });
        self.y += 4.0;
    }

    fn gap(&mut self, h: f32) {
        self.y += h;
    }

    fn letterhead(&mut self, head: &Letterhead, title: &str) {
        self.para(16.0, true, &head.name);
        self.para(9.5, false, head.address.trim());
        if let Some(p) = head.phone.as_deref().filter(|p| !p.trim().is_empty()) {
            self.para(9.5, false, &format!("Phone: {p}"));
        }
        let w = width(title, 14.0, true);
        let x = self.right() - w;
        self.text_at(x, 72.0, 14.0, true, title);
        self.rule();
    }

    /// "Label: value" lines.
    fn fields(&mut self, fields: &[(&str, String)]) {
        for (k, v) in fields {
            let size = 10.0;
            let max = self.right() - self.margin - 110.0;
            let lines = wrap(v, size, false, max);
            for (i, line) in lines.iter().enumerate() {
                self.ensure(size * 1.5);
                self.y += size * 1.5;
                let y = self.y;
                if i == 0 {
                    let x = self.margin;
                    self.text_at(x, y, size, true, k);
                }
                let x = self.margin + 110.0;
                self.text_at(x, y, size, false, line);
            }
        }
    }

    /// A table with wrapped cells; `widths` are fractions of the text width.
    fn table(&mut self, headers: &[&str], widths: &[f32], rows: &[Vec<String>]) {
        let total = self.right() - self.margin;
        let xs: Vec<f32> = widths
            .iter()
            .scan(self.margin, |x, w| {
                let at = *x;
                *x += w * total;
                Some(at)
            })
            .collect();
        let size = 8.5;
        let line_h = size * 1.3;
        let header = |l: &mut Layout| {
            l.ensure(line_h * 2.0);
            l.y += line_h;
            let y = l.y;
            for (h, x) in headers.iter().zip(&xs) {
                l.text_at(*x, y, size, true, h);
            }
            l.y += 3.0;
            let (x1, x2, y) = (l.margin, l.right(), l.y);
            l.op(Op::Rule {
                x1,
                y1: y,
                x2,
                y2: y,
            });
        };
        header(self);
        for row in rows {
            let cells: Vec<Vec<String>> = row
                .iter()
                .zip(widths)
                .map(|(c, w)| wrap(c, size, false, w * total - 6.0))
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * line_h + 3.0;
            if self.y + height > self.bottom() {
                self.pages.push(Vec::new());
                self.y = 56.0;
                header(self);
            }
            let top = self.y;
            for (lines, x) in cells.iter().zip(&xs) {
                for (i, line) in lines.iter().enumerate() {
                    self.text_at(*x, top + line_h * (i as f32 + 1.0), size, false, line);
                }
            }
            self.y = top + height;
        }
        let (x1, x2, y) = (self.margin, self.right(), self.y + 2.0);
        self.op(Op::Rule {
            x1,
            y1: y,
            x2,
            y2: y,
        });
        self.y += 4.0;
    }

    fn footer(&mut self, text: &str) {
        let n = self.pages.len();
        let y = self.paper.size().1 - 30.0;
        let margin = self.margin;
        for (i, page) in self.pages.iter_mut().enumerate() {
            page.push(Op::Text {
                x: margin,
                y,
                size: 8.0,
                bold: false,
                text: format!("{text} · page {} of {n}", i + 1),
            });
        }
    }
}

/// Draws laid-out pages into a PDF.
pub fn draw(layout: &Layout) -> Result<Vec<u8>, String> {
    let (Some(regular), Some(bold)) = (REGULAR.clone(), BOLD.clone()) else {
        return Err("the embedded font cannot be read".into());
    };
    let (w, h) = layout.paper.size();
    let mut document = Document::new();
    for ops in &layout.pages {
        let settings = PageSettings::from_wh(w, h).ok_or("bad paper size")?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    text,
                } => {
                    let font = if *b { bold.clone() } else { regular.clone() };
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rule { x1, y1, x2, y2 } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: 0.6,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                        surface.set_fill(Some(krilla::paint::Fill::default()));
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| format!("cannot write the PDF: {e:?}"))
}

/// Everything a printed prescription shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PrescriptionSheet {
    pub letterhead: Letterhead,
    pub doctor_name: String,
    pub specialization: String,
    pub patient_name: String,
    pub patient_date_of_birth: Option<chrono::NaiveDate>,
    pub appointment_label: String,
    pub issued_label: String,
    pub version: i64,
    pub medications: Vec<crate::domain::prescription::Medication>,
    pub recommendations: String,
}

/// Lays out a prescription. Pure.
pub fn prescription_layout(s: &PrescriptionSheet, paper: Paper) -> Layout {
    let mut l = Layout::new(paper);
    l.letterhead(&s.letterhead, "PRESCRIPTION");
    l.fields(&[
        (
            "Doctor",
            format!("{} — {}", s.doctor_name, s.specialization),
        ),
        ("Patient", s.patient_name.clone()),
        (
            "Date of birth",
            s.patient_date_of_birth.map_or_else(
                || "not recorded".into(),
                |d| d.format("%-d %B %Y").to_string(),
            ),
        ),
        ("Appointment", s.appointment_label.clone()),
        ("Date issued", s.issued_label.clone()),
        ("Version", s.version.to_string()),
    ]);
    l.gap(8.0);
    l.para(11.0, true, "Medications");
    if s.medications.is_empty() {
        l.para(10.0, false, "No medication prescribed.");
    } else {
        let rows: Vec<Vec<String>> = s
            .medications
            .iter()
            .enumerate()
            .map(|(i, m)| {
                vec![
                    (i + 1).to_string(),
                    m.name.clone(),
                    m.dosage.clone(),
                    m.frequency.clone(),
                    m.duration_days
                        .map_or_else(String::new, |d| format!("{d} days")),
                    m.notes.clone(),
                ]
            })
            .collect();
        l.table(
            &[
                "#",
                "Medication",
                "Dosage",
                "Frequency",
                "Duration",
                "Notes",
            ],
            &[0.05, 0.22, 0.14, 0.17, 0.11, 0.31],
            &rows,
        );
    }
    l.gap(6.0);
    l.para(11.0, true, "Recommendations");
    let rec = if s.recommendations.trim().is_empty() {
        "None."
    } else {
        s.recommendations.as_str()
    };
    l.para(10.0, false, rec);
    l.ensure(70.0);
    l.gap(44.0);
    let y = l.y;
    let x2 = l.margin + 220.0;
    let x1 = l.margin;
    l.op(Op::Rule {
        x1,
        y1: y,
        x2,
        y2: y,
    });
    l.gap(2.0);
    l.para(9.0, false, &format!("Signature — {}", s.doctor_name));
    l.footer(&format!(
        "{} · prescription version {} · issued {}",
        s.letterhead.name, s.version, s.issued_label
    ));
    l
}

/// A prescription PDF. Pure.
pub fn prescription_pdf(s: &PrescriptionSheet, paper: Paper) -> Result<Vec<u8>, String> {
    draw(&prescription_layout(s, paper))
}

fn method_label(m: crate::domain::payment::PaymentMethod) -> &'static str {
    use crate::domain::payment::PaymentMethod as M;
    match m {
        M::Cash => "Cash",
        M::Card => "Card",
        M::Insurance => "Insurance",
        M::BankTransfer => "Bank transfer",
        M::Other => "Other",
    }
}

fn status_label(s: crate::domain::payment::PaymentStatus) -> &'static str {
    use crate::domain::payment::PaymentStatus as S;
    match s {
        S::Pending => "Pending",
        S::Paid => "Paid",
        S::Failed => "Failed",
        S::Refunded => "Refunded",
    }
}

/// A receipt PDF. Pure.
pub fn receipt_pdf(
    head: &Letterhead,
    r: &crate::domain::report::Receipt,
    paper: Paper,
) -> Result<Vec<u8>, String> {
    let mut l = Layout::new(paper);
    l.letterhead(head, "RECEIPT");
    l.fields(&[
        ("Receipt", format!("#{}", r.payment_id)),
        ("Transaction id", r.transaction_id.clone()),
        ("Date", r.paid_at_local.clone()),
        ("Patient", r.patient.clone()),
        ("Doctor", format!("{} — {}", r.doctor, r.specialization)),
        (
            "Appointment",
            format!("#{} on {}", r.appointment_id, r.appointment_local),
        ),
        ("Method", method_label(r.method).to_string()),
        ("Amount", crate::domain::money::format_amount(r.amount)),
        ("Status", status_label(r.status).to_string()),
    ]);
    l.footer(&format!("{} · receipt #{}", head.name, r.payment_id));
    draw(&l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_character_within_the_width() {
        let text = "Zoë O'Neill Анна-Мария Supercalifragilisticexpialidocious twice daily";
        let lines = wrap(text, 9.0, false, 60.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(
                width(line, 9.0, false) <= 60.0 || line.chars().count() == 1,
                "{line}"
            );
        }
        let joined: String = lines.concat();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
    }
}
