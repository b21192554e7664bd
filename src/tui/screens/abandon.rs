//! A request whose task failed never answers: whatever waits for it stops waiting, so
//! no spinner spins on and no Save stays blocked. Each screen's `Screen::abandon` forgets
//! the request id in every slot that holds it; what the user typed stays.

/// Clears `slot` if it waits for `request`; whether it did.
pub fn forget(slot: &mut Option<u64>, request: u64) -> bool {
    let waiting = *slot == Some(request);
    if waiting {
        *slot = None;
    }
    waiting
}
