//! Pure types and rules. Nothing in here does I/O.

pub mod appointment;
pub mod audit;
pub mod availability;
pub mod extra_hours;
pub mod ical;
pub mod local_time;
pub mod lockout;
pub mod money;
pub mod payment;
pub mod permission;
pub mod person;
pub mod prescription;
pub mod report;
pub mod role;
pub mod series;
pub mod slot_engine;
pub mod text;
pub mod validation;
pub mod waitlist;

pub use appointment::AppointmentStatus;
pub use payment::{PaymentMethod, PaymentStatus};
pub use person::Gender;
pub use role::{AccountKind, Actor, Role};
