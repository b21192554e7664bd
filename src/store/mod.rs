//! Persistence only: SQL and documents in, domain types out. No permission checks and no
//! audit here; that is the service layer's job.

pub mod mongo;
pub mod mysql;
