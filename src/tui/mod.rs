//! The terminal UI. Data flows one way: a terminal event or a reply becomes a `Msg`;
//! `update` hands it to the screen it is for (the top of the navigation stack, or the
//! screen that asked), carries out the [`screen::Action`]s the screen returns, and
//! returns `Effect`s; the runtime runs each request's `Operation::run` as a task and
//! sends its reply back as a `Msg`. `update` and `render` do no I/O and never await.
//! Screens implement [`screen::Screen`] and are registered in [`routes`].

pub mod app;
pub mod drafts;
pub mod effect;
pub mod export;
pub mod keymap;
pub mod msg;
pub mod routes;
pub mod runtime;
pub mod screen;
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
