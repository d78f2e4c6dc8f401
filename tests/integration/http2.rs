//! An HTTP/2 server that refuses streams (REFUSED_STREAM, as an overloaded server does): the
//! request was not processed, so it is sent again.

use super::tls::{Pki, provider};
use super::*;
use std::sync::{Arc, Mutex};

/// An HTTPS server speaking only HTTP/2 that refuses the second stream of each connection and
/// answers every other one with `{}`, recording "PATH BODY" for each request it processed.
fn refusing_server(pki: &Pki) -> (String, Arc<Mutex<Vec<String>>>, tokio::runtime::Runtime) {
    let (cert, key, _, _) = pki.leaf(&["localhost"]);
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .expect("server config");
    config.alpn_protocols = vec![b"h2".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let (rt, listener) = local_listener(2);
    let url = format!(
        "https://localhost:{}",
        listener.local_addr().expect("addr").port()
    );
    let processed = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&processed);
    rt.spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, seen) = (acceptor.clone(), Arc::clone(&seen));
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut conn) = h2::server::handshake(tls).await else {
                    return;
                };
                let mut n = 0;
                while let Some(Ok((req, mut respond))) = conn.accept().await {
                    n += 1;
                    if n == 2 {
                        respond.send_reset(h2::Reason::REFUSED_STREAM);
                    } else {
                        tokio::spawn(answer(req, respond, Arc::clone(&seen)));
                    }
                }
            });
        }
    });
    (url, processed, rt)
}

async fn answer(
    req: http::Request<h2::RecvStream>,
    mut respond: h2::server::SendResponse<bytes::Bytes>,
    seen: Arc<Mutex<Vec<String>>>,
) {
    let path = req.uri().path().to_string();
    let mut body = req.into_body();
    let mut text = Vec::new();
    while let Some(Ok(chunk)) = body.data().await {
        let _ = body.flow_control().release_capacity(chunk.len());
        text.extend_from_slice(&chunk);
    }
    seen.lock()
        .expect("seen")
        .push(format!("{path} {}", String::from_utf8_lossy(&text)));
    let head = http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(())
        .expect("response");
    if let Ok(mut send) = respond.send_response(head, false) {
        let _ = send.send_data(bytes::Bytes::from_static(b"{}"), true);
    }
}

/// Four POSTs, the second stream of every connection refused (REFUSED_STREAM): each refused
/// POST is sent again and processed exactly once, and the run passes. (A stream past a
/// graceful GOAWAY is the other refusal: `http::tests` in the core.)
#[test]
fn a_refused_stream_is_sent_again() {
    let pki = Pki::new();
    let (url, processed, _rt) = refusing_server(&pki);
    let w = World::new();
    w.write("ca.pem", &pki.ca_pem);
    let requests: String = (1..=4)
        .map(|i| {
            format!("  - name: p{i}\n    method: POST\n    url: \"{url}/p{i}\"\n    text: \"order {i}\"\n    expect: {{ status: 200 }}\n")
        })
        .collect();
    w.write("c.yaml", &format!("name: h2\nrequests:\n{requests}"));
    // The server offers only h2 (ALPN): a connection that works speaks HTTP/2.
    let args: Vec<String> = ["run", "c.yaml", "--cacert", "ca.pem"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    run_in(w.dir.path(), &args, &[])
        .expect_code(0)
        .expect_contains("4 passed");
    let mut seen = processed.lock().expect("processed").clone();
    seen.sort();
    assert_eq!(
        seen,
        ["/p1 order 1", "/p2 order 2", "/p3 order 3", "/p4 order 4"]
    );
}
