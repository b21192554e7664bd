//! The one place effects are spawned. A task answers with a `Msg`; a task that panics
//! answers with [`Msg::TaskFailed`] instead, so the screen that waits for it stops its
//! spinner and unblocks, and the session goes on. The panic is logged, never printed
//! over the screen.

use std::cell::Cell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Once;
use std::task::{Context, Poll};

use futures::FutureExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

use super::msg::Msg;

/// What the user reads when a request failed for a reason that is a bug, not theirs.
pub const FAILED_SENTENCE: &str = "That request failed unexpectedly (the details are in the log). \
     Check whether it took effect, then try again.";

thread_local! {
    /// Set while a guarded task is being polled on this thread.
    static IN_TASK: Cell<bool> = const { Cell::new(false) };
}

/// Runs `work` as a task of `tasks` and sends the message it produces; on a panic,
/// sends `Msg::TaskFailed` for `request`. Dropping the set (the session ended) aborts
/// what is still running.
pub fn spawn<F>(tasks: &mut JoinSet<()>, tx: &UnboundedSender<Msg>, request: u64, work: F)
where
    F: Future<Output = Msg> + Send + 'static,
{
    let tx = tx.clone();
    tasks.spawn(async move {
        let msg = AssertUnwindSafe(Guarded(Box::pin(work)))
            .catch_unwind()
            .await
            .unwrap_or_else(|_| Msg::TaskFailed {
                request,
                message: FAILED_SENTENCE.to_string(),
            });
        // The receiver is gone only when the app is quitting.
        let _ = tx.send(msg);
    });
}

/// Installs (once) a panic hook that keeps panics inside guarded tasks off the terminal:
/// they are logged and the task's failure reaches the UI as a message. Any other panic
/// goes to the hook that was there before (ratatui's, which restores the terminal, and
/// color-eyre's report). Call it after the terminal hooks are in place.
pub fn install_panic_guard() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_TASK.with(Cell::get) {
                tracing::error!(panic = %info, "a UI task panicked; its screen was told");
            } else {
                previous(info);
            }
        }));
    });
}

/// Marks the thread as "inside a guarded task" for the length of each poll.
struct Guarded<F>(Pin<Box<F>>);

impl<F: Future> Future for Guarded<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        struct Reset(bool);
        impl Drop for Reset {
            fn drop(&mut self) {
                IN_TASK.with(|f| f.set(self.0));
            }
        }
        let _reset = Reset(IN_TASK.with(|f| f.replace(true)));
        self.0.as_mut().poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_task_answers_with_a_failure() {
        install_panic_guard();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut tasks = JoinSet::new();
        spawn(&mut tasks, &tx, 7, async {
            let dates: Vec<chrono::NaiveDate> = Vec::new();
            // An out-of-range index stands for any bug in a service call.
            let _ = dates[usize::from(dates.is_empty())];
            Msg::Resize(1, 1)
        });
        spawn(&mut tasks, &tx, 8, async { Msg::Resize(2, 3) });
        let mut got = Vec::new();
        for _ in 0..2 {
            got.push(rx.recv().await.expect("a message"));
        }
        assert!(got.iter().any(|m| matches!(
            m,
            Msg::TaskFailed { request: 7, message } if message == FAILED_SENTENCE
        )));
        assert!(got.iter().any(|m| matches!(m, Msg::Resize(2, 3))));
        assert!(!IN_TASK.with(Cell::get), "the flag is reset after polling");
    }
}
