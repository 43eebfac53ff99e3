//! Services: pairing (namespace, then name and organization, then the only one left on each
//! side), metadata, service headers, imports and annotation declarations; then the types and
//! resources of each matched pair.

use super::members::{self, Member, MemberRules};
use super::{resources, types};
use crate::diff::cx::{value, Ctx, Cx, Which};
use crate::diff::direction::Usage;
use crate::diff::pair::{pair, Paired, Pass};
use crate::diff::rules::*;
use crate::ir::{Import, Repo, ServiceId};

/// Header rules (service headers here, response headers in [`super::responses`]).
pub(super) const HEADERS: MemberRules = MemberRules {
    typed_default: false,
    label: "header",
    removed: &HEADER_REMOVED,
    added: &HEADER_ADDED,
    required_added: &HEADER_REQUIRED_ADDED,
    type_changed: &HEADER_TYPE_CHANGED,
    optional_to_required: &HEADER_OPTIONAL_TO_REQUIRED,
    required_to_optional: &HEADER_REQUIRED_TO_OPTIONAL,
};

/// Services are matched by namespace, then by name and organization, then the last unmatched pair.
fn pair_services(old: &Repo, new: &Repo) -> Vec<Paired> {
    let (o, n) = (&old.services, &new.services);
    let ns = |i: usize, j: usize| o[i].namespace == n[j].namespace;
    let name =
        |i: usize, j: usize| o[i].name == n[j].name && o[i].organization == n[j].organization;
    let last = |_: usize, _: usize| true;
    pair(
        o.len(),
        n.len(),
        &[Pass::First(&ns), Pass::First(&name), Pass::Unique(&last)],
    )
    .iter()
    .collect()
}

pub(super) fn all(cx: &mut Cx) {
    let (orepo, nrepo) = (cx.old.side.repo, cx.new.side.repo);
    let pairs = pair_services(orepo, nrepo);
    // types of every pair first: references across services compare through the matching
    let mut renames = Vec::new();
    for p in &pairs {
        if let Paired::Matched(o, n, _) = *p {
            renames.extend(types::match_types(
                cx,
                ServiceId(o as u32),
                ServiceId(n as u32),
            ));
        }
    }
    let none = Ctx::default();
    for p in &pairs {
        if let Paired::Removed(o) = *p {
            let s = &orepo.services[o];
            let msg = format!("service {} removed", s.namespace);
            cx.emit(&SERVICE_REMOVED, Which::Old, &s.loc, msg, &none);
        }
    }
    for p in &pairs {
        if let Paired::Matched(o, n, _) = *p {
            service(cx, ServiceId(o as u32), ServiceId(n as u32), &renames);
        }
    }
    for p in &pairs {
        if let Paired::Added(n) = *p {
            let s = &nrepo.services[n];
            let msg = format!("service {} added", s.namespace);
            cx.emit(&SERVICE_ADDED, Which::New, &s.loc, msg, &none);
        }
    }
}

fn service(
    cx: &mut Cx,
    o: ServiceId,
    n: ServiceId,
    renames: &[(crate::ir::TypeId, crate::ir::TypeId)],
) {
    let os = cx.old.side.repo.service(o);
    let ns = cx.new.side.repo.service(n);
    let none = Ctx::default();
    if os.namespace != ns.namespace {
        let msg = format!(
            "namespace changed from {} to {}",
            os.namespace, ns.namespace
        );
        cx.emit(&SERVICE_NAMESPACE_CHANGED, Which::New, &ns.loc, msg, &none);
    }
    if os.name != ns.name {
        let msg = format!("name changed from {} to {}", os.name, ns.name);
        cx.emit(&SERVICE_NAME_CHANGED, Which::New, &ns.loc, msg, &none);
    }
    let meta: [(&str, Option<&str>, Option<&str>); 4] = [
        (
            "organization",
            Some(&os.organization),
            Some(&ns.organization),
        ),
        ("application", Some(&os.application), Some(&ns.application)),
        ("version", Some(&os.version), Some(&ns.version)),
        ("base_url", os.base_url.as_deref(), ns.base_url.as_deref()),
    ];
    // an application key derived from a changed name is part of SERVICE_NAME_CHANGED
    let derived_app = os.name != ns.name
        && os.application == crate::names::url_key(&os.name)
        && ns.application == crate::names::url_key(&ns.name);
    for (what, a, b) in meta {
        if a != b && !(what == "application" && derived_app) {
            let msg = match (a, b) {
                (None, Some(v)) => format!("{what} added: {}", value(Some(v))),
                (Some(v), None) => format!("{what} removed: {}", value(Some(v))),
                _ => format!("{what} changed from {} to {}", value(a), value(b)),
            };
            let case = (what == "base_url" && b.is_none()).then_some(&BASE_URL_REMOVED);
            cx.emit_case(
                &SERVICE_METADATA_CHANGED,
                case,
                Which::New,
                &ns.loc,
                msg,
                &none,
            );
        }
    }
    if os.info != ns.info {
        let msg = "info (contact or license) changed".to_string();
        cx.emit(&SERVICE_METADATA_CHANGED, Which::New, &ns.loc, msg, &none);
    }
    cx.docs(
        "service",
        &os.description,
        &ns.description,
        &None,
        &None,
        &ns.loc,
        &none,
    );
    cx.attributes("service", &os.attributes, &ns.attributes, &none);
    // headers: sent with every request
    let hctx = Ctx::with(Usage::REQUEST, Vec::new());
    let oh: Vec<Member> = os.headers.iter().map(Member::header).collect();
    let nh: Vec<Member> = ns.headers.iter().map(Member::header).collect();
    members::compare(cx, &HEADERS, "service", &oh, &nh, &hctx, false);
    imports(cx, &os.imports, &ns.imports);
    annotations(cx, os, ns);
    types::all(cx, o, n, renames);
    resources::all(cx, o, n);
}

/// Imports: by URI, then a new version of the same organization/application is one change.
fn imports(cx: &mut Cx, old: &[Import], new: &[Import]) {
    let uri = |i: usize, j: usize| old[i].uri == new[j].uri;
    let same_app = |i: usize, j: usize| {
        let (a, b) = (&old[i], &new[j]);
        a.organization.is_some()
            && a.application.is_some()
            && a.organization == b.organization
            && a.application == b.application
    };
    let none = Ctx::default();
    for p in pair(
        old.len(),
        new.len(),
        &[Pass::First(&uri), Pass::First(&same_app)],
    )
    .iter()
    {
        match p {
            Paired::Matched(_, _, 0) => {}
            Paired::Matched(i, j, _) => {
                let msg = format!("import changed from {} to {}", old[i].uri, new[j].uri);
                cx.emit(&IMPORT_CHANGED, Which::New, &new[j].loc, msg, &none);
            }
            Paired::Removed(i) => {
                let msg = format!("import removed: {}", old[i].uri);
                cx.emit(&IMPORT_CHANGED, Which::Old, &old[i].loc, msg, &none);
            }
            Paired::Added(j) => {
                let msg = format!("import added: {}", new[j].uri);
                cx.emit(&IMPORT_CHANGED, Which::New, &new[j].loc, msg, &none);
            }
        }
    }
}

/// Annotation declarations, by name.
fn annotations(cx: &mut Cx, os: &crate::ir::Service, ns: &crate::ir::Service) {
    let (old, new) = (&os.annotations, &ns.annotations);
    let none = Ctx::default();
    let pairing = crate::diff::pair::by_key(old, new, |a| a.name.clone(), |b| b.name.clone());
    for p in pairing.iter() {
        match p {
            Paired::Removed(i) => {
                let msg = format!("annotation removed: {}", old[i].name);
                cx.emit(&ANNOTATION_CHANGED, Which::Old, &old[i].loc, msg, &none);
            }
            Paired::Matched(i, j, _) => {
                let (a, b) = (&old[i], &new[j]);
                if a.description != b.description || a.deprecation != b.deprecation {
                    let msg = format!("annotation {} description or deprecation changed", a.name);
                    cx.emit(&ANNOTATION_CHANGED, Which::New, &b.loc, msg, &none);
                }
            }
            Paired::Added(j) => {
                let msg = format!("annotation added: {}", new[j].name);
                cx.emit(&ANNOTATION_CHANGED, Which::New, &new[j].loc, msg, &none);
            }
        }
    }
}
