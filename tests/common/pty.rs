//! Drives the real `clinic` binary in a pseudo-terminal and reads its screen through a
//! VT100 emulator.

use std::io::{Read, Write};
use std::os::fd::AsRawFd as _;
use std::os::unix::fs::OpenOptionsExt;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// The emulated screen, whether the app's side of the pty has closed (it exited), and a
/// condition variable signalled on every change, so tests wait for what they expect to
/// see instead of sleeping.
struct Shared {
    state: Mutex<(vt100::Parser, bool)>,
    changed: Condvar,
}

pub struct PtyApp {
    screen: Arc<Shared>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
}

impl PtyApp {
    /// Starts `clinic` with `args` and `env` in a `cols` x `rows` terminal.
    pub fn spawn(args: &[&str], env: &[(&str, String)], cols: u16, rows: u16) -> PtyApp {
        PtyApp::spawn_program(env!("CARGO_BIN_EXE_clinic"), args, env, cols, rows)
    }

    /// Starts `program` (a path, or a name looked up on PATH, e.g. `ssh`) with `args` and
    /// `env` (and PATH, TERM) in a `cols` x `rows` terminal.
    pub fn spawn_program(
        program: &str,
        args: &[&str],
        env: &[(&str, String)],
        cols: u16,
        rows: u16,
    ) -> PtyApp {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env_clear();
        cmd.cwd(std::env::temp_dir());
        cmd.env("TERM", "xterm-256color");
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair
            .slave
            .spawn_command(cmd)
            .unwrap_or_else(|e| panic!("spawn {program}: {e}"));
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let screen = Arc::new(Shared {
            state: Mutex::new((vt100::Parser::new(rows, cols, 0), false)),
            changed: Condvar::new(),
        });
        let sink = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut state) = sink.state.lock() {
                    state.0.process(&buf[..n]);
                }
                sink.changed.notify_all();
            }
            if let Ok(mut state) = sink.state.lock() {
                state.1 = true;
            }
            sink.changed.notify_all();
        });
        PtyApp {
            screen,
            writer,
            child,
            master: pair.master,
        }
    }

    /// Resizes the terminal (the app gets SIGWINCH), and the emulator with it.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
        if let Ok(mut state) = self.screen.state.lock() {
            state.0.screen_mut().set_size(rows, cols);
        }
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn contents(&self) -> String {
        self.screen
            .state
            .lock()
            .map(|s| s.0.screen().contents())
            .unwrap_or_default()
    }

    /// Waits (on the screen's condition variable) until `done` holds for the screen
    /// text and whether the app's side closed; false on timeout.
    fn wait_until(&self, timeout: Duration, done: impl Fn(&str, bool) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let Ok(mut state) = self.screen.state.lock() else {
            return false;
        };
        loop {
            if done(&state.0.screen().contents(), state.1) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = match self.screen.changed.wait_timeout(state, left) {
                Ok((s, _)) => s,
                Err(_) => return false,
            };
        }
    }

    /// Whether any cell on screen has a foreground or background colour.
    pub fn shows_colour(&self) -> bool {
        let Ok(state) = self.screen.state.lock() else {
            return false;
        };
        let screen = state.0.screen();
        let (rows, cols) = screen.size();
        (0..rows).any(|r| {
            (0..cols).any(|c| {
                screen.cell(r, c).is_some_and(|cell| {
                    cell.fgcolor() != vt100::Color::Default
                        || cell.bgcolor() != vt100::Color::Default
                })
            })
        })
    }

    /// Waits until the screen shows `text`; panics with the screen if it never does.
    pub fn wait_for(&self, text: &str, timeout: Duration) {
        if !self.wait_until(timeout, |screen, _| screen.contains(text)) {
            panic!(
                "screen never showed {text:?} within {timeout:?}; it shows:\n{}",
                self.contents()
            );
        }
    }

    /// Waits until the screen satisfies `done` (`what` names it for the failure).
    pub fn wait_until_screen(&self, what: &str, timeout: Duration, done: impl Fn(&str) -> bool) {
        if !self.wait_until(timeout, |screen, _| done(screen)) {
            panic!(
                "screen never showed {what} within {timeout:?}; it shows:\n{}",
                self.contents()
            );
        }
    }

    /// Types `bytes` and waits until the app has read them, so that the next keys
    /// arrive as keys of their own, as a person's do: two Escs typed one after the other
    /// must not reach the app as one "Esc Esc" sequence. A test that needs a key's effect
    /// waits for it on screen with `wait_for`.
    pub fn send(&mut self, bytes: &str) {
        let before = (bytes == "\x1b").then(|| self.contents());
        self.writer
            .write_all(bytes.as_bytes())
            .expect("write to pty");
        self.writer.flush().expect("flush pty");
        self.wait_until_read(Duration::from_secs(10));
        // A lone Esc is also how escape sequences start: the terminal library may hold
        // it until it knows no sequence follows. Wait until it has acted (the screen
        // changes), so that a next Esc is not taken for the second half of "Esc Esc".
        if let Some(before) = before {
            self.wait_until(Duration::from_secs(2), |screen, closed| {
                closed || screen != before
            });
        }
    }

    /// The app's side of the pseudo-terminal (`/dev/pts/N`).
    fn terminal_path(&self) -> Option<std::path::PathBuf> {
        let fd = self.master.as_raw_fd()?;
        let mut name = [0 as libc::c_char; 128];
        // SAFETY: ptsname_r writes at most `name.len()` bytes into the buffer.
        let ok = unsafe { libc::ptsname_r(fd, name.as_mut_ptr(), name.len()) };
        if ok != 0 {
            return None;
        }
        // SAFETY: on success the buffer holds a NUL-terminated path.
        let path = unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) };
        Some(std::path::PathBuf::from(path.to_str().ok()?))
    }

    /// Waits until the terminal's input queue is empty: the app has read every byte.
    fn wait_until_read(&self, timeout: Duration) {
        let Some(tty) = self.terminal_path() else {
            return;
        };
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            // A fresh descriptor each time: keeping the terminal open would keep the
            // app's side from closing when it exits.
            let Ok(file) = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .custom_flags(libc::O_NOCTTY)
                .open(&tty)
            else {
                return;
            };
            let mut pending: libc::c_int = 0;
            // SAFETY: FIONREAD writes one c_int through the pointer, which is valid.
            let ok = unsafe { libc::ioctl(file.as_raw_fd(), libc::FIONREAD, &mut pending) };
            if ok != 0 || pending == 0 {
                return;
            }
            std::thread::yield_now();
        }
    }

    /// Ends the process at once, without a goodbye (as a dropped connection or a closed
    /// window), and waits until it has gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the process to end; returns whether it exited successfully.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        // The app's side of the pty closes when it exits.
        if self.wait_until(timeout, |_, closed| closed) {
            let deadline = Instant::now() + timeout;
            while Instant::now() < deadline {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return status.success();
                }
                std::thread::yield_now();
            }
        }
        let _ = self.child.kill();
        panic!(
            "the program did not exit within {timeout:?}; screen:\n{}",
            self.contents()
        );
    }
}

impl Drop for PtyApp {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}
