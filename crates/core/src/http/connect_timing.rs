//! Where the time to connect went, for `-vv`: the name lookup (a resolver that times itself),
//! the TCP connection and the TLS handshake (a connector layer times the whole connect; rustls
//! asks its session store for a hint the moment the handshake starts, which splits the two).
//! Each send runs inside [`measured`], whose task-local cell the three hooks write to; a send
//! on a kept-alive connection writes nothing.

use rustls::client::{ClientSessionStore, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::ServerName;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

/// The moments one connection was made at.
#[derive(Debug, Default, Clone, Copy)]
struct Moments {
    lookup: Option<(Instant, Instant)>,
    connect_start: Option<Instant>,
    tls_start: Option<Instant>,
    connected: Option<Instant>,
}

pub use crate::exchange::Phases;

tokio::task_local! {
    static CURRENT: Arc<Mutex<Moments>>;
}

/// Runs one send and says how its connection was made (`None`: one already open was used).
pub async fn measured<F: Future>(send: F) -> (F::Output, Option<Phases>) {
    let cell = Arc::new(Mutex::new(Moments::default()));
    let out = CURRENT.scope(Arc::clone(&cell), send).await;
    let m = *cell.lock().unwrap_or_else(|e| e.into_inner());
    (out, phases(&m))
}

fn phases(m: &Moments) -> Option<Phases> {
    let (start, done) = (m.connect_start?, m.connected?);
    let tcp_from = m.lookup.map_or(start, |(_, end)| end.max(start));
    let tcp_to = m.tls_start.unwrap_or(done);
    Some(Phases {
        dns: m.lookup.map(|(a, b)| b.saturating_duration_since(a)),
        tcp: tcp_to.saturating_duration_since(tcp_from),
        tls: m.tls_start.map(|t| done.saturating_duration_since(t)),
    })
}

/// The cell of the send under way on this task, if any.
fn current() -> Option<Arc<Mutex<Moments>>> {
    CURRENT.try_with(Arc::clone).ok()
}

fn note(cell: &Option<Arc<Mutex<Moments>>>, f: impl FnOnce(&mut Moments)) {
    if let Some(c) = cell
        && let Ok(mut m) = c.lock()
    {
        f(&mut m);
    }
}

/// The system resolver (getaddrinfo, as reqwest's own), timed.
pub struct TimedResolver;

impl reqwest::dns::Resolve for TimedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let cell = current();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let start = Instant::now();
            let found = tokio::net::lookup_host((host.as_str(), 0)).await;
            note(&cell, |m| m.lookup = Some((start, Instant::now())));
            let addrs: Vec<SocketAddr> = found?.collect();
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// A connector layer that times the whole connect (lookup, TCP, TLS).
#[derive(Clone)]
pub struct TimedConnect;

impl<S> tower_layer::Layer<S> for TimedConnect {
    type Service = Timed<S>;

    fn layer(&self, inner: S) -> Timed<S> {
        Timed(inner)
    }
}

#[derive(Clone)]
pub struct Timed<S>(S);

impl<S, R> tower_service::Service<R> for Timed<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        let cell = current();
        note(&cell, |m| m.connect_start = Some(Instant::now()));
        let connecting = self.0.call(req);
        Box::pin(async move {
            let conn = connecting.await;
            note(&cell, |m| m.connected = Some(Instant::now()));
            conn
        })
    }
}

/// rustls's in-memory session cache, noting when a handshake starts (the first thing rustls
/// does is ask it for a key-exchange hint or a session to resume).
#[derive(Debug)]
pub struct TimedSessions(rustls::client::ClientSessionMemoryCache);

impl Default for TimedSessions {
    /// rustls's default size.
    fn default() -> TimedSessions {
        TimedSessions(rustls::client::ClientSessionMemoryCache::new(256))
    }
}

impl TimedSessions {
    fn started(&self) {
        note(&current(), |m| {
            m.tls_start.get_or_insert_with(Instant::now);
        });
    }
}

impl ClientSessionStore for TimedSessions {
    fn set_kx_hint(&self, server_name: ServerName<'static>, group: rustls::NamedGroup) {
        self.0.set_kx_hint(server_name, group);
    }

    fn kx_hint(&self, server_name: &ServerName<'_>) -> Option<rustls::NamedGroup> {
        self.started();
        self.0.kx_hint(server_name)
    }

    fn set_tls12_session(&self, server_name: ServerName<'static>, value: Tls12ClientSessionValue) {
        self.0.set_tls12_session(server_name, value);
    }

    fn tls12_session(&self, server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.started();
        self.0.tls12_session(server_name)
    }

    fn remove_tls12_session(&self, server_name: &ServerName<'static>) {
        self.0.remove_tls12_session(server_name);
    }

    fn insert_tls13_ticket(
        &self,
        server_name: ServerName<'static>,
        value: Tls13ClientSessionValue,
    ) {
        self.0.insert_tls13_ticket(server_name, value);
    }

    fn take_tls13_ticket(
        &self,
        server_name: &ServerName<'static>,
    ) -> Option<Tls13ClientSessionValue> {
        self.started();
        self.0.take_tls13_ticket(server_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn phases_split_the_connect_at_the_lookup_and_the_handshake() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let m = Moments {
            connect_start: Some(at(0)),
            lookup: Some((at(0), at(5))),
            tls_start: Some(at(7)),
            connected: Some(at(20)),
        };
        assert_eq!(
            phases(&m),
            Some(Phases {
                dns: Some(Duration::from_millis(5)),
                tcp: Duration::from_millis(2),
                tls: Some(Duration::from_millis(13)),
            })
        );
        let plain = Moments {
            lookup: None,
            tls_start: None,
            ..m
        };
        assert_eq!(
            phases(&plain),
            Some(Phases {
                dns: None,
                tcp: Duration::from_millis(20),
                tls: None
            })
        );
        assert_eq!(phases(&Moments::default()), None);
    }
}
