//! `charter docs`: a static documentation site of an api repo.
//!
//! [`build`] turns an [`ir::Repo`](crate::ir::Repo) into a page model ([`model::Site`]: plain
//! serializable structs, every link already resolved to an href); [`render`] writes that model
//! through the handlebars templates of `templates/` as HTML (escaped by handlebars) or Markdown
//! (escaped by [`markdown::escape`]). Both formats carry the same content:
//!
//! - `index`: every service, with the search box (HTML) and links to the data map;
//! - one page per service (`<namespace>.html`): description, base URL, headers, imports,
//!   resources with every operation, models, enums, unions, interfaces, events (`*_event`
//!   unions), deprecations, a JSON example for every model, union and body (from
//!   [`crate::example`]), personal-data badges, and the change history ([`history`]);
//! - `data-map`: the personal-data trace ([`crate::trace`]) with its diagram ([`diagram`]).
//!
//! HTML pages need no server: relative links, a stylesheet and a small search script over a
//! generated index (`search-index.js`), no external resources.

pub mod diagram;
pub mod history;
pub mod markdown;
pub mod model;
mod render;

pub use diagram::Graphviz;
pub use history::History;
pub use model::{build, Site};
pub use render::{render, Format, Output};

/// How the site is built.
#[derive(Clone, Debug)]
pub struct Options {
    /// The annotation the data map follows (`personal_data`).
    pub annotation: String,
    /// Whether and how the data-map diagram is drawn.
    pub graphviz: Graphviz,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            annotation: crate::trace::DEFAULT_ANNOTATION.to_owned(),
            graphviz: Graphviz::Auto,
        }
    }
}

#[cfg(test)]
mod tests;
