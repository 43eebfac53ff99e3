//! Semantic validation: API Builder's phase C rules over the resolved IR (§2.3 of the reference),
//! plus the gaps Charter closes on purpose (§2.4, recorded in `docs/compatibility.md`).
//!
//! Validation runs after [`crate::resolve`]: every type reference is resolved, defaults are filled
//! in, and structural problems were already reported by lowering. Each rule family is a module of
//! plain functions over one service ([`Cx`]); [`PASSES`] lists them in the order they run. A
//! reference that resolution could not resolve ([`TypeRef::Unresolved`]) was already reported and is
//! skipped silently here; an [`TypeRef::External`] type (an import that is not in the repo) is taken
//! on trust.

mod codes;
mod defaults;
mod names;
mod operations;
mod responses;
mod types;
mod unions;
mod unique;
pub(crate) mod value;

pub use codes::CODES;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::ir::{Field, Operation, Repo, Resource, Service, ServiceId, TypeId, TypeKind, TypeRef};
use crate::source::Loc;
use rayon::prelude::*;

/// A validation pass over one service.
pub type Pass = fn(&mut Cx);

/// The validation passes, in the order they run (each module's doc lists its rules and codes):
///
/// - `names`: service name, `base_url`, identifiers, dotted and primitive-like names (E02xx);
/// - `unique`: duplicates after API Builder's normalization, names across kinds (E03xx);
/// - `types`: interfaces as concrete types, `interfaces` entries and conformance, declared
///   annotations, enums with values (E04xx, W0407, W0409);
/// - `defaults`: defaults and ranges of fields, parameters and headers (E05xx, W0507–W0509);
/// - `unions`: members, cycles, defaults, discriminators (E06xx);
/// - `operations`: resources, methods, bodies, parameters, duplicate routes (E07xx, W0711, W0712);
/// - `responses`: response codes and types, header types (E08xx).
pub const PASSES: &[(&str, Pass)] = &[
    ("names", names::check),
    ("unique", unique::check),
    ("types", types::check),
    ("defaults", defaults::check),
    ("unions", unions::check),
    ("operations", operations::check),
    ("responses", responses::check),
];

/// Validates every service of the repo (services in parallel; each service's findings are
/// collected on their own and appended in service order).
pub fn validate(repo: &Repo, diags: &mut Diagnostics) {
    let one = |id: ServiceId| {
        let mut found = Diagnostics::new();
        let mut cx = Cx {
            repo,
            id,
            svc: repo.service(id),
            diags: &mut found,
        };
        for (_, pass) in PASSES {
            pass(&mut cx);
        }
        found.into_vec()
    };
    let ids: Vec<ServiceId> = repo.service_ids().collect();
    let found: Vec<Vec<_>> = if ids.len() > 1 {
        ids.into_par_iter().map(one).collect()
    } else {
        ids.into_iter().map(one).collect()
    };
    for f in found {
        diags.extend(f);
    }
}

/// The context of a pass: the repo, the service being validated and the diagnostics sink.
pub struct Cx<'a> {
    pub repo: &'a Repo,
    pub id: ServiceId,
    pub svc: &'a Service,
    pub diags: &'a mut Diagnostics,
}

impl<'a> Cx<'a> {
    /// Reports `code` at `loc` with a help line.
    pub fn report(
        &mut self,
        code: &'static Code,
        loc: &Loc,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diags.push(
            Diagnostic::new(code, message)
                .at(loc.clone())
                .with_help(help),
        );
    }

    /// Whether `id` is declared in the service being validated.
    pub fn is_local(&self, id: TypeId) -> bool {
        id.service == self.id
    }

    /// The owners of fields in this service: models and interfaces, with their message label.
    pub fn field_owners(&self) -> impl Iterator<Item = FieldOwner<'a>> + 'a {
        let svc: &'a Service = self.svc;
        let models = svc.models.iter().map(|m| FieldOwner {
            label: "Model",
            name: &m.name,
            fields: &m.fields,
            loc: &m.loc,
        });
        let interfaces = svc.interfaces.iter().map(|i| FieldOwner {
            label: "Interface",
            name: &i.name,
            fields: &i.fields,
            loc: &i.loc,
        });
        models.chain(interfaces)
    }

    /// Every operation of the service with its resource.
    pub fn operations(&self) -> impl Iterator<Item = (&'a Resource, &'a Operation)> + 'a {
        let svc: &'a Service = self.svc;
        svc.resources
            .iter()
            .flat_map(|r| r.operations.iter().map(move |o| (r, o)))
    }
}

/// A model or an interface seen as a list of fields.
#[derive(Clone, Copy)]
pub struct FieldOwner<'a> {
    /// `Model` or `Interface`, as API Builder's messages print it.
    pub label: &'static str,
    pub name: &'a str,
    pub fields: &'a [Field],
    pub loc: &'a Loc,
}

/// API Builder's operation prefix: `Resource[<type>] <METHOD> <full path>`.
pub fn op_prefix(resource: &Resource, op: &Operation) -> String {
    let mut s = format!("Resource[{}]", resource.ty.text);
    if !op.method_text.is_empty() {
        s.push(' ');
        s.push_str(&op.method_text);
    }
    if !op.path.is_empty() {
        s.push(' ');
        s.push_str(&op.path);
    }
    s
}

/// The kind of the innermost named type of a reference, declared in the repo or external.
pub fn kind_of(r: &TypeRef) -> Option<TypeKind> {
    match r.innermost() {
        TypeRef::Type(id) => Some(id.kind),
        TypeRef::External { kind, .. } => Some(*kind),
        _ => None,
    }
}

/// Whether the reference (or anything inside it) could not be resolved: already reported.
pub fn is_unresolved(r: &TypeRef) -> bool {
    matches!(r.innermost(), TypeRef::Unresolved(_) | TypeRef::Named(_))
}

/// The names of the path parameters in `path`: every segment starting with `:`, the name ending
/// at the first `.` (`/:id.json` → `id`).
pub fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix(':'))
        .map(|name| name.split('.').next().unwrap_or(name))
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the rule tests: check an api.json text and look at the diagnostics.

    use crate::diag::Diagnostic;
    use crate::Options;
    use std::path::PathBuf;

    /// Checks one api.json document and returns its diagnostics.
    pub fn check(json: &str) -> Vec<Diagnostic> {
        let checked = crate::check_sources(
            vec![(PathBuf::from("api.json"), json.to_string())],
            &Options::default(),
        );
        checked.diagnostics.into_vec()
    }

    /// Checks several documents (imports between them resolve within the repo).
    pub fn check_many(files: &[(&str, &str)]) -> Vec<Diagnostic> {
        let files = files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        crate::check_sources(files, &Options::default())
            .diagnostics
            .into_vec()
    }

    /// The codes reported, in order.
    pub fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
        diags.iter().map(|d| d.code.id).collect()
    }

    /// The diagnostics with `code`.
    pub fn with_code<'a>(diags: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
        diags.iter().filter(|d| d.code == code).collect()
    }

    /// Asserts that exactly one diagnostic has `code`, and returns its message.
    #[track_caller]
    pub fn one(diags: &[Diagnostic], code: &str) -> String {
        let found = with_code(diags, code);
        assert_eq!(
            found.len(),
            1,
            "expected one {code}, got: {:#?}",
            diags
                .iter()
                .map(|d| (d.code, &d.message))
                .collect::<Vec<_>>()
        );
        found[0].message.clone()
    }

    /// Asserts that no diagnostic has `code`.
    #[track_caller]
    pub fn none(diags: &[Diagnostic], code: &str) {
        let found = with_code(diags, code);
        assert!(found.is_empty(), "unexpected {code}: {found:#?}");
    }

    /// A minimal api.json with the given top-level members spliced in.
    pub fn spec(members: &str) -> String {
        if members.trim().is_empty() {
            r#"{"name": "test"}"#.to_string()
        } else {
            format!(r#"{{"name": "test", {members}}}"#)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_end_at_a_dot() {
        assert_eq!(path_parameters("/users/:id.json"), vec!["id"]);
        assert_eq!(path_parameters("/:org/users/:guid"), vec!["org", "guid"]);
        assert!(path_parameters("/users").is_empty());
    }
}
