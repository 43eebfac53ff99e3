//! The page model: what every page shows, with links resolved, built once from the IR.

use super::history::{History, ServiceHistory};
use super::{Format, Options};
use crate::diff::direction::is_event_union;
use crate::example::{Examples, Hint};
use crate::ir::{
    Deprecation, Field, Header, Parameter, Repo, ServiceId, TypeId, TypeKind, TypeRef,
};
use crate::trace::{self, Direction, Taint, TraceOptions};
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The whole site.
#[derive(Debug, Serialize)]
pub struct Site {
    /// `html` or `md`: the extension of every page.
    pub ext: &'static str,
    pub services: Vec<ServicePage>,
    pub data_map: DataMap,
    /// Name, kind, service, description and href of everything searchable.
    pub search: Vec<SearchEntry>,
}

#[derive(Debug, Serialize)]
pub struct ServicePage {
    pub name: String,
    pub namespace: String,
    pub organization: String,
    pub version: String,
    /// File name of the page (`io.charter.user.v0.html`).
    pub file: String,
    pub description: Option<String>,
    pub base_url: Option<String>,
    pub contact: Option<String>,
    pub license: Option<String>,
    pub headers: Vec<ParamView>,
    pub imports: Vec<ImportView>,
    pub resources: Vec<ResourceView>,
    pub models: Vec<ModelView>,
    pub enums: Vec<EnumView>,
    pub unions: Vec<UnionView>,
    pub interfaces: Vec<ModelView>,
    pub events: Vec<EventView>,
    pub history: ServiceHistory,
    /// How many operations, models … (for the index).
    pub counts: String,
    pub personal_data: bool,
}

/// A type expression with its innermost type linked: `[` `user` `]`.
#[derive(Clone, Debug, Serialize)]
pub struct TypeView {
    pub pre: String,
    pub name: String,
    pub post: String,
    pub href: Option<String>,
    /// The qualified name, for imported types.
    pub title: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DeprecationView {
    pub description: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ImportView {
    pub uri: String,
    pub namespace: Option<String>,
    pub href: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FieldView {
    pub name: String,
    pub ty: TypeView,
    pub required: bool,
    pub default: Option<String>,
    pub bounds: Option<String>,
    pub example: Option<String>,
    pub description: Option<String>,
    pub deprecation: Option<DeprecationView>,
    /// `personal data` (annotated) or `carries personal data` (its type reaches an annotated
    /// field); links to the data map.
    pub badge: Option<Badge>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Badge {
    pub text: String,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct ModelView {
    pub name: String,
    pub anchor: String,
    pub kind: &'static str,
    pub description: Option<String>,
    pub deprecation: Option<DeprecationView>,
    pub interfaces: Vec<TypeView>,
    pub fields: Vec<FieldView>,
    pub example: Option<Example>,
    pub badge: Option<Badge>,
}

/// A pretty-printed JSON example, with the Markdown fence that cannot clash with its text.
#[derive(Debug, Serialize)]
pub struct Example {
    pub json: String,
    pub fence: String,
}

#[derive(Debug, Serialize)]
pub struct EnumView {
    pub name: String,
    pub anchor: String,
    pub description: Option<String>,
    pub deprecation: Option<DeprecationView>,
    pub values: Vec<EnumValueView>,
}

#[derive(Debug, Serialize)]
pub struct EnumValueView {
    pub name: String,
    /// The wire value, when it differs from the name.
    pub wire: Option<String>,
    pub description: Option<String>,
    pub deprecation: Option<DeprecationView>,
}

#[derive(Debug, Serialize)]
pub struct UnionView {
    pub name: String,
    pub anchor: String,
    pub description: Option<String>,
    pub deprecation: Option<DeprecationView>,
    pub discriminator: Option<String>,
    pub interfaces: Vec<TypeView>,
    pub members: Vec<MemberView>,
    pub example: Option<Example>,
    pub badge: Option<Badge>,
}

#[derive(Debug, Serialize)]
pub struct MemberView {
    pub ty: TypeView,
    pub discriminator_value: String,
    pub default: bool,
    pub description: Option<String>,
    pub deprecation: Option<DeprecationView>,
    pub badge: Option<Badge>,
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub name: String,
    pub href: String,
    pub description: Option<String>,
    pub members: Vec<MemberView>,
}

#[derive(Debug, Serialize)]
pub struct ResourceView {
    pub name: String,
    pub anchor: String,
    pub ty: TypeView,
    pub path: String,
    pub description: Option<String>,
    pub deprecation: Option<DeprecationView>,
    pub operations: Vec<OperationView>,
}

#[derive(Debug, Serialize)]
pub struct OperationView {
    pub method: String,
    pub path: String,
    pub anchor: String,
    pub description: Option<String>,
    pub deprecation: Option<DeprecationView>,
    pub parameters: Vec<ParamView>,
    pub body: Option<BodyView>,
    pub responses: Vec<ResponseView>,
    pub badges: Vec<Badge>,
}

#[derive(Debug, Serialize)]
pub struct ParamView {
    pub name: String,
    pub ty: TypeView,
    pub location: Option<&'static str>,
    pub required: bool,
    pub default: Option<String>,
    pub bounds: Option<String>,
    pub example: Option<String>,
    pub description: Option<String>,
    pub deprecation: Option<DeprecationView>,
}

#[derive(Debug, Serialize)]
pub struct BodyView {
    pub ty: TypeView,
    pub description: Option<String>,
    pub deprecation: Option<DeprecationView>,
    pub example: Option<Example>,
}

#[derive(Debug, Serialize)]
pub struct ResponseView {
    pub code: String,
    pub success: bool,
    pub ty: TypeView,
    pub unit: bool,
    pub description: Option<String>,
    pub deprecation: Option<DeprecationView>,
    pub headers: Vec<ParamView>,
    pub example: Option<Example>,
}

/// The data map page: where annotated data flows.
#[derive(Debug, Serialize)]
pub struct DataMap {
    pub annotation: String,
    pub file: String,
    pub fields: Vec<FlowView>,
    pub models: Vec<FlowView>,
    pub operations: Vec<FlowView>,
    pub events: Vec<FlowView>,
    pub tables: Vec<FlowView>,
    /// File name of the rendered diagram, when Graphviz drew it.
    pub diagram: Option<String>,
    /// Why there is no diagram (shown above the plain list).
    pub diagram_note: Option<String>,
    /// The dot source of the diagram, written beside the page.
    #[serde(skip)]
    pub dot: String,
    /// The rendered SVG, written beside the page.
    #[serde(skip)]
    pub svg: Option<String>,
}

/// One line of the data map: what, where it links, and its path to the annotated field.
#[derive(Debug, Serialize)]
pub struct FlowView {
    pub anchor: String,
    pub service: String,
    pub what: String,
    pub href: Option<String>,
    pub detail: Option<String>,
    pub via: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct SearchEntry {
    /// Name.
    pub n: String,
    /// Kind (`model`, `operation`, …).
    pub k: &'static str,
    /// Service.
    pub s: String,
    /// Description (first 160 characters).
    pub d: String,
    /// Href.
    pub u: String,
}

/// Builds the page model of `repo` for `format`. `history` is the change history per service
/// (see [`super::history::read`]); services without one say so.
pub fn build(repo: &Repo, history: &History, options: &Options, format: Format) -> Site {
    let ext = format.ext();
    let cx = Cx::new(repo, options, ext);
    let mut services = Vec::new();
    let mut search = Vec::new();
    let mut order: Vec<ServiceId> = repo.service_ids().collect();
    order.sort_by(|a, b| {
        let (x, y) = (repo.service(*a), repo.service(*b));
        (&x.name, &x.namespace).cmp(&(&y.name, &y.namespace))
    });
    for sid in order {
        services.push(cx.service(sid, history, &mut search));
    }
    let data_map = cx.data_map(options);
    Site {
        ext,
        services,
        data_map,
        search,
    }
}

struct Cx<'r> {
    repo: &'r Repo,
    ext: &'static str,
    examples: Examples<'r>,
    taint: Taint,
    trace: trace::Trace,
    /// Page file name per service.
    files: Vec<String>,
    annotation: String,
    /// Operations with flows, by (service name, method, path): badge texts.
    op_flows: HashMap<(String, String, String), Vec<String>>,
}

fn deprecation(d: &Option<Deprecation>) -> Option<DeprecationView> {
    d.as_ref().map(|d| DeprecationView {
        description: d.description.clone(),
    })
}

/// A fragment id: letters, digits, `-` and `_`; anything else becomes `-`.
pub fn anchor(prefix: &str, name: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + name.len() + 1);
    s.push_str(prefix);
    s.push('-');
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            s.push(c.to_ascii_lowercase());
        } else {
            s.push('-');
        }
    }
    s
}

/// The file name of a service's page: its namespace, with anything but letters, digits, `.`,
/// `-` and `_` replaced.
pub fn page_name(namespace: &str, ext: &str) -> String {
    let base: String = namespace
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let base = if base.is_empty() || base.starts_with('.') {
        format!("service{base}")
    } else {
        base
    };
    format!("{base}.{ext}")
}

fn bounds(min: Option<i64>, max: Option<i64>) -> Option<String> {
    match (min, max) {
        (Some(a), Some(b)) => Some(format!("{a}..{b}")),
        (Some(a), None) => Some(format!("≥ {a}")),
        (None, Some(b)) => Some(format!("≤ {b}")),
        (None, None) => None,
    }
}

fn example(v: &Value) -> Example {
    let json = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".to_owned());
    let mut longest = 0;
    let mut run = 0;
    for c in json.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    Example {
        fence: "`".repeat((longest + 1).max(3)),
        json,
    }
}

fn first_line(s: &Option<String>) -> String {
    let s = s.as_deref().unwrap_or("");
    let mut out: String = s.chars().take(160).collect();
    if s.chars().count() > 160 {
        out.push('…');
    }
    out.replace(['\n', '\r'], " ")
}

impl<'r> Cx<'r> {
    fn new(repo: &'r Repo, options: &Options, ext: &'static str) -> Cx<'r> {
        let trace = trace::trace(
            repo,
            &TraceOptions {
                annotation: options.annotation.clone(),
                ..TraceOptions::default()
            },
        );
        let mut op_flows: HashMap<(String, String, String), Vec<String>> = HashMap::new();
        for o in &trace.operations {
            let text = match o.direction {
                Direction::Request => format!("accepts {}", options.annotation),
                Direction::Response => format!(
                    "returns {} ({})",
                    options.annotation,
                    o.status.as_deref().unwrap_or("")
                ),
            };
            let e = op_flows
                .entry((o.service.clone(), o.method.clone(), o.path.clone()))
                .or_default();
            if !e.contains(&text) {
                e.push(text);
            }
        }
        let files = repo
            .services
            .iter()
            .map(|s| page_name(&s.namespace, ext))
            .collect::<Vec<_>>();
        // Two namespaces that sanitize alike get distinct files.
        let mut seen = HashSet::new();
        let files = files
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                if seen.insert(f.clone()) {
                    f
                } else {
                    format!("{}-{i}.{ext}", f.trim_end_matches(&format!(".{ext}")))
                }
            })
            .collect();
        Cx {
            repo,
            ext,
            examples: Examples::new(repo),
            taint: Taint::compute(repo, &options.annotation),
            trace,
            files,
            annotation: options.annotation.clone(),
            op_flows,
        }
    }

    fn data_href(&self, anchor: &str) -> String {
        format!("data-map.{}#{anchor}", self.ext)
    }

    fn type_href(&self, id: TypeId) -> String {
        format!(
            "{}#{}",
            self.files[id.service.0 as usize],
            anchor(id.kind.label(), self.repo.type_name(id))
        )
    }

    /// The view of a type as written (`text`) and resolved (`r`).
    fn ty(&self, text: &str, r: &TypeRef) -> TypeView {
        let (mut pre, mut post) = (String::new(), String::new());
        let mut cur = r;
        loop {
            match cur {
                TypeRef::List(inner) => {
                    pre.push('[');
                    post.insert(0, ']');
                    cur = inner;
                }
                TypeRef::Map(inner) => {
                    pre.push_str("map[");
                    post.insert(0, ']');
                    cur = inner;
                }
                _ => break,
            }
        }
        let (name, href, title) = match cur {
            TypeRef::Primitive(p) => (p.name().to_owned(), None, None),
            TypeRef::Type(id) => {
                let name = self.repo.type_name(*id).to_owned();
                // An imported type keeps its qualified name as a tooltip.
                let written_qualified = text.contains(&format!(".{}.", id.kind.plural()));
                let title = written_qualified.then(|| self.repo.qualified_name(*id));
                (name, Some(self.type_href(*id)), title)
            }
            TypeRef::External {
                namespace,
                kind,
                name,
            } => (
                format!("{namespace}.{}.{name}", kind.plural()),
                None,
                Some("imported from a service outside this repo".to_owned()),
            ),
            TypeRef::Named(n) | TypeRef::Unresolved(n) => (n.clone(), None, None),
            TypeRef::List(_) | TypeRef::Map(_) => unreachable!("unwrapped above"),
        };
        TypeView {
            pre,
            name,
            post,
            href,
            title,
        }
    }

    fn type_badge(&self, r: &TypeRef) -> Option<Badge> {
        let id = r.type_id()?;
        if !self.taint.is_tainted(id) {
            return None;
        }
        Some(Badge {
            text: format!("carries {}", self.annotation),
            href: self.data_href(&anchor(
                "type",
                &format!(
                    "{}-{}",
                    self.repo.service(id.service).name,
                    self.repo.type_name(id)
                ),
            )),
        })
    }

    fn field(&self, sid: ServiceId, owner: &str, f: &Field) -> FieldView {
        let s = self.repo.service(sid);
        let badge = if f.has_annotation(&self.annotation) {
            Some(Badge {
                text: self.annotation.replace('_', " "),
                href: self.data_href(&anchor("field", &format!("{}-{owner}-{}", s.name, f.name))),
            })
        } else {
            self.type_badge(&f.ty.r)
        };
        FieldView {
            name: f.name.clone(),
            ty: self.ty(&f.ty.text, &f.ty.r),
            required: f.required,
            default: f.default.clone(),
            bounds: bounds(f.minimum, f.maximum),
            example: f.example.clone(),
            description: f.description.clone(),
            deprecation: deprecation(&f.deprecation),
            badge,
        }
    }

    fn param(&self, p: &Parameter) -> ParamView {
        ParamView {
            name: p.name.clone(),
            ty: self.ty(&p.ty.text, &p.ty.r),
            location: Some(p.location.as_str()),
            required: p.required,
            default: p.default.clone(),
            bounds: bounds(p.minimum, p.maximum),
            example: p.example.clone(),
            description: p.description.clone(),
            deprecation: deprecation(&p.deprecation),
        }
    }

    fn header(&self, h: &Header) -> ParamView {
        ParamView {
            name: h.name.clone(),
            ty: self.ty(&h.ty.text, &h.ty.r),
            location: None,
            required: h.required,
            default: h.default.clone(),
            bounds: None,
            example: None,
            description: h.description.clone(),
            deprecation: deprecation(&h.deprecation),
        }
    }

    /// The example of a body or response: a list shows one element, a map one entry.
    fn body_example(&self, r: &TypeRef) -> Option<Example> {
        if matches!(r, TypeRef::Primitive(crate::ir::Primitive::Unit)) {
            return None;
        }
        let hint = Hint {
            minimum: r.is_collection().then_some(1),
            ..Hint::default()
        };
        Some(example(&self.examples.value(r, hint)))
    }

    fn service(
        &self,
        sid: ServiceId,
        history: &History,
        search: &mut Vec<SearchEntry>,
    ) -> ServicePage {
        let repo = self.repo;
        let s = repo.service(sid);
        let file = self.files[sid.0 as usize].clone();
        let id = |kind, index: usize| TypeId {
            service: sid,
            kind,
            index: index as u32,
        };
        let mut add = |n: &str, k: &'static str, d: &Option<String>, u: String| {
            search.push(SearchEntry {
                n: n.to_owned(),
                k,
                s: s.name.clone(),
                d: first_line(d),
                u,
            })
        };
        add(&s.name, "service", &s.description, file.clone());
        let models: Vec<ModelView> = s
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let tid = id(TypeKind::Model, i);
                let a = anchor("model", &m.name);
                add(&m.name, "model", &m.description, format!("{file}#{a}"));
                ModelView {
                    name: m.name.clone(),
                    anchor: a,
                    kind: "model",
                    description: m.description.clone(),
                    deprecation: deprecation(&m.deprecation),
                    interfaces: m.interfaces.iter().map(|n| self.named(n)).collect(),
                    fields: m
                        .fields
                        .iter()
                        .map(|f| self.field(sid, &m.name, f))
                        .collect(),
                    example: Some(example(&self.examples.of_type(tid))),
                    badge: self.type_badge(&TypeRef::Type(tid)),
                }
            })
            .collect();
        let interfaces: Vec<ModelView> = s
            .interfaces
            .iter()
            .map(|m| {
                let a = anchor("interface", &m.name);
                add(&m.name, "interface", &m.description, format!("{file}#{a}"));
                ModelView {
                    name: m.name.clone(),
                    anchor: a,
                    kind: "interface",
                    description: m.description.clone(),
                    deprecation: deprecation(&m.deprecation),
                    interfaces: Vec::new(),
                    fields: m
                        .fields
                        .iter()
                        .map(|f| self.field(sid, &m.name, f))
                        .collect(),
                    example: None,
                    badge: None,
                }
            })
            .collect();
        let enums: Vec<EnumView> = s
            .enums
            .iter()
            .map(|e| {
                let a = anchor("enum", &e.name);
                add(&e.name, "enum", &e.description, format!("{file}#{a}"));
                EnumView {
                    name: e.name.clone(),
                    anchor: a,
                    description: e.description.clone(),
                    deprecation: deprecation(&e.deprecation),
                    values: e
                        .values
                        .iter()
                        .map(|v| EnumValueView {
                            name: v.name.clone(),
                            wire: v.value.clone().filter(|w| *w != v.name),
                            description: v.description.clone(),
                            deprecation: deprecation(&v.deprecation),
                        })
                        .collect(),
                }
            })
            .collect();
        let mut events = Vec::new();
        let unions: Vec<UnionView> = s
            .unions
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let tid = id(TypeKind::Union, i);
                let a = anchor("union", &u.name);
                add(&u.name, "union", &u.description, format!("{file}#{a}"));
                let members = || {
                    u.types
                        .iter()
                        .map(|t| MemberView {
                            ty: self.ty(&t.ty.text, &t.ty.r),
                            discriminator_value: t.discriminator_value.clone(),
                            default: t.default == Some(true),
                            description: t.description.clone(),
                            deprecation: deprecation(&t.deprecation),
                            badge: self.type_badge(&t.ty.r),
                        })
                        .collect::<Vec<_>>()
                };
                if is_event_union(&u.name) {
                    events.push(EventView {
                        name: u.name.clone(),
                        href: format!("#{a}"),
                        description: u.description.clone(),
                        members: members(),
                    });
                }
                UnionView {
                    name: u.name.clone(),
                    anchor: a,
                    description: u.description.clone(),
                    deprecation: deprecation(&u.deprecation),
                    discriminator: u.discriminator.clone(),
                    interfaces: u.interfaces.iter().map(|n| self.named(n)).collect(),
                    members: members(),
                    example: Some(example(&self.examples.of_type(tid))),
                    badge: self.type_badge(&TypeRef::Type(tid)),
                }
            })
            .collect();
        let mut used = HashSet::new();
        let resources: Vec<ResourceView> = s
            .resources
            .iter()
            .map(|r| {
                let ty = self.ty(&r.ty.text, &r.ty.r);
                let a = anchor("resource", &ty.name);
                let operations = r
                    .operations
                    .iter()
                    .map(|o| {
                        let mut a = anchor("op", &format!("{} {}", o.method_text, o.path));
                        let base = a.clone();
                        let mut n = 1;
                        while !used.insert(a.clone()) {
                            n += 1;
                            a = format!("{base}-{n}");
                        }
                        let label = o.label();
                        add(&label, "operation", &o.description, format!("{file}#{a}"));
                        let key = (s.name.clone(), o.method_text.clone(), o.path.clone());
                        let badges = self
                            .op_flows
                            .get(&key)
                            .map(|texts| {
                                texts
                                    .iter()
                                    .map(|t| Badge {
                                        text: t.clone(),
                                        href: self.data_href(&anchor(
                                            "op",
                                            &format!("{} {label}", s.name),
                                        )),
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        OperationView {
                            method: o.method_text.clone(),
                            path: o.path.clone(),
                            anchor: a,
                            description: o.description.clone(),
                            deprecation: deprecation(&o.deprecation),
                            parameters: o.parameters.iter().map(|p| self.param(p)).collect(),
                            body: o.body.as_ref().map(|b| BodyView {
                                ty: self.ty(&b.ty.text, &b.ty.r),
                                description: b.description.clone(),
                                deprecation: deprecation(&b.deprecation),
                                example: self.body_example(&b.ty.r),
                            }),
                            responses: o
                                .responses
                                .iter()
                                .map(|resp| ResponseView {
                                    code: resp.code.to_string(),
                                    success: resp.code.is_success(),
                                    ty: self.ty(&resp.ty.text, &resp.ty.r),
                                    unit: matches!(
                                        resp.ty.r,
                                        TypeRef::Primitive(crate::ir::Primitive::Unit)
                                    ),
                                    description: resp.description.clone(),
                                    deprecation: deprecation(&resp.deprecation),
                                    headers: resp.headers.iter().map(|h| self.header(h)).collect(),
                                    example: self.body_example(&resp.ty.r),
                                })
                                .collect(),
                            badges,
                        }
                    })
                    .collect();
                ResourceView {
                    name: ty.name.clone(),
                    anchor: a,
                    ty,
                    path: r.path.clone(),
                    description: r.description.clone(),
                    deprecation: deprecation(&r.deprecation),
                    operations,
                }
            })
            .collect();
        let imports = s
            .imports
            .iter()
            .map(|i| ImportView {
                uri: i.uri.clone(),
                namespace: i
                    .namespace
                    .clone()
                    .or_else(|| i.target.map(|t| repo.service(t).namespace.clone())),
                href: i.target.map(|t| self.files[t.0 as usize].clone()),
            })
            .collect();
        let op_count: usize = s.resources.iter().map(|r| r.operations.len()).sum();
        let mut counts = Vec::new();
        for (n, what) in [
            (op_count, "operation"),
            (s.models.len(), "model"),
            (s.enums.len(), "enum"),
            (s.unions.len(), "union"),
            (s.interfaces.len(), "interface"),
            (events.len(), "event stream"),
        ] {
            if n > 0 {
                counts.push(format!("{n} {what}{}", if n == 1 { "" } else { "s" }));
            }
        }
        let personal_data = self.trace.fields.iter().any(|f| f.service == s.name);
        ServicePage {
            name: s.name.clone(),
            namespace: s.namespace.clone(),
            organization: s.organization.clone(),
            version: s.version.clone(),
            file,
            description: s.description.clone(),
            base_url: s.base_url.clone(),
            contact: s.info.contact.as_ref().and_then(|c| {
                let parts: Vec<&str> = [&c.name, &c.email, &c.url]
                    .into_iter()
                    .filter_map(|x| x.as_deref())
                    .collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            }),
            license: s.info.license.as_ref().map(|l| match &l.url {
                Some(u) => format!("{} ({u})", l.name),
                None => l.name.clone(),
            }),
            headers: s.headers.iter().map(|h| self.header(h)).collect(),
            imports,
            resources,
            models,
            enums,
            unions,
            interfaces,
            events,
            history: history.for_service(&s.name),
            counts: counts.join(", "),
            personal_data,
        }
    }

    fn named(&self, n: &crate::ir::Named) -> TypeView {
        match &n.resolved {
            Some(r) => self.ty(&n.name, r),
            None => TypeView {
                pre: String::new(),
                name: n.name.clone(),
                post: String::new(),
                href: None,
                title: None,
            },
        }
    }

    fn service_id(&self, name: &str) -> Option<ServiceId> {
        self.repo
            .service_ids()
            .find(|sid| self.repo.service(*sid).name == name)
    }

    fn type_link(&self, service: &str, name: &str) -> Option<String> {
        let sid = self.service_id(service)?;
        let s = self.repo.service(sid);
        let kinds = [
            (
                TypeKind::Model,
                s.models.iter().position(|m| m.name == name),
            ),
            (
                TypeKind::Union,
                s.unions.iter().position(|m| m.name == name),
            ),
            (
                TypeKind::Interface,
                s.interfaces.iter().position(|m| m.name == name),
            ),
        ];
        kinds.into_iter().find_map(|(kind, i)| {
            i.map(|i| {
                self.type_href(TypeId {
                    service: sid,
                    kind,
                    index: i as u32,
                })
            })
        })
    }

    fn data_map(&self, options: &Options) -> DataMap {
        let t = &self.trace;
        let fields = t
            .fields
            .iter()
            .map(|f| FlowView {
                anchor: anchor("field", &format!("{}-{}-{}", f.service, f.model, f.field)),
                service: f.service.clone(),
                what: format!("{}.{}", f.model, f.field),
                href: self.type_link(&f.service, &f.model),
                detail: None,
                via: Vec::new(),
            })
            .collect();
        // Every tainted model, union and interface gets an anchor the badges link to.
        let mut models: Vec<FlowView> = t
            .models
            .iter()
            .map(|m| FlowView {
                anchor: anchor("type", &format!("{}-{}", m.service, m.model)),
                service: m.service.clone(),
                what: m.model.clone(),
                href: self.type_link(&m.service, &m.model),
                detail: Some("model".to_owned()),
                via: trace::labels(&m.via),
            })
            .collect();
        let listed: HashSet<String> = models.iter().map(|m| m.anchor.clone()).collect();
        let mut others: Vec<TypeId> = self
            .taint
            .types()
            .filter(|id| id.kind != TypeKind::Model)
            .collect();
        others.sort_by_key(|id| {
            (
                self.repo.service(id.service).name.clone(),
                self.repo.type_name(*id).to_owned(),
            )
        });
        for id in others {
            let service = self.repo.service(id.service).name.clone();
            let name = self.repo.type_name(id).to_owned();
            let a = anchor("type", &format!("{service}-{name}"));
            if listed.contains(&a) {
                continue;
            }
            models.push(FlowView {
                anchor: a,
                href: Some(self.type_href(id)),
                detail: Some(id.kind.label().to_owned()),
                via: trace::labels(&self.taint.via(self.repo, id)),
                service,
                what: name,
            });
        }
        let mut seen_ops = HashSet::new();
        let operations = t
            .operations
            .iter()
            .map(|o| {
                let label = format!("{} {}", o.method, o.path);
                let base = anchor("op", &format!("{} {label}", o.service));
                // The first entry of an operation carries the anchor its badges link to.
                let a = if seen_ops.insert(base.clone()) {
                    base
                } else {
                    format!("{base}-{}", seen_ops.len())
                };
                let detail = match o.direction {
                    Direction::Request => format!("request, {}", o.carrier),
                    Direction::Response => {
                        format!("response {}", o.status.as_deref().unwrap_or(""))
                    }
                };
                let href = self
                    .service_id(&o.service)
                    .map(|sid| format!("{}#{}", self.files[sid.0 as usize], anchor("op", &label)));
                FlowView {
                    anchor: a,
                    service: o.service.clone(),
                    what: label,
                    href,
                    detail: Some(detail),
                    via: o.via_labels(),
                }
            })
            .collect();
        let events = t
            .events
            .iter()
            .map(|e| FlowView {
                anchor: anchor("event", &format!("{}-{}-{}", e.service, e.union, e.member)),
                service: e.service.clone(),
                what: format!("{}[{}]", e.union, e.member),
                href: self.type_link(&e.service, &e.union),
                detail: None,
                via: trace::labels(&e.via),
            })
            .collect();
        let tables = t
            .tables
            .iter()
            .map(|tb| FlowView {
                anchor: anchor("table", &format!("{}-{}", tb.service, tb.table)),
                service: tb.service.clone(),
                what: tb.table.clone(),
                href: self.type_link(&tb.service, &tb.model),
                detail: Some(format!("model {}", tb.model)),
                via: tb.columns.clone(),
            })
            .collect();
        let dot = trace::render::render_dot(t);
        let (svg, note) = if t.is_empty() {
            (None, None)
        } else {
            match super::diagram::render_svg(&dot, &options.graphviz) {
                Ok(svg) => (Some(svg), None),
                Err(why) => (None, Some(why)),
            }
        };
        DataMap {
            annotation: self.annotation.clone(),
            file: format!("data-map.{}", self.ext),
            fields,
            models,
            operations,
            events,
            tables,
            diagram: svg.as_ref().map(|_| "data-map.svg".to_owned()),
            diagram_note: note,
            dot,
            svg,
        }
    }
}
