//! install.sh against a release folder this test builds (an archive of the freshly built
//! binary and its SHA256SUMS) and serves on 127.0.0.1: it installs a working `yarc`, and
//! refuses a tampered archive and an unknown platform without installing anything.

use super::project_root;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

/// A static file server for one folder, on an ephemeral port; answers until the test ends.
fn serve(dir: &Path) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]);
            let path = head.split_whitespace().nth(1).unwrap_or("/");
            let file = dir.join(path.trim_start_matches('/'));
            let reply = match std::fs::read(&file) {
                Ok(body) => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                }
                Err(_) => {
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_vec()
                }
            };
            let _ = stream.write_all(&reply);
        }
    });
    url
}

fn target() -> String {
    format!("{}-unknown-linux-musl", std::env::consts::ARCH)
}

/// `yarc-TARGET.tar.gz` holding `yarc-TARGET/yarc`, and SHA256SUMS, as the release workflow
/// makes them.
fn release(dir: &Path) {
    let name = format!("yarc-{}", target());
    let inner = dir.join("staging").join(&name);
    std::fs::create_dir_all(&inner).expect("staging");
    std::fs::copy(env!("CARGO_BIN_EXE_yarc"), inner.join("yarc")).expect("copy binary");
    let archive = format!("{name}.tar.gz");
    let ok = Command::new("tar")
        .args(["-czf", &dir.join(&archive).to_string_lossy(), "-C"])
        .arg(dir.join("staging"))
        .arg(&name)
        .status()
        .expect("tar");
    assert!(ok.success());
    let sums = Command::new("sha256sum")
        .arg(&archive)
        .current_dir(dir)
        .output()
        .expect("sha256sum");
    std::fs::write(dir.join("SHA256SUMS"), sums.stdout).expect("sums");
}

fn install(url: &str, into: &Path, uname: Option<(&str, &str)>) -> std::process::Output {
    let mut cmd = Command::new("sh");
    cmd.arg(project_root().join("install.sh"))
        .env("YARC_DOWNLOAD_URL", url)
        .env("YARC_INSTALL_DIR", into);
    if let Some((s, m)) = uname {
        cmd.env("YARC_UNAME_S", s).env("YARC_UNAME_M", m);
    }
    cmd.output().expect("run install.sh")
}

#[test]
fn install_sh_installs_a_release_and_refuses_a_tampered_one() {
    if std::env::consts::OS != "linux" {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let rel = tmp.path().join("release");
    std::fs::create_dir_all(&rel).expect("release dir");
    release(&rel);
    let url = serve(&rel);

    let bin = tmp.path().join("bin");
    let out = install(&url, &bin, None);
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("installed yarc "), "{said}");
    let version = Command::new(bin.join("yarc"))
        .arg("--version")
        .output()
        .expect("installed yarc runs");
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("yarc "));

    // A byte changed in the archive: the checksum no longer matches, nothing is installed.
    let archive = rel.join(format!("yarc-{}.tar.gz", target()));
    let mut bytes = std::fs::read(&archive).expect("archive");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&archive, bytes).expect("tamper");
    let other = tmp.path().join("other");
    let out = install(&url, &other, None);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(said.contains("checksum mismatch"), "{said}");
    assert!(!other.join("yarc").exists());

    let out = install(&url, &other, Some(("Plan9", "mips")));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown platform: Plan9 mips"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A run split in three shards and merged gives the same JSON, JUnit and HTML reports as the
/// run in one piece; reports of another yarc, or one shard twice, are refused.
#[test]
fn three_shards_merge_into_the_reports_of_the_whole_run() {
    let w = super::World::new();
    for (file, expected) in [("a", "/echo/a"), ("b", "/echo/not-this"), ("c", "/echo/c")] {
        w.write(
            &format!("suite/{file}.yaml"),
            &format!(
                "requests:\n  - name: one\n    url: \"{{{{ url }}}}/echo/{file}\"\n    expect:\n      json:\n        $.path: {expected}\n  - name: two\n    url: \"{{{{ url }}}}/echo/{file}/2\"\n    expect: {{ status: 200 }}\n"
            ),
        );
    }
    let url = format!("url={}", w.url());
    let run = |extra: &[&str]| {
        let mut args: Vec<String> = ["run", "suite", "--var", &url].map(String::from).to_vec();
        args.extend(extra.iter().map(|s| s.to_string()));
        super::run_in(w.dir.path(), &args, &[])
    };
    run(&[
        "--report",
        "json:all.json",
        "--report",
        "junit:all.xml",
        "--report",
        "html:all.html",
    ])
    .expect_code(1);
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let report = format!("json:shard-{k}.json");
        run(&["--shard", &shard, "--report", &report]);
    }
    let merge = |inputs: &[&str]| {
        let mut args: Vec<String> = vec!["report".into(), "merge".into()];
        args.extend(inputs.iter().map(|s| s.to_string()));
        args.extend(["--json", "m.json", "--junit", "m.xml", "--html", "m.html"].map(String::from));
        super::run_in(w.dir.path(), &args, &[])
    };
    merge(&["shard-3.json", "shard-1.json", "shard-2.json"])
        .expect_code(1)
        .expect_contains("merged 3 reports: 3 collection runs, 5 passed, 1 failed");
    // The sandbox's Date header may tick between the runs.
    let date = regex::Regex::new(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")
        .expect("regex");
    let read = |f: &str| {
        let text = std::fs::read_to_string(w.path(f)).expect("report");
        date.replace_all(&text, "DATE").into_owned()
    };
    // Durations aside: JUnit times and the HTML timeline (drawn from when each request
    // started) are real even under the fixed clock.
    let timeless = |f: &str| {
        let t = regex::Regex::new(r#"(?s)time="[0-9.]+"|<section class="timeline">.*?</section>"#)
            .expect("regex");
        t.replace_all(&read(f), "T").into_owned()
    };
    assert_eq!(read("m.json"), read("all.json"));
    assert_eq!(timeless("m.xml"), timeless("all.xml"));
    assert_eq!(timeless("m.html"), timeless("all.html"));

    let other = read("shard-2.json").replace("\"tool\": \"yarc ", "\"tool\": \"yarc 9.9.9-");
    w.write("other.json", &other);
    merge(&["shard-1.json", "other.json"])
        .expect_code(2)
        .expect_contains("differ in `tool`");
    merge(&["shard-1.json", "shard-1.json"])
        .expect_code(2)
        .expect_contains("both hold collection run 0");
    super::run_in(
        w.dir.path(),
        &["report", "merge", "shard-1.json"].map(String::from),
        &[],
    )
    .expect_code(2)
    .expect_contains("give --json, --junit or --html");
}

/// No `.env` (at the top or in any folder) ever goes into a container image.
#[test]
fn the_docker_context_leaves_every_env_file_out() {
    let rules = std::fs::read_to_string(project_root().join(".dockerignore")).expect("rules");
    let lines: Vec<&str> = rules.lines().map(str::trim).collect();
    for needed in [".env", "**/.env", "**/.env.*"] {
        assert!(
            lines.contains(&needed),
            "{needed} missing from .dockerignore"
        );
    }
}
