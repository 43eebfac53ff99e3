use super::*;
use crate::{check_sources, Options as CheckOptions};
use std::path::PathBuf;

fn site_of(spec: &str, format: Format) -> Output {
    let checked = check_sources(
        vec![(PathBuf::from("hostile.json"), spec.to_owned())],
        &CheckOptions::default(),
    );
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let options = super::Options {
        graphviz: Graphviz::Off,
        ..super::Options::default()
    };
    let model = build(
        &checked.repo,
        &History::unavailable("none"),
        &options,
        format,
    );
    render(&model, format).unwrap()
}

const HOSTILE: &str = include_str!("../../../fixtures/site-hostile/hostile.json");

#[test]
fn html_shows_hostile_text_as_text() {
    let out = site_of(HOSTILE, Format::Html);
    let page = out.get("hostile.v0.html").expect("service page");
    for raw in [
        "<script>alert",
        "<img src=x",
        "<svg onload",
        "<b>b</b>",
        "<i>i</i>",
        "\"><svg",
    ] {
        assert!(!page.contains(raw), "{raw} reached the page unescaped");
    }
    assert!(page.contains("&lt;script&gt;alert(&#x27;service&#x27;)&lt;/script&gt;"));
    assert!(page.contains("&quot;quoted&quot; &amp; **bold** [link](javascript:alert(1))"));
    // The only scripts are the site's own.
    assert_eq!(page.matches("<script").count(), 2);
    let index = out.get("search-index.js").unwrap();
    // The index is JSON (strings escaped for JS); search.js inserts it with textContent only.
    assert!(index.starts_with("window.CHARTER_SEARCH = ["));
    let json = index
        .trim_start_matches("window.CHARTER_SEARCH = ")
        .trim_end()
        .trim_end_matches(';');
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(v.as_array().unwrap().iter().any(|e| e["n"] == "thing"));
    let js = out.get("search.js").unwrap();
    assert!(!js.contains("innerHTML"));
    for (name, text) in &out.files {
        if name.ends_with(".html") {
            assert!(!text.contains("<script>alert"), "{name}");
        }
    }
}

#[test]
fn markdown_shows_hostile_text_as_text() {
    let out = site_of(HOSTILE, Format::Markdown);
    let page = out.get("hostile.v0.md").expect("service page");
    // Outside code fences (where text is literal), no markup survives.
    let mut fenced = false;
    for line in page.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            for raw in ["<script", "<img", "<svg", "<b>", "<i>"] {
                assert!(!line.contains(raw), "{raw} in {line}");
            }
        }
    }
    assert!(
        page.contains("  \"note\": \"<script>x</script>\","),
        "the example is code"
    );
    assert!(page.contains("&lt;script&gt;alert('service')&lt;/script&gt;"));
    assert!(page.contains("\\*\\*bold\\*\\* \\[link\\](javascript:alert(1)) \\# heading \\| pipe"));
    assert!(page.contains("\\`code\\` \\_em\\_ &lt;b&gt;b&lt;/b&gt;"));
}
