//! The page model through the handlebars templates: HTML (escaped by handlebars) or Markdown
//! (escaped by [`super::markdown::escape`]).

use super::model::Site;
use handlebars::Handlebars;
use serde_json::{json, Value};

/// Output format of `charter docs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Html,
    Markdown,
}

impl Format {
    /// The extension of the pages.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "md",
        }
    }
}

/// The files of a site: relative path and content, in a stable order.
#[derive(Debug, Default)]
pub struct Output {
    pub files: Vec<(String, String)>,
}

impl Output {
    /// Writes every file under `dir` (created when missing).
    pub fn write(&self, dir: &std::path::Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (name, text) in &self.files {
            std::fs::write(dir.join(name), text)?;
        }
        Ok(())
    }
    pub fn get(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
    }
}

const HTML: &[(&str, &str)] = &[
    ("layout", include_str!("templates/layout.html.hbs")),
    ("type", include_str!("templates/type.html.hbs")),
    (
        "deprecation",
        include_str!("templates/deprecation.html.hbs"),
    ),
    ("example", include_str!("templates/example.html.hbs")),
    ("fields", include_str!("templates/fields.html.hbs")),
    ("params", include_str!("templates/params.html.hbs")),
    ("headers", include_str!("templates/headers.html.hbs")),
    ("index", include_str!("templates/index.html.hbs")),
    ("service", include_str!("templates/service.html.hbs")),
    ("data-map", include_str!("templates/data-map.html.hbs")),
];

const MARKDOWN: &[(&str, &str)] = &[
    ("type", include_str!("templates/type.md.hbs")),
    ("deprecation", include_str!("templates/deprecation.md.hbs")),
    ("example", include_str!("templates/example.md.hbs")),
    ("fields", include_str!("templates/fields.md.hbs")),
    ("params", include_str!("templates/params.md.hbs")),
    ("headers", include_str!("templates/headers.md.hbs")),
    ("index", include_str!("templates/index.md.hbs")),
    ("service", include_str!("templates/service.md.hbs")),
    ("data-map", include_str!("templates/data-map.md.hbs")),
];

const STYLE: &str = include_str!("templates/style.css");
const SEARCH: &str = include_str!("templates/search.js");

/// The small partials used once per field, parameter or type name: inlined into the templates
/// that call them, with their variables prefixed by the call's path, before registration. A
/// partial call costs a new context in handlebars, which made the largest spec's page take
/// seconds; the inlined text renders the same.
const INLINED: &[(&str, &[&str])] = &[
    ("type", &["pre", "name", "post", "href", "title"]),
    ("example", &["json", "fence"]),
    ("deprecation", &[]),
];

/// `{{> name PATH}}` (and `{{> name}}`) replaced by the partial's text, its variables read from
/// `PATH`.
fn inline(template: &str, name: &str, partial: &str, vars: &[&str]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let open = format!("{{{{> {name}");
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(end) = after.find("}}") else { break };
        let arg = after[..end].trim();
        // `{{> typeX}}` is another partial.
        if !(after.starts_with(' ') || after.starts_with('}')) {
            out.push_str(&rest[..i + open.len()]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..i]);
        let mut text = partial.trim_end_matches('\n').to_owned();
        if !arg.is_empty() && arg != "this" {
            for v in vars {
                for (from, to) in [
                    (format!("{{{{{{{v}}}}}}}"), format!("{{{{{{{arg}.{v}}}}}}}")),
                    (format!("{{{{{v}}}}}"), format!("{{{{{arg}.{v}}}}}")),
                    (format!("{{{{#if {v}}}}}"), format!("{{{{#if {arg}.{v}}}}}")),
                ] {
                    text = text.replace(&from, &to);
                }
            }
        }
        out.push_str(&text);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn registry(format: Format) -> Result<Handlebars<'static>, String> {
    let mut h = Handlebars::new();
    h.set_strict_mode(false);
    let templates = match format {
        Format::Html => HTML,
        Format::Markdown => {
            h.register_escape_fn(super::markdown::escape);
            MARKDOWN
        }
    };
    let partial = |name: &str| {
        templates
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .unwrap_or_default()
    };
    for (name, text) in templates {
        let mut text = (*text).to_owned();
        for (p, vars) in INLINED {
            text = inline(&text, p, partial(p), vars);
        }
        // Built-in templates: a syntax error is a bug caught by every test.
        h.register_template_string(name, text)
            .map_err(|e| format!("template {name}: {e}"))?;
    }
    Ok(h)
}

/// Renders template `name`; an HTML page is then wrapped in the layout (header, search,
/// scripts), which gets the already-escaped page as `content` and `title`.
fn page(h: &Handlebars, name: &str, ctx: &Value) -> Result<String, String> {
    let body = h
        .render(name, ctx)
        .map_err(|e| format!("rendering template {name}: {e}"))?;
    if !h.has_template("layout") {
        return Ok(body);
    }
    let title = ctx.get("title").cloned().unwrap_or(Value::Null);
    h.render("layout", &json!({"title": title, "content": body}))
        .map_err(|e| format!("rendering the layout of {name}: {e}"))
}

/// Renders every page of `site`. An error is a bug in a built-in template.
pub fn render(site: &Site, format: Format) -> Result<Output, String> {
    let h = registry(format)?;
    let mut out = Output::default();
    let ext = format.ext();
    let annotation = &site.data_map.annotation;
    let index = json!({
        "title": "Services",
        "services": &site.services,
        "count": site.services.len(),
        "data_map": {"annotation": annotation},
    });
    out.files
        .push((format!("index.{ext}"), page(&h, "index", &index)?));
    for s in &site.services {
        let mut ctx = serde_json::to_value(s).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut ctx {
            m.insert(
                "title".into(),
                Value::String(format!("{} {}", s.name, s.version)),
            );
            m.insert("annotation".into(), Value::String(annotation.clone()));
        }
        out.files.push((s.file.clone(), page(&h, "service", &ctx)?));
    }
    let mut dm = serde_json::to_value(&site.data_map).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut dm {
        m.insert("title".into(), Value::String("Data map".into()));
    }
    out.files
        .push((site.data_map.file.clone(), page(&h, "data-map", &dm)?));
    if !site.data_map.fields.is_empty() {
        out.files
            .push(("data-map.dot".to_owned(), site.data_map.dot.clone()));
    }
    if let Some(svg) = &site.data_map.svg {
        out.files.push(("data-map.svg".to_owned(), svg.clone()));
    }
    if format == Format::Html {
        out.files.push(("style.css".to_owned(), STYLE.to_owned()));
        out.files.push(("search.js".to_owned(), SEARCH.to_owned()));
        let index = serde_json::to_string(&site.search).unwrap_or_else(|_| "[]".into());
        out.files.push((
            "search-index.js".to_owned(),
            format!("window.CHARTER_SEARCH = {index};\n"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::inline;

    #[test]
    fn partials_are_inlined_with_their_path() {
        let t = "a {{> type body.ty}} b {{> type this}} {{> typed x}} {{> deprecation}}";
        let t = inline(
            t,
            "type",
            "<{{name}}{{#if href}}{{{href}}}{{/if}}>",
            &["name", "href"],
        );
        assert_eq!(
            t,
            "a <{{body.ty.name}}{{#if body.ty.href}}{{{body.ty.href}}}{{/if}}> b <{{name}}{{#if href}}{{{href}}}{{/if}}> {{> typed x}} {{> deprecation}}"
        );
        assert_eq!(
            inline("x {{> deprecation}}.", "deprecation", "D\n", &[]),
            "x D."
        );
    }
}
