//! Secrets that cannot leak, servers that cannot hang us: the second hardening pass. Raw-TCP
//! servers written for each case; every sink (stdout, stderr, --verbose, --dry-run, the
//! reports, snapshot files, annotations, `yarc vars`, `yarc token`) is searched for any piece of
//! six characters or more of the secret, in every encoding.

use super::*;
use base64::Engine;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a raw server does with one request (one request per connection).
pub(crate) enum Act {
    /// Writes these bytes, then closes without `Connection: close` having been said.
    Send(Vec<u8>),
    /// Closes without answering.
    Hangup,
    /// Writes the head, then `chunk` again and again (at most 64 MiB, or until the client
    /// hangs up).
    Stream(Vec<u8>, Vec<u8>),
}

type Handler = Arc<dyn Fn(&str) -> Act + Send + Sync>;

pub(crate) struct Raw {
    pub url: String,
    /// Every request head received (with its body, when it had one).
    pub seen: Arc<Mutex<Vec<String>>>,
    _rt: tokio::runtime::Runtime,
}

impl Raw {
    pub(crate) fn start(handler: impl Fn(&str) -> Act + Send + Sync + 'static) -> Raw {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("rt");
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Handler = Arc::new(handler);
        let log = Arc::clone(&seen);
        rt.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&handler), Arc::clone(&log)));
            }
        });
        Raw { url, seen, _rt: rt }
    }

    pub(crate) fn requests(&self) -> Vec<String> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

async fn serve(mut s: TcpStream, handler: Handler, log: Arc<Mutex<Vec<String>>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 1 << 20 {
            return;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + len {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let request = String::from_utf8_lossy(&buf).into_owned();
    if let Ok(mut l) = log.lock() {
        l.push(request.clone());
    }
    match handler(&request) {
        Act::Send(bytes) => {
            let _ = s.write_all(&bytes).await;
            let _ = s.flush().await;
        }
        Act::Hangup => {}
        Act::Stream(head, chunk) => {
            if s.write_all(&head).await.is_err() {
                return;
            }
            for _ in 0..(64 << 20) / chunk.len().max(1) {
                if s.write_all(&chunk).await.is_err() {
                    return;
                }
            }
        }
    }
}

fn path_of(request: &str) -> &str {
    request.split_whitespace().nth(1).unwrap_or("/")
}

fn respond(status: &str, headers: &str, body: &str) -> Act {
    Act::Send(
        format!(
            "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

/// Every piece of six characters or more of the secret's encodings that a leak would show.
fn leak_needles(secret: &str) -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut forms = vec![
        secret.to_string(),
        secret.trim().to_string(),
        secret.to_uppercase(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
    ];
    let json = serde_json::to_string(secret).expect("json");
    forms.push(json[1..json.len() - 1].to_string());
    for prefix in ["", "u:", "bob:"] {
        let e = b64.encode(format!("{prefix}{secret}"));
        let skip = prefix.len() * 4 / 3 + 1;
        forms.push(
            e.chars()
                .skip(skip)
                .take(e.len().saturating_sub(skip + 3))
                .collect(),
        );
    }
    let mut out = Vec::new();
    for f in forms {
        let chars: Vec<char> = f.chars().collect();
        for w in chars.windows(6) {
            let piece: String = w.iter().collect();
            if piece.trim().chars().count() == 6 {
                out.push(piece);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Everything yarc printed and wrote below the world's folder.
fn every_sink(w: &World, runs: &[Run]) -> String {
    let mut all = String::new();
    for r in runs {
        all.push_str(&r.stdout);
        all.push_str(&r.stderr);
    }
    fn walk(dir: &std::path::Path, out: &mut String) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    walk(w.dir.path(), &mut all);
    all
}

#[track_caller]
fn assert_no_leak(all: &str, secret: &str, skip_files: &[&str]) {
    let _ = skip_files;
    let needles = leak_needles(secret);
    let finder = aho_corasick::AhoCorasick::new(&needles).expect("automaton");
    if let Some(m) = finder.find(all) {
        let (n, at) = (&needles[m.pattern().as_usize()], m.start());
        {
            let around: String = all[at..].chars().take(120).collect();
            panic!("a piece of the secret leaked: {n:?} in …{around}…");
        }
    }
}

const REPORTS: [&str; 6] = [
    "--report",
    "json:out/r.json",
    "--report",
    "junit:out/r.xml",
    "--report",
    "html:out/r.html",
];

// ---- 1, 2: nothing crosses an origin ---------------------------------------------------

#[test]
fn redirects_to_another_origin_carry_no_referer_key_or_credential() {
    let a = World::new();
    let b = World::new();
    let secret = "Rk7-q9Zx-referer-0x5c";
    a.write(
        "c.yaml",
        &format!(
            r#"
requests:
  - name: across origins
    url: "{{{{ url }}}}/redirect?to={other}/echo&key={{{{ secret('K') }}}}"
    headers: {{ X-Custom: "token {{{{ secret('K') }}}}", X-Plain: visible }}
    auth: {{ api_key: {{ header: X-Api-Key, value: "{{{{ secret('K') }}}}" }} }}
    expect:
      status: 200
      json:
        $.headers.referer: {{ exists: false }}
        $.headers['x-api-key']: {{ exists: false }}
        $.headers['x-custom']: {{ exists: false }}
        $.headers.authorization: {{ exists: false }}
        $.headers['x-plain']: visible
  - name: same origin keeps them
    url: "{{{{ url }}}}/redirect?to=/echo"
    auth: {{ api_key: {{ header: X-Api-Key, value: "{{{{ secret('K') }}}}" }} }}
    expect:
      json:
        $.headers['x-api-key']: {{ exists: true }}
        $.headers.referer: {{ exists: false }}
"#,
            other = b.url()
        ),
    );
    let r = a.yarc_env(&["run", "c.yaml", "--verbose"], &[("K", secret)]);
    r.expect_code(0);
    assert_eq!(b.sandbox.requests_seen(), 1);
    assert_no_leak(&r.all(), secret, &[]);
    // -vv shows what the first hop sent (masked), and what stayed behind.
    let vv = a.yarc_env(&["run", "c.yaml", "-vv"], &[("K", secret)]);
    vv.expect_code(0)
        .expect_contains("> X-Custom: token •••••")
        .expect_contains("* left behind on another origin: X-Custom, X-Api-Key");
    assert_no_leak(&vv.all(), secret, &[]);
}

#[test]
fn a_token_endpoint_that_redirects_elsewhere_never_gets_the_secret_again() {
    let real = World::new();
    let to = format!("{}/connect/token", real.url());
    let moved =
        Raw::start(move |_| respond("307 Temporary Redirect", &format!("Location: {to}\r\n"), ""));
    let w = World::new();
    w.write(
        "c.yaml",
        &format!(
            r#"
auth:
  oauth2:
    token_url: "{}/token"
    client_id: sandbox-client
    client_secret: "{{{{ secret('CS') }}}}"
    scope: automatic-rostering-stage
requests:
  - name: needs a token
    url: "{{{{ url }}}}/echo"
"#,
            moved.url
        ),
    );
    let r = w.yarc_env(&["run", "c.yaml"], &[("CS", "sandbox-secret")]);
    r.expect_code(3)
        .expect_contains(
            "failed: the redirect was not followed: the token endpoint redirected to another origin",
        )
        .expect_contains("yarc does not send the client credentials there");
    assert_eq!(
        real.sandbox.token_calls().len(),
        0,
        "the secret was sent on"
    );
    assert_eq!(moved.requests().len(), 1);
}

// ---- 3: mask, then cut ------------------------------------------------------------------

#[test]
fn a_secret_across_every_cut_is_masked_in_every_sink() {
    let secret = "Qm4vX8-pT2wL9-straddle-kR7nB3";
    // The secret straddles the 2,000-character excerpt, the 300-character value and the
    // 120-character token error excerpt.
    let body = format!(
        "{{\"pad\":\"{}\",\"k\":\"{secret}\",\"tail\":\"{}\"}}",
        "x".repeat(1_980),
        "y".repeat(3_000)
    );
    let value = format!("{}{secret}", "v".repeat(290));
    let token_page = format!(
        "<html><body>{}bad client {secret} sent</body></html>",
        "h".repeat(100)
    );
    let server = Raw::start(move |req| match path_of(req) {
        "/token" => respond(
            "401 Unauthorized",
            "Content-Type: text/html\r\n",
            &token_page,
        ),
        "/value" => respond(
            "200 OK",
            "Content-Type: application/json\r\n",
            &format!("{{\"v\":\"{value}\"}}"),
        ),
        _ => respond("200 OK", "Content-Type: application/json\r\n", &body),
    });
    let w = World::new();
    w.write(
        "c.yaml",
        &format!(
            r#"
requests:
  - name: long body
    url: "{url}/body?k={{{{ secret('S') }}}}"
    expect: {{ json: {{ $.k: nope }} }}
  - name: long value
    url: "{url}/value"
    headers: {{ X-S: "{{{{ secret('S') }}}}" }}
    expect: {{ json: {{ $.v: nope }} }}
    snapshot: true
  - name: token page
    url: "{url}/x"
    auth:
      oauth2:
        token_url: "{url}/token"
        client_id: id
        client_secret: "{{{{ secret('S') }}}}"
"#,
            url = server.url
        ),
    );
    let env = [("S", secret), ("GITHUB_ACTIONS", "true")];
    let mut args = vec!["run", "c.yaml", "--verbose"];
    args.extend(REPORTS);
    let runs = vec![
        w.yarc_env(&args, &env),
        w.yarc_env(&["run", "c.yaml", "--dry-run"], &env),
        w.yarc_env(&["token", "c.yaml", "--request", "token page"], &env),
        w.yarc_env(&["vars", "c.yaml"], &env),
    ];
    runs[0].expect_code(3).expect_contains("401");
    let all = every_sink(&w, &runs);
    assert!(all.contains("•••••"), "nothing was masked at all");
    assert_no_leak(&all, secret, &[]);
}

// ---- 4: whatever is made from a secret is a secret ------------------------------------

#[test]
fn values_made_from_a_secret_are_masked_whatever_the_filter() {
    let secret = "Tz8-\"quoted\\slash\"-é-Pw5";
    check_derived_forms(secret);
}

fn check_derived_forms(secret: &str) {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables:
  pair: "bob:{{ secret('P') }}"
  shout: "{{ pair | upper }}"
requests:
  - name: every form
    method: POST
    url: "{{ url }}/echo?u={{ secret('P') | urlencode }}&t={{ secret('P') | trim | urlencode }}"
    headers:
      X-Upper: "{{ secret('P') | upper | urlencode }}"
      X-Basic: "Basic {{ ('bob:' ~ secret('P')) | base64_encode }}"
      X-Pair: "{{ pair | base64_encode }}"
      X-Shout: "{{ shout | urlencode }}"
      X-Sig: "{{ 'GET /orders' | hmac_sha256(secret('P')) }}"
    json:
      nested: "{{ {'inner': secret('P')} | tojson }}"
      lower: "{{ secret('P') | lower }}"
    expect: { status: 500 }
    snapshot: true
"#,
    );
    let env = [("P", secret)];
    let mut args = vec!["run", "c.yaml", "--verbose"];
    args.extend(REPORTS);
    let runs = vec![
        w.yarc_env(&args, &env),
        w.yarc_env(&["run", "c.yaml", "--dry-run"], &env),
        w.yarc_env(&["vars", "c.yaml"], &env),
    ];
    runs[0].expect_code(1);
    let all = every_sink(&w, &runs);
    assert_no_leak(&all, secret, &[]);
    // A signature made with the secret as key is masked as the secret is.
    let mac = yarc_core::digest::hmac(
        yarc_core::digest::Algorithm::Sha256,
        secret.as_bytes(),
        b"GET /orders",
    );
    let signature = yarc_core::digest::encode(&mac, yarc_core::digest::Encoding::Hex);
    assert!(!all.contains(&signature), "the signature leaked");
    assert!(
        all.to_lowercase().contains("x-sig"),
        "the header is in the output"
    );
}

#[test]
fn a_property_random_secrets_through_every_filter_never_leak() {
    // Secrets with quotes, backslashes, non-ASCII and newlines, 4 to 200 characters long.
    let mut rng = fastrand::Rng::with_seed(0x5ec2e7);
    let special = [
        '"', '\\', 'é', 'ß', '€', '\n', '\'', ' ', '/', '+', '=', '%', '&',
    ];
    for round in 0..12 {
        let len = rng.usize(3..=199);
        let secret: String = (0..len)
            .map(|i| {
                if i % 5 == 2 {
                    special[rng.usize(..special.len())]
                } else {
                    rng.alphanumeric()
                }
            })
            .collect();
        let secret = format!("Z{}Q", secret.trim());
        eprintln!("round {round}: {} characters", secret.chars().count());
        check_derived_forms(&secret);
    }
}

// ---- 5, 6: what a server sends is data --------------------------------------------------

const HOSTILE: &str = "line\n::warning::pwned by the server\n  ::set-output name=x::y\n\u{1b}[31mred\u{1b}]0;title\u{7}\u{202e}txt";

#[test]
fn server_text_never_runs_as_a_github_command_or_a_terminal_escape() {
    let server = Raw::start(|_| respond("200 OK", "Content-Type: text/plain\r\n", HOSTILE));
    let w = World::new();
    w.write(
        "c.yaml",
        &format!(
            "requests:\n  - name: hostile\n    url: \"{}/x\"\n    expect: {{ body: {{ contains: nope }} }}\n",
            server.url
        ),
    );
    let r = w.yarc_env(
        &["run", "c.yaml", "--color", "never", "--verbose"],
        &[("GITHUB_ACTIONS", "true")],
    );
    r.expect_code(1);
    assert!(
        !r.stdout.contains('\u{1b}') && !r.stdout.contains('\u{7}'),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains('\u{202e}'));
    assert!(r.stdout.contains("\\x1b[31mred"), "{}", r.stdout);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let stop = lines[0]
        .strip_prefix("::stop-commands::")
        .expect("the output starts by stopping commands");
    let resume = lines
        .iter()
        .position(|l| *l == format!("::{stop}::"))
        .expect("commands resume");
    for (i, l) in lines.iter().enumerate() {
        if l.trim_start().starts_with("::") && i != 0 && i < resume {
            assert!(l.contains("pwned") || l.contains("set-output"), "{l}");
        }
        if i > resume {
            assert!(
                l.starts_with("::error "),
                "only yarc's annotations follow: {l}"
            );
        }
    }
    assert!(!HOSTILE.contains(stop));
    assert!(
        lines[resume + 1..]
            .iter()
            .any(|l| l.starts_with("::error ") && l.contains("::warning::pwned")),
        "{}",
        r.stdout
    );
}

// ---- 7, 8, 9: bounded waits and memory, steady connections -------------------------------

#[test]
fn retry_after_beyond_the_budget_gives_up_at_once() {
    let server = Raw::start(|req| {
        let secs = if path_of(req) == "/forever" {
            "999999"
        } else {
            "20"
        };
        respond(
            "429 Too Many Requests",
            &format!("Retry-After: {secs}\r\n"),
            "{}",
        )
    });
    let w = World::new();
    w.write(
        "c.yaml",
        &format!(
            r#"
requests:
  - name: forever
    url: "{url}/forever"
    retry: {{ attempts: 5, delay: 10ms, timeout: 3s }}
    expect: {{ status: 200 }}
  - name: beyond the request timeout
    url: "{url}/twenty"
    timeout: 3s
    retry: {{ attempts: 5, delay: 10ms }}
    expect: {{ status: 200 }}
"#,
            url = server.url
        ),
    );
    // The messages say it gave up at once (a wait would have been 20 s or 11 days).
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(1)
        .expect_contains(
            "the server asked to wait 11days 13h 46m 39s (Retry-After), more than the 3s left",
        )
        .expect_contains("the server asked to wait 20s (Retry-After), more than the 3s left");
}

#[test]
fn endless_token_and_discovery_answers_are_cut_off() {
    let server = Raw::start(|req| {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: identity\r\n\r\n{\"access_token\":\"".to_vec();
        let _ = req;
        Act::Stream(head, vec![b'a'; 64 * 1024])
    });
    let w = World::new();
    for (key, path) in [("token_url", "token"), ("issuer", "issuer")] {
        w.write(
            "c.yaml",
            &format!(
                "auth:\n  oauth2:\n    {key}: \"{}/{path}\"\n    client_id: id\n    client_secret: s3cr3t-value\nrequests:\n  - name: r\n    url: \"{{{{ url }}}}/echo\"\n",
                server.url
            ),
        );
        let r = w.yarc(&["run", "c.yaml", "--max-token-body", "256KiB"]);
        r.expect_code(3)
            .expect_contains("larger than the limit of 262144 bytes (--max-token-body)");
    }
}

#[test]
fn a_server_that_drops_kept_alive_connections_never_fails_a_get() {
    let server = Raw::start(|_| {
        // Answers, then closes — without saying `Connection: close`.
        respond(
            "200 OK",
            "Content-Type: application/json\r\n",
            "{\"ok\":true}",
        )
    });
    let w = World::new();
    let mut text = String::from("requests:\n");
    for i in 0..20 {
        text.push_str(&format!(
            "  - name: get {i}\n    url: \"{}/x\"\n    expect: {{ json: {{ $.ok: true }} }}\n",
            server.url
        ));
    }
    w.write("c.yaml", &text);
    for _ in 0..10 {
        let r = w.yarc(&["run", "c.yaml", "--jobs", "1"]);
        r.expect_code(0);
        assert_eq!(r.summary(), "20 passed, 0 failed");
    }
}

#[test]
fn only_idempotent_requests_are_sent_again_after_a_dropped_connection() {
    let server = Raw::start(|_| Act::Hangup);
    let w = World::new();
    w.write(
        "c.yaml",
        &format!(
            "requests:\n  - name: get\n    url: \"{url}/g\"\n  - name: post\n    method: POST\n    url: \"{url}/p\"\n    json: {{ a: 1 }}\n",
            url = server.url
        ),
    );
    w.yarc(&["run", "c.yaml"]).expect_code(3);
    let methods: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        methods.iter().filter(|m| *m == "GET").count(),
        2,
        "{methods:?}"
    );
    assert_eq!(
        methods.iter().filter(|m| *m == "POST").count(),
        1,
        "{methods:?}"
    );
}

// ---- 10: input sizes ----------------------------------------------------------------------

#[test]
fn input_files_above_the_limit_are_refused_before_reading() {
    let w = World::new();
    let big = format!(
        "requests:\n  - name: r\n    url: \"{{{{ url }}}}/echo\"\n# {}\n",
        "x".repeat(17 << 20)
    );
    w.write("big.yaml", &big);
    w.yarc(&["run", "big.yaml"]).expect_code(2).expect_contains(
        "`big.yaml` is larger than 16 MiB (the limit for input files; set YARC_MAX_FILE_SIZE",
    );
    w.write("rows.csv", &format!("a\n{}\n", "y".repeat(17 << 20)));
    w.write(
        "c.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo\"\n",
    );
    w.yarc(&["run", "c.yaml", "--data", "rows.csv"])
        .expect_code(2)
        .expect_contains("is larger than 16 MiB");
    w.yarc_env(&["run", "big.yaml"], &[("YARC_MAX_FILE_SIZE", "64MiB")])
        .expect_code(0);
    assert_eq!(w.sandbox.requests_seen(), 1);
}

// ---- Warnings are events ------------------------------------------------------------------

#[test]
fn credentials_over_plain_http_are_warned_about_once_per_host() {
    // A local server answers as the proxy, so nothing leaves this machine.
    let proxy = Raw::start(|_| respond("200 OK", "Content-Type: application/json\r\n", "{}"));
    let w = World::new();
    w.write(
        "c.yaml",
        "auth: { bearer: \"{{ secret('T') }}\" }\nrequests:\n  - name: a\n    url: \"http://api.example.com/a\"\n  - name: b\n    url: \"http://api.example.com/b\"\n  - name: loopback\n    url: \"{{ url }}/echo\"\n",
    );
    let r = w.yarc_env(
        &["run", "c.yaml", "--proxy", &proxy.url],
        &[("T", "tok-plain-123")],
    );
    r.expect_code(0);
    let warning =
        "warning: credentials go to the API api.example.com over plain http://; use https://";
    assert_eq!(r.stderr.matches(warning).count(), 1, "{}", r.stderr);
    assert!(
        !r.stderr.contains("127.0.0.1"),
        "loopback is not warned about"
    );
    assert_eq!(
        proxy.requests().len(),
        3,
        "every request goes through --proxy"
    );
}

#[test]
fn a_masked_json_string_keeps_its_quotes_in_the_dry_run() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: x\n    method: POST\n    url: \"{{ url }}/echo\"\n    json: { password: \"{{ secret('YARC_PW') }}\", user: bob }\n",
    );
    let r = w.yarc_env(
        &["run", "c.yaml", "--dry-run"],
        &[("YARC_PW", "hun\"ter-22")],
    );
    r.expect_code(0)
        .expect_contains(r#"--data-raw '{"password":"•••••","user":"bob"}'"#);
    assert!(!r.all().contains("ter-22"), "{}", r.all());
}

/// A server that answers each request on a kept-alive-looking connection and then closes it
/// without saying so: every request of every file still gets its answer (a connection the
/// server closed is never reused for the next request, the first POST of a file included).
#[test]
fn connections_the_server_closes_silently_are_not_reused() {
    let raw = Raw::start(|_| {
        respond(
            "200 OK",
            "Content-Type: application/json\r\n",
            "{\"ok\":true}",
        )
    });
    let w = World::new();
    let file = |name: &str| {
        format!(
            "name: {name}\nrequests:\n  - name: get\n    url: \"{u}/a\"\n  - name: post\n    method: POST\n    url: \"{u}/b\"\n    json: {{ n: 1 }}\n  - name: again\n    method: POST\n    url: \"{u}/c\"\n    form: {{ x: y }}\n",
            u = raw.url
        )
    };
    for name in ["one", "two", "three"] {
        w.write(&format!("suite/{name}.yaml"), &file(name));
    }
    for _ in 0..3 {
        let r = w.yarc(&["run", "suite", "--jobs", "1"]);
        r.expect_code(0).expect_contains("9 passed");
    }
    assert_eq!(raw.requests().len(), 27);
}

#[test]
fn hostile_xml_answers_fail_their_own_request_and_print_nothing_raw() {
    let server = Raw::start(|request| {
        let xml = match path_of(request) {
            "/laughs" => "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"xxxxxxxxxx\"><!ENTITY y \"&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;\">]><a>&y;</a>".to_string(),
            "/deep" => format!("{}{}", "<a>".repeat(200_000), "</a>".repeat(200_000)),
            "/wide" => format!("<r>{}</r>", "<i/>".repeat(1_200_000)),
            _ => "<r><v>\u{1b}]0;pwned\u{7}\u{1b}[31mred</v></r>".to_string(),
        };
        respond("200 OK", "Content-Type: text/xml\r\n", &xml)
    });
    let w = World::new();
    let request = |name: &str| {
        format!(
            "  - name: {name}\n    url: \"{}/{name}\"\n    expect:\n      xml:\n        \"count(//a | //i)\": 1\n",
            server.url
        )
    };
    let escapes = format!(
        "  - name: escapes\n    url: \"{}/escapes\"\n    expect:\n      xml:\n        //v: nope\n",
        server.url
    );
    let text = format!(
        "name: hostile xml\nrequests:\n{}{}{}{escapes}",
        request("laughs"),
        request("deep"),
        request("wide")
    );
    w.write("c.yaml", &text);
    let r = w.yarc(&[
        "run",
        "c.yaml",
        "--report",
        "json:out.json",
        "--color",
        "never",
    ]);
    r.expect_code(1);
    assert_eq!(r.summary(), "0 passed, 4 failed", "{}", r.all());
    // No DTD is read, so no entity is expanded.
    r.expect_contains("a body that is not XML");
    // 200,000 levels are walked without recursion: the count is wrong, not a crash.
    r.expect_contains("actual:   200000");
    // More than a million nodes is refused, not walked.
    r.expect_contains("nodes limit");
    assert!(
        !r.stdout.contains('\u{1b}') && !r.stdout.contains('\u{7}'),
        "{}",
        r.stdout
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("out.json")).expect("report"))
            .expect("json");
    assert_eq!(
        report["collections"][0]["requests"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
}

// ---- values made from a secret variable, bodies on redirects, captured tokens -------------

/// What a template makes from a variable that holds a secret — a slice, `title`, `replace`,
/// `list | join`, `split`, a derived variable — is masked in every output and stays behind on
/// a redirect to another origin, as `secret('X') | filter` is.
#[test]
fn a_value_made_from_a_secret_variable_is_masked_wherever_it_goes() {
    let a = World::new();
    let b = World::new();
    let secret = "kq7_Zx9w_Lm3p_Vr8t";
    a.write(
        "environments/e.yaml",
        "variables:\n  token: \"{{ secret('T') }}\"\n  part: \"{{ token[2:] }}\"\n",
    );
    a.write(
        "c.yaml",
        &format!(
            r#"
requests:
  - name: skipped
    url: "{{{{ url }}}}/echo"
    skip: "{{{{ token | reverse }}}}"
  - name: transforms
    method: POST
    url: "{{{{ url }}}}/echo?a={{{{ token | title }}}}&c={{{{ part }}}}"
    headers:
      X-L: "{{{{ token | list | join(',') }}}}"
      X-R: "{{{{ token | replace('_', '-') }}}}"
    json: {{ p: "{{{{ token[3:] }}}}", q: "{{{{ token | upper | split('_') }}}}" }}
  - name: across origins
    url: "{{{{ url }}}}/redirect?to={other}/echo"
    headers: {{ X-D: "{{{{ token | title }}}}" }}
    expect:
      json:
        $.headers['x-d']: {{ exists: false }}
"#,
            other = b.url()
        ),
    );
    let env = [("T", secret)];
    let mut runs = vec![a.yarc_env(
        &[&["run", "c.yaml", "--env", "e", "-v"][..], &REPORTS[..]].concat(),
        &env,
    )];
    runs[0].expect_code(0);
    runs.push(a.yarc_env(&["run", "c.yaml", "--env", "e", "--dry-run"], &env));
    runs.push(a.yarc_env(&["check", "c.yaml", "--env", "e"], &env));
    runs.push(run_in(
        a.dir.path(),
        &[
            "vars".into(),
            "c.yaml".into(),
            "--env".into(),
            "e".into(),
            "--var".into(),
            format!("url={}", a.url()),
        ],
        &env,
    ));
    assert_eq!(b.sandbox.requests_seen(), 1);
    let all = every_sink(&a, &runs);
    let title = "Kq7_Zx9W_Lm3P_Vr8T";
    let joined: String = secret
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join(",");
    let reversed: String = secret.chars().rev().collect();
    for made in [
        secret.to_string(),
        title.to_string(),
        joined,
        reversed,
        secret.replace('_', "-"),
        secret.to_uppercase(),
    ] {
        assert_no_leak(&all, &made, &[]);
    }
    assert!(all.contains("part   •••••"), "{all}");
}

/// A 307 or 308 to another origin would send the body again: one that holds a secret is not
/// followed there (the request errors and says why); a body without one follows.
#[test]
fn a_body_holding_a_secret_is_not_sent_again_to_another_origin() {
    let a = World::new();
    let b = World::new();
    let secret = "Bd7-body-secret-2x9q";
    a.write(
        "c.yaml",
        &format!(
            r#"
requests:
  - name: json
    method: POST
    url: "{{{{ url }}}}/redirect?status=307&to={other}/echo"
    json: {{ pw: "{{{{ secret('K') }}}}" }}
  - name: form
    method: PUT
    url: "{{{{ url }}}}/redirect?status=308&to={other}/echo"
    form: {{ pw: "{{{{ secret('K') }}}}" }}
  - name: multipart
    method: POST
    url: "{{{{ url }}}}/redirect?status=307&to={other}/echo"
    multipart: {{ f: {{ content: "{{{{ secret('K') }}}}", filename: a.txt }} }}
  - name: same origin
    method: POST
    url: "{{{{ url }}}}/redirect?status=307&to=/echo"
    json: {{ pw: "{{{{ secret('K') }}}}" }}
  - name: secret in pieces
    method: POST
    url: "{{{{ url }}}}/redirect?status=307&to={other}/echo"
    json: {{ l: "{{{{ secret('K') | list }}}}", b: "{{{{ secret('K') | batch(3) | list }}}}" }}
  - name: nothing secret
    method: POST
    url: "{{{{ url }}}}/redirect?status=307&to={other}/echo"
    json: {{ pw: plain }}
"#,
            other = b.url()
        ),
    );
    let r = a.yarc_env(&["run", "c.yaml"], &[("K", secret)]);
    r.expect_code(3)
        .expect_contains("not following the 307 redirect to http://127.0.0.1:");
    assert_eq!(
        r.all()
            .matches("which holds a secret, to another origin")
            .count(),
        4,
        "{}",
        r.all()
    );
    assert!(r.all().contains("PASS  same origin"), "{}", r.all());
    assert_eq!(b.sandbox.requests_seen(), 1);
}

/// A secret split into pieces too short to mask on their own (`| list`, `| batch(3) | list`
/// in a JSON body) is masked whole: as yarc writes it and as a server echoes it.
#[test]
fn a_secret_in_pieces_in_a_json_body_is_masked_whole() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: pieces
    method: POST
    url: "{{ url }}/echo"
    json: { l: "{{ secret('K') | list }}", b: "{{ secret('K') | batch(3) | list }}" }
    expect: { json: { $.data: "nope", $.json.l: [] } }
"#,
    );
    let secret = "Pz4-qvkw-7781";
    let run = w.yarc_env(
        &[&["run", "c.yaml", "-v"][..], &REPORTS[..]].concat(),
        &[("K", secret)],
    );
    run.expect_code(1);
    let dry = w.yarc_env(&["run", "c.yaml", "--dry-run"], &[("K", secret)]);
    let all = every_sink(&w, &[run, dry]);
    let spelled: Vec<String> = secret.chars().map(|c| format!("\"{c}\"")).collect();
    // Pretty-printed (one item per line) or escaped inside a JSON string, they are no nearer.
    let squeezed: String = all
        .replace("\\\"", "\"")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let joined = spelled.join(",");
    assert!(!squeezed.contains(&joined), "the pieces in a row: {joined}");
    assert!(all.contains("•••••"), "{all}");
}

/// A token a request captures and a later one sends as a credential is masked from the
/// capture on: in `-v`, in the capturing request's response and captures, in every report.
#[test]
fn a_captured_token_is_masked_from_its_capture_on() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: login
    method: POST
    url: "{{ url }}/connect/token"
    form: { grant_type: client_credentials, client_id: sandbox-client, client_secret: "{{ secret('CS') }}" }
    capture:
      token: $.access_token
  - name: use
    url: "{{ url }}/echo"
    auth: { bearer: "{{ token }}" }
"#,
    );
    let r = w.yarc_env(
        &[&["run", "c.yaml", "-v", "--print", "all"][..], &REPORTS[..]].concat(),
        &[("CS", "sandbox-secret")],
    );
    r.expect_code(0)
        .expect_contains("captured token = \"•••••\"");
    let tokens = w.sandbox.issued_tokens();
    assert_eq!(tokens.len(), 1);
    assert_no_leak(&every_sink(&w, &[r]), &tokens[0], &[]);
}

/// `Authorization` and `Proxy-Authorization` carry credentials whatever their value: one
/// written in the collection or given with `--header` is masked wherever a server echoes it,
/// and in `--dry-run`'s curl lines, not only on its own header line. A Basic pair's parts
/// and a `Cookie` header's values are too.
#[test]
fn credential_headers_written_as_literals_are_masked_wherever_they_show() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: literal
    url: "{{ url }}/echo"
    headers:
      Authorization: Bearer Lit7-zzrw-4242
      Cookie: "sid=Ck8-zqvx-4343; theme=ok"
    expect:
      json:
        $.headers.authorization: "nope"
        $.headers.cookie: "nope"
        $.headers['proxy-authorization']: "nope"
"#,
    );
    // `bob:Pw9-qxjv-4444`
    let basic = "Basic Ym9iOlB3OS1xeGp2LTQ0NDQ=";
    let header = format!("Proxy-Authorization: {basic}");
    let run = w.yarc(&[&["run", "c.yaml", "-vv", "-H", &header][..], &REPORTS[..]].concat());
    run.expect_code(1);
    let dry = w.yarc(&["run", "c.yaml", "--dry-run", "-H", &header]);
    dry.expect_code(0);
    // The collection itself holds them, written: every other byte is scanned.
    std::fs::remove_file(w.path("c.yaml")).expect("remove");
    let all = every_sink(&w, &[run, dry]);
    for secret in ["Lit7-zzrw-4242", "Ck8-zqvx-4343", "Pw9-qxjv-4444"] {
        assert_no_leak(&all, secret, &[]);
    }
    assert!(
        all.contains("theme=ok"),
        "a value under 4 characters is not masked"
    );
}

/// A token capture that found nothing falls back to its `default: "null"` (as an imported
/// login does) and goes out as `Bearer null`: the word is no secret, and the reports keep every
/// `null` of the echoed JSON instead of masking them all.
#[test]
fn a_token_defaulting_to_null_does_not_mask_every_null() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: login
    url: "{{ url }}/echo"
    capture:
      token: { json: $.access_token, default: "null" }
  - name: use
    url: "{{ url }}/echo"
    headers: { Authorization: "Bearer {{ token }}" }
    expect:
      json:
        $.headers.authorization: "Bearer null"
"#,
    );
    let r = w.yarc(&[&["run", "c.yaml"][..], &REPORTS[..]].concat());
    r.expect_code(0);
    let report = std::fs::read_to_string(w.path("out/r.json")).expect("report");
    assert!(!report.contains('•'), "nothing here is secret: {report}");
    assert!(report.contains("Bearer null"), "{report}");
}

/// Captured tokens reach credentials in more ways than a plain `{{ tok }}`: a slice, a `set:`,
/// the request's `cookies:`, one field of a captured object. Each is masked from the capture
/// on — and only the field, not the rest of the object. A derived variable that slices the
/// capture follows it.
#[test]
fn captured_tokens_are_masked_from_the_capture_however_they_are_sent() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables: { t3: "{{ tok[4:] }}", tok: "" }
requests:
  - name: login
    method: POST
    url: "{{ url }}/connect/token"
    form: { grant_type: client_credentials, client_id: sandbox-client, client_secret: "{{ secret('CS') }}", scope: automatic-rostering-stage }
    capture: { tok: $.access_token, auth: $ }
  - name: sliced
    url: "{{ url }}/echo"
    auth: { bearer: "{{ tok[0:] }}" }
  - name: through set
    url: "{{ url }}/echo"
    set: { t2: "{{ tok }}" }
    headers: { Authorization: "Bearer {{ t2 }}" }
  - name: cookie
    url: "{{ url }}/echo"
    cookies: { sid: "{{ tok }}" }
  - name: derived slice
    url: "{{ url }}/echo"
    auth: { bearer: "{{ t3 }}" }
    expect:
      json:
        $.headers.authorization: { matches: "^Bearer .{8,}$" }
  - name: one field
    url: "{{ url }}/echo?scope={{ auth.scope }}"
    auth: { bearer: "{{ auth.access_token }}" }
"#,
    );
    let r = w.yarc_env(
        &[&["run", "c.yaml", "-vv"][..], &REPORTS[..]].concat(),
        &[("CS", "sandbox-secret")],
    );
    r.expect_code(0)
        .expect_contains("captured tok = \"•••••\"")
        .expect_contains("?scope=automatic-rostering-stage");
    let tokens = w.sandbox.issued_tokens();
    assert_eq!(tokens.len(), 1);
    assert_no_leak(&every_sink(&w, &[r]), &tokens[0], &[]);
}

/// A PIN is a number: where a JSON value holds it as one (a snapshot, a capture), it is masked
/// as it is in text.
#[test]
fn a_numeric_secret_is_masked_in_snapshots_and_captures() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: pin
    method: POST
    url: "{{ url }}/echo"
    json: { pin: "{{ secret('PIN') | int }}" }
    snapshot: true
    capture: { p: $.json.pin }
"#,
    );
    let r = w.yarc_env(
        &[&["run", "c.yaml", "-v"][..], &REPORTS[..]].concat(),
        &[("PIN", "98765432")],
    );
    r.expect_code(0).expect_contains("captured p = \"•••••\"");
    let all = every_sink(&w, &[r]);
    assert!(!all.contains("98765432"), "{all}");
}

/// A body holding a secret is sent again by a 301 or 302 after a PUT, PATCH or DELETE (only a
/// POST turns into a GET): not to another origin. And a `}}` inside a string literal does not
/// hide a secret variable from the mask.
#[test]
fn a_put_redirected_elsewhere_and_a_brace_in_a_literal_keep_the_secret() {
    let a = World::new();
    let b = World::new();
    let secret = "rdrS3cret_Kx91Lq_Zp44Wm";
    a.write(
        "environments/e.yaml",
        "variables:\n  token: \"{{ secret('S') }}\"\n",
    );
    a.write(
        "c.yaml",
        &format!(
            r#"
requests:
  - name: put
    method: PUT
    url: "{{{{ url }}}}/redirect?status=302&to={other}/echo"
    json: {{ password: "{{{{ secret('S') }}}}" }}
  - name: delete
    method: DELETE
    url: "{{{{ url }}}}/redirect?status=301&to={other}/echo"
    text: "{{{{ token }}}}"
  - name: brace
    method: POST
    url: "{{{{ url }}}}/echo"
    text: "{{{{ '}}}}' ~ token | title }}}}"
"#,
            other = b.url()
        ),
    );
    let r = a.yarc_env(
        &[&["run", "c.yaml", "--env", "e", "-v"][..], &REPORTS[..]].concat(),
        &[("S", secret)],
    );
    r.expect_code(3)
        .expect_contains("not following the 302 redirect")
        .expect_contains("not following the 301 redirect");
    assert_eq!(b.sandbox.requests_seen(), 0);
    let all = every_sink(&a, &[r]);
    assert_no_leak(&all, secret, &[]);
    assert_no_leak(&all, "Rdrs3cret_kx91lq_zp44wm", &[]);
}
