//! Printing for the front ends. A closed stdout or stderr (`yarc schema collection | head -1`,
//! a launcher that went away) ends that stream's output quietly: the command goes on and keeps
//! its own exit status, as ripgrep does. `println!` would panic there instead.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static OUT_CLOSED: AtomicBool = AtomicBool::new(false);
static ERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout; after the first failed write, nothing more is tried.
pub(crate) fn out(text: &str) {
    write_to(&mut std::io::stdout().lock(), &OUT_CLOSED, text);
}

/// Writes to stderr; after the first failed write, nothing more is tried.
pub(crate) fn err(text: &str) {
    write_to(&mut std::io::stderr().lock(), &ERR_CLOSED, text);
}

fn write_to(w: &mut dyn Write, closed: &AtomicBool, text: &str) {
    if closed.load(Ordering::Relaxed) {
        return;
    }
    if w.write_all(text.as_bytes())
        .and_then(|()| w.flush())
        .is_err()
    {
        closed.store(true, Ordering::Relaxed);
    }
}

/// Whether an error is the reader having gone away (not worth a message or an exit status).
pub(crate) fn is_closed_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

/// `print!` that never panics (see the module).
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => { $crate::console::out(&format!($($t)*)) };
}

/// `println!` that never panics.
#[macro_export]
macro_rules! outln {
    () => { $crate::console::out("\n") };
    ($($t:tt)*) => { $crate::console::out(&format!("{}\n", format_args!($($t)*))) };
}

/// `eprint!` that never panics.
#[macro_export]
macro_rules! err {
    ($($t:tt)*) => { $crate::console::err(&format!($($t)*)) };
}

/// `eprintln!` that never panics.
#[macro_export]
macro_rules! errln {
    () => { $crate::console::err("\n") };
    ($($t:tt)*) => { $crate::console::err(&format!("{}\n", format_args!($($t)*))) };
}
