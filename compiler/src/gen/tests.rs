//! Golden tests: every `fixtures/gen/<name>.json` generates `fixtures/gen/<name>.rs`.
//! Run with `UPDATE_GOLDEN=1` (or `UPDATE_GOLDEN=1`) to rewrite the goldens after an intended change. The goldens are
//! compiled (and linted) by the `charter-gen-golden` crate.

use super::*;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/gen")
}

pub(crate) fn generate_fixture(json: &Path) -> Generated {
    let text = std::fs::read_to_string(json).expect("fixture readable");
    let checked =
        crate::check_sources(vec![(json.to_path_buf(), text)], &crate::Options::default());
    // `models.json` is nasty on purpose (names with leading digits, snake-case collisions, a model
    // named like a primitive, a member in two unions): validation rejects those names, and the
    // generator must still emit valid Rust for them. Any other error fails the fixture.
    const NASTY_ON_PURPOSE: &[&str] = &[
        "E0204", "E0205", "E0210", "E0303", "E0304", "E0608", "E0611",
    ];
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && !NASTY_ON_PURPOSE.contains(&d.code.id))
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", json.display());
    // `mock.json`, `headers.json` and the nasty `models.json` also get factories and the mock
    // client.
    let mock = json
        .file_stem()
        .is_some_and(|s| s == "mock" || s == "models" || s == "headers");
    generate(
        &checked.repo,
        &Settings::default().with_server(true).with_mock(mock),
    )
}

/// A fixture directory is one repo of several specs (imports between them): every spec of it
/// generates `<dir>/<module>.rs`, with the server and the mock.
pub(crate) fn generate_dir(dir: &Path) -> Generated {
    let mut sources: Vec<(PathBuf, String)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect();
    sources.sort();
    let checked = crate::check_sources(sources, &crate::Options::default());
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", dir.display());
    generate(
        &checked.repo,
        &Settings::default().with_server(true).with_mock(true),
    )
}

/// Compares (or, blessing, writes) one golden file.
fn compare(golden: &Path, got: &str, bless: bool) {
    let want = std::fs::read_to_string(golden).unwrap_or_default();
    if bless {
        std::fs::write(golden, got).unwrap();
    } else if want != got {
        let diff = similar::TextDiff::from_lines(want.as_str(), got);
        panic!(
            "{} is stale (UPDATE_GOLDEN=1 to update):\n{}",
            golden.display(),
            diff.unified_diff().header("golden", "generated")
        );
    }
}

#[test]
fn goldens_match() {
    let bless =
        std::env::var_os("UPDATE_GOLDEN").is_some() || std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut seen = 0;
    let mut entries: Vec<_> = std::fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in &entries {
        if path.is_dir() {
            seen += 1;
            let generated = generate_dir(path);
            assert!(generated.files.len() > 1, "{}: a repo", path.display());
            for f in &generated.files {
                compare(&path.join(&f.path), &f.contents, bless);
            }
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        seen += 1;
        let generated = generate_fixture(path);
        assert_eq!(
            generated.files.len(),
            1,
            "{}: one service per fixture",
            path.display()
        );
        compare(
            &path.with_extension("rs"),
            &generated.files[0].contents,
            bless,
        );
    }
    assert!(seen >= 1, "no fixtures found");
}

#[test]
fn files_start_with_header() {
    let g = generate_fixture(&fixtures().join("models.json"));
    assert!(g.files[0].contents.starts_with(HEADER));
    assert_eq!(g.files[0].path, "test_gen_models_v0.rs");
}

#[test]
fn recursion_is_boxed_only_on_cycles() {
    // The fixture declares types named `option` and `box`: those are written by full path.
    let g = generate_fixture(&fixtures().join("models.json"));
    let code = &g.files[0].contents;
    assert!(
        code.contains("pub parent: ::std::option::Option<::std::boxed::Box<Group>>"),
        "{code}"
    );
    assert!(code.contains("pub members: Vec<Party>"), "{code}");
    assert!(code.contains("Group(::std::boxed::Box<Group>)"), "{code}");
    assert!(code.contains("User(User)"), "{code}");
}

#[test]
fn unknown_import_is_opaque_with_warning() {
    let spec = r#"{"name": "x", "imports": [{"uri": "https://app.apibuilder.io/acme/common/latest/service.json"}],
        "models": {"a": {"fields": [{"name": "m", "type": "io.acme.common.v0.models.money"}]}}}"#;
    let checked = crate::check_sources(
        vec![("x.json".into(), spec.to_owned())],
        &crate::Options::default(),
    );
    let g = generate(&checked.repo, &Settings::default());
    assert!(
        g.files[0].contents.contains("pub m: Value,"),
        "{}",
        g.files[0].contents
    );
    let w: Vec<_> = g
        .diagnostics
        .iter()
        .filter(|d| d.code.id == "W1201")
        .collect();
    assert_eq!(w.len(), 1, "{:?}", g.diagnostics);
    assert!(w[0].message.contains("io.acme.common.v0.models.money"));
    // A mapped namespace is referenced through its crate path instead.
    let g = generate(
        &checked.repo,
        &Settings::default().with_crate_path("io.acme.common.v0", "acme_common"),
    );
    assert!(
        g.files[0]
            .contents
            .contains("pub m: acme_common::models::Money"),
        "{}",
        g.files[0].contents
    );
    assert!(g.diagnostics.is_empty());
}

#[test]
fn inexpressible_constructs_are_located_warnings_not_invalid_rust() {
    let spec = r#"{"name": "x",
        "models": {"filter": {"fields": [{"name": "q", "type": "string"}]},
                   "thing": {"fields": [{"name": "f", "type": "filter", "default": "{}", "required": false}]}},
        "resources": {"thing": {"operations": [
            {"method": "GET", "parameters": [{"name": "f", "type": "filter", "location": "Query"}]},
            {"method": "GET", "path": "/:id"}
        ]}}}"#;
    let checked = crate::check_sources(
        vec![("x.json".into(), spec.to_owned())],
        &crate::Options::default(),
    );
    let g = generate(&checked.repo, &Settings::default().with_server(true));
    let code = &g.files[0].contents;
    let w: Vec<_> = g
        .diagnostics
        .iter()
        .filter(|d| d.code.id == "W1202")
        .collect();
    // The query parameter of model type: left out of client and server; the default: not applied.
    assert!(
        w.iter()
            .any(|d| d.message.contains("GET /things") && d.message.contains("client")),
        "{w:#?}"
    );
    assert!(
        w.iter()
            .any(|d| d.message.contains("GET /things") && d.message.contains("server")),
        "{w:#?}"
    );
    assert!(
        w.iter().any(|d| d.message.contains("default `{}`")),
        "{w:#?}"
    );
    assert!(w.iter().all(|d| d.loc.is_some()));
    assert!(code.contains("pub async fn get_by_id"), "{code}");
    assert!(!code.contains("pub async fn get("), "{code}");
    // Still one valid file.
    assert!(syn::parse_file(code.split_once('\n').unwrap().1).is_ok());
}

#[test]
fn settings_choose_parts_and_derives() {
    let path = fixtures().join("client.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let checked = crate::check_sources(vec![(path, text)], &crate::Options::default());
    let only_models = generate(&checked.repo, &Settings::default().with_client(false));
    let code = &only_models.files[0].contents;
    assert!(
        code.contains("pub mod models")
            && !code.contains("pub mod client")
            && !code.contains("pub mod server")
    );
    let derived = generate(
        &checked.repo,
        &Settings::default()
            .with_derive("Eq")
            .with_derive("not a path!"),
    );
    let code = &derived.files[0].contents;
    // Added where missing, never twice (enums already derive Eq).
    assert!(code.contains("Serialize, Deserialize, New, Eq)]\n    #[serde(crate = \"::charter_runtime::serde\")]\n    pub struct Item"), "{code}");
    let role = &code[..code.find("pub enum Role").unwrap()];
    let derive = &role[role.rfind("#[derive(").unwrap() + 9..];
    let derive = &derive[..derive.find(")]").unwrap()];
    let eqs = derive.split(',').filter(|d| d.trim() == "Eq").count();
    assert_eq!(eqs, 1, "{derive}");
    assert!(!code.contains("not a path"));
}

#[test]
fn redacted_annotations_are_a_setting() {
    let spec = r#"{"name": "x",
        "imports": [{"uri": "https://app.apibuilder.io/acme/common/latest/service.json"}],
        "models": {
            "person": {"fields": [
                {"name": "email", "type": "string", "annotations": ["personal_data"]},
                {"name": "ssn", "type": "string", "annotations": ["secret"]}]},
            "plain": {"fields": [{"name": "n", "type": "string"}]},
            "holder": {"fields": [{"name": "m", "type": "io.acme.common.v0.models.money"}]}}}"#;
    let checked = crate::check_sources(
        vec![("x.json".into(), spec.to_owned())],
        &crate::Options::default(),
    );
    let code = |settings: Settings| generate(&checked.repo, &settings).files[0].contents.clone();
    // Default: `personal_data` only; a `Debug` derive from the settings is not doubled.
    let c = code(Settings::default().with_derive("Debug"));
    assert!(
        c.contains(".field(\"email\", &::charter_runtime::Redacted)"),
        "{c}"
    );
    assert!(c.contains(".field(\"ssn\", &self.ssn)"), "{c}");
    assert_eq!(c.matches("impl fmt::Debug for").count(), 1, "{c}");
    // Types without personal data share one list of empty impls.
    let plain = &c[c
        .find("no_personal_data!(")
        .expect("the list of plain types")..];
    let plain = &plain[..plain.find(");").unwrap()];
    assert!(plain.contains("Plain"), "{c}");
    // An opaque import holds nothing known; a crate-mapped one is walked by its own impl.
    assert!(plain.contains("Holder"), "{c}");
    assert!(!plain.contains("Person"), "{c}");
    let c = code(Settings::default().with_crate_path("io.acme.common.v0", "acme_common"));
    assert!(c.contains("PersonalData::redact(&mut self.m);"), "{c}");
    // Added, or replaced.
    let c = code(Settings::default().with_redacted_annotation("secret"));
    assert!(
        c.contains(".field(\"ssn\", &::charter_runtime::Redacted)"),
        "{c}"
    );
    assert!(
        c.contains(".field(\"email\", &::charter_runtime::Redacted)"),
        "{c}"
    );
    let c = code(Settings::default().with_redacted_annotations(["secret"]));
    assert!(c.contains(".field(\"email\", &self.email)"), "{c}");
    let c = code(Settings::default().with_redacted_annotations(Vec::<String>::new()));
    assert!(!c.contains("Redacted"), "{c}");
}

#[test]
fn mock_names_avoid_resources_and_skip_left_out_operations() {
    // A resource named `calls` (its accessor takes the name; the mock's call log moves aside), and
    // a resource whose only operation the client leaves out.
    let spec = r#"{"name": "x",
        "models": {"filter": {"fields": [{"name": "q", "type": "string"}]},
                   "call": {"fields": [{"name": "id", "type": "string"}]}},
        "resources": {
            "call": {"operations": [{"method": "GET", "path": "/:id", "responses": {"200": {"type": "call"}}}]},
            "filter": {"operations": [{"method": "GET", "parameters": [{"name": "f", "type": "filter", "location": "Query"}]}]}
        }}"#;
    let checked = crate::check_sources(
        vec![("x.json".into(), spec.to_owned())],
        &crate::Options::default(),
    );
    let g = generate(&checked.repo, &Settings::default().with_mock(true));
    let code = &g.files[0].contents;
    assert!(syn::parse_file(code.split_once('\n').unwrap().1).is_ok());
    assert!(
        code.contains("pub fn calls(&self) -> MockCalls<'_>"),
        "{code}"
    );
    assert!(
        code.contains("pub fn calls_2(&self) -> Vec<Call>"),
        "{code}"
    );
    assert!(code.contains("pub fn on_get_by_id("), "{code}");
    // The left-out operation is in neither the trait nor the mock; the resource has no stubs.
    assert!(!code.contains("FiltersStubs"), "{code}");
    assert!(code.contains("pub enum FiltersCall {}"), "{code}");
    assert!(g.diagnostics.iter().any(|d| d.code.id == "W1202"));
    assert!(!g.diagnostics.iter().any(|d| d.code.id == "W1204"));
    assert_eq!(g.runtime_features, vec!["mock".to_owned()]);
    // Without --mock: the traits, no factories or mock, no extra runtime feature.
    let g = generate(&checked.repo, &Settings::default());
    let code = &g.files[0].contents;
    assert!(code.contains("pub trait CallsApi") && code.contains("impl Api for Client"));
    assert!(!code.contains("pub mod factories") && !code.contains("pub mod mock"));
    assert!(g.runtime_features.is_empty());
}

#[test]
fn a_type_without_finite_value_is_warned_about() {
    let spec = r#"{"name": "x", "models": {
        "node": {"fields": [{"name": "next", "type": "node"}]},
        "list": {"fields": [{"name": "next", "type": "list", "required": false}]}}}"#;
    let checked = crate::check_sources(
        vec![("x.json".into(), spec.to_owned())],
        &crate::Options::default(),
    );
    let g = generate(&checked.repo, &Settings::default().with_factories(true));
    let w: Vec<_> = g
        .diagnostics
        .iter()
        .filter(|d| d.code.id == "W1204")
        .collect();
    assert_eq!(w.len(), 1, "{:?}", g.diagnostics);
    assert!(w[0].message.contains("`node`") && w[0].loc.is_some());
    let code = &g.files[0].contents;
    assert!(code.contains("pub mod factories") && !code.contains("pub mod mock"));
    // `list`'s optional `next` is `None` in the derived `new`.
    assert!(
        code.contains("#[new(default)]\n        pub next:"),
        "{code}"
    );
    // The factory of `node` still compiles under `-D warnings`.
    assert!(
        code.contains("#[allow(unconditional_recursion)]\n    pub fn node()"),
        "{code}"
    );
}

#[test]
fn hostile_descriptions_become_harmless_doc_lines() {
    let lines = doc_lines("a\rb\u{202E}c */ d\r\n```rust\n    indented\n\u{2066}x\u{0007}");
    assert_eq!(
        lines,
        vec![" a", " bc *\\/ d", " \\```rust", " indented", " x"]
    );
    let g = generate_fixture(&fixtures().join("models.json"));
    let code = &g.files[0].contents;
    assert!(!code.contains('\u{202E}') && !code.contains('\r'), "{code}");
    assert!(code.contains("/// Ends *\\/ here and  there\n"), "{code}");
    assert!(
        code.contains("#[deprecated(note = \"Use *\\\\/ something else\")]"),
        "{code}"
    );
}

fn check_spec(spec: &str) -> crate::Checked {
    crate::check_sources(
        vec![("x.json".into(), spec.to_owned())],
        &crate::Options::default(),
    )
}

#[test]
fn limits_reject_what_rustc_could_not_compile() {
    // A chain of 70 models each holding the next directly: E1202, located, nothing generated.
    let models: Vec<String> = (0..70)
        .map(|i| match i {
            69 => format!(r#""m{i}": {{"fields": [{{"name": "x", "type": "string"}}]}}"#),
            _ => format!(
                r#""m{i}": {{"fields": [{{"name": "next", "type": "m{}"}}]}}"#,
                i + 1
            ),
        })
        .collect();
    let spec = format!(r#"{{"name": "x", "models": {{{}}}}}"#, models.join(","));
    let checked = check_spec(&spec);
    assert!(!checked.diagnostics.iter().any(|d| d.is_error()));
    let g = generate(&checked.repo, &Settings::default());
    let e: Vec<_> = g
        .diagnostics
        .iter()
        .filter(|d| d.code.id == "E1202")
        .collect();
    assert_eq!(e.len(), 1, "{:?}", g.diagnostics);
    assert!(e[0].message.contains("`m0`") && e[0].loc.is_some());
    assert!(g.files.is_empty());
    // A chain within the limit generates.
    let spec = spec.replace(r#""type": "m60""#, r#""type": "[m60]""#);
    let g = generate(&check_spec(&spec).repo, &Settings::default());
    assert!(
        g.diagnostics.is_empty() && g.files.len() == 1,
        "{:?}",
        g.diagnostics
    );

    // A name of 300 bytes: E1201.
    let long = "a".repeat(300);
    let spec = format!(
        r#"{{"name": "x", "models": {{"m": {{"fields": [{{"name": "{long}", "type": "string"}}]}}}}}}"#
    );
    let g = generate(&check_spec(&spec).repo, &Settings::default());
    assert!(
        g.diagnostics
            .iter()
            .any(|d| d.code.id == "E1201" && d.loc.is_some()),
        "{:?}",
        g.diagnostics
    );
    assert!(g.files.is_empty());

    // Lists nested deeper than the limit: rejected when the type is read, never a stack overflow.
    let deep = format!("{}string{}", "[".repeat(5000), "]".repeat(5000));
    let spec = format!(
        r#"{{"name": "x", "models": {{"m": {{"fields": [{{"name": "f", "type": "{deep}"}}]}}}}}}"#
    );
    let checked = check_spec(&spec);
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.message.contains("deeper than 32")),
        "{:?}",
        checked.diagnostics
    );
}

/// Every server gets the health check and request ids from the runtime's builder; a spec that
/// declares API Builder's `healthcheck` resource keeps its own handler, and a service header
/// naming the request id is read besides `x-request-id`.
#[test]
fn servers_build_on_the_hardened_builder() {
    let spec = r#"{"name": "svc",
      "headers": [{"name": "X-Correlation-Id", "type": "string", "required": false}],
      "models": {"healthcheck": {"fields": [{"name": "status", "type": "string"}]}},
      "resources": {"healthcheck": {"path": "/_internal_/healthcheck",
        "operations": [{"method": "GET", "responses": {"200": {"type": "healthcheck"}}}]}}}"#;
    let checked = crate::check_sources(
        vec![(PathBuf::from("svc.json"), spec.to_owned())],
        &crate::Options::default(),
    );
    assert!(!checked.diagnostics.iter().any(|d| d.is_error()));
    let g = generate(&checked.repo, &Settings::default().with_server(true));
    let code = &g.files[0].contents;
    assert!(code.contains(".health_route_from_spec()"), "{code}");
    assert!(
        code.contains(r#".request_id_header("x-correlation-id")"#),
        "{code}"
    );
    let plain = generate_fixture(&fixtures().join("orders.json"));
    let code = &plain.files[0].contents;
    assert!(code.contains("pub fn builder<"), "{code}");
    assert!(!code.contains("health_route_from_spec"));
    assert!(naming::is_request_id_header("X-Flow-Request-Id"));
    assert!(naming::is_request_id_header("x_transaction_id"));
    assert!(!naming::is_request_id_header("X-Request-Id"));
    assert!(!naming::is_request_id_header("X-Idempotency-Key"));
}
