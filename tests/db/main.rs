//! Tests against the real servers (MariaDB and a MongoDB-wire server): services, stores,
//! schema and the `clinic` command line. One binary, so the dependency tree is linked once;
//! every test still gets its own databases (see common/mod.rs).

#[path = "../common/mod.rs"]
mod common;

mod admin;
mod agenda_ops;
mod auth;
mod availability_service;
mod booking;
mod cli;
mod cli_hostile;
mod demo_seed;
mod hardening;
mod lean_process;
mod money_forms;
mod patients_admin;
mod patients_service;
mod payments;
mod prescription_crash;
mod prescription_ops;
mod prescriptions_service;
mod reaching;
mod resilience;
mod scheduling;
mod scheduling_cli;
mod schema;
mod service_rules;
mod tui_ops;
