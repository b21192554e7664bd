//! The bytes an SSH client sends on its channel, parsed into the crossterm events a
//! local terminal gives (the same parser crossterm uses, from `terminput`): arrows,
//! F-keys, Alt, Shift-Tab, UTF-8, and bracketed paste (delivered as the keys it holds).

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

/// Holds an incomplete escape sequence or UTF-8 character across packets.
#[derive(Debug, Default)]
pub struct InputParser {
    pending: Vec<u8>,
}

/// Longer than any key sequence; a bracketed paste may be long, but not unbounded.
const MAX_PENDING: usize = 64 * 1024;

impl InputParser {
    /// Feeds one packet; the events it completes, in order.
    pub fn feed(&mut self, data: &[u8]) -> Vec<Event> {
        let mut out = Vec::new();
        for (i, byte) in data.iter().enumerate() {
            self.pending.push(*byte);
            let more = i + 1 < data.len();
            // A lone Esc followed by more bytes of the same packet starts a sequence.
            if self.pending == [0x1b] && more {
                continue;
            }
            match terminput::Event::parse_from(&self.pending) {
                Ok(Some(event)) => {
                    self.pending.clear();
                    push_event(&mut out, event);
                }
                Ok(None) if self.pending.len() < MAX_PENDING => {}
                // Not a sequence anything knows (or far too long): dropped, as crossterm does.
                Ok(None) | Err(_) => self.pending.clear(),
            }
        }
        out
    }
}

fn push_event(out: &mut Vec<Event>, event: terminput::Event) {
    match event {
        terminput::Event::Paste(text) => {
            for c in text.chars() {
                let code = match c {
                    '\r' | '\n' => KeyCode::Enter,
                    '\t' => KeyCode::Tab,
                    c if c.is_control() => continue,
                    c => KeyCode::Char(c),
                };
                out.push(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
            }
        }
        other => {
            if let Ok(event) = terminput_crossterm::to_crossterm(other) {
                out.push(event);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(data: &[u8]) -> Vec<KeyEvent> {
        InputParser::default()
            .feed(data)
            .into_iter()
            .filter_map(|e| match e {
                Event::Key(k) => Some(k),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn parses_what_a_terminal_sends() {
        let k = keys(b"a\x1b[A\x1bOP\x1b[Z\x1bx\x13\r");
        let codes: Vec<_> = k.iter().map(|k| (k.code, k.modifiers)).collect();
        assert_eq!(
            codes,
            vec![
                (KeyCode::Char('a'), KeyModifiers::NONE),
                (KeyCode::Up, KeyModifiers::NONE),
                (KeyCode::F(1), KeyModifiers::NONE),
                (KeyCode::BackTab, KeyModifiers::SHIFT),
                (KeyCode::Char('x'), KeyModifiers::ALT),
                (KeyCode::Char('s'), KeyModifiers::CONTROL),
                (KeyCode::Enter, KeyModifiers::NONE),
            ]
        );
    }

    #[test]
    fn a_lone_esc_is_esc_and_split_sequences_join() {
        assert_eq!(keys(b"\x1b")[0].code, KeyCode::Esc);
        let mut p = InputParser::default();
        assert!(p.feed("é".as_bytes()[..1].as_ref()).is_empty());
        let e = p.feed(&"é".as_bytes()[1..]);
        assert!(matches!(&e[..], [Event::Key(k)] if k.code == KeyCode::Char('é')));
    }

    #[test]
    fn a_bracketed_paste_arrives_as_its_keys() {
        let k = keys(b"\x1b[200~Hi\n\x1b[201~");
        let codes: Vec<_> = k.iter().map(|k| k.code).collect();
        assert_eq!(
            codes,
            vec![KeyCode::Char('H'), KeyCode::Char('i'), KeyCode::Enter]
        );
    }
}
