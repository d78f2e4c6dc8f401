//! A server that misbehaves on purpose (raw TCP on 127.0.0.1, ephemeral port): each fault
//! fails only its own request, with a message that names the cause, and the run, its summary
//! and its reports are complete.

use super::*;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub(crate) struct FaultServer {
    pub url: String,
    _rt: tokio::runtime::Runtime,
}

impl FaultServer {
    pub(crate) fn start() -> FaultServer {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("rt");
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        rt.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(handle(stream));
            }
        });
        FaultServer { url, _rt: rt }
    }
}

async fn read_head(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 65536 {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    head.split_whitespace().nth(1).unwrap_or("/").to_string()
}

/// Closes with a TCP reset instead of an orderly FIN.
#[allow(deprecated)] // SO_LINGER 0 resets at once: nothing blocks, which is the deprecation's concern.
fn reset(stream: TcpStream) {
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}";

async fn handle(mut s: TcpStream) {
    let path = read_head(&mut s).await;
    match path.as_str() {
        "/reset-before-headers" => reset(s),
        "/reset-mid-body" => reset_mid_body(s).await,
        "/slow-headers" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            let _ = s.write_all(OK).await;
        }
        "/trickle" => trickle(s).await,
        "/truncated-chunked" => {
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
                .await;
        }
        "/short-body" => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n0123456789").await;
        }
        "/bad-utf8" => {
            write_json(&mut s, "", b"{\"a\": \"\xff\xfe\"}").await;
        }
        "/bad-gzip" => {
            write_json(
                &mut s,
                "Content-Encoding: gzip\r\n",
                b"this is not gzip at all",
            )
            .await;
        }
        "/loop" => {
            let _ = s.write_all(b"HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
        }
        "/huge-declared" => {
            let _ = s
                .write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2000000000\r\nConnection: close\r\n\r\n",
                )
                .await;
        }
        "/huge-chunked" => huge_chunked(s).await,
        _ => {
            let _ = s.write_all(OK).await;
        }
    }
}

async fn reset_mid_body(mut s: TcpStream) {
    let _ = s
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
        .await;
    let _ = s.flush().await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    reset(s);
}

async fn trickle(mut s: TcpStream) {
    let _ = s
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        .await;
    for _ in 0..100 {
        if s.write_all(b"x").await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A complete 200 JSON response; `extra_headers` are whole `Name: value\r\n` lines.
async fn write_json(s: &mut TcpStream, extra_headers: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extra_headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes()).await;
    let _ = s.write_all(body).await;
}

async fn huge_chunked(mut s: TcpStream) {
    let _ = s
        .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        .await;
    let chunk = vec![b'a'; 65536];
    // Bounded: stops after 64 MiB or when the client hangs up.
    for _ in 0..1024 {
        let head = format!("{:x}\r\n", chunk.len());
        if s.write_all(head.as_bytes()).await.is_err()
            || s.write_all(&chunk).await.is_err()
            || s.write_all(b"\r\n").await.is_err()
        {
            return;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
}

/// Each fault path with the cause its request's message must name.
const FAULTS: &[(&str, &str)] = &[
    ("reset-before-headers", "the request failed"),
    ("reset-mid-body", "the response body could not be read"),
    ("slow-headers", "timed out after 1s"),
    ("trickle", "timed out after 1s"),
    ("truncated-chunked", "the response body could not be read"),
    ("short-body", "the response body could not be read"),
    ("bad-gzip", "the response body could not be read"),
    ("loop", "too many redirects"),
    (
        "huge-declared",
        "is larger than the limit of 1048576 bytes (--max-body)",
    ),
    (
        "huge-chunked",
        "is larger than the limit of 1048576 bytes (--max-body)",
    ),
];

/// One request per fault, then a bad-UTF-8 body, a refused connection and a healthy request last.
fn faults_collection(url: &str) -> String {
    let mut text = String::from("name: faults\nrequests:\n");
    for (path, _) in FAULTS {
        text.push_str(&format!("  - name: {path}\n    url: \"{url}/{path}\"\n"));
    }
    text.push_str(&format!(
        "  - name: bad-utf8\n    url: \"{url}/bad-utf8\"\n    expect: {{ json: {{ $.a: {{ exists: true }} }} }}\n  - name: refused\n    url: \"http://127.0.0.1:1/\"\n  - name: still fine\n    url: \"{url}/ok\"\n    expect: {{ json: {{ $.ok: true }} }}\n",
    ));
    text
}

fn assert_each_fault_names_its_cause(reqs: &[serde_json::Value]) {
    for (path, cause) in FAULTS {
        let rec = reqs.iter().find(|q| q["name"] == *path).expect("record");
        let message = rec["message"].as_str().unwrap_or("");
        assert_eq!(rec["state"], "errored", "{path}: {rec}");
        assert!(
            message.contains(cause),
            "{path}: expected {cause:?} in {message:?}"
        );
    }
    let utf8 = reqs
        .iter()
        .find(|q| q["name"] == "bad-utf8")
        .expect("record");
    assert_eq!(utf8["state"], "failed");
    assert!(
        utf8["assertions"][0]["actual"]
            .as_str()
            .unwrap_or("")
            .contains("not JSON (application/json)"),
        "{utf8}"
    );
    assert_eq!(reqs.last().expect("last")["state"], "passed");
}

#[test]
fn every_fault_fails_only_its_own_request_with_its_cause() {
    let f = FaultServer::start();
    let w = World::new();
    w.write("faults.yaml", &faults_collection(&f.url));
    let r = w.yarc(&[
        "run",
        "faults.yaml",
        "--timeout",
        "1s",
        "--max-body",
        "1MiB",
        "--jobs",
        "1",
        "--report",
        "junit:out/r.xml",
        "--report",
        "json:out/r.json",
        "--report",
        "html:out/r.html",
    ]);
    r.expect_code(3);
    assert!(!r.all().contains("panicked"), "{}", r.all());
    assert_eq!(r.summary(), "1 passed, 12 failed", "{}", r.stdout);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("out/r.json")).expect("json"))
            .expect("valid");
    let reqs = v["collections"][0]["requests"]
        .as_array()
        .expect("requests")
        .clone();
    assert_each_fault_names_its_cause(&reqs);
    quick_junit::Report::deserialize_from_str(
        &std::fs::read_to_string(w.path("out/r.xml")).expect("junit"),
    )
    .expect("valid JUnit");
    assert!(
        std::fs::read_to_string(w.path("out/r.html"))
            .expect("html")
            .ends_with("</html>\n")
    );
}

#[test]
fn a_huge_body_is_cut_off_with_bounded_memory() {
    let f = FaultServer::start();
    let w = World::new();
    w.write(
        "huge.yaml",
        &format!(
            "name: h\nrequests:\n  - name: huge\n    url: \"{}/huge-chunked\"\n",
            f.url
        ),
    );
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_yarc"))
        .args(["run", "huge.yaml", "--max-body", "4MiB"])
        .current_dir(w.dir.path())
        .output();
    let Ok(out) = out else {
        eprintln!("skipped: no /usr/bin/time here");
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    let Some(kib) = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse::<u64>().ok())
    else {
        eprintln!("skipped: /usr/bin/time printed no size");
        return;
    };
    assert_eq!(out.status.code(), Some(3));
    assert!(kib < 64 * 1024, "peak RSS {kib} KiB for a 4 MiB limit");
}
