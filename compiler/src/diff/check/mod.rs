//! The checks, one module per element kind, each small: it receives a matched pair (or an
//! unmatched element) and raises findings of the rules it owns through [`Cx::emit`].
//!
//! | module | element | pairs by |
//! |---|---|---|
//! | [`service`] | services, their metadata, headers, imports, annotations | namespace, then name, then the last one left |
//! | [`types`] | models, enums, unions, interfaces | kind and name, then shape (renames) |
//! | [`fields`] | fields of models and interfaces | name |
//! | [`enums`] | enum values | name |
//! | [`unions`] | union members, discriminator, default | member type |
//! | [`resources`] | resources and the pairing of their operations | type (path breaking ties); operations by method and path, then moves |
//! | [`operations`] | one matched operation: body | — |
//! | [`parameters`] | parameters of an operation | name (path parameters of a moved operation by position) |
//! | [`responses`] | responses and their headers | code |
//!
//! Fields, parameters and headers share the member comparison of [`members`], each with its own
//! rule set ([`members::MemberRules`]). Every pairing goes through [`super::pair`].

mod enums;
mod fields;
mod members;
mod operations;
mod parameters;
mod resources;
mod responses;
mod service;
mod types;
mod unions;

use super::cx::{Cx, SideCx};
use super::{direction, DiffReport, Side};
use std::collections::HashMap;

/// Compares two sides: services, then everything in each matched pair.
pub(crate) fn run(old: Side<'_>, new: Side<'_>) -> DiffReport {
    let mut cx = Cx {
        old: SideCx {
            side: old,
            reach: direction::analyze(old.repo),
        },
        new: SideCx {
            side: new,
            reach: direction::analyze(new.repo),
        },
        types: HashMap::new(),
        out: Vec::new(),
    };
    service::all(&mut cx);
    DiffReport { changes: cx.out }
}
