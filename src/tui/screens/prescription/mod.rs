//! Prescriptions, as five screens on the navigation stack:
//!
//! - [`list::RxListScreen`]: recent appointments with their prescription flags (doctors:
//!   their own; admins and the front desk: everyone's, the front desk only learning that
//!   one exists), the insight panel, an admin's "a patient by id";
//! - [`timeline::TimelineScreen`]: one patient's prescriptions, newest first (a patient's
//!   "My prescriptions");
//! - [`editor::EditorScreen`]: the doctor's editor (medications table, notes, tags,
//!   attachments) with drafts, save retries, conflicts and the restore-draft offer;
//! - [`viewer::ViewerScreen`]: one prescription, read-only, with its export;
//! - [`history::HistoryScreen`]: the versions of one prescription, two compared.
//!
//! Each screen has its own requests (its `Op`, with `run` beside it); the service calls
//! several of them share are in [`ops`]. Esc on any of them returns to the screen it was
//! opened from, as it was left. Their forms are the shared `widgets::form::Form`
//! ([`forms`]), the notes the shared `widgets::editor::Editor`, and their lists
//! `widgets::table`.

pub mod editor;
pub mod forms;
pub mod history;
pub mod list;
pub mod ops;
pub mod timeline;
pub mod view;
pub mod viewer;

/// How often a save is retried while the prescription store is unreachable.
pub const RETRY_SECONDS: i64 = 5;
/// How far back the list of appointments goes.
pub const RECENT_DAYS: i64 = 14;
