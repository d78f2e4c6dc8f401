//! Planning without a file system or a server: collections from text, then the plan's scopes,
//! selection, dependencies and located errors.

use super::*;
use crate::secret::Redactor;
use crate::source::SourceFile;

fn collection(name: &str, text: &str) -> Collection {
    let file = SourceFile::new(name.to_string(), text.to_string());
    crate::parse::parse_collection(&file, Path::new(name)).expect("a valid collection")
}

fn environment(text: &str) -> Environment {
    let file = SourceFile::new("env.yaml".to_string(), text.to_string());
    crate::parse::parse_environment(&file, Path::new("env.yaml")).expect("a valid environment")
}

fn planned(
    collections: Vec<Collection>,
    env: Option<&Environment>,
    overrides: &Overrides,
    options: PlanOptions,
) -> Result<Plan, Diagnostics> {
    let secrets = Arc::new(Secrets::none(Redactor::new()));
    plan(collections, env, overrides, secrets, options)
}

/// The value a request starts with for `name`, as rendered for its first run.
fn value_of(p: &Plan, request: &str, name: &str) -> Value {
    let pr = p.collections[0]
        .requests
        .iter()
        .find(|r| r.req.name == request)
        .expect("the request");
    let run = pr.scope.for_run(&p.templates, None, &p.pinned);
    run.vars.get(name).cloned().unwrap_or(Value::Null)
}

const LAYERS: &str = r#"
name: layers
variables: { who: collection, page: 1, only_collection: c }
requests:
  - group: g
    variables: { who: group }
    requests:
      - name: in group
        variables: { who: request }
        url: "http://x/{{ who }}/{{ page }}/{{ only_collection }}"
      - name: group only
        url: "http://x/{{ who }}"
  - name: top
    url: "http://x/{{ who }}/{{ page }}"
"#;

#[test]
fn variables_take_the_innermost_layer_then_environment_then_command_line() {
    let p = planned(
        vec![collection("c.yaml", LAYERS)],
        None,
        &Overrides::default(),
        PlanOptions::default(),
    )
    .expect("plans");
    assert_eq!(value_of(&p, "in group", "who"), "request");
    assert_eq!(value_of(&p, "group only", "who"), "group");
    assert_eq!(value_of(&p, "top", "who"), "collection");
    // The environment is above the collection and its groups, `--var` above all.
    let env = environment("variables: { page: 2, who: environment }\n");
    let cli = Overrides {
        cli: vec![("page".into(), Value::String("3".into()))],
        ..Overrides::default()
    };
    let p = planned(
        vec![collection("c.yaml", LAYERS)],
        Some(&env),
        &cli,
        PlanOptions::default(),
    )
    .expect("plans");
    assert_eq!(value_of(&p, "top", "who"), "environment");
    assert_eq!(value_of(&p, "top", "page"), "3");
    assert_eq!(value_of(&p, "in group", "only_collection"), "c");
    // A request's own variable that the environment overrides is warned about.
    assert!(
        p.warnings.iter().any(|w| w.contains("who")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn an_undefined_variable_is_one_located_error_with_a_suggestion() {
    let text = "name: c\nvariables: { customer_id: 1 }\nrequests:\n  - name: one\n    url: \"http://x/{{ customer_idd }}\"\n";
    let errors = planned(
        vec![collection("c.yaml", text)],
        None,
        &Overrides::default(),
        PlanOptions::default(),
    )
    .err()
    .expect("an error");
    assert_eq!(errors.0.len(), 1, "{}", errors.render());
    let shown = errors.render();
    assert!(
        shown.contains("undefined variable `customer_idd` in request `one`"),
        "{shown}"
    );
    assert!(shown.contains("c.yaml:5:10"), "{shown}");
    assert!(shown.contains("did you mean `customer_id`?"), "{shown}");
}

const SELECTED: &str = r#"
name: sel
tags: [all]
requests:
  - name: list jobs
    tags: [smoke]
    url: "http://x/jobs"
  - group: admin
    tags: [slow]
    requests:
      - name: purge
        url: "http://x/purge"
  - name: start
    url: "http://x/start"
    capture: { job_id: $.id }
  - name: fetch
    url: "http://x/jobs/{{ job_id }}"
"#;

/// `--name GLOB`.
fn named(glob: &str) -> Selection {
    Selection {
        names: vec![globset::Glob::new(glob).expect("glob").compile_matcher()],
        ..Selection::default()
    }
}

fn selected(p: &Plan, s: &Selection) -> Vec<String> {
    let c = &p.collections[0];
    c.requests
        .iter()
        .filter(|r| s.selects_request(&c.path, r))
        .map(PlannedRequest::full_name)
        .collect()
}

#[test]
fn tags_names_and_groups_select_requests() {
    let p = planned(
        vec![collection("c.yaml", SELECTED)],
        None,
        &Overrides::default(),
        PlanOptions::default(),
    )
    .expect("plans");
    let by_tag = Selection {
        tags: vec!["smoke".into()],
        ..Selection::default()
    };
    assert_eq!(selected(&p, &by_tag), ["list jobs"]);
    let skip_slow = Selection {
        skip_tags: vec!["slow".into()],
        ..Selection::default()
    };
    assert_eq!(selected(&p, &skip_slow), ["list jobs", "start", "fetch"]);
    let by_group = named("admin");
    assert_eq!(selected(&p, &by_group), ["admin / purge"]);
    // A name that selects nothing is an error that suggests the near one.
    let typo = named("list jbos");
    let e = typo.check(&p.seen).expect_err("an error").render();
    assert!(e.contains("did you mean `list jobs`?"), "{e}");
}

#[test]
fn with_dependencies_adds_the_request_that_captures_what_the_choice_needs() {
    let p = planned(
        vec![collection("c.yaml", SELECTED)],
        None,
        &Overrides::default(),
        PlanOptions::default(),
    )
    .expect("plans");
    let fetch = named("fetch");
    let (only, notes) = with_dependencies(&p, &fetch);
    let mut chosen: Vec<&str> = only.iter().map(|(_, n)| n.as_str()).collect();
    chosen.sort_unstable();
    assert_eq!(chosen, ["fetch", "start"]);
    assert!(notes.iter().any(|n| n.contains("start")), "{notes:?}");
}

/// A suite of 100,000 requests holds one of each per request (BENCHMARKS.md, "Request
/// count"): what most requests lack is boxed (body, auth, retry, snapshot, skip), what they
/// share is shared (the scope's auth block).
#[test]
fn a_request_and_its_plan_entry_stay_small() {
    let (request, planned) = (
        std::mem::size_of::<Request>(),
        std::mem::size_of::<PlannedRequest>(),
    );
    assert!(request <= 432, "Request is {request} bytes");
    assert!(planned <= 296, "PlannedRequest is {planned} bytes");
}
