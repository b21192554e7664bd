//! One module per screen: its state, its key handling and its rendering.

pub mod calendar;
pub mod home;
pub mod login;
