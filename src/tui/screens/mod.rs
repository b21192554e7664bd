//! One module per screen: its state, its key handling and its rendering.

pub mod admin;
pub mod agenda;
pub mod audit;
pub mod booking;
pub mod calendar;
pub mod form;
pub mod home;
pub mod login;
pub mod password;
pub mod patients;
pub mod payments;
pub mod prescription;
pub mod reports;
