//! Which account to continue as, when one email signed in over SSH to accounts of
//! several kinds (e.g. a doctor who is also a patient of the clinic).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use crate::service::Session;
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, NoOp, Screen};

#[derive(Debug, Clone, PartialEq)]
pub struct AccountChoiceScreen {
    pub sessions: Vec<Session>,
    pub selected: usize,
}

impl AccountChoiceScreen {
    pub fn new(sessions: Vec<Session>) -> AccountChoiceScreen {
        AccountChoiceScreen {
            sessions,
            selected: 0,
        }
    }
}

impl Screen for AccountChoiceScreen {
    type Op = NoOp;

    fn context(&self) -> Context {
        Context::Home
    }

    fn on_key(
        &mut self,
        _key: crossterm::event::KeyEvent,
        command: Option<Command>,
        _cx: &Ctx,
    ) -> Actions<NoOp> {
        match command {
            Some(Command::Up) => {
                self.selected = self.selected.saturating_sub(1);
                Vec::new()
            }
            Some(Command::Down) => {
                self.selected = (self.selected + 1).min(self.sessions.len().saturating_sub(1));
                Vec::new()
            }
            Some(Command::Open) => self
                .sessions
                .get(self.selected)
                .map(|s| Action::SignedIn(s.clone()))
                .into_iter()
                .collect(),
            Some(Command::Quit) => vec![Action::Quit],
            _ => Vec::new(),
        }
    }

    fn on_reply(&mut self, _request: u64, reply: NoOp, _cx: &Ctx) -> Actions<NoOp> {
        match reply {}
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let theme = cx.theme;
        let rows = ratatui::layout::Layout::vertical([
            ratatui::layout::Constraint::Length(3),
            ratatui::layout::Constraint::Min(3),
        ])
        .split(area);
        let intro = Paragraph::new(Line::from(Span::styled(
            "This email has accounts of several kinds: continue as which?",
            theme.dim(),
        )))
        .wrap(Wrap { trim: false });
        frame.render_widget(intro, rows[0]);
        let items: Vec<ListItem> = self
            .sessions
            .iter()
            .map(|s| {
                ListItem::new(format!(
                    " {:<11} {}",
                    s.role().label(),
                    s.actor.display_name()
                ))
            })
            .collect();
        let list = List::new(items)
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.border())
                    .title(Span::styled(" Continue as ", theme.title())),
            )
            .highlight_style(theme.focus())
            .highlight_symbol("▶");
        let mut state = ListState::default().with_selected(Some(self.selected));
        frame.render_stateful_widget(list, rows[1], &mut state);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        out.group(&[Command::Up, Command::Down], "move", true)
            .add(Command::Open, "continue as", !self.sessions.is_empty())
            .add(Command::Quit, "quit", true);
    }
}
