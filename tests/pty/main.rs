//! The real `clinic` binary in pseudo-terminals: end-to-end screens and journeys across
//! roles, checked on screen and in the databases.

#[path = "../common/mod.rs"]
mod common;

mod calendar_patients;
mod e2e;
mod front_desk;
mod journeys;
