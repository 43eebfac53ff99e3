//! Golden test of the events generator: `fixtures/events/<name>.json` generates
//! `fixtures/events/<name>.rs` with `Settings::with_events`. `UPDATE_GOLDEN=1` rewrites them; the
//! `charter-events-tests` crate (`tests/events`) compiles them under `#![deny(warnings)]`.

use crate::gen::{generate, Generated, Settings};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/events")
}

fn generate_events(json: &Path) -> Generated {
    let text = std::fs::read_to_string(json).expect("fixture readable");
    let checked =
        crate::check_sources(vec![(json.to_path_buf(), text)], &crate::Options::default());
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", json.display());
    generate(&checked.repo, &Settings::default().with_events(true))
}

#[test]
fn events_goldens_match() {
    let bless = std::env::var_os("UPDATE_GOLDEN").is_some();
    let path = fixtures().join("events.json");
    let generated = generate_events(&path);
    assert!(
        !generated.diagnostics.has_errors(),
        "{:?}",
        generated.diagnostics
    );
    assert_eq!(generated.runtime_features, ["events"]);
    let got = &generated.files[0].contents;
    let golden = path.with_extension("rs");
    let want = std::fs::read_to_string(&golden).unwrap_or_default();
    if bless {
        std::fs::write(&golden, got).unwrap();
    } else if &want != got {
        let diff = similar::TextDiff::from_lines(want.as_str(), got.as_str());
        panic!(
            "{} is stale (UPDATE_GOLDEN=1 to update):\n{}",
            golden.display(),
            diff.unified_diff().header("golden", "generated")
        );
    }
}

#[test]
fn an_event_union_without_discriminator_refuses_generation() {
    let text = std::fs::read_to_string(fixtures().join("events.json"))
        .unwrap()
        .replace(r#""discriminator": "discriminator","#, "");
    let checked = crate::check_sources(
        vec![(PathBuf::from("events.json"), text)],
        &crate::Options::default(),
    );
    let g = generate(&checked.repo, &Settings::default().with_events(true));
    let d = g
        .diagnostics
        .iter()
        .find(|d| d.code.id == "E2101")
        .expect("E2101");
    assert!(d.loc.is_some(), "located");
    // Without the flag nothing is refused.
    let g = generate(&checked.repo, &Settings::default());
    assert!(!g.diagnostics.has_errors());
}

#[test]
fn stream_names_use_the_configured_env() {
    let path = fixtures().join("events.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let checked = crate::check_sources(vec![(path, text)], &crate::Options::default());
    let mut settings = Settings::default().with_events(true);
    settings.stream_options = crate::events::StreamOptions::default().with_env("staging");
    let g = generate(&checked.repo, &settings);
    assert!(g.files[0]
        .contents
        .contains("\"staging.catalog.v1.catalog_event.json\""));
}
