//! Smart Clinic: a keyboard-driven terminal application that runs a clinic's day.
//!
//! Layers (see DESIGN.md): `domain` (pure rules) <- `store` (persistence) <- `service`
//! (use cases, permissions, audit) <- `tui` and `cli`.

pub mod cli;
mod cli_appointments;
mod cli_reaching;
mod cli_scheduling;
mod cli_serve;
pub mod config;
pub mod domain;
pub mod service;
pub mod ssh;
pub mod store;
pub mod tui;
