//! `clinic serve` end to end: the real `clinic serve` process on loopback, and the real
//! OpenSSH client (`ssh`, Debian's openssh-client, which scripts/test installs) in a
//! pseudo-terminal against it, checked on screen, on disk and in the databases.

#[path = "../common/mod.rs"]
mod common;

mod harness;
mod serve;
