//! The event loop: waits for a terminal event, a finished effect or a tick, updates the
//! state and redraws. Generic over the backend and the event source, so a test (or an
//! SSH channel) can drive it as well as a real terminal.

use std::time::Duration;

use chrono::Utc;
use crossterm::event::{Event, KeyEventKind};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use tokio::sync::mpsc;

use super::keymap::Keymap;
use super::msg::Msg;
use super::runtime::Runtime;
use super::state::AppState;
use super::{render, update};
use crate::service::Services;

const TICK: Duration = Duration::from_millis(250);

/// Runs until the user quits or the event stream ends (then unsaved work is kept in
/// draft files, as on Ctrl-C).
pub async fn run<B, S>(
    terminal: &mut Terminal<B>,
    mut events: S,
    services: Services,
    keymap: Keymap,
    mut state: AppState,
) -> std::io::Result<()>
where
    B: Backend,
    B::Error: Into<std::io::Error>,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runtime = Runtime::new(services, tx);
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    if let Ok(size) = terminal.size() {
        state.size = (size.width, size.height);
    }
    // What the terminal shows, and whether the last message can have changed it: a tick
    // that changed nothing on screen draws (and sends) nothing, so an idle session, over
    // SSH or not, costs no bytes and next to no CPU.
    let mut shown: Option<Buffer> = None;
    let mut redraw = true;
    loop {
        if !redraw && shown.is_some() {
            terminal.autoresize().map_err(Into::into)?;
            render(&mut terminal.get_frame(), &state, &keymap);
            redraw = shown.as_ref() != Some(&*terminal.current_buffer_mut());
            // The next draw starts from an empty buffer, as ratatui's own does.
            terminal.current_buffer_mut().reset();
        }
        if redraw {
            let done = terminal
                .draw(|frame| render(frame, &state, &keymap))
                .map_err(Into::into)?;
            shown = Some(done.buffer.clone());
        }
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => Msg::Key(key),
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(_)) => continue,
                Some(Err(e)) => {
                    keep_unsaved_work(&mut state, &keymap, &mut runtime);
                    return Err(e);
                }
                // The terminal went away (a dropped SSH connection, a closed window):
                // unsaved work is kept locally before the session ends.
                None => {
                    keep_unsaved_work(&mut state, &keymap, &mut runtime);
                    return Ok(());
                }
            },
            Some(msg) = rx.recv() => msg,
            _ = tick.tick() => Msg::Tick(Utc::now()),
        };
        // Only a tick can leave the screen as it was without being looked at again.
        redraw = !matches!(msg, Msg::Tick(_));
        for effect in update(&mut state, msg, &keymap) {
            tracing::debug!(?effect, "effect");
            runtime.run(effect);
        }
        if state.should_quit {
            return Ok(());
        }
    }
}

/// Writes every open screen's unsaved work to its draft file (draft effects run at once).
fn keep_unsaved_work(state: &mut AppState, keymap: &Keymap, runtime: &mut Runtime) {
    for effect in super::update::hang_up(state, keymap) {
        runtime.run(effect);
    }
}
