//! `yarc ui [PATH]`: serves the workbench page (see `crate::ui`) on 127.0.0.1 and prints its
//! URL, with the session token in it.

use super::CommandError;
use super::args::{Inputs, NetArgs, VarArgs};
use super::lower;
use crate::clock::Clock;
use crate::outcome::Exit;
use crate::plan::Selection;
use crate::session::Purpose;
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args, Debug)]
pub struct UiArgs {
    /// Collection files or folders to show (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// The environment chosen when the page opens (the page lists every one found).
    #[arg(long, short = 'e')]
    pub env: Option<String>,
    /// Port on 127.0.0.1 (0: any free port). The page is never served on another interface.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub variables: VarArgs,
    #[command(flatten)]
    pub network: NetArgs,
}

pub(crate) async fn execute(a: UiArgs, clock: Clock) -> super::Outcome {
    let inputs = Inputs {
        paths: if a.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            a.paths.clone()
        },
        env: a.env.clone(),
        variables: a.variables.clone(),
        network: a.network.clone(),
    };
    let config = lower(&inputs, None, Selection::default(), Purpose::Send, clock)?;
    crate::load::load(&config.paths, None)?;
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", a.port)).await {
        Ok(l) => l,
        Err(e) => {
            return Err(CommandError::stopped(
                format!("cannot listen on 127.0.0.1:{}: {e}", a.port),
                Exit::Incomplete,
            ));
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(a.port);
    let wb = Arc::new(crate::ui::Workbench::new(config, port));
    let url = format!("http://127.0.0.1:{port}/?token={}", wb.token);
    // A closed stdout (the launcher went away) must not stop the page: no println!.
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "yarc ui: {url}");
        let _ = writeln!(out, "(only this URL opens the page; Ctrl-C stops it)");
        let _ = out.flush();
    }
    if a.open {
        // Arguments are readable by every user of the machine: the browser gets a key that
        // opens the page once, within a minute, never the token.
        open_browser(&format!("http://127.0.0.1:{port}/?nonce={}", wb.nonce()));
    }
    tokio::select! {
        r = crate::ui::serve(wb, listener) => match r {
            Ok(()) => Ok(Exit::Ok),
            Err(e) => Err(CommandError::stopped(e.to_string(), Exit::Incomplete)),
        },
        _ = tokio::signal::ctrl_c() => Ok(Exit::Ok),
    }
}

/// The platform's opener; a failure only means the user opens the printed URL.
fn open_browser(url: &str) {
    let (cmd, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(e) = std::process::Command::new(cmd)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        crate::errln!("note: could not open a browser ({cmd}: {e}); open the URL above");
    }
}
