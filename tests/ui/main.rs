//! The UI as pure functions (`update` and `render` on ratatui's TestBackend, insta
//! snapshots) and property tests of every parser and of whole random sessions.

#[path = "../common/mod.rs"]
mod common;

mod admin_ui;
mod agenda_hub_ui;
mod agenda_ui;
mod audit_ui;
mod back_forms_ui;
mod booking_ui;
mod calendar_patients_commands;
mod calendar_ui;
mod desk_forms_ui;
mod desk_nav_ui;
mod extra_hours_prop;
mod money_prop;
mod nav;
mod overlays;
mod parsers_prop;
mod patients_ui;
mod payments_ui;
mod prescription_nav_ui;
mod prescription_ui;
mod prescription_widgets_ui;
mod reports_ui;
mod slots_prop;
mod tui;
mod tui_prop;
mod widgets;
mod widgets_prop;
