//! Every `yarc` command the README and docs/ show, as written, is one the CLI accepts: a renamed
//! flag or command fails here before a reader trips on it. (What the examples do is tested
//! where it is built: the daily loop in daily.rs, the set-up commands in .ci/run.)

use clap::Parser;
use yarc::api::cli::Cli;

/// The documents a reader follows.
fn documents() -> Vec<std::path::PathBuf> {
    let root = super::project_root();
    let mut out = vec![root.join("README.md")];
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    out.extend(docs);
    out
}

/// The lines of fenced code blocks, with `\` continuations joined: (line number, text).
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut inside = false;
    let mut pending: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            inside = !inside;
            continue;
        }
        if !inside {
            continue;
        }
        let (n, mut joined) = pending.take().unwrap_or((i + 1, String::new()));
        joined.push_str(line.trim_end().trim_end_matches('\\'));
        if line.trim_end().ends_with('\\') {
            joined.push(' ');
            pending = Some((n, joined));
        } else {
            out.push((n, joined));
        }
    }
    out
}

/// The `yarc ...` commands of a shell (or CI YAML) line: where a command can start, up to the
/// next pipe, `&&`, `;`, `)` or comment.
fn commands(line: &str) -> Vec<String> {
    let t = line.trim_start().trim_start_matches("$ ");
    if t.starts_with('#') {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (at, _) in t.match_indices("yarc ") {
        let before = t[..at].trim_end();
        let starts = before.is_empty()
            || ["|", "&&", ";", "(", "run:", "-", "$(", "<("]
                .iter()
                .any(|s| before.ends_with(s));
        if !starts {
            continue;
        }
        let rest = &t[at..];
        let end = end_of_command(rest);
        out.push(rest[..end].trim().to_string());
    }
    out
}

/// Where a command ends: the first unquoted `|`, `&`, `;`, `)` or ` #`.
fn end_of_command(s: &str) -> usize {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in s.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '|' | '&' | ';' | ')' if !single && !double => return i,
            '#' if !single && !double && prev == ' ' => return i,
            _ => {}
        }
        prev = c;
    }
    s.len()
}

/// A synopsis line (`yarc run PATH... [--env NAME]`, `-o|--output FILE`) describes, it does
/// not run.
fn is_synopsis(line: &str) -> bool {
    let cmd = &line[..end_of_command(line)];
    ["...", " [", " PATH", " SPEC", " COLLECTION", " -o", " -e"]
        .iter()
        .any(|s| cmd.trim_end().ends_with(s.trim()) || cmd.contains(&format!("{s} ")))
        || cmd.contains("...")
        || cmd.contains(" [")
}

#[test]
fn every_documented_yarc_command_is_accepted_as_written() {
    let mut checked = 0;
    let mut refused = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("read");
        let name = doc.file_name().map(|n| n.to_string_lossy().into_owned());
        for (n, line) in code_lines(&text) {
            for cmd in commands(&line) {
                if is_synopsis(&cmd) {
                    continue;
                }
                let Some(args) = shlex::split(&cmd) else {
                    refused.push(format!("{name:?}:{n}: cannot split `{cmd}`"));
                    continue;
                };
                checked += 1;
                if let Err(e) = Cli::try_parse_from(&args) {
                    let first = e.to_string().lines().next().unwrap_or("").to_string();
                    refused.push(format!("{name:?}:{n}: `{cmd}`: {first}"));
                }
            }
        }
    }
    assert!(refused.is_empty(), "{}", refused.join("\n"));
    // The documents hold dozens of commands; finding few means the extraction broke.
    assert!(checked >= 20, "only {checked} commands found in the docs");
    eprintln!("{checked} documented commands accepted");
}

#[test]
fn commands_are_found_where_a_shell_would_start_them() {
    assert_eq!(
        commands("yarc run c --env s --name \"a | b\" | jq .items  # the body"),
        ["yarc run c --env s --name \"a | b\""]
    );
    assert_eq!(
        commands("source <(yarc completions bash)"),
        ["yarc completions bash"]
    );
    assert_eq!(
        commands("      - run: yarc check collections"),
        ["yarc check collections"]
    );
    assert!(commands("# yarc run x").is_empty());
    assert!(commands("see yarc run for more").is_empty());
}

/// The README's import example, as written, on the export it describes (kept in
/// tests/fixtures/postman/): the summary it shows is the summary yarc prints.
#[test]
fn the_readme_import_example_prints_what_the_readme_shows() {
    let readme = std::fs::read_to_string(super::project_root().join("README.md")).expect("README");
    let lines = code_lines(&readme);
    let (at, command) = lines
        .iter()
        .find(|(_, l)| l.starts_with("yarc import postman \"Visma Rostering"))
        .expect("the README's import example");
    let shown: Vec<&str> = readme
        .lines()
        .skip(*at)
        .skip_while(|l| !l.starts_with("imported "))
        .take_while(|l| !l.starts_with("```"))
        .collect();
    let fixtures = super::project_root().join("tests/fixtures/postman");
    let w = super::World::new();
    for (from, to) in [
        (
            "visma-rostering.postman_collection.json",
            "Visma Rostering.postman_collection.json",
        ),
        (
            "visma-stage.postman_environment.json",
            "Visma Stage.postman_environment.json",
        ),
    ] {
        w.write(
            to,
            &std::fs::read_to_string(fixtures.join(from)).expect("fixture"),
        );
    }
    let args = shlex::split(command).expect("a command");
    let r = super::run_in(
        w.dir.path(),
        &args[1..].iter().map(String::from).collect::<Vec<_>>(),
        &[],
    );
    r.expect_code(0);
    assert_eq!(r.stdout.trim_end(), shown.join("\n"), "README.md:{at}");
}

/// The README's first example: the bundled collections against the sandbox print what the
/// README shows, times aside.
#[test]
fn the_readme_first_run_prints_what_the_readme_shows() {
    let readme = std::fs::read_to_string(super::project_root().join("README.md")).expect("README");
    let shown: Vec<&str> = readme
        .lines()
        .skip_while(|l| *l != "$ yarc run collections --env sandbox")
        .skip(1)
        .take_while(|l| !l.starts_with("```"))
        .collect();
    assert!(shown.len() > 5, "the README's first example was not found");
    let args: Vec<String> = ["run", "collections", "--env", "sandbox", "--color", "never"]
        .map(String::from)
        .to_vec();
    let r = super::run_in(&super::project_root(), &args, &[]);
    r.expect_code(0);
    // The tests run with a fixed clock, whose durations print as `[time]`.
    let times = regex::Regex::new(r"\d+ ms|\[time\]").expect("regex");
    let masked = |t: &str| times.replace_all(t.trim_end(), "N ms").into_owned();
    assert_eq!(masked(&r.stdout), masked(&shown.join("\n")));
}
