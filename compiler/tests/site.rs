//! The documentation site through the library: the Graphviz and the plain-list data map, and
//! the docs of every valid corpus spec (`charter docs`, its goldens, history and exit codes:
//! `cli/tests/site_cli.rs`).

use charter::site::{self, Format, Graphviz, History};
use charter::{check_sources, Options};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn data_map_diagram_with_graphviz_and_plain_list_without() {
    let dot = std::env::var("CHARTER_DOT").unwrap_or_else(|_| "dot".to_owned());
    let has_dot = Command::new(&dot).arg("-V").output().is_ok();
    assert!(
        has_dot,
        "Graphviz `{dot}` is needed (bash .ci/setup/chromium.sh installs it)"
    );
    let checked = charter::check(&[root().join("specs")], &Options::default());
    let history = History::unavailable("none");
    let with = site::Options {
        graphviz: Graphviz::Path(dot.into()),
        ..site::Options::default()
    };
    let model = site::build(&checked.repo, &history, &with, Format::Html);
    let out = site::render(&model, Format::Html).unwrap();
    let svg = out.get("data-map.svg").expect("an SVG");
    assert!(svg.starts_with("<svg") && svg.contains("user.email"));
    let page = out.get("data-map.html").unwrap();
    assert!(page.contains("<img src=\"data-map.svg\""));
    assert!(out.get("data-map.dot").unwrap().starts_with("digraph"));

    let without = site::Options {
        graphviz: Graphviz::Path("/nonexistent/dot".into()),
        ..site::Options::default()
    };
    let model = site::build(&checked.repo, &history, &without, Format::Html);
    let note = model.data_map.diagram_note.clone().expect("a note");
    assert!(note.contains("could not be run"), "{note}");
    let out = site::render(&model, Format::Html).unwrap();
    assert!(out.get("data-map.svg").is_none());
    let page = out.get("data-map.html").unwrap();
    assert!(!page.contains("<img"));
    assert!(page.contains("Graphviz"));
    assert!(page.contains(
        "<strong>user: GET /users</strong> (request, query email) → query email → user.email"
    ));
}

/// Every corpus spec that validates on its own gets a site, in both formats, with an example
/// for every model and a page per service.
#[test]
fn docs_of_every_valid_corpus_spec() {
    let corpus = root().join("../shared/corpus");
    let mut files = Vec::new();
    for sub in ["api-json", "service-json"] {
        for e in std::fs::read_dir(corpus.join(sub)).expect("the corpus beside the project") {
            files.push(e.unwrap().path());
        }
    }
    files.sort();
    let options = site::Options {
        graphviz: Graphviz::Off,
        ..site::Options::default()
    };
    let history = History::unavailable("corpus");
    let (mut built, mut skipped, mut models) = (0, 0, 0);
    for p in &files {
        let text = std::fs::read_to_string(p).unwrap();
        let checked = check_sources(vec![(p.clone(), text)], &Options::default());
        if checked.has_errors() || checked.repo.services.is_empty() {
            skipped += 1;
            continue;
        }
        for format in [Format::Html, Format::Markdown] {
            let model = site::build(&checked.repo, &history, &options, format);
            let out =
                site::render(&model, format).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert_eq!(model.services.len(), checked.repo.services.len());
            for s in &model.services {
                assert!(
                    out.get(&s.file).is_some(),
                    "{}: no page {}",
                    p.display(),
                    s.file
                );
                assert!(s.models.iter().all(|m| m.example.is_some()));
            }
        }
        models += checked
            .repo
            .services
            .iter()
            .map(|s| s.models.len())
            .sum::<usize>();
        built += 1;
    }
    println!(
        "docs built for {built} valid corpus specs ({models} models); {skipped} invalid skipped"
    );
    // 299 of the 346 files validate on their own (the rest need their imports).
    assert!(built >= 290, "only {built} corpus specs built");
}
