//! Resolution: imports across the repo, and every type name to a [`TypeId`].
//!
//! An import whose target is another spec of the repo (matched by namespace, or by the
//! organization/application key in its URI) resolves locally, with no network; its types are fully
//! checked. An import that is not in the repo is a warning (an error with `--strict-imports`); its
//! types are taken on trust as [`TypeRef::External`], checked against the names it provides when
//! the import lists them (service.json form). Import cycles are reported, never followed.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::ir::{Import, Repo, Service, ServiceId, Type, TypeId, TypeKind, TypeRef};
use crate::Options;
use std::collections::HashMap;

crate::codes! {
    W1001: Warning,
        "import not found in this repo",
        "The imported service is not one of the specs Charter loaded, so its types are taken on trust: \
         references to them are accepted as opaque (checked against the names the import lists, when \
         it lists them). Add the imported spec to the repo to have it checked, or run with \
         `--strict-imports` (or `strict_imports = true` in charter.toml) to make this an error.";
    E1002: Error,
        "import not found in this repo (strict imports)",
        "With strict imports on, every import must be a spec of the repo. Add the imported spec, or \
         turn strict imports off to accept its types on trust.";
    E1003: Error,
        "import cycle",
        "Specs import each other in a cycle. API Builder cannot upload either first; break the cycle by \
         moving the shared types into a spec both import.";
    E1004: Error,
        "type not found",
        "A type name is neither a primitive nor a type declared in this spec. Local types are named by \
         their short name (`user`); imported types by their qualified name \
         (`io.flow.common.v0.models.money`).";
    E1005: Error,
        "no import provides this namespace",
        "A qualified type name (`<namespace>.models.<name>`) names a namespace that is neither this \
         spec's nor one of its imports'. Add the import, or fix the namespace.";
    E1006: Error,
        "imported service has no such type",
        "The imported service is known (in the repo, or its service.json lists its types) and does not \
         declare this type.";
    E1007: Error,
        "two specs share a namespace",
        "Two specs of the repo declare the same namespace, so imports of it are ambiguous. Each service \
         needs its own namespace.";
}

/// Resolves imports and type references of every service in place.
pub fn resolve(repo: &mut Repo, options: &Options, diags: &mut Diagnostics) {
    let index = Index::build(repo, diags);
    for sid in 0..repo.services.len() {
        link_imports(repo, sid, &index, options, diags);
    }
    report_cycles(repo, diags);
    let tables: Vec<Symbols> = repo
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| Symbols::of(i, s))
        .collect();
    for sid in 0..repo.services.len() {
        let service = &mut repo.services[sid];
        let mut r = Resolver {
            sid,
            tables: &tables,
            namespace: service.namespace.clone(),
            imports: service.imports.clone(),
            diags,
        };
        for_each_type_mut(service, &mut |ty| r.resolve_type(ty));
        for m in &mut service.models {
            for i in &mut m.interfaces {
                i.resolved = r.lookup_interface(&i.name);
            }
        }
        for u in &mut service.unions {
            for i in &mut u.interfaces {
                i.resolved = r.lookup_interface(&i.name);
            }
        }
    }
}

struct Index {
    namespaces: HashMap<String, usize>,
}

impl Index {
    fn build(repo: &Repo, diags: &mut Diagnostics) -> Index {
        let mut namespaces: HashMap<String, usize> = HashMap::new();
        for (i, s) in repo.services.iter().enumerate() {
            if let Some(&first) = namespaces.get(&s.namespace) {
                let other = &repo.services[first];
                diags.push(
                    Diagnostic::new(
                        &E1007,
                        format!(
                            "namespace `{}` is also declared by service `{}`",
                            s.namespace, other.name
                        ),
                    )
                    .at(s.loc.clone())
                    .with_help("give each service its own namespace"),
                );
            } else {
                namespaces.insert(s.namespace.clone(), i);
            }
        }
        Index { namespaces }
    }
}

/// A derived namespace (`common.v0`) matches any organization prefix (`io.flow.common.v0`).
fn namespace_matches(written: &str, namespace: &str, explicit: bool) -> bool {
    written == namespace || (!explicit && written.ends_with(&format!(".{namespace}")))
}

fn link_imports(
    repo: &mut Repo,
    sid: usize,
    index: &Index,
    options: &Options,
    diags: &mut Diagnostics,
) {
    let targets: Vec<Option<usize>> = repo.services[sid]
        .imports
        .iter()
        .map(|imp| find_target(repo, sid, imp, index))
        .collect();
    let namespaces: Vec<Option<String>> = targets
        .iter()
        .map(|t| t.map(|t| repo.services[t].namespace.clone()))
        .collect();
    let service = &mut repo.services[sid];
    for ((imp, target), ns) in service.imports.iter_mut().zip(targets).zip(namespaces) {
        match target {
            Some(t) => {
                imp.target = Some(ServiceId(t as u32));
                if imp.namespace.is_none() {
                    imp.namespace = ns;
                }
            }
            None => {
                let (code, help) = if options.strict_imports {
                    (
                        &E1002,
                        "add the imported spec to the repo, or turn strict imports off",
                    )
                } else {
                    (
                        &W1001,
                        "add the imported spec to the repo to have its types checked, or pass --strict-imports to make this an error",
                    )
                };
                diags.push(
                    Diagnostic::new(
                        code,
                        format!(
                            "import {} is not found in this repo; its types are taken on trust",
                            imp.uri
                        ),
                    )
                    .at(imp.loc.clone())
                    .with_help(help),
                );
            }
        }
    }
}

fn find_target(repo: &Repo, sid: usize, imp: &Import, index: &Index) -> Option<usize> {
    if let Some(ns) = &imp.namespace {
        if let Some(&t) = index.namespaces.get(ns) {
            return (t != sid).then_some(t);
        }
    }
    let app = imp.application.as_deref()?;
    let candidates: Vec<usize> = repo
        .services
        .iter()
        .enumerate()
        .filter(|(i, s)| *i != sid && s.application == app)
        .filter(
            |(_, s)| match (&imp.organization, s.organization.as_str()) {
                (Some(o), org) if !org.is_empty() => o == org,
                _ => true,
            },
        )
        .map(|(i, _)| i)
        .collect();
    (candidates.len() == 1).then(|| candidates[0])
}

fn report_cycles(repo: &Repo, diags: &mut Diagnostics) {
    // Depth-first search over repo-local import edges; each back edge is one cycle.
    let n = repo.services.len();
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut stack: Vec<usize> = Vec::new();
    fn visit(
        u: usize,
        repo: &Repo,
        state: &mut [u8],
        stack: &mut Vec<usize>,
        diags: &mut Diagnostics,
    ) {
        state[u] = 1;
        stack.push(u);
        for imp in &repo.services[u].imports {
            let Some(ServiceId(t)) = imp.target else {
                continue;
            };
            let t = t as usize;
            if state[t] == 1 {
                let start = stack.iter().position(|&x| x == t).unwrap_or(0);
                let mut names: Vec<&str> = stack[start..]
                    .iter()
                    .map(|&i| repo.services[i].name.as_str())
                    .collect();
                names.push(&repo.services[t].name);
                diags.push(
                    Diagnostic::new(&E1003, format!("import cycle: {}", names.join(" -> ")))
                        .at(imp.loc.clone())
                        .with_help(
                            "move the types both services need into a third spec that both import",
                        ),
                );
            } else if state[t] == 0 {
                visit(t, repo, state, stack, diags);
            }
        }
        stack.pop();
        state[u] = 2;
    }
    for u in 0..n {
        if state[u] == 0 {
            visit(u, repo, &mut state, &mut stack, diags);
        }
    }
}

/// Names declared by one service.
struct Symbols {
    /// Short name → type, by API Builder's precedence (enum, model, union, interface).
    by_name: HashMap<String, TypeId>,
    by_kind: HashMap<(TypeKind, String), TypeId>,
    namespace: String,
    namespace_explicit: bool,
}

impl Symbols {
    fn of(sid: usize, s: &Service) -> Symbols {
        let service = ServiceId(sid as u32);
        let mut by_name = HashMap::new();
        let mut by_kind = HashMap::new();
        let groups: [(TypeKind, Vec<&str>); 4] = [
            (
                TypeKind::Enum,
                s.enums.iter().map(|x| x.name.as_str()).collect(),
            ),
            (
                TypeKind::Model,
                s.models.iter().map(|x| x.name.as_str()).collect(),
            ),
            (
                TypeKind::Union,
                s.unions.iter().map(|x| x.name.as_str()).collect(),
            ),
            (
                TypeKind::Interface,
                s.interfaces.iter().map(|x| x.name.as_str()).collect(),
            ),
        ];
        for (kind, list) in groups {
            for (i, name) in list.into_iter().enumerate() {
                let id = TypeId {
                    service,
                    kind,
                    index: i as u32,
                };
                by_name.entry(name.to_string()).or_insert(id);
                by_kind.entry((kind, name.to_string())).or_insert(id);
            }
        }
        Symbols {
            by_name,
            by_kind,
            namespace: s.namespace.clone(),
            namespace_explicit: s.namespace_explicit,
        }
    }
}

struct Resolver<'a> {
    sid: usize,
    tables: &'a [Symbols],
    namespace: String,
    imports: Vec<Import>,
    diags: &'a mut Diagnostics,
}

/// Splits `ns.models.name` into (`ns`, kind, `name`).
pub fn split_qualified(name: &str) -> Option<(&str, TypeKind, &str)> {
    let (rest, short) = name.rsplit_once('.')?;
    let (ns, kind) = rest.rsplit_once('.')?;
    Some((ns, TypeKind::from_plural(kind)?, short))
}

impl Resolver<'_> {
    fn resolve_type(&mut self, ty: &mut Type) {
        let loc = ty.loc.clone();
        resolve_ref(&mut ty.r, &mut |name| self.lookup(name, &loc));
    }

    fn lookup(&mut self, name: &str, loc: &crate::source::Loc) -> TypeRef {
        match self.find(name) {
            Ok(r) => r,
            Err((code, msg, help)) => {
                self.diags
                    .push(Diagnostic::new(code, msg).at(loc.clone()).with_help(help));
                TypeRef::Unresolved(name.to_string())
            }
        }
    }

    fn find(&self, name: &str) -> Result<TypeRef, (&'static Code, String, String)> {
        if let Some(id) = self.tables[self.sid].by_name.get(name) {
            return Ok(TypeRef::Type(*id));
        }
        let Some((ns, kind, short)) = split_qualified(name) else {
            return Err((
                &E1004,
                format!("type[{name}] not found"),
                "declare it in this spec, use a primitive, or name an imported type by its qualified name".into(),
            ));
        };
        if ns == self.namespace {
            return self.tables[self.sid]
                .by_kind
                .get(&(kind, short.to_string()))
                .map(|id| TypeRef::Type(*id))
                .ok_or_else(|| {
                    (
                        &E1004,
                        format!("type[{name}] not found"),
                        format!("this spec declares no {} named `{short}`", kind.label()),
                    )
                });
        }
        // An import of the repo, by namespace (explicit, or derived and matched by suffix).
        let import = self.imports.iter().find(|i| match i.target {
            Some(ServiceId(t)) => {
                i.namespace.as_deref() == Some(ns)
                    || self.namespace_of_target_matches(t as usize, ns)
            }
            None => i.namespace.as_deref() == Some(ns),
        });
        if let Some(imp) = import {
            if let Some(ServiceId(t)) = imp.target {
                return self.tables[t as usize]
                    .by_kind
                    .get(&(kind, short.to_string()))
                    .map(|id| TypeRef::Type(*id))
                    .ok_or_else(|| {
                        (
                            &E1006,
                            format!("type[{name}] not found: the imported service declares no {} named `{short}`", kind.label()),
                            "check the name against the imported spec".to_string(),
                        )
                    });
            }
            // Merged specs repeat an import of one namespace, each record listing different
            // names: the name is provided when any record of that namespace lists it.
            let records: Vec<&Import> = self
                .imports
                .iter()
                .filter(|i| i.target.is_none() && i.namespace.as_deref() == Some(ns))
                .collect();
            if records.iter().all(|i| i.provided.is_some()) {
                let listed = records.iter().filter_map(|i| i.provided.as_ref()).any(|p| {
                    let list = match kind {
                        TypeKind::Enum => &p.enums,
                        TypeKind::Interface => &p.interfaces,
                        TypeKind::Model => &p.models,
                        TypeKind::Union => &p.unions,
                    };
                    list.iter().any(|n| n == short)
                });
                if !listed {
                    return Err((
                        &E1006,
                        format!(
                            "type[{name}] not found: import {} lists no {} named `{short}`",
                            imp.uri,
                            kind.label()
                        ),
                        "check the name against the imported service".to_string(),
                    ));
                }
            }
            return Ok(external(ns, kind, short));
        }
        // An import outside the repo whose namespace is unknown (api.json imports only give a URI):
        // accept names under a namespace that mentions the imported application.
        let trusted = self.imports.iter().any(|i| {
            i.target.is_none()
                && i.namespace.is_none()
                && i.application
                    .as_deref()
                    .is_some_and(|app| namespace_mentions_app(ns, app))
        });
        if trusted {
            return Ok(external(ns, kind, short));
        }
        Err((
            &E1005,
            format!("type[{name}] not found: no import provides namespace `{ns}`"),
            "add an import of the service that declares it, or fix the namespace".into(),
        ))
    }

    fn namespace_of_target_matches(&self, t: usize, ns: &str) -> bool {
        let target = &self.tables[t];
        namespace_matches(ns, &target.namespace, target.namespace_explicit)
    }

    fn lookup_interface(&self, name: &str) -> Option<TypeRef> {
        if let Some(id) = self.tables[self.sid]
            .by_kind
            .get(&(TypeKind::Interface, name.to_string()))
        {
            return Some(TypeRef::Type(*id));
        }
        match self.find(name) {
            Ok(
                r @ TypeRef::Type(TypeId {
                    kind: TypeKind::Interface,
                    ..
                }),
            ) => Some(r),
            Ok(
                r @ TypeRef::External {
                    kind: TypeKind::Interface,
                    ..
                },
            ) => Some(r),
            _ => None,
        }
    }
}

fn external(ns: &str, kind: TypeKind, short: &str) -> TypeRef {
    TypeRef::External {
        namespace: ns.to_string(),
        kind,
        name: short.to_string(),
    }
}

/// Whether a namespace (`io.flow.common.v0`) names the application `common` (or `flow-common`).
pub(crate) fn namespace_mentions_app(ns: &str, app: &str) -> bool {
    let words: Vec<&str> = app
        .split(['-', '_', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    let joined: String = words.concat();
    let segs: Vec<&str> = ns.split('.').collect();
    !words.is_empty()
        && (segs.windows(words.len()).any(|w| w == words.as_slice())
            || segs.iter().any(|s| *s == joined))
}

fn resolve_ref(r: &mut TypeRef, f: &mut dyn FnMut(&str) -> TypeRef) {
    match r {
        TypeRef::List(inner) | TypeRef::Map(inner) => resolve_ref(inner, f),
        TypeRef::Named(name) => {
            let name = std::mem::take(name);
            *r = f(&name);
        }
        _ => {}
    }
}

/// Calls `f` on every [`Type`] of a service, in declaration order.
pub fn for_each_type_mut(s: &mut Service, f: &mut dyn FnMut(&mut Type)) {
    for h in &mut s.headers {
        f(&mut h.ty);
    }
    for i in &mut s.interfaces {
        for fl in &mut i.fields {
            f(&mut fl.ty);
        }
    }
    for u in &mut s.unions {
        for t in &mut u.types {
            f(&mut t.ty);
        }
    }
    for m in &mut s.models {
        for fl in &mut m.fields {
            f(&mut fl.ty);
        }
    }
    for r in &mut s.resources {
        f(&mut r.ty);
        for op in &mut r.operations {
            if let Some(b) = &mut op.body {
                f(&mut b.ty);
            }
            for p in &mut op.parameters {
                f(&mut p.ty);
            }
            for resp in &mut op.responses {
                f(&mut resp.ty);
                for h in &mut resp.headers {
                    f(&mut h.ty);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names_split() {
        assert_eq!(
            split_qualified("io.flow.common.v0.models.money"),
            Some(("io.flow.common.v0", TypeKind::Model, "money"))
        );
        assert_eq!(split_qualified("user"), None);
        assert_eq!(split_qualified("a.things.b"), None);
    }

    #[test]
    fn app_names_in_namespaces() {
        assert!(namespace_mentions_app("io.flow.common.v0", "common"));
        assert!(namespace_mentions_app("io.flow.error.v0", "error"));
        assert!(
            namespace_mentions_app("io.apibuilder.spec.v0", "apibuilder-spec")
                || namespace_mentions_app("io.apibuilder.spec.v0", "spec")
        );
        assert!(!namespace_mentions_app("io.flow.common.v0", "user"));
    }
}
