//! The waitlist, opened from the agenda with `o`: the open entries, oldest first, those
//! with a time offered at the top. Enter books an offered time in one step (through the
//! normal booking check); `d` declines an offer (the entry waits again and the time goes
//! to the next one), `x` takes an entry off the list (asked first), `r` reloads. The
//! list is read again after every change. Esc goes back to the agenda, which counts the
//! offers again and reloads.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::domain::Actor;
use crate::domain::local_time::label;
use crate::domain::waitlist::{WaitFor, WaitlistEntry, WaitlistStatus};
use crate::service::{ServiceError, Services};
use crate::tui::keymap::{Command, Context};
use crate::tui::screen::{Action, Actions, Commands, Ctx, Operation, Screen};
use crate::tui::widgets::confirm::{Confirm, render_confirm};
use crate::tui::widgets::table::{Column, DataTable, TableView};
use crate::tui::widgets::text::{truncate, width as text_width};

/// A request of the waitlist screen.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitlistOp {
    /// The open entries (waiting and offered).
    Load,
    /// Books the time offered to an entry.
    Book {
        entry_id: i32,
    },
    Decline {
        entry_id: i32,
    },
    Remove {
        entry_id: i32,
    },
}

#[derive(Debug, Clone)]
pub enum WaitlistReply {
    Loaded(Result<Vec<WaitlistEntry>, ServiceError>),
    /// A change went through (what to say), or why not.
    Done(Result<String, ServiceError>),
}

impl Operation for WaitlistOp {
    type Reply = WaitlistReply;

    fn busy_text(&self) -> &'static str {
        match self {
            WaitlistOp::Load => "Loading the waitlist",
            WaitlistOp::Book { .. } => "Booking the offered time",
            WaitlistOp::Decline { .. } => "Declining the offer",
            WaitlistOp::Remove { .. } => "Taking the entry off the list",
        }
    }

    async fn run(self, services: &Services, actor: &Actor) -> WaitlistReply {
        match self {
            WaitlistOp::Load => WaitlistReply::Loaded(services.waitlist(actor, true).await),
            WaitlistOp::Book { entry_id } => WaitlistReply::Done(
                services
                    .book_waitlist_offer(actor, entry_id)
                    .await
                    .map(|a| {
                        format!(
                            "Booked: appointment {} on {}.",
                            a.id,
                            crate::service::booking::local_label(
                                services.config().time_zone,
                                a.start_utc
                            )
                        )
                    }),
            ),
            WaitlistOp::Decline { entry_id } => WaitlistReply::Done(
                services
                    .decline_waitlist_offer(actor, entry_id)
                    .await
                    .map(|()| "Offer declined; the entry waits again.".to_string()),
            ),
            WaitlistOp::Remove { entry_id } => WaitlistReply::Done(
                services
                    .remove_from_waitlist(actor, entry_id)
                    .await
                    .map(|()| "Taken off the waitlist.".to_string()),
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub struct WaitlistScreen {
    pub entries: Vec<WaitlistEntry>,
    pub loaded: bool,
    pub view: TableView,
    /// "Take … off the waitlist?" (the entry's id).
    pub confirm: Option<Confirm<i32>>,
    pub load_request: Option<u64>,
    pub action_request: Option<u64>,
}

impl Default for WaitlistScreen {
    fn default() -> Self {
        WaitlistScreen::new()
    }
}

/// Offered entries first (the ones to act on), then the oldest first.
fn order(entries: &mut [WaitlistEntry]) {
    entries.sort_by_key(|e| (e.status != WaitlistStatus::Offered, e.created_at, e.id));
}

/// "Gregory House" or "any Cardiology doctor".
pub fn whom(e: &WaitlistEntry) -> String {
    match &e.wait_for {
        WaitFor::Doctor(id) => e
            .doctor_name
            .clone()
            .unwrap_or_else(|| format!("doctor {id}")),
        WaitFor::Specialization(s) => format!("any {s}"),
    }
}

fn offer_text(tz: Tz, e: &WaitlistEntry) -> String {
    match (&e.offer, e.status) {
        (Some(o), WaitlistStatus::Offered) => label(tz, o.start_utc, "%a %-d %b %H:%M"),
        _ => String::new(),
    }
}

impl WaitlistScreen {
    pub fn new() -> WaitlistScreen {
        WaitlistScreen {
            entries: Vec::new(),
            loaded: false,
            view: TableView::new(),
            confirm: None,
            load_request: None,
            action_request: None,
        }
    }

    pub fn selected(&self) -> Option<&WaitlistEntry> {
        self.entries.get(self.view.selected())
    }

    fn busy(&self) -> bool {
        self.action_request.is_some()
    }

    pub fn handle(&mut self, key: KeyEvent, command: Option<Command>) -> Actions<WaitlistOp> {
        if let Some(c) = &self.confirm {
            return match command {
                Some(Command::Yes) if c.pending.is_none() => {
                    vec![Action::Request(WaitlistOp::Remove { entry_id: c.target })]
                }
                Some(Command::No) if c.pending.is_none() => {
                    self.confirm = None;
                    vec![Action::Info("The entry stays on the waitlist.".into())]
                }
                _ => Vec::new(),
            };
        }
        if self.view.on_key(&key, command, self.entries.len()) {
            return Vec::new();
        }
        let none = || vec![Action::Info("Nobody is on the waitlist.".into())];
        match command {
            Some(Command::Back) => vec![Action::Back],
            Some(Command::Reload) => vec![Action::Request(WaitlistOp::Load)],
            Some(Command::Book) => {
                let Some(e) = self.selected() else {
                    return none();
                };
                if self.busy() {
                    return Vec::new();
                }
                if e.status != WaitlistStatus::Offered {
                    return vec![Action::Info(
                        "No time is offered to this entry yet; it gets the first free time that fits."
                            .into(),
                    )];
                }
                vec![Action::Request(WaitlistOp::Book { entry_id: e.id })]
            }
            Some(Command::Decline) => {
                let Some(e) = self.selected() else {
                    return none();
                };
                if self.busy() {
                    return Vec::new();
                }
                if e.status != WaitlistStatus::Offered {
                    return vec![Action::Info("This entry has no offer to decline.".into())];
                }
                vec![Action::Request(WaitlistOp::Decline { entry_id: e.id })]
            }
            Some(Command::DeleteItem) => {
                let Some(e) = self.selected() else {
                    return none();
                };
                let question = format!(
                    "Take {} off the waitlist? The entry is kept as cancelled{}.",
                    e.patient_name,
                    if e.status == WaitlistStatus::Offered {
                        " and the offered time goes to the next one waiting"
                    } else {
                        ""
                    }
                );
                self.confirm = Some(Confirm::new(question, e.id));
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    pub fn answer(&mut self, request: u64, reply: WaitlistReply) -> Actions<WaitlistOp> {
        match reply {
            WaitlistReply::Loaded(result) => {
                if self.load_request != Some(request) {
                    return Vec::new();
                }
                self.load_request = None;
                match result {
                    Ok(mut entries) => {
                        let keep = self.selected().map(|e| e.id);
                        order(&mut entries);
                        self.entries = entries;
                        self.loaded = true;
                        let len = self.entries.len();
                        if let Some(i) =
                            keep.and_then(|id| self.entries.iter().position(|e| e.id == id))
                        {
                            self.view.select(i, len);
                        }
                        self.view.clamp(len);
                        Vec::new()
                    }
                    Err(e) => vec![Action::Failed(e)],
                }
            }
            WaitlistReply::Done(result) => {
                if self.action_request != Some(request) {
                    return Vec::new();
                }
                self.action_request = None;
                self.confirm = None;
                // Whatever happened, the list is read again (a taken time moves the entry
                // back to waiting, or on to another offer).
                let reload = Action::Request(WaitlistOp::Load);
                match result {
                    Ok(message) => vec![Action::Info(message), reload],
                    Err(e) => vec![Action::Failed(e), reload],
                }
            }
        }
    }
}

impl Screen for WaitlistScreen {
    type Op = WaitlistOp;

    fn context(&self) -> Context {
        if self.confirm.is_some() {
            Context::Confirm
        } else {
            Context::Waitlist
        }
    }

    fn on_enter(&mut self, _cx: &Ctx) -> Actions<WaitlistOp> {
        vec![Action::Request(WaitlistOp::Load)]
    }

    fn on_key(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        _cx: &Ctx,
    ) -> Actions<WaitlistOp> {
        self.handle(key, command)
    }

    fn started(&mut self, request: u64, op: &WaitlistOp) {
        match op {
            WaitlistOp::Load => self.load_request = Some(request),
            _ => {
                self.action_request = Some(request);
                if let Some(c) = &mut self.confirm {
                    c.pending = Some(request);
                }
            }
        }
    }

    fn on_reply(&mut self, request: u64, reply: WaitlistReply, _cx: &Ctx) -> Actions<WaitlistOp> {
        self.answer(request, reply)
    }

    fn abandon(&mut self, request: u64) {
        super::abandon::forget(&mut self.load_request, request);
        if super::abandon::forget(&mut self.action_request, request)
            && let Some(c) = &mut self.confirm
        {
            c.pending = None;
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        render(frame, area, self, cx.tz(), cx);
    }

    fn commands(&self, _cx: &Ctx, out: &mut Commands) {
        if self.confirm.is_some() {
            out.add(Command::Yes, "take it off", true)
                .add(Command::No, "keep it", true);
            return;
        }
        let offered = self
            .selected()
            .is_some_and(|e| e.status == WaitlistStatus::Offered);
        let free = !self.busy();
        out.add(Command::Book, "book the offer", offered && free)
            .add(Command::Decline, "decline", offered && free)
            .add(Command::DeleteItem, "remove", self.selected().is_some())
            .add(Command::Reload, "reload", true)
            .group(&[Command::Up, Command::Down], "move", true)
            .add(Command::Back, "back", true);
    }
}

fn dates(e: &WaitlistEntry) -> String {
    if e.from_date == e.to_date {
        e.from_date.format("%-d %b").to_string()
    } else {
        format!(
            "{}–{}",
            e.from_date.format("%-d %b"),
            e.to_date.format("%-d %b")
        )
    }
}

fn since(tz: Tz, t: NaiveDateTime) -> String {
    label(tz, t, "%-d %b %H:%M")
}

fn render(frame: &mut Frame, area: Rect, state: &WaitlistScreen, tz: Tz, cx: &Ctx) {
    let theme = cx.theme;
    if area.height < 5 || area.width < 40 {
        return;
    }
    let width = usize::from(area.width);
    let offered = state
        .entries
        .iter()
        .filter(|e| e.status == WaitlistStatus::Offered)
        .count();
    let waiting = state.entries.len() - offered;
    let head = format!(" Waitlist · {offered} offered · {waiting} waiting");
    let hint = "Enter books an offer";
    let mut spans = vec![Span::styled(
        truncate(&head, width).into_owned(),
        theme.title(),
    )];
    if text_width(&head) + text_width(hint) + 2 <= width {
        spans.push(Span::raw(
            " ".repeat(width - text_width(&head) - text_width(hint) - 1),
        ));
        spans.push(Span::styled(hint, theme.dim()));
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans)),
        Rect { height: 1, ..area },
    );
    let table_area = Rect {
        y: area.y + 1,
        height: area.height - 2,
        ..area
    };
    let wide = area.width >= 110;
    let mut columns = vec![
        Column::new("Patient", Constraint::Fill(1)),
        Column::new("For", Constraint::Length(if wide { 24 } else { 18 })),
        Column::new("Dates", Constraint::Length(13)),
        Column::new("Status", Constraint::Length(7)),
        Column::new(
            "Offered time",
            Constraint::Length(if wide { 36 } else { 22 }),
        ),
    ];
    if wide {
        columns.push(Column::new("Min", Constraint::Length(3)).right());
    }
    let empty = if state.load_request.is_some() && !state.loaded {
        "Loading…"
    } else {
        "Nobody is waiting."
    };
    DataTable::new(columns)
        .empty(empty)
        .active(state.confirm.is_none())
        .render_with(
            frame,
            table_area,
            &state.view,
            state.entries.len(),
            |i| {
                let e = &state.entries[i];
                let status = match e.status {
                    WaitlistStatus::Offered => Span::styled(e.status.label(), theme.info()),
                    _ => Span::raw(e.status.label()),
                };
                let mut cells = vec![
                    Span::raw(e.patient_name.clone()),
                    Span::raw(whom(e)),
                    Span::raw(dates(e)),
                    status,
                    Span::raw(offer_text(tz, e)),
                ];
                if wide {
                    cells.push(Span::raw(e.duration_minutes.to_string()));
                }
                cells
            },
            theme,
        );
    let detail = state.selected().map(|e| {
        let mut parts = Vec::new();
        if let (Some(o), WaitlistStatus::Offered) = (&e.offer, e.status) {
            parts.push(format!(
                "offered {} with {}",
                label(tz, o.start_utc, "%a %-d %b %H:%M"),
                o.doctor_name
            ));
        }
        parts.push(match e.part_of_day {
            Some(p) => p.label().to_string(),
            None => "any time of day".into(),
        });
        parts.push(format!("{} min", e.duration_minutes));
        parts.push(format!("waiting since {}", since(tz, e.created_at)));
        parts.join(" · ")
    });
    frame.render_widget(
        Paragraph::new(Span::styled(
            truncate(&format!(" {}", detail.unwrap_or_default()), width).into_owned(),
            theme.info(),
        )),
        Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        },
    );
    if let Some(c) = &state.confirm {
        render_confirm(frame, area, &c.question, c.pending.is_some(), theme);
    }
}
