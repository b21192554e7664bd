//! One module per screen: its state, its `impl Screen` (keys, replies, rendering, the
//! commands it offers) and its requests with the code that runs them.

pub mod abandon;
pub mod account_choice;
pub mod admin;
pub mod agenda;
pub mod audit;
pub mod booking;
pub mod calendar;
pub mod home;
pub mod login;
pub mod password;
pub mod patients;
pub mod payments;
pub mod prescription;
pub mod reports;
pub mod waitlist;
