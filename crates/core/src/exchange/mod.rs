//! The owned response that assertions, captures and reports read. Plain data: built by the
//! HTTP layer or by hand in tests.

pub mod document;

use crate::exchange::document::Node;
use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::Duration;

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub duration: Duration,
    /// What the wire showed, for `-vv`: set by the HTTP layer, empty when built by hand.
    pub wire: Wire,
    json: OnceLock<Option<Node>>,
}

/// The exchange as it went over the wire.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Wire {
    /// `HTTP/1.1`, `HTTP/2`.
    pub version: String,
    /// Every header sent, the client's own (user agent, accept, encodings, cookies) included.
    pub sent: Vec<(String, String)>,
    /// Until the response's headers came (connection, TLS and the server's wait included).
    pub first_byte: Duration,
    /// Each redirect followed: its status and where it pointed.
    pub hops: Vec<(u16, String)>,
    /// Headers of the first hop not sent on after a redirect left its origin (credentials,
    /// cookies, values holding a secret). `sent` is what the first hop sent.
    pub left_behind: Vec<String>,
    /// How the connection was made (`None`: an open one was used).
    pub connect: Option<Phases>,
}

impl Response {
    pub fn new(
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        duration: Duration,
    ) -> Response {
        Response {
            status,
            headers,
            body,
            duration,
            wire: Wire::default(),
            json: OnceLock::new(),
        }
    }

    /// The value of a header (names compare case-insensitively); of one sent more than once,
    /// the last: what Postman's `pm.response.headers.get` reads.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Lets go of a large body's parsed tree once nothing reads it again (a later `json()`
    /// parses anew). Freeing a tree takes a fifth of the time parsing it took (0.4 s for
    /// 40 MB), so it is freed on a thread beside the run instead of before the next request.
    pub fn release_json(&mut self) {
        const LARGE: usize = 1 << 20;
        if self.body.len() >= LARGE
            && let Some(tree) = self.json.take()
        {
            std::thread::spawn(move || drop(tree));
        }
    }

    /// The body parsed as JSON, once, whatever the number of assertions that read it.
    pub fn json(&self) -> Option<&Node> {
        self.json.get_or_init(|| Node::parse(&self.body)).as_ref()
    }

    /// The body as a `serde_json` value: from the tree when an assertion already parsed it,
    /// else straight from the bytes (one pass, no tree kept).
    pub fn json_value(&self) -> Option<serde_json::Value> {
        match self.json.get() {
            Some(tree) => tree.as_ref().map(Node::to_value),
            None => serde_json::from_slice(&self.body).ok(),
        }
    }
}

/// How long a new connection took, by phase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Phases {
    /// `None`: no lookup (an address, or a `--resolve`d name).
    pub dns: Option<Duration>,
    pub tcp: Duration,
    /// `None`: plain HTTP.
    pub tls: Option<Duration>,
}
