//! TLS and network options, against servers made in the test: certificates from rcgen, a
//! rustls server, a recording proxy. Verification is on by default; a private CA, a client
//! certificate, --insecure (warned), proxies and redirect limits each do what they say.

use super::*;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub(crate) struct Pki {
    pub(crate) ca_pem: String,
    ca_cert: rcgen::Certificate,
    ca_key: KeyPair,
}

impl Pki {
    pub(crate) fn new() -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate().expect("key");
        let ca_cert = params.self_signed(&ca_key).expect("ca");
        Pki {
            ca_pem: ca_cert.pem(),
            ca_cert,
            ca_key,
        }
    }

    /// A certificate for `names`, signed by this CA: (DER, key, PEM, key PEM).
    pub(crate) fn leaf(
        &self,
        names: &[&str],
    ) -> (
        CertificateDer<'static>,
        PrivateKeyDer<'static>,
        String,
        String,
    ) {
        let mut params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .expect("params");
        // A subject of its own: with the CA's default one, OpenSSL (curl) takes the leaf for
        // self-signed.
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            names.first().copied().unwrap_or("leaf"),
        );
        let key = KeyPair::generate().expect("key");
        let cert = params
            .signed_by(&key, &self.ca_cert, &self.ca_key)
            .expect("sign");
        let der = cert.der().clone();
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        (der, key_der, cert.pem(), key.serialize_pem())
    }
}

pub(crate) struct TlsServer {
    pub(crate) url: String,
    _rt: tokio::runtime::Runtime,
}

pub(crate) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

impl TlsServer {
    /// Serves `{"tls": true}` over TLS; with `client_ca`, only to clients that present a
    /// certificate signed by it.
    fn start(pki: &Pki, client_ca: Option<&Pki>) -> TlsServer {
        let body = "{\"tls\":true}";
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        TlsServer::replying(pki, client_ca, reply)
    }

    /// Answers every request with `reply`, over TLS for `localhost`.
    pub(crate) fn replying(pki: &Pki, client_ca: Option<&Pki>, reply: String) -> TlsServer {
        let acceptor = acceptor(pki, client_ca);
        let (rt, listener) = super::local_listener(1);
        let port = listener.local_addr().expect("addr").port();
        rt.spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let reply = reply.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let mut buf = [0u8; 4096];
                    let _ = tls.read(&mut buf).await;
                    let _ = tls.write_all(reply.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        TlsServer {
            url: format!("https://localhost:{port}"),
            _rt: rt,
        }
    }
}

/// A TLS acceptor for `localhost`, signed by `pki`; with `client_ca`, only for clients that
/// present a certificate it signed.
fn acceptor(pki: &Pki, client_ca: Option<&Pki>) -> tokio_rustls::TlsAcceptor {
    let (cert, key, _, _) = pki.leaf(&["localhost"]);
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("versions");
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(ca.ca_cert.der().clone()).expect("root");
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider(),
            )
            .build()
            .expect("verifier");
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(vec![cert], key)
        .expect("server config");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

const C: &str = "name: tls\nrequests:\n  - name: secure\n    url: \"{{ url }}/x\"\n    expect: { json: { $.tls: true } }\n";

fn run_tls(w: &World, server: &TlsServer, extra: &[&str]) -> Run {
    let mut args: Vec<String> = vec![
        "run".into(),
        "c.yaml".into(),
        "--var".into(),
        format!("url={}", server.url),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    run_in(w.dir.path(), &args, &[])
}

#[test]
fn certificates_are_verified_and_a_private_ca_can_be_trusted() {
    let pki = Pki::new();
    let server = TlsServer::start(&pki, None);
    let w = World::new();
    w.write("c.yaml", C);
    w.write("ca.pem", &pki.ca_pem);
    let r = run_tls(&w, &server, &[]);
    assert_eq!(r.code, 3, "an unknown CA must be refused: {r:?}");
    assert!(r.all().contains("certificate"), "{}", r.all());
    let r = run_tls(&w, &server, &["--cacert", "ca.pem"]);
    assert_eq!(r.code, 0, "{r:?}");
    // -vv splits the new connection's time: name lookup, TCP, TLS handshake.
    let r = run_tls(&w, &server, &["--cacert", "ca.pem", "-vv"]);
    assert!(
        r.all()
            .contains("connection: DNS [time], TCP [time], TLS [time]"),
        "{}",
        r.all()
    );
    w.write("environments/private.yaml", "tls: { ca_cert: ../ca.pem }\n");
    let r = run_tls(&w, &server, &["--env", "private"]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = run_tls(&w, &server, &["--insecure"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("warning: --insecure"), "{}", r.stderr);
}

#[test]
fn client_certificates_for_mutual_tls() {
    let pki = Pki::new();
    let clients = Pki::new();
    let server = TlsServer::start(&pki, Some(&clients));
    let w = World::new();
    w.write("c.yaml", C);
    w.write("ca.pem", &pki.ca_pem);
    let (_, _, cert_pem, key_pem) = clients.leaf(&["yarc-client"]);
    w.write("client.pem", &cert_pem);
    w.write("client.key", &key_pem);
    let r = run_tls(&w, &server, &["--cacert", "ca.pem"]);
    assert_eq!(r.code, 3, "no client certificate must be refused: {r:?}");
    w.write(
        "environments/mtls.yaml",
        "tls: { ca_cert: ../ca.pem, client_cert: ../client.pem, client_key: ../client.key }\n",
    );
    let r = run_tls(&w, &server, &["--env", "mtls"]);
    assert_eq!(r.code, 0, "{r:?}");
}

/// An HTTP proxy that answers every request itself with the request line it got.
fn recording_proxy() -> (String, tokio::runtime::Runtime) {
    let (rt, listener) = super::local_listener(1);
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    rt.spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let n = s.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]);
                let line = head.lines().next().unwrap_or("").to_string();
                let body = serde_json::json!({ "request_line": line, "head": head }).to_string();
                let resp = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                let _ = s.write_all(resp.as_bytes()).await;
            });
        }
    });
    (url, rt)
}

#[test]
fn proxies_from_the_command_line_and_the_environment() {
    let (proxy, _rt) = recording_proxy();
    let w = World::new();
    w.write(
        "p.yaml",
        "name: p\nrequests:\n  - name: via proxy\n    url: http://yarc-proxy-test.invalid/x\n    expect: { json: { $.request_line: \"GET http://yarc-proxy-test.invalid/x HTTP/1.1\" } }\n",
    );
    let r = run_in(
        w.dir.path(),
        &[
            "run".into(),
            "p.yaml".into(),
            "--proxy".into(),
            proxy.clone(),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let r = run_in(
        w.dir.path(),
        &["run".into(), "p.yaml".into()],
        &[("HTTP_PROXY", &proxy), ("http_proxy", &proxy)],
    );
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn redirect_limits() {
    let w = World::new();
    w.write(
        "r.yaml",
        "name: r\nrequests:\n  - name: followed\n    url: \"{{ url }}/redirect?to=/echo/end\"\n    expect: { json: { $.path: /echo/end } }\n  - name: limited\n    url: \"{{ url }}/redirect?to=/echo/end\"\n    max_redirects: 0\n",
    );
    let r = w.yarc(&["run", "r.yaml"]);
    r.expect_code(3).expect_contains("too many redirects");
    assert_eq!(r.summary(), "1 passed, 1 failed");
}

/// The password of a proxy is a credential: whatever the proxy answers (here: the request as it
/// got it, `Proxy-Authorization: Basic ...` included), it shows nowhere, in no encoding.
#[test]
fn a_proxy_password_is_masked_everywhere() {
    use base64::Engine;
    let (proxy, _rt) = recording_proxy();
    let w = World::new();
    w.write(
        "p.yaml",
        "requests:\n  - name: via proxy\n    url: http://yarc-proxy-test.invalid/x\n    expect: { json: { $.head: nothing } }\n",
    );
    let password = "pr0xy-pass-5e1";
    let with_user = proxy.replacen("http://", &format!("http://someone:{password}@"), 1);
    let pair = base64::engine::general_purpose::STANDARD.encode(format!("someone:{password}"));
    for (args, env) in [
        (vec!["--proxy", with_user.as_str()], vec![]),
        (
            vec![],
            vec![
                ("HTTP_PROXY", with_user.as_str()),
                ("http_proxy", with_user.as_str()),
            ],
        ),
    ] {
        let mut all: Vec<String> = ["run", "p.yaml", "-vv", "--report", "json:r.json"]
            .map(String::from)
            .to_vec();
        all.extend(args.iter().map(|s| s.to_string()));
        let r = run_in(w.dir.path(), &all, &env);
        assert_eq!(r.code, 1, "{r:?}");
        assert!(
            r.all().to_ascii_lowercase().contains("proxy-authorization"),
            "the proxy got credentials: {}",
            r.all()
        );
        let report = std::fs::read_to_string(w.path("r.json")).expect("report");
        for text in [r.all(), report] {
            assert!(!text.contains(password) && !text.contains(&pair), "{text}");
        }
    }
}

#[test]
fn an_unusable_client_certificate_or_a_foreign_key_is_named() {
    let clients = Pki::new();
    let w = World::new();
    w.write("c.yaml", C);
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    for f in ["v1-client.pem", "v1-client.key"] {
        w.write(
            f,
            &std::fs::read_to_string(fixtures.join(f)).expect("fixture"),
        );
    }
    w.write(
        "environments/v1.yaml",
        "tls: { client_cert: ../v1-client.pem, client_key: ../v1-client.key }\n",
    );
    let r = w.yarc(&["run", "c.yaml", "--env", "v1"]);
    r.expect_code(2).expect_contains(
        "the client certificate `environments/../v1-client.pem` is an X.509 version 1 certificate",
    );
    assert!(!r.all().contains("do not fit"), "{}", r.all());
    let (_, _, cert_pem, _) = clients.leaf(&["one"]);
    let (_, _, _, other_key) = clients.leaf(&["two"]);
    w.write("client.pem", &cert_pem);
    w.write("other.key", &other_key);
    w.write(
        "environments/foreign.yaml",
        "tls: { client_cert: ../client.pem, client_key: ../other.key }\n",
    );
    w.yarc(&["run", "c.yaml", "--env", "foreign"])
        .expect_code(2)
        .expect_contains("does not belong to the client certificate");
}

/// An HTTPS server that keeps connections alive and counts TLS handshakes; each answer sets a
/// cookie named after the request's path, and every `Cookie` header received is recorded.
fn handshake_counting_server(
    pki: &Pki,
) -> (
    String,
    Arc<std::sync::atomic::AtomicUsize>,
    Arc<std::sync::Mutex<Vec<String>>>,
    tokio::runtime::Runtime,
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let acceptor = acceptor(pki, None);
    let (rt, listener) = super::local_listener(2);
    let url = format!(
        "https://localhost:{}",
        listener.local_addr().expect("addr").port()
    );
    let handshakes = Arc::new(AtomicUsize::new(0));
    let cookies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (counted, seen) = (Arc::clone(&handshakes), Arc::clone(&cookies));
    rt.spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let (counted, seen) = (Arc::clone(&counted), Arc::clone(&seen));
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                counted.fetch_add(1, Ordering::SeqCst);
                super::keep_alive(tls, |head| {
                    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                    for l in head.lines() {
                        let lower = l.to_ascii_lowercase();
                        if let Some(c) = lower.strip_prefix("cookie: ") {
                            seen.lock().expect("seen").push(format!("{path} {c}"));
                        }
                    }
                    let name = path.trim_start_matches('/').split('/').next().unwrap_or("x");
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nSet-Cookie: {name}=1; Path=/{name}\r\nContent-Length: 2\r\n\r\n{{}}"
                    )
                })
                .await;
            });
        }
    });
    (url, handshakes, cookies, rt)
}

/// 40 collection files over HTTPS share the run's connections: with --jobs 1 one TLS
/// handshake for the whole run, with --jobs 4 a few per job — not one per file — while
/// each file's cookies stay its own (a cookie one file got is never sent by another).
#[test]
fn files_share_tls_connections_but_not_cookies() {
    use std::sync::atomic::Ordering;
    let pki = Pki::new();
    let (url, handshakes, cookies, _rt) = handshake_counting_server(&pki);
    let w = World::new();
    w.write("ca.pem", &pki.ca_pem);
    for i in 0..40 {
        w.write(
            &format!("suite/f{i:02}.yaml"),
            &format!(
                "name: f{i}\nrequests:\n  - name: a\n    url: \"{url}/f{i}/a\"\n  - name: b\n    url: \"{url}/f{i}/b\"\n  - name: c\n    url: \"{url}/other/c\"\n"
            ),
        );
    }
    let args = |jobs: &str| -> Vec<String> {
        ["run", "suite", "--jobs", jobs, "--cacert", "ca.pem"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    run_in(w.dir.path(), &args("1"), &[])
        .expect_code(0)
        .expect_contains("120 passed");
    assert_eq!(
        handshakes.swap(0, Ordering::SeqCst),
        1,
        "one handshake for 40 files"
    );
    run_in(w.dir.path(), &args("4"), &[])
        .expect_code(0)
        .expect_contains("120 passed");
    // Two per job is what a quiet machine shows (BENCHMARKS.md, S9); on a busy one a request
    // may start connecting just before another returns its connection, so the test asks only
    // for far fewer than one per file.
    let opened = handshakes.load(Ordering::SeqCst);
    assert!(
        (1..=20).contains(&opened),
        "{opened} handshakes for 40 files, 4 jobs"
    );
    // Each file's `b` carries the cookie its own `a` got; `other/c` (set by an earlier file)
    // is never sent by a later one.
    let seen = cookies.lock().expect("cookies").clone();
    for i in 0..40 {
        assert!(
            seen.iter().any(|c| c == &format!("/f{i}/b f{i}=1")),
            "file {i}'s cookie was not sent back: {seen:?}"
        );
    }
    assert!(!seen.iter().any(|c| c.contains("other=1")), "{seen:?}");
}
