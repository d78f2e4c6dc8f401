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
    install_with(url, into, uname, &[("YARC_ALLOW_HTTP", "1")])
}

fn install_with(
    url: &str,
    into: &Path,
    uname: Option<(&str, &str)>,
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = Command::new("sh");
    cmd.arg(project_root().join("install.sh"))
        .env("YARC_DOWNLOAD_URL", url)
        .env("YARC_INSTALL_DIR", into)
        .envs(env.iter().copied());
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

/// The GitHub Action caches the release archive: a cached archive is checked against a fresh
/// SHA256SUMS (a tampered one is downloaded again), and a tag asked for must be the version the
/// binary reports.
#[test]
fn a_cached_archive_is_checked_and_the_version_must_be_the_tag() {
    if std::env::consts::OS != "linux" {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let rel = tmp.path().join("release");
    std::fs::create_dir_all(&rel).expect("release dir");
    release(&rel);
    let url = serve(&rel);
    let cache = tmp.path().join("cache");
    let cache_s = cache.to_string_lossy().into_owned();
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    let env = [
        ("YARC_ALLOW_HTTP", "1"),
        ("YARC_ARCHIVE_CACHE", cache_s.as_str()),
        ("YARC_VERSION", tag.as_str()),
    ];
    let bin = tmp.path().join("bin");
    let out = install_with(&url, &bin, None, &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cached = cache.join(format!("yarc-{}.tar.gz", target()));
    let archive = std::fs::read(rel.join(format!("yarc-{}.tar.gz", target()))).expect("archive");
    assert_eq!(std::fs::read(&cached).expect("cached"), archive);

    // A poisoned cache: noticed, downloaded again, and the good archive cached instead.
    std::fs::write(&cached, b"poisoned").expect("poison");
    std::fs::remove_file(bin.join("yarc")).expect("remove");
    let out = install_with(&url, &bin, None, &env);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("does not match SHA256SUMS; downloading it again"),
        "{said}"
    );
    assert_eq!(std::fs::read(&cached).expect("cached"), archive);
    assert!(bin.join("yarc").exists());

    // A mirror (or cache) serving another version than the tag asked for.
    let other = tmp.path().join("other");
    let env = [("YARC_ALLOW_HTTP", "1"), ("YARC_VERSION", "v9.9.9")];
    let out = install_with(&url, &other, None, &env);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        said.contains(&format!(
            "is yarc {}, not yarc 9.9.9",
            env!("CARGO_PKG_VERSION")
        )),
        "{said}"
    );
    assert!(!other.join("yarc").exists());
}

/// The action's run step takes its inputs one argument per line: a folder or a value with
/// spaces arrives whole; a single line is split on spaces.
#[test]
fn the_action_takes_paths_and_arguments_one_per_line() {
    let w = super::World::new();
    w.write(
        "my collections/c.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo?who={{ who }}\"\n    expect: { json: { $.query.who: \"a b\" } }\n",
    );
    let yarc_dir = Path::new(env!("CARGO_BIN_EXE_yarc"))
        .parent()
        .expect("bin dir");
    let path = format!(
        "{}:{}",
        yarc_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = w.path("out.txt");
    let run = |paths: &str, args: &str| {
        Command::new("bash")
            .arg(project_root().join("action/run.sh"))
            .current_dir(w.dir.path())
            .env("PATH", &path)
            .env("PATHS", paths)
            .env("ARGS", args)
            .env("ENV_NAME", "")
            .env("REPORT_DIR", "reports")
            .env("GITHUB_OUTPUT", &output)
            .output()
            .expect("run.sh")
    };
    let url = format!("url={}", w.url());
    let out = run(
        "my collections\n",
        &format!("--var\n{url}\n--var\nwho=a b\n"),
    );
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    let written = std::fs::read_to_string(&output).expect("GITHUB_OUTPUT");
    assert!(written.contains("exit-code=0"), "{written}");
    if which_jq() {
        assert!(written.contains("passed=1"), "{written}");
    }
    assert!(w.path("reports/junit.xml").exists());
    // A single line is split on spaces: `my` and `collections` do not exist.
    let out = run("my collections", &format!("--var {url} --var who=a"));
    assert!(!out.status.success());
    assert!(
        std::fs::read_to_string(&output)
            .expect("out")
            .contains("exit-code=2")
    );
}

fn which_jq() -> bool {
    Command::new("jq")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Plain http lets anyone on the way replace the archive and its checksum: install.sh refuses an
/// http:// URL, and an https URL that redirects to http (with curl, and with wget alone on the
/// PATH), unless YARC_ALLOW_HTTP=1.
#[test]
fn install_sh_refuses_plain_http_and_a_redirect_down_to_it() {
    if std::env::consts::OS != "linux" {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    // Refused before any checksum is read: a stand-in archive is enough.
    let rel = tmp.path().join("release");
    std::fs::create_dir_all(&rel).expect("release dir");
    std::fs::write(rel.join(format!("yarc-{}.tar.gz", target())), "stand-in").expect("archive");
    let plain = serve(&rel);
    let bin = tmp.path().join("bin");
    let out = install_with(&plain, &bin, None, &[]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        said.contains("refusing to download over plain http"),
        "{said}"
    );
    assert!(!bin.exists());

    let pki = super::tls::Pki::new();
    let ca = tmp.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).expect("ca");
    let to = format!("{plain}/yarc-{}.tar.gz", target());
    let redirect = super::tls::TlsServer::replying(
        &pki,
        None,
        format!(
            "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    );
    let wgetrc = tmp.path().join("wgetrc");
    std::fs::write(&wgetrc, format!("ca_certificate = {}\n", ca.display())).expect("wgetrc");
    let ca = ca.to_string_lossy().into_owned();
    let wgetrc = wgetrc.to_string_lossy().into_owned();
    let only_wget = path_without_curl(tmp.path());
    let mut fetchers = vec![("curl", std::env::var("PATH").unwrap_or_default())];
    fetchers.extend(only_wget.map(|p| ("wget", p)));
    for (fetcher, path) in fetchers {
        let env = [
            ("CURL_CA_BUNDLE", ca.as_str()),
            ("WGETRC", wgetrc.as_str()),
            ("PATH", path.as_str()),
        ];
        let out = install_with(&redirect.url, &bin, None, &env);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{fetcher}: {said}");
        assert!(
            said.contains("redirects to a URL that is not https"),
            "{fetcher}: {said}"
        );
        assert!(!bin.join("yarc").exists(), "{fetcher}");
    }
}

/// A PATH of links to what install.sh needs, wget but no curl (`None` without wget).
fn path_without_curl(tmp: &Path) -> Option<String> {
    let which = |tool: &str| {
        std::env::var("PATH")
            .unwrap_or_default()
            .split(':')
            .map(|d| Path::new(d).join(tool))
            .find(|p| p.is_file())
    };
    which("wget")?;
    let dir = tmp.join("only-wget");
    std::fs::create_dir_all(&dir).expect("dir");
    let tools = [
        "sh",
        "wget",
        "uname",
        "mktemp",
        "rm",
        "awk",
        "sha256sum",
        "cut",
        "tar",
        "gzip",
        "mkdir",
        "cp",
        "chmod",
        "mv",
        "grep",
        "cat",
    ];
    for tool in tools {
        if let Some(found) = which(tool) {
            std::os::unix::fs::symlink(found, dir.join(tool)).expect("link");
        }
    }
    Some(dir.to_string_lossy().into_owned())
}

/// A suite of three collections (one failing request) and the reports of its runs.
struct Suite {
    w: super::World,
}

impl Suite {
    fn new() -> Suite {
        let w = super::World::new();
        for (file, expected) in [("a", "/echo/a"), ("b", "/echo/not-this"), ("c", "/echo/c")] {
            w.write(
                &format!("suite/{file}.yaml"),
                &format!(
                    "requests:\n  - name: one\n    url: \"{{{{ url }}}}/echo/{file}\"\n    expect:\n      json:\n        $.path: {expected}\n  - name: two\n    url: \"{{{{ url }}}}/echo/{file}/2\"\n    expect: {{ status: 200 }}\n"
                ),
            );
        }
        Suite { w }
    }

    fn run(&self, extra: &[&str]) -> super::Run {
        let url = format!("url={}", self.w.url());
        let mut args: Vec<String> = ["run", "suite", "--var", &url].map(String::from).to_vec();
        args.extend(extra.iter().map(|s| s.to_string()));
        super::run_in(self.w.dir.path(), &args, &[])
    }

    fn merge(&self, inputs: &[&str]) -> super::Run {
        let mut args: Vec<String> = vec!["report".into(), "merge".into()];
        args.extend(inputs.iter().map(|s| s.to_string()));
        args.extend(["--json", "m.json", "--junit", "m.xml", "--html", "m.html"].map(String::from));
        super::run_in(self.w.dir.path(), &args, &[])
    }

    /// A report, its dates masked: the sandbox's Date header may tick between the runs.
    fn read(&self, f: &str) -> String {
        let date =
            regex::Regex::new(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")
                .expect("regex");
        let text = std::fs::read_to_string(self.w.path(f)).expect("report");
        date.replace_all(&text, "DATE").into_owned()
    }

    /// Durations aside: JUnit times and the HTML timeline (drawn from when each request
    /// started) are real even under the fixed clock.
    fn timeless(&self, f: &str) -> String {
        let t = regex::Regex::new(r#"(?s)time="[0-9.]+"|<section class="timeline">.*?</section>"#)
            .expect("regex");
        t.replace_all(&self.read(f), "T").into_owned()
    }
}

/// A run split in three shards and merged gives the same JSON, JUnit and HTML reports as the
/// run in one piece; reports of another yarc, or one shard twice, are refused.
#[test]
fn three_shards_merge_into_the_reports_of_the_whole_run() {
    let s = Suite::new();
    s.run(&[
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
        s.run(&["--shard", &shard, "--report", &report]);
    }
    s.merge(&["shard-3.json", "shard-1.json", "shard-2.json"])
        .expect_code(1)
        .expect_contains("merged 3 reports: 3 collection runs, 5 passed, 1 failed");
    assert_eq!(s.read("m.json"), s.read("all.json"));
    assert_eq!(s.timeless("m.xml"), s.timeless("all.xml"));
    assert_eq!(s.timeless("m.html"), s.timeless("all.html"));
    assert_merges_that_are_not_one_whole_run_are_refused(&s);
}

fn assert_merges_that_are_not_one_whole_run_are_refused(s: &Suite) {
    let other = s
        .read("shard-2.json")
        .replace("\"tool\": \"yarc ", "\"tool\": \"yarc 9.9.9-");
    s.w.write("other.json", &other);
    s.merge(&["shard-1.json", "other.json"])
        .expect_code(2)
        .expect_contains("differ in `tool`");
    s.merge(&["shard-1.json", "shard-1.json"])
        .expect_code(2)
        .expect_contains("`shard-1.json` and `shard-1.json` are both shard 1/3");
    // A shard left out (a CI job that never uploaded its report) is no green merge.
    s.merge(&["shard-1.json", "shard-3.json"])
        .expect_code(2)
        .expect_contains("shard 2/3 is missing: merge the JSON reports of all 3 shards");
    s.merge(&["shard-2.json"])
        .expect_code(2)
        .expect_contains("shard 1/3, 3/3 are missing");
    s.merge(&["all.json", "shard-1.json"])
        .expect_code(2)
        .expect_contains("`all.json` is the report of a whole run, not of a shard");
    // A report cut short (a collection run gone) is refused too.
    let mut cut: serde_json::Value = serde_json::from_str(&s.read("shard-2.json")).expect("json");
    cut["collections"] = serde_json::json!([]);
    s.w.write("cut.json", &cut.to_string());
    s.merge(&["shard-1.json", "cut.json", "shard-3.json"])
        .expect_code(2)
        .expect_contains("collection run 2 of 3 is in none of the reports");
    super::run_in(
        s.w.dir.path(),
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
