//! The terminal UI. Data flows one way: a terminal event or an async result becomes a
//! `Msg`; `update` changes the `AppState` and returns `Effect`s; the runtime runs the
//! effects as tasks against the services and sends their results back as `Msg`s.
//! `update` and `render` do no I/O and never await.

pub mod app;
pub mod effect;
pub mod export;
pub mod keymap;
pub mod msg;
pub mod people_runtime;
pub mod prescription_runtime;
pub mod runtime;
pub mod screens;
pub mod state;
pub mod task;
pub mod theme;
pub mod update;
pub mod view;
pub mod widgets;

pub use app::run;
pub use state::AppState;
pub use update::update;
pub use view::render;

/// Below this size the app shows a "terminal too small" message instead of screens.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 18;
