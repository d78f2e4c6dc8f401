//! `yarc sandbox`: the built-in sandbox API on 127.0.0.1 until interrupted, for trying
//! collections by hand.

use super::CommandError;
use crate::outcome::Exit;
use crate::sandbox;
use clap::Args;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Lifetime of issued tokens, e.g. 5s.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "1h")]
    pub token_lifetime: Duration,
}

pub(crate) async fn execute(a: SandboxArgs) -> super::Outcome {
    let settings = sandbox::Settings {
        token_lifetime: a.token_lifetime,
        ..sandbox::Settings::default()
    };
    let sb = sandbox::start(settings, a.port).await.map_err(|e| {
        CommandError::stopped(format!("cannot start the sandbox: {e}"), Exit::Incomplete)
    })?;
    crate::outln!("sandbox listening on {}", sb.url);
    crate::outln!(
        "client_id {} / client_secret {} / tenant_id {}",
        sandbox::CLIENT_ID,
        sandbox::CLIENT_SECRET,
        sandbox::TENANT
    );
    let _ = tokio::signal::ctrl_c().await;
    Ok(Exit::Ok)
}
