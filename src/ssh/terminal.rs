//! A session's terminal: ratatui's crossterm backend writing into the SSH channel, with
//! the size the client's pty reported (not the server process's terminal).

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use russh::ChannelId;
use russh::server::Handle;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The client's window size (columns, rows), updated on window-change.
#[derive(Debug, Clone)]
pub struct SharedSize(Arc<AtomicU32>);

impl SharedSize {
    pub fn new(cols: u16, rows: u16) -> SharedSize {
        SharedSize(Arc::new(AtomicU32::new(pack(cols, rows))))
    }

    pub fn set(&self, cols: u16, rows: u16) {
        self.0.store(pack(cols, rows), Ordering::Relaxed);
    }

    pub fn get(&self) -> (u16, u16) {
        let v = self.0.load(Ordering::Relaxed);
        ((v >> 16) as u16, (v & 0xffff) as u16)
    }
}

fn pack(cols: u16, rows: u16) -> u32 {
    (u32::from(cols) << 16) | u32::from(rows)
}

/// Bytes for the channel: collected until a flush, then sent in one message.
pub struct ChannelWriter {
    buf: Vec<u8>,
    tx: mpsc::UnboundedSender<Vec<u8>>,
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let out = std::mem::take(&mut self.buf);
        self.tx
            .send(out)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the SSH channel closed"))
    }
}

/// Sends what the session writes, in order, on the channel; `finish` waits until all of
/// it is sent.
pub struct Output {
    tx: mpsc::UnboundedSender<Vec<u8>>,
    task: JoinHandle<()>,
}

impl Output {
    pub fn raw(&self, bytes: &[u8]) {
        let _ = self.tx.send(bytes.to_vec());
    }

    pub async fn finish(self) {
        drop(self.tx);
        let _ = self.task.await;
    }
}

/// The alternate screen, as a local terminal's TUI uses it.
pub fn enter(out: &Output) {
    out.raw(b"\x1b[?1049h\x1b[?25l\x1b[2J");
}

pub fn leave(out: &Output) {
    out.raw(b"\x1b[0m\x1b[?25h\x1b[?1049l");
}

pub type ChannelTerminal = Terminal<SshBackend>;

pub fn size_of(terminal: &ChannelTerminal) -> (u16, u16) {
    terminal.backend().size.get()
}

/// A terminal drawing into `channel`, and the output it shares.
pub fn channel_terminal(
    handle: Handle,
    channel: ChannelId,
    size: SharedSize,
) -> io::Result<(ChannelTerminal, Output)> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let task = tokio::spawn(async move {
        while let Some(data) = rx.recv().await {
            if handle.data(channel, data).await.is_err() {
                break;
            }
        }
    });
    let backend = SshBackend {
        inner: CrosstermBackend::new(ChannelWriter {
            buf: Vec::with_capacity(4096),
            tx: tx.clone(),
        }),
        size,
        cursor: Position::ORIGIN,
    };
    let terminal = Terminal::new(backend)?;
    Ok((terminal, Output { tx, task }))
}

/// Crossterm's escape sequences into the channel; the size from the client's pty; the
/// cursor position remembered (a remote terminal cannot be asked synchronously).
pub struct SshBackend {
    inner: CrosstermBackend<ChannelWriter>,
    size: SharedSize,
    cursor: Position,
}

impl Backend for SshBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        self.cursor = position;
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        let (width, height) = self.size.get();
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let (width, height) = self.size.get();
        Ok(WindowSize {
            columns_rows: Size { width, height },
            pixels: Size {
                width: 0,
                height: 0,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}
