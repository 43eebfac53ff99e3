//! An OpenAPI 3.0 or 3.1 document (JSON or YAML) → an api.json.
//!
//! The document is read into the spanned tree of [`crate::json`] (YAML through [`super::yaml`]),
//! so every diagnostic has a file, line, column and the OpenAPI JSON pointer. The mapping:
//!
//! - `components.schemas`: objects → models (`allOf` of references and inline parts → one model
//!   with the combined fields; the parts stay models of their own), string `enum`s → enums,
//!   `oneOf` (+ `discriminator` and `mapping`) → unions, schemas marked `x-apibuilder-interface`
//!   → interfaces; other named schemas (aliases of a primitive, array or map) are inlined where
//!   they are used. Inline objects, enums and `oneOf`s get a declaration named after where they
//!   are (`<model>_<field>`).
//! - nullable (`nullable: true` in 3.0, `type: [X, "null"]` in 3.1) → an optional field.
//! - `paths` → resources: by the operation's first tag when the document declares it as a
//!   resource (`x-apibuilder-resource`, written by `charter export openapi`), else by its first
//!   tag or, without tags, its first path segment; the resource's type is the model of that name
//!   (singular), else the model of the group's first 2xx response, else a new empty model.
//! - parameters by location (`cookie` is a warning), JSON request bodies → `body` (a body marked
//!   `x-apibuilder-form`, or `application/x-www-form-urlencoded`, → form parameters), responses
//!   by status with their headers; `x-apibuilder-*` extensions give back what the exporter wrote;
//!   other `x-` extensions become attributes.
//!
//! Everything API Builder cannot say is a warning at its pointer that says what was done instead.

use super::export::{api_builder_path, doc_ext};
use super::schema::ext;
use crate::diag::{Diagnostic, Diagnostics};
use crate::json::{Node, Value as J};
use crate::source::{FileId, Loc, SourceMap};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Largest document read (bytes).
pub const MAX_BYTES: usize = 256 * 1024 * 1024;

/// The result of an import: the api.json (when the document could be read) and the findings.
#[derive(Debug, Default)]
pub struct Imported {
    pub api_json: Option<Value>,
    pub sources: SourceMap,
    pub diagnostics: Diagnostics,
}

impl Imported {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// Reads `text` (JSON when it starts with `{`, YAML otherwise) and converts it.
pub fn import(path: &Path, text: &str) -> Imported {
    let mut out = Imported::default();
    let file = out.sources.add(path, text);
    if text.len() > MAX_BYTES {
        out.diagnostics.push(
            Diagnostic::new(
                E_READ,
                format!("the document is larger than {MAX_BYTES} bytes"),
            )
            .at(Loc::new(file, crate::source::Span::new(0, 0), "")),
        );
        return out;
    }
    let root = if text.trim_start().starts_with(['{', '[']) {
        match crate::json::parse(text) {
            Ok(p) => {
                for d in &p.duplicates {
                    out.diagnostics.push(
                        Diagnostic::new(E_READ, format!("duplicate key `{}`", d.key))
                            .at(Loc::new(file, d.span, "")),
                    );
                }
                p.root
            }
            Err(e) => {
                let message = match e.kind {
                    crate::json::ErrorKind::Syntax(m) => format!("malformed JSON: {m}"),
                    crate::json::ErrorKind::TooDeep => {
                        format!("nested deeper than {} levels", crate::json::MAX_DEPTH)
                    }
                };
                out.diagnostics
                    .push(Diagnostic::new(E_READ, message).at(Loc::new(
                        file,
                        crate::source::Span::new(e.offset, e.offset),
                        "",
                    )));
                return out;
            }
        }
    } else {
        match yaml(text) {
            Ok(n) => n,
            Err(e) => {
                out.diagnostics
                    .push(Diagnostic::new(E_READ, e.message).at(Loc::new(
                        file,
                        crate::source::Span::new(e.offset, e.offset),
                        "",
                    )));
                return out;
            }
        }
    };
    if out.diagnostics.has_errors() {
        return out;
    }
    let mut cx = Cx::new(file, &root);
    let api = cx.document();
    out.diagnostics.extend(cx.diags);
    out.diagnostics.sort(&out.sources);
    if !out.diagnostics.has_errors() {
        out.api_json = api;
    }
    out
}

/// A YAML document's tree, or why not (`message` says what to show).
#[cfg(feature = "yaml")]
fn yaml(text: &str) -> Result<Node, super::yaml::Error> {
    super::yaml::parse(text).map_err(|mut e| {
        e.message = format!("malformed YAML: {}", e.message);
        e
    })
}

/// Without the `yaml` feature (a build script's minimal engine) YAML is refused, saying so.
#[cfg(not(feature = "yaml"))]
fn yaml(_: &str) -> Result<Node, NoYaml> {
    Err(NoYaml {
        message: "this document is YAML, which needs the `yaml` feature of the charter library \
                  (the charter command has it): turn it on or convert the document to JSON",
        offset: 0,
    })
}

#[cfg(not(feature = "yaml"))]
struct NoYaml {
    message: &'static str,
    offset: usize,
}

pub const E_READ: &crate::diag::Code = &super::E2201;
pub const E_VERSION: &crate::diag::Code = &super::E2202;
pub const E_REF: &crate::diag::Code = &super::E2203;
pub const E_SHAPE: &crate::diag::Code = &super::E2204;
pub const W_SCHEMA: &crate::diag::Code = &super::W2210;
pub const W_UNION: &crate::diag::Code = &super::W2211;
pub const W_MEDIA: &crate::diag::Code = &super::W2212;
pub const W_OPERATION: &crate::diag::Code = &super::W2213;
pub const W_PARAMETER: &crate::diag::Code = &super::W2214;
pub const W_EXTERNAL: &crate::diag::Code = &super::W2215;
pub const W_ALIAS: &crate::diag::Code = &super::W2216;
pub const W_DOCUMENT: &crate::diag::Code = &super::W2217;
pub const W_EXTENSION: &crate::diag::Code = &super::W2218;

/// Escapes one RFC 6901 pointer segment.
fn seg(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn unseg(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}

/// What a named schema of `components.schemas` becomes.
#[derive(Clone, Debug, PartialEq)]
enum Decl {
    Model,
    Enum,
    Union,
    Interface,
    /// Not a declaration: inlined where used.
    Alias,
    /// A type of an imported service bundled into this document (`x-apibuilder-type` names it):
    /// referenced by its qualified name, not declared again.
    Imported,
}

struct Cx<'a> {
    file: FileId,
    root: &'a Node,
    diags: Vec<Diagnostic>,
    v30: bool,
    /// Component name → (what it becomes, API Builder name).
    decls: HashMap<String, (Decl, String)>,
    /// Lower-cased names taken by declarations.
    taken: HashSet<String>,
    enums: Map<String, Value>,
    interfaces: Map<String, Value>,
    unions: Map<String, Value>,
    models: Map<String, Value>,
    /// Member component → discriminator property the union adds (removed from the model).
    discriminated: HashMap<String, String>,
    /// Aliases being inlined (cycle detection).
    alias_stack: Vec<String>,
    /// Components whose declaration is being written (allOf cycle detection).
    building: Vec<String>,
    /// Components already written.
    written: HashSet<String>,
    /// Lookups over `decls`, built once the declarations are known (see [`DeclIndex`]).
    index: DeclIndex,
    /// `components` section → its members by name (the first of duplicates, as `Node::get`):
    /// `$ref`s resolve in constant time instead of a scan of thousands of members each.
    components: HashMap<&'a str, HashMap<&'a str, &'a Node>>,
}

/// Lookups over the declarations that the resource pass makes once per operation or resource
/// (a scan of every declaration each time was quadratic: 5,000 paths over 10,000 declarations
/// took most of a minute).
#[derive(Default)]
struct DeclIndex {
    /// Lower-cased API Builder name → the name, and snake-cased name → the name, of models, enums
    /// and unions (the smallest name when several match, so the choice is deterministic).
    by_lower: HashMap<String, String>,
    by_snake: HashMap<String, String>,
    /// API Builder names of enums.
    enums: HashSet<String>,
}

impl DeclIndex {
    fn new(decls: &HashMap<String, (Decl, String)>) -> DeclIndex {
        fn keep_smallest(map: &mut HashMap<String, String>, key: String, name: &str) {
            match map.get_mut(&key) {
                Some(have) if have.as_str() <= name => {}
                Some(have) => *have = name.to_owned(),
                None => {
                    map.insert(key, name.to_owned());
                }
            }
        }
        let mut index = DeclIndex::default();
        for (kind, name) in decls.values() {
            if *kind == Decl::Enum {
                index.enums.insert(name.clone());
            }
            if matches!(kind, Decl::Model | Decl::Enum | Decl::Union) {
                keep_smallest(&mut index.by_lower, name.to_ascii_lowercase(), name);
                keep_smallest(&mut index.by_snake, crate::names::snake_case(name), name);
            }
        }
        index
    }
}

/// Schema keywords read by the importer (anything else is reported).
const KNOWN: &[&str] = &[
    "type",
    "format",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "enum",
    "oneOf",
    "anyOf",
    "allOf",
    "discriminator",
    "description",
    "title",
    "default",
    "example",
    "examples",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "deprecated",
    "nullable",
    "$ref",
    "$schema",
    "$id",
    "$comment",
    "const",
];

fn components_index(root: &Node) -> HashMap<&str, HashMap<&str, &Node>> {
    let mut out: HashMap<&str, HashMap<&str, &Node>> = HashMap::new();
    let sections = root
        .get("components")
        .and_then(Node::as_object)
        .unwrap_or(&[]);
    for section in sections {
        let Some(members) = section.value.as_object() else {
            continue;
        };
        let index = out.entry(section.key.as_str()).or_default();
        for m in members {
            index.entry(m.key.as_str()).or_insert(&m.value);
        }
    }
    out
}

impl<'a> Cx<'a> {
    fn new(file: FileId, root: &'a Node) -> Cx<'a> {
        Cx {
            file,
            root,
            diags: Vec::new(),
            v30: false,
            decls: HashMap::new(),
            taken: HashSet::new(),
            enums: Map::new(),
            interfaces: Map::new(),
            unions: Map::new(),
            models: Map::new(),
            discriminated: HashMap::new(),
            alias_stack: Vec::new(),
            building: Vec::new(),
            written: HashSet::new(),
            index: DeclIndex::default(),
            components: components_index(root),
        }
    }

    fn loc(&self, node: &Node, ptr: &str) -> Loc {
        Loc::new(self.file, node.span, ptr.to_string())
    }

    fn warn(
        &mut self,
        code: &'static crate::diag::Code,
        node: &Node,
        ptr: &str,
        message: impl Into<String>,
    ) {
        let d = Diagnostic::new(code, message).at(self.loc(node, ptr));
        self.diags.push(d);
    }

    fn error(
        &mut self,
        code: &'static crate::diag::Code,
        node: &Node,
        ptr: &str,
        message: impl Into<String>,
    ) {
        self.warn(code, node, ptr, message);
    }

    // ------------------------------------------------------------------------------------------
    // The document
    // ------------------------------------------------------------------------------------------

    fn document(&mut self) -> Option<Value> {
        let root = self.root;
        if root.as_object().is_none() {
            self.error(E_SHAPE, root, "", "an OpenAPI document is an object");
            return None;
        }
        match root.get("openapi").and_then(Node::as_str) {
            Some(v) if v.starts_with("3.0") => self.v30 = true,
            Some(v) if v.starts_with("3.1") => {}
            Some(v) => {
                let node = root.get("openapi").unwrap_or(root);
                self.error(
                    E_VERSION,
                    node,
                    "/openapi",
                    format!("OpenAPI {v} is not read; only 3.0 and 3.1 are"),
                );
                return None;
            }
            None => {
                let msg = if root.get("swagger").is_some() {
                    "Swagger 2.0 is not read; convert it to OpenAPI 3 first"
                } else {
                    "missing `openapi`: not an OpenAPI 3 document"
                };
                self.error(E_VERSION, root, "", msg);
                return None;
            }
        }
        let mut api = Map::new();
        let info = root.get("info");
        let title = info.map(|i| i.str_member("title")).unwrap_or("");
        let name = if title.is_empty() {
            self.warn(
                W_DOCUMENT,
                info.unwrap_or(root),
                "/info",
                "no `info.title`: the service is named `api`",
            );
            "api".to_string()
        } else {
            title.to_string()
        };
        api.insert("name".into(), name.into());
        if let Some(ns) = root.get(doc_ext::NAMESPACE).and_then(Node::as_str) {
            api.insert("namespace".into(), ns.into());
        }
        if let Some(info) = info {
            let d = info.str_member("description");
            if !d.is_empty() {
                api.insert("description".into(), d.into());
            }
            let mut io = Map::new();
            if let Some(c) = info.get("contact") {
                let mut co = Map::new();
                for k in ["name", "url", "email"] {
                    let v = c.str_member(k);
                    if !v.is_empty() {
                        co.insert(k.into(), v.into());
                    }
                }
                if !co.is_empty() {
                    io.insert("contact".into(), Value::Object(co));
                }
            }
            if let Some(l) = info.get("license") {
                let mut lo = Map::new();
                let n = l.str_member("name");
                lo.insert(
                    "name".into(),
                    if n.is_empty() { "license" } else { n }.into(),
                );
                let u = l.str_member("url");
                if !u.is_empty() {
                    lo.insert("url".into(), u.into());
                }
                io.insert("license".into(), Value::Object(lo));
            }
            if !io.is_empty() {
                api.insert("info".into(), Value::Object(io));
            }
            for k in ["termsOfService", "summary"] {
                if let Some(n) = info.get(k) {
                    self.warn(
                        W_DOCUMENT,
                        n,
                        &format!("/info/{k}"),
                        format!("`info.{k}` has no place in api.json; dropped"),
                    );
                }
            }
        }
        if let Some(servers) = root.get("servers").and_then(Node::as_array) {
            if let Some(first) = servers.first() {
                let url = first.str_member("url").trim_end_matches('/');
                if !url.is_empty() {
                    api.insert("base_url".into(), url.into());
                }
                if first.get("variables").is_some() {
                    self.warn(
                        W_DOCUMENT,
                        first,
                        "/servers/0/variables",
                        "server variables have no place in api.json; the URL is kept as written",
                    );
                }
            }
            if servers.len() > 1 {
                self.warn(
                    W_DOCUMENT,
                    &servers[1],
                    "/servers/1",
                    "API Builder has one base_url: only the first server is kept",
                );
            }
        }
        for k in ["security", "externalDocs", "webhooks"] {
            if let Some(n) = root.get(k) {
                self.warn(
                    W_DOCUMENT,
                    n,
                    &format!("/{k}"),
                    format!("`{k}` has no API Builder form; dropped"),
                );
            }
        }
        if let Some(imports) = root.get(doc_ext::IMPORTS).and_then(Node::as_array) {
            let list: Vec<Value> = imports
                .iter()
                .filter_map(|i| i.get("uri").and_then(Node::as_str))
                .map(|u| json!({ "uri": u }))
                .collect();
            if !list.is_empty() {
                api.insert("imports".into(), list.into());
            }
        }
        let headers = self.service_headers();
        if !headers.is_empty() {
            api.insert("headers".into(), headers.into());
        }
        self.schemas();
        let resources = self.resources();
        if let Some(a) = root.get(ext::ANNOTATIONS).and_then(Node::as_array) {
            let mut ao = Map::new();
            for (i, n) in a.iter().enumerate() {
                let name = n.str_member("name");
                if name.is_empty() {
                    continue;
                }
                let mut o = Map::new();
                let d = n.str_member("description");
                if !d.is_empty() {
                    o.insert("description".into(), d.into());
                }
                if let Some(dep) = n.get("deprecation") {
                    o.insert("deprecation".into(), dep.to_serde());
                }
                let _ = i;
                ao.insert(name.into(), Value::Object(o));
            }
            if !ao.is_empty() {
                api.insert("annotations".into(), Value::Object(ao));
            }
        }
        for (k, m) in [
            ("enums", std::mem::take(&mut self.enums)),
            ("interfaces", std::mem::take(&mut self.interfaces)),
            ("unions", std::mem::take(&mut self.unions)),
            ("models", std::mem::take(&mut self.models)),
        ] {
            if !m.is_empty() {
                api.insert(k.into(), Value::Object(m));
            }
        }
        if !resources.is_empty() {
            api.insert("resources".into(), Value::Object(resources));
        }
        let attrs = self.attributes(
            root,
            "",
            &[
                "openapi",
                "info",
                "servers",
                "paths",
                "components",
                "tags",
                "security",
                "externalDocs",
                "webhooks",
                "jsonSchemaDialect",
                doc_ext::NAMESPACE,
                doc_ext::IMPORTS,
                doc_ext::ORGANIZATION,
                doc_ext::APPLICATION,
                ext::ANNOTATIONS,
            ],
        );
        if !attrs.is_empty() {
            api.insert("attributes".into(), attrs.into());
        }
        Some(Value::Object(api))
    }

    // ------------------------------------------------------------------------------------------
    // References
    // ------------------------------------------------------------------------------------------

    /// The node a local `$ref` points to (following chains of references), with its pointer.
    fn deref(&mut self, node: &'a Node, ptr: &str) -> Option<(&'a Node, String)> {
        let mut seen = Vec::new();
        let mut cur = node;
        let mut cur_ptr = ptr.to_string();
        while let Some(r) = cur.get("$ref").and_then(Node::as_str) {
            if !r.starts_with('#') {
                return None;
            }
            if seen.iter().any(|s| s == r) {
                self.error(
                    E_REF,
                    cur,
                    &format!("{cur_ptr}/$ref"),
                    format!("$ref cycle: {} → {r}", seen.join(" → ")),
                );
                return None;
            }
            seen.push(r.to_string());
            match self.lookup(r) {
                Some(n) => {
                    cur = n;
                    cur_ptr = r.trim_start_matches('#').to_string();
                }
                None => {
                    self.error(
                        E_REF,
                        cur,
                        &format!("{cur_ptr}/$ref"),
                        format!("$ref `{r}` points to nothing in this document"),
                    );
                    return None;
                }
            }
        }
        Some((cur, cur_ptr))
    }

    fn lookup(&self, r: &str) -> Option<&'a Node> {
        let pointer = r.strip_prefix('#')?;
        let mut cur = self.root;
        let parts: Vec<&str> = pointer.split('/').skip(1).collect();
        let mut rest = &parts[..];
        // `/components/<section>/<name>` through the index.
        if let ["components", section, name, after @ ..] = rest {
            if let Some(members) = self.components.get(unseg(section).as_str()) {
                cur = members.get(unseg(name).as_str())?;
                rest = after;
            }
        }
        for part in rest {
            let key = unseg(part);
            cur = match &cur.value {
                J::Object(_) => cur.get(&key)?,
                J::Array(a) => a.get(key.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    // ------------------------------------------------------------------------------------------
    // Schemas
    // ------------------------------------------------------------------------------------------

    fn schema_components(&self) -> Vec<&'a crate::json::Member> {
        self.root
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(Node::as_object)
            .map(|m| m.iter().collect())
            .unwrap_or_default()
    }

    fn claim(&mut self, wanted: &str) -> String {
        self.claim_in(wanted, "")
    }

    /// Claims a declaration name; interfaces (`space` = "interface") may share a name with a
    /// union, as API Builder allows.
    fn claim_in(&mut self, wanted: &str, space: &str) -> String {
        let base = clean_name(wanted);
        let mut name = base.clone();
        let mut n = 2;
        while !self.taken.insert(format!(
            "{space}:{}",
            crate::names::normalize_for_duplicates(&name).to_lowercase()
        )) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    }

    fn schemas(&mut self) {
        let members = self.schema_components();
        // What each component becomes, and the API Builder names (claimed in document order).
        for m in &members {
            let bundled = m.value.get(ext::TYPE).and_then(Node::as_str);
            if let Some(q) = bundled.filter(|q| q.contains('.')) {
                self.decls
                    .insert(m.key.clone(), (Decl::Imported, q.to_string()));
                continue;
            }
            let kind = classify(&m.value);
            let wanted = m
                .value
                .get(ext::NAME)
                .and_then(Node::as_str)
                .unwrap_or(&m.key)
                .to_string();
            let name = match kind {
                Decl::Alias => wanted,
                Decl::Interface => self.claim_in(&wanted, "interface"),
                _ => self.claim(&wanted),
            };
            self.decls.insert(m.key.clone(), (kind, name));
        }
        // `decls` is complete: nothing is declared after this loop.
        self.index = DeclIndex::new(&self.decls);
        // Models that a discriminated union lists lose the discriminator property (the union adds it).
        for m in &members {
            let Some(d) = m.value.get("discriminator") else {
                continue;
            };
            let prop = d.str_member("propertyName").to_string();
            if let Some(list) = m.value.get("oneOf").and_then(Node::as_array) {
                for item in list {
                    if let Some(r) = item.get("$ref").and_then(Node::as_str) {
                        if let Some(c) = r.strip_prefix("#/components/schemas/") {
                            self.discriminated.insert(unseg(c), prop.clone());
                        }
                    }
                }
            }
        }
        for m in members {
            self.write_component(&m.key);
        }
    }

    fn write_component(&mut self, key: &str) {
        if self.written.contains(key) {
            return;
        }
        let Some((kind, name)) = self.decls.get(key).cloned() else {
            return;
        };
        let Some(node) = self.lookup(&format!("#/components/schemas/{}", seg(key))) else {
            return;
        };
        let ptr = format!("/components/schemas/{}", seg(key));
        if kind == Decl::Imported {
            return;
        }
        if kind == Decl::Alias {
            self.written.insert(key.to_string());
            if node.get("$ref").is_none() {
                self.warn(W_ALIAS, node, &ptr, format!("schema `{key}` is not an object, enum or oneOf: API Builder has no alias types, so it is inlined where it is used"));
            }
            return;
        }
        self.building.push(key.to_string());
        self.written.insert(key.to_string());
        match kind {
            Decl::Enum => {
                let e = self.enum_decl(node, &ptr);
                self.enums.insert(name, e);
            }
            Decl::Union => {
                let u = self.union_decl(node, &ptr, &name);
                self.unions.insert(name, u);
            }
            Decl::Interface => {
                let i = self.object_decl(node, &ptr, &name, None);
                self.interfaces.insert(name, i);
            }
            Decl::Model => {
                let drop = self.discriminated.get(key).cloned();
                let m = self.object_decl(node, &ptr, &name, drop.as_deref());
                self.models.insert(name, m);
            }
            Decl::Alias | Decl::Imported => {}
        }
        self.building.pop();
    }

    /// The type of a `$ref` to a named schema.
    fn ref_type(&mut self, node: &'a Node, ptr: &str, r: &str) -> String {
        if !r.starts_with('#') {
            if let Some(t) = node.get(ext::TYPE).and_then(Node::as_str) {
                return t.to_string();
            }
            self.warn(
                W_EXTERNAL,
                node,
                &format!("{ptr}/$ref"),
                format!("`{r}` is in another document, which is not read: typed as `json`"),
            );
            return "json".into();
        }
        let Some(key) = r.strip_prefix("#/components/schemas/").map(unseg) else {
            match self.deref(node, ptr) {
                Some((target, tptr)) => return self.type_of(target, &tptr, "value"),
                None => return "json".into(),
            }
        };
        let Some((kind, name)) = self.decls.get(&key).cloned() else {
            self.error(
                E_REF,
                node,
                &format!("{ptr}/$ref"),
                format!("$ref `{r}` points to nothing in this document"),
            );
            return "json".into();
        };
        if kind != Decl::Alias {
            return name;
        }
        if self.alias_stack.contains(&key) {
            self.error(
                E_REF,
                node,
                &format!("{ptr}/$ref"),
                format!(
                    "$ref cycle through `{key}`: {} → {key}",
                    self.alias_stack.join(" → ")
                ),
            );
            return "json".into();
        }
        let Some(target) = self.lookup(r) else {
            return "json".into();
        };
        self.alias_stack.push(key.clone());
        let t = self.type_of(target, &format!("/components/schemas/{}", seg(&key)), &name);
        self.alias_stack.pop();
        t
    }

    /// The API Builder type of a schema; inline objects, enums and unions become declarations
    /// named `hint`.
    fn type_of(&mut self, node: &'a Node, ptr: &str, hint: &str) -> String {
        if let Some(r) = node.get("$ref").and_then(Node::as_str) {
            let r = r.to_string();
            return self.ref_type(node, ptr, &r);
        }
        if node.as_object().is_none() {
            if !matches!(node.value, J::Bool(true)) {
                self.warn(
                    W_SCHEMA,
                    node,
                    ptr,
                    "a schema that is not an object is read as `json`",
                );
            }
            return "json".into();
        }
        self.report_unknown_keywords(node, ptr);
        // `allOf` with one reference (a common way to add a description to a $ref).
        if let Some(all) = node.get("allOf").and_then(Node::as_array) {
            if all.len() == 1 && node.get("properties").is_none() {
                return self.type_of(&all[0], &format!("{ptr}/allOf/0"), hint);
            }
            let name = self.claim(hint);
            let m = self.object_decl(node, ptr, &name, None);
            self.models.insert(name.clone(), m);
            return name;
        }
        if node.get("oneOf").is_some() || node.get("anyOf").is_some() {
            let name = self.claim(hint);
            let u = self.union_decl(node, ptr, &name);
            self.unions.insert(name.clone(), u);
            return name;
        }
        let (ty, _nullable) = schema_type(node);
        if node.get("enum").is_some() && matches!(ty.as_deref(), Some("string") | None) {
            let name = self.claim(hint);
            let e = self.enum_decl(node, ptr);
            self.enums.insert(name.clone(), e);
            return name;
        }
        if let Some(c) = node.get("const") {
            self.warn(
                W_SCHEMA,
                c,
                &format!("{ptr}/const"),
                "`const` has no API Builder form: the value's type is used",
            );
        }
        match ty.as_deref() {
            Some("boolean") => "boolean".into(),
            Some("integer") => match node.str_member("format") {
                "int32" => "integer".into(),
                _ => "long".into(),
            },
            Some("number") => match node.str_member("format") {
                "decimal" => "decimal".into(),
                "int32" => "integer".into(),
                "int64" => "long".into(),
                _ => "double".into(),
            },
            Some("string") => match node.str_member("format") {
                "date" => "date-iso8601".into(),
                "date-time" => "date-time-iso8601".into(),
                "uuid" => "uuid".into(),
                _ => "string".into(),
            },
            Some("array") => {
                let inner = match node.get("items") {
                    Some(items) => self.type_of(items, &format!("{ptr}/items"), hint),
                    None => "json".into(),
                };
                format!("[{inner}]")
            }
            Some("null") => {
                if node.get(ext::TYPE).and_then(Node::as_str) == Some("unit") {
                    return "unit".into();
                }
                self.warn(
                    W_SCHEMA,
                    node,
                    ptr,
                    "a schema that only allows null is read as `json`",
                );
                "json".into()
            }
            Some("object") | None => {
                let has_props = node.get("properties").is_some();
                if has_props {
                    let name = self.claim(hint);
                    let m = self.object_decl(node, ptr, &name, None);
                    self.models.insert(name.clone(), m);
                    return name;
                }
                if let Some(pp) = node.get("patternProperties").and_then(Node::as_object) {
                    if let Some(first) = pp.first() {
                        let inner = self.type_of(
                            &first.value,
                            &format!("{ptr}/patternProperties/{}", seg(&first.key)),
                            hint,
                        );
                        return format!("map[{inner}]");
                    }
                }
                match node.get("additionalProperties") {
                    Some(ap) if ap.as_object().is_some() => {
                        let inner = self.type_of(ap, &format!("{ptr}/additionalProperties"), hint);
                        format!("map[{inner}]")
                    }
                    _ if ty.is_some() => "object".into(),
                    _ => "json".into(),
                }
            }
            Some(other) => {
                self.warn(
                    W_SCHEMA,
                    node,
                    &format!("{ptr}/type"),
                    format!("unknown type `{other}`: read as `json`"),
                );
                "json".into()
            }
        }
    }

    fn report_unknown_keywords(&mut self, node: &'a Node, ptr: &str) {
        let Some(members) = node.as_object() else {
            return;
        };
        for m in members {
            let k = m.key.as_str();
            if KNOWN.contains(&k) || k.starts_with("x-") {
                continue;
            }
            let p = format!("{ptr}/{}", seg(k));
            let what = match k {
                "anyOf" | "oneOf" | "allOf" => continue,
                "not" => "`not` has no API Builder form; ignored (the value is not checked against it)".to_string(),
                "patternProperties" => "`patternProperties`: read as a map of the first pattern's values; the key patterns are not checked".to_string(),
                "readOnly" | "writeOnly" => format!("`{k}` has no API Builder form; the field is read and written alike"),
                _ => format!("`{k}` has no API Builder form; ignored"),
            };
            self.warn(W_SCHEMA, &m.value, &p, what);
        }
        if let Some(t) = node.get("type").and_then(Node::as_array) {
            let non_null: Vec<&Node> = t.iter().filter(|x| x.as_str() != Some("null")).collect();
            if non_null.len() > 1 {
                self.warn(
                    W_SCHEMA,
                    node,
                    &format!("{ptr}/type"),
                    "a schema of several types has no API Builder form: the first is used",
                );
            }
        }
        if let Some(e) = node.get("enum").and_then(Node::as_array) {
            if e.iter()
                .any(|v| v.as_str().is_none() && !matches!(v.value, J::Null))
            {
                self.warn(
                    W_SCHEMA,
                    node,
                    &format!("{ptr}/enum"),
                    "API Builder enums are strings: the non-string values are written as strings",
                );
            }
        }
    }

    fn enum_decl(&mut self, node: &'a Node, ptr: &str) -> Value {
        let mut o = Map::new();
        self.doc(&mut o, node);
        if let Some(p) = node.get(ext::PLURAL).and_then(Node::as_str) {
            o.insert("plural".into(), p.into());
        }
        let extra: Vec<&Node> = node
            .get(ext::VALUES)
            .and_then(Node::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let mut values = Vec::new();
        let mut seen = HashSet::new();
        for (i, v) in node
            .get("enum")
            .and_then(Node::as_array)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if matches!(v.value, J::Null) {
                continue;
            }
            let wire = v.to_compact_string();
            let x = extra.iter().find(|x| {
                x.get("value")
                    .and_then(Node::as_str)
                    .unwrap_or(x.str_member("name"))
                    == wire
            });
            let name = match x {
                Some(x) if crate::names::validate_name(x.str_member("name")).is_empty() => {
                    x.str_member("name").to_string()
                }
                _ => enum_value_name(&wire),
            };
            if !seen.insert(crate::names::normalize_for_duplicates(&name)) {
                self.warn(
                    W_SCHEMA,
                    v,
                    &format!("{ptr}/enum/{i}"),
                    format!("enum value `{wire}` repeats another after renaming; dropped"),
                );
                continue;
            }
            let mut vo = Map::new();
            vo.insert("name".into(), name.clone().into());
            if name != wire {
                vo.insert("value".into(), wire.into());
            }
            if let Some(x) = x {
                let d = x.str_member("description");
                if !d.is_empty() {
                    vo.insert("description".into(), d.into());
                }
                if let Some(dep) = x.get("deprecation") {
                    vo.insert("deprecation".into(), dep.to_serde());
                }
                if let Some(a) = x.get(ext::ATTRIBUTES) {
                    vo.insert("attributes".into(), a.to_serde());
                }
            }
            values.push(Value::Object(vo));
        }
        if values.is_empty() {
            self.warn(
                W_SCHEMA,
                node,
                &format!("{ptr}/enum"),
                "an enum needs a value: `unknown` added",
            );
            values.push(json!({"name": "unknown"}));
        }
        o.insert("values".into(), values.into());
        let attrs = self.attributes(node, ptr, &[]);
        if !attrs.is_empty() {
            o.insert("attributes".into(), attrs.into());
        }
        Value::Object(o)
    }

    /// A model or interface from an object schema (properties, `allOf` parts, `required`).
    fn object_decl(&mut self, node: &'a Node, ptr: &str, name: &str, drop: Option<&str>) -> Value {
        let mut o = Map::new();
        self.doc(&mut o, node);
        if let Some(p) = node.get(ext::PLURAL).and_then(Node::as_str) {
            o.insert("plural".into(), p.into());
        }
        let mut fields: Vec<Value> = Vec::new();
        self.collect_fields(node, ptr, name, drop, &mut fields, 0);
        o.insert("fields".into(), fields.into());
        if let Some(i) = node.get(ext::INTERFACES) {
            o.insert("interfaces".into(), i.to_serde());
        }
        if let Some(ap) = node.get("additionalProperties") {
            if ap.as_object().is_some() && node.get("properties").is_some() {
                self.warn(W_SCHEMA, ap, &format!("{ptr}/additionalProperties"), "a model with both properties and additionalProperties: the additional properties have no API Builder form and are not checked");
            }
        }
        let attrs = self.attributes(node, ptr, &[]);
        if !attrs.is_empty() {
            o.insert("attributes".into(), attrs.into());
        }
        Value::Object(o)
    }

    fn collect_fields(
        &mut self,
        node: &'a Node,
        ptr: &str,
        owner: &str,
        drop: Option<&str>,
        fields: &mut Vec<Value>,
        depth: usize,
    ) {
        if depth > 64 {
            self.error(E_REF, node, ptr, "allOf nested more than 64 levels");
            return;
        }
        if let Some(all) = node.get("allOf").and_then(Node::as_array) {
            for (i, part) in all.iter().enumerate() {
                let pptr = format!("{ptr}/allOf/{i}");
                if let Some(r) = part.get("$ref").and_then(Node::as_str) {
                    let key = r.strip_prefix("#/components/schemas/").map(unseg);
                    if let Some(key) = &key {
                        if self.building.contains(key) {
                            self.error(
                                E_REF,
                                part,
                                &format!("{pptr}/$ref"),
                                format!("allOf cycle through `{key}`"),
                            );
                            continue;
                        }
                    }
                    let Some((target, tptr)) = self.deref(part, &pptr) else {
                        if !r.starts_with('#') {
                            self.warn(W_EXTERNAL, part, &format!("{pptr}/$ref"), format!("`{r}` is in another document, which is not read: its fields are missing"));
                        }
                        continue;
                    };
                    if let Some(key) = key {
                        self.building.push(key);
                        self.collect_fields(target, &tptr, owner, drop, fields, depth + 1);
                        self.building.pop();
                    }
                } else {
                    self.collect_fields(part, &pptr, owner, drop, fields, depth + 1);
                }
            }
        }
        if node.get("oneOf").is_some() || node.get("anyOf").is_some() {
            self.warn(
                W_UNION,
                node,
                ptr,
                "a oneOf/anyOf inside an object with properties has no API Builder form; ignored",
            );
        }
        let required: Vec<String> = node
            .get("required")
            .and_then(Node::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let Some(props) = node.get("properties").and_then(Node::as_object) else {
            return;
        };
        for p in props {
            if Some(p.key.as_str()) == drop {
                continue;
            }
            let fptr = format!("{ptr}/properties/{}", seg(&p.key));
            let hint = format!("{owner}_{}", p.key);
            let f = self.field(&p.key, &p.value, &fptr, &hint, required.contains(&p.key));
            if let Some(i) = fields.iter().position(|x| x["name"] == f["name"]) {
                fields[i] = f;
            } else {
                fields.push(f);
            }
        }
    }

    fn field(
        &mut self,
        name: &str,
        node: &'a Node,
        ptr: &str,
        hint: &str,
        required: bool,
    ) -> Value {
        let ty = self.type_of(node, ptr, hint);
        let mut o = Map::new();
        o.insert("name".into(), name.into());
        o.insert("type".into(), ty.clone().into());
        self.doc(&mut o, node);
        let (_, nullable) = schema_type(node);
        let nullable = nullable
            || (self.v30 && matches!(node.get("nullable").map(|n| &n.value), Some(J::Bool(true))));
        o.insert("required".into(), (required && !nullable).into());
        self.facets(&mut o, node, ptr, &ty);
        if let Some(a) = node.get(ext::ANNOTATIONS) {
            o.insert("annotations".into(), a.to_serde());
        }
        let attrs = self.attributes(node, ptr, &[]);
        if !attrs.is_empty() {
            o.insert("attributes".into(), attrs.into());
        }
        Value::Object(o)
    }

    /// `default`, `minimum`/`maximum` (from the keyword of the type), `example`.
    fn facets(&mut self, o: &mut Map<String, Value>, node: &'a Node, ptr: &str, ty: &str) {
        let target = node;
        if let Some(d) = target
            .get(ext::DEFAULT_TEXT)
            .or_else(|| target.get("default"))
        {
            if !matches!(d.value, J::Null) {
                o.insert("default".into(), d.to_compact_string().into());
            }
        }
        let (lo, hi) = if ty.starts_with('[') {
            ("minItems", "maxItems")
        } else if ty.starts_with("map[") {
            ("minProperties", "maxProperties")
        } else if ty == "string" {
            ("minLength", "maxLength")
        } else if matches!(ty, "integer" | "long" | "double" | "decimal") {
            ("minimum", "maximum")
        } else {
            (ext::MINIMUM, ext::MAXIMUM)
        };
        for (key, alt, out) in [(lo, ext::MINIMUM, "minimum"), (hi, ext::MAXIMUM, "maximum")] {
            let Some(n) = target
                .get(key)
                .or_else(|| target.get(alt))
                .or_else(|| node.get(key))
            else {
                continue;
            };
            match &n.value {
                J::Number(text) => match text.parse::<i64>() {
                    Ok(v) => {
                        o.insert(out.into(), v.into());
                    }
                    Err(_) => self.warn(
                        W_SCHEMA,
                        n,
                        &format!("{ptr}/{key}"),
                        format!("API Builder bounds are integers: `{key}: {text}` is dropped"),
                    ),
                },
                _ => self.warn(
                    W_SCHEMA,
                    n,
                    &format!("{ptr}/{key}"),
                    format!("`{key}` is not a number; dropped"),
                ),
            }
        }
        let example = node
            .get("examples")
            .and_then(|e| e.as_array().and_then(|a| a.first()))
            .or_else(|| node.get("example"));
        if let Some(e) = example {
            if !matches!(e.value, J::Null) {
                o.insert("example".into(), e.to_compact_string().into());
            }
        }
    }

    fn union_decl(&mut self, node: &'a Node, ptr: &str, name: &str) -> Value {
        let mut o = Map::new();
        let (list_key, list) = match (node.get("oneOf"), node.get("anyOf")) {
            (Some(l), _) => ("oneOf", l),
            (None, Some(l)) => {
                self.warn(W_UNION, l, &format!("{ptr}/anyOf"), "anyOf has no API Builder form: read as oneOf (a union; exactly one member matches)");
                ("anyOf", l)
            }
            (None, None) => return json!({"types": []}),
        };
        let disc = node.get("discriminator");
        let prop = disc
            .map(|d| d.str_member("propertyName").to_string())
            .filter(|p| !p.is_empty());
        if let Some(p) = &prop {
            o.insert("discriminator".into(), p.clone().into());
        }
        self.doc(&mut o, node);
        if let Some(p) = node.get(ext::PLURAL).and_then(Node::as_str) {
            o.insert("plural".into(), p.into());
        }
        let mapping: Vec<(String, String)> = disc
            .and_then(|d| d.get("mapping"))
            .and_then(Node::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|m| m.value.as_str().map(|v| (m.key.clone(), v.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let mut types = Vec::new();
        let mut warned_untagged = false;
        for (i, item) in list.as_array().unwrap_or(&[]).iter().enumerate() {
            let iptr = format!("{ptr}/{list_key}/{i}");
            let mut t = Map::new();
            let (ty, dv) = match (&prop, item.get("$ref").and_then(Node::as_str)) {
                (Some(_), Some(r)) => {
                    let ty = self.type_of(item, &iptr, name);
                    let short = r.rsplit('/').next().map(unseg).unwrap_or_default();
                    let dv = mapping
                        .iter()
                        .find(|(_, v)| v == r || *v == short)
                        .map(|(k, _)| k.clone());
                    (ty, dv)
                }
                (Some(p), None) => {
                    let wrapped = item
                        .get("properties")
                        .and_then(|ps| Some((ps.get(p)?, ps.get("value")?)));
                    match wrapped {
                        Some((d, v)) if props_len(item) == 2 => {
                            let dv = d.get("const").and_then(Node::as_str).map(str::to_string);
                            let ty = self.type_of(
                                v,
                                &format!("{iptr}/properties/value"),
                                &format!("{name}_{i}"),
                            );
                            (ty, dv)
                        }
                        _ => {
                            let dv = item
                                .get("properties")
                                .and_then(|ps| ps.get(p))
                                .and_then(|d| {
                                    d.get("const").or_else(|| {
                                        d.get("enum").and_then(|e| e.as_array()?.first())
                                    })
                                })
                                .and_then(Node::as_str)
                                .map(str::to_string);
                            let hint = item.str_member("title").to_string();
                            let hint = if hint.is_empty() {
                                format!("{name}_{}", dv.clone().unwrap_or_else(|| i.to_string()))
                            } else {
                                hint
                            };
                            let mname = self.claim(&hint);
                            let m = self.object_decl(item, &iptr, &mname, Some(p));
                            self.models.insert(mname.clone(), m);
                            (mname, dv)
                        }
                    }
                }
                (None, _) => {
                    let single = item
                        .get("properties")
                        .and_then(Node::as_object)
                        .filter(|ps| {
                            ps.len() == 1
                                && item
                                    .get("additionalProperties")
                                    .is_some_and(|a| matches!(a.value, J::Bool(false)))
                        });
                    match single {
                        Some(ps) => {
                            let key = ps[0].key.clone();
                            let ty = self.type_of(
                                &ps[0].value,
                                &format!("{iptr}/properties/{}", seg(&key)),
                                &format!("{name}_{key}"),
                            );
                            (ty, Some(key))
                        }
                        None => {
                            if !warned_untagged {
                                warned_untagged = true;
                                self.warn(W_UNION, list, &format!("{ptr}/{list_key}"), "a oneOf without a discriminator: API Builder sends such a union as a single-key object `{\"<type>\": value}`, not as the bare member; add a discriminator to keep the wire form");
                            }
                            let ty = self.type_of(item, &iptr, &format!("{name}_{i}"));
                            (ty, None)
                        }
                    }
                }
            };
            t.insert("type".into(), ty.clone().into());
            let inner = ty
                .trim_start_matches("map[")
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string();
            if let Some(dv) = dv.filter(|dv| *dv != inner) {
                t.insert("discriminator_value".into(), dv.into());
            }
            if item.get("$ref").is_some() || item.get(ext::WRAPPED).is_some() {
                self.doc(&mut t, item);
            }
            if matches!(
                item.get(ext::DEFAULT).map(|d| &d.value),
                Some(J::Bool(true))
            ) {
                t.insert("default".into(), true.into());
            }
            if let Some(a) = item.get(ext::ATTRIBUTES) {
                t.insert("attributes".into(), a.to_serde());
            }
            types.push(Value::Object(t));
        }
        o.insert("types".into(), types.into());
        if let Some(i) = node.get(ext::INTERFACES) {
            o.insert("interfaces".into(), i.to_serde());
        }
        let attrs = self.attributes(node, ptr, &[]);
        if !attrs.is_empty() {
            o.insert("attributes".into(), attrs.into());
        }
        Value::Object(o)
    }

    /// `description` and deprecation.
    fn doc(&mut self, o: &mut Map<String, Value>, node: &Node) {
        let d = node.str_member("description");
        if !d.is_empty() {
            o.insert("description".into(), d.into());
        }
        self.deprecation(o, node);
    }

    fn deprecation(&mut self, o: &mut Map<String, Value>, node: &Node) {
        let flagged = matches!(
            node.get("deprecated").map(|d| &d.value),
            Some(J::Bool(true))
        );
        match node.get(ext::DEPRECATION) {
            Some(d) => {
                o.insert("deprecation".into(), d.to_serde());
            }
            None if flagged => {
                o.insert("deprecation".into(), json!({}));
            }
            None => {}
        }
    }

    /// `x-apibuilder-attributes`, then the other `x-` extensions (except those in `skip` and the
    /// importer's own) as attributes named without the `x-`.
    fn attributes(&mut self, node: &Node, ptr: &str, skip: &[&str]) -> Vec<Value> {
        let mut out: Vec<Value> = node
            .get(ext::ATTRIBUTES)
            .and_then(Node::as_array)
            .map(|a| a.iter().map(Node::to_serde).collect())
            .unwrap_or_default();
        for m in node.as_object().unwrap_or(&[]) {
            let k = m.key.as_str();
            if !k.starts_with("x-") || skip.contains(&k) || k == ext::ATTRIBUTES {
                continue;
            }
            if k.starts_with("x-apibuilder-") {
                if !OWN_EXTENSIONS.contains(&k) {
                    self.warn(
                        W_EXTENSION,
                        &m.value,
                        &format!("{ptr}/{}", seg(k)),
                        format!("unknown extension `{k}`; ignored"),
                    );
                }
                continue;
            }
            let value = match m.value.to_serde() {
                Value::Object(o) => Value::Object(o),
                other => json!({ "value": other }),
            };
            out.push(json!({ "name": &k[2..], "value": value }));
        }
        out
    }

    // ------------------------------------------------------------------------------------------
    // Paths
    // ------------------------------------------------------------------------------------------

    fn service_headers(&mut self) -> Vec<Value> {
        let Some(params) = self
            .root
            .get("components")
            .and_then(|c| c.get("parameters"))
            .and_then(Node::as_object)
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in params {
            if !matches!(
                m.value.get(doc_ext::SERVICE_HEADER).map(|v| &v.value),
                Some(J::Bool(true))
            ) {
                continue;
            }
            let ptr = format!("/components/parameters/{}", seg(&m.key));
            out.push(self.header(m.value.str_member("name"), &m.value, &ptr));
        }
        out
    }

    fn header(&mut self, name: &str, node: &'a Node, ptr: &str) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), name.into());
        let ty = match node.get("schema") {
            Some(s) => self.type_of(
                s,
                &format!("{ptr}/schema"),
                &format!("{}_header", clean_name(name)),
            ),
            None => "string".into(),
        };
        let ty = if self.header_type_ok(&ty) {
            ty
        } else {
            self.warn(
                W_PARAMETER,
                node,
                &format!("{ptr}/schema"),
                format!("API Builder headers are strings or enums: `{ty}` is written as `string`"),
            );
            "string".into()
        };
        o.insert("type".into(), ty.into());
        let required = matches!(node.get("required").map(|r| &r.value), Some(J::Bool(true)));
        o.insert("required".into(), required.into());
        if let Some(d) = node
            .get("schema")
            .and_then(|s| s.get(ext::DEFAULT_TEXT).or_else(|| s.get("default")))
        {
            o.insert("default".into(), d.to_compact_string().into());
        }
        self.doc(&mut o, node);
        let attrs = self.attributes(node, ptr, &[doc_ext::SERVICE_HEADER]);
        if !attrs.is_empty() {
            o.insert("attributes".into(), attrs.into());
        }
        Value::Object(o)
    }

    fn header_type_ok(&self, ty: &str) -> bool {
        let inner = ty.trim_start_matches('[').trim_end_matches(']');
        inner == "string" || self.enums.contains_key(inner) || self.index.enums.contains(inner)
    }

    fn resources(&mut self) -> Map<String, Value> {
        let mut resources: Map<String, Value> = Map::new();
        let Some(paths) = self.root.get("paths").and_then(Node::as_object) else {
            return resources;
        };
        // Tags declared as resources by the exporter.
        let mut resource_tags: Map<String, Value> = Map::new();
        let mut tag_nodes: HashMap<String, &'a Node> = HashMap::new();
        for t in self
            .root
            .get("tags")
            .and_then(Node::as_array)
            .unwrap_or(&[])
        {
            let name = t.str_member("name").to_string();
            tag_nodes.insert(name.clone(), t);
            if t.get(doc_ext::RESOURCE_TYPE).is_some() {
                let mut r = Map::new();
                if let Some(p) = t.get(doc_ext::PATH).and_then(Node::as_str) {
                    r.insert("path".into(), p.into());
                }
                if let Some(p) = t.get(ext::PLURAL).and_then(Node::as_str) {
                    r.insert("plural".into(), p.into());
                }
                self.doc(&mut r, t);
                let attrs = self.attributes(
                    t,
                    "/tags",
                    &[doc_ext::RESOURCE_TYPE, doc_ext::PATH, doc_ext::OPERATIONS],
                );
                if !attrs.is_empty() {
                    r.insert("attributes".into(), attrs.into());
                }
                r.insert("operations".into(), json!([]));
                resource_tags.insert(name, Value::Object(r));
            }
        }
        // Group operations: (group key, is exporter resource) → [(path, method, node, ptr)].
        let mut groups: Vec<(String, bool, Vec<PathOp<'a>>)> = Vec::new();
        let mut group_of: HashMap<(String, bool), usize> = HashMap::new();
        for p in paths {
            let pptr = format!("/paths/{}", seg(&p.key));
            let Some((item, _)) = self.deref(&p.value, &pptr) else {
                continue;
            };
            for m in item.as_object().unwrap_or(&[]) {
                let method = m.key.to_ascii_lowercase();
                if ![
                    "get", "put", "post", "delete", "options", "head", "patch", "trace",
                ]
                .contains(&method.as_str())
                {
                    if !["parameters", "summary", "description", "$ref"].contains(&m.key.as_str())
                        && !m.key.starts_with("x-")
                    {
                        self.warn(
                            W_OPERATION,
                            &m.value,
                            &format!("{pptr}/{}", seg(&m.key)),
                            format!(
                                "`{}` of a path item has no API Builder form; ignored",
                                m.key
                            ),
                        );
                    }
                    continue;
                }
                let optr = format!("{pptr}/{method}");
                let tag = m
                    .value
                    .get("tags")
                    .and_then(Node::as_array)
                    .and_then(|t| t.first())
                    .and_then(Node::as_str);
                let (key, own) = match tag {
                    Some(t) if resource_tags.contains_key(t) => (t.to_string(), true),
                    Some(t) => (t.to_string(), false),
                    None => (first_segment(&p.key), false),
                };
                let op = (p.key.clone(), method, &m.value, optr, item);
                match group_of.get(&(key.clone(), own)) {
                    Some(&g) => groups[g].2.push(op),
                    None => {
                        group_of.insert((key.clone(), own), groups.len());
                        groups.push((key, own, vec![op]));
                    }
                }
            }
        }
        for (key, own, ops) in groups {
            let (rtype, mut r) = if own {
                (
                    key.clone(),
                    resource_tags
                        .get(&key)
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default(),
                )
            } else {
                let t = self.resource_type(&key, &ops);
                let mut r = Map::new();
                let prefix = common_prefix(ops.iter().map(|o| o.0.as_str()));
                r.insert("path".into(), api_builder_path(&prefix).into());
                if let Some(t) = tag_nodes.get(&key) {
                    let d = t.str_member("description");
                    if !d.is_empty() {
                        r.insert("description".into(), d.into());
                    }
                }
                (t, r)
            };
            let mut ops = ops;
            if own {
                let order: Vec<String> = tag_nodes
                    .get(&key)
                    .and_then(|t| t.get(doc_ext::OPERATIONS))
                    .and_then(Node::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|n| n.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                ops.sort_by_key(|o| {
                    let id = o.2.str_member("operationId");
                    order.iter().position(|x| x == id).unwrap_or(usize::MAX)
                });
            }
            let fulls: Vec<String> = ops
                .iter()
                .map(|o| {
                    o.2.get(doc_ext::PATH)
                        .and_then(Node::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| api_builder_path(&o.0))
                })
                .collect();
            let mut rpath = r
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if fulls.iter().any(|f| !f.starts_with(&rpath)) {
                // Only a resolved service.json has operation paths outside the resource path;
                // api.json appends the operation's path to the resource's, so the resource path
                // becomes "" and each operation keeps its full path.
                rpath = String::new();
                r.insert("path".into(), "".into());
            }
            let mut operations = Vec::new();
            for ((_, method, node, optr, item), full) in ops.into_iter().zip(fulls) {
                if let Some(op) = self.operation(&rtype, &rpath, &full, &method, node, &optr, item)
                {
                    operations.push(op);
                }
            }
            r.insert("operations".into(), operations.into());
            match resources.get_mut(&rtype).and_then(Value::as_object_mut) {
                Some(existing) => {
                    if let Some(Value::Array(ops)) = r.remove("operations") {
                        if let Some(Value::Array(list)) = existing.get_mut("operations") {
                            list.extend(ops);
                        }
                    }
                }
                None => {
                    resources.insert(rtype, Value::Object(r));
                }
            }
        }
        resources
    }

    /// The type a group of operations is the resource of.
    fn resource_type(&mut self, key: &str, ops: &[PathOp<'a>]) -> String {
        let singular = singular(key);
        let index = &self.index;
        let found = [
            index.by_lower.get(&singular.to_ascii_lowercase()),
            index.by_lower.get(&key.to_ascii_lowercase()),
            index.by_snake.get(&crate::names::snake_case(&singular)),
        ]
        .into_iter()
        .flatten()
        .min()
        .cloned();
        if let Some(n) = found {
            return n;
        }
        for (_, _, node, _, _) in ops {
            for m in node
                .get("responses")
                .and_then(Node::as_object)
                .unwrap_or(&[])
            {
                if !m.key.starts_with('2') {
                    continue;
                }
                let schema = m
                    .value
                    .get("content")
                    .and_then(|c| c.get("application/json"))
                    .and_then(|j| j.get("schema"));
                let r = schema
                    .and_then(|s| {
                        s.get("$ref")
                            .or_else(|| s.get("items").and_then(|i| i.get("$ref")))
                    })
                    .and_then(Node::as_str);
                if let Some(key) = r
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    .map(unseg)
                {
                    if let Some((Decl::Model | Decl::Union | Decl::Enum, n)) = self.decls.get(&key)
                    {
                        return n.clone();
                    }
                }
            }
        }
        let name = self.claim(&singular);
        self.warn(W_OPERATION, ops[0].2, &ops[0].3, format!("no model for the operations of `{key}`: an empty model `{name}` is the resource's type"));
        self.models.insert(name.clone(), json!({"fields": []}));
        name
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        rtype: &str,
        rpath: &str,
        full: &str,
        method: &str,
        node: &'a Node,
        ptr: &str,
        item: &'a Node,
    ) -> Option<Value> {
        let mut o = Map::new();
        o.insert("method".into(), method.to_ascii_uppercase().into());
        if let Some(own) = full.strip_prefix(rpath) {
            if !own.is_empty() {
                o.insert("path".into(), own.into());
            }
        } else {
            o.insert("path".into(), full.into());
        }
        check_path(self, node, ptr, full);
        let summary = node.str_member("summary");
        let description = node.str_member("description");
        let text = match (summary.is_empty(), description.is_empty()) {
            (true, true) => String::new(),
            (false, true) => summary.to_string(),
            (true, false) => description.to_string(),
            (false, false) => format!("{summary}\n\n{description}"),
        };
        if !text.is_empty() {
            o.insert("description".into(), text.into());
        }
        self.deprecation(&mut o, node);
        for k in ["callbacks", "security", "servers", "externalDocs"] {
            if let Some(n) = node.get(k) {
                self.warn(
                    W_OPERATION,
                    n,
                    &format!("{ptr}/{k}"),
                    format!("`{k}` of an operation has no API Builder form; dropped"),
                );
            }
        }
        let op_name = crate::gen::naming::operation_name(method, rpath, full);
        let hint = format!("{rtype}_{op_name}");
        // Parameters: the path item's, overridden by the operation's (same name and location).
        let mut params: Vec<(&'a Node, String)> = Vec::new();
        for (src, sptr) in [
            (
                item.get("parameters"),
                format!("{}/parameters", ptr.rsplit_once('/').map_or("", |x| x.0)),
            ),
            (node.get("parameters"), format!("{ptr}/parameters")),
        ] {
            for (i, p) in src
                .and_then(Node::as_array)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                let pptr = format!("{sptr}/{i}");
                if let Some(r) = p.get("$ref").and_then(Node::as_str) {
                    if let Some(target) = self.lookup(r) {
                        if matches!(
                            target.get(doc_ext::SERVICE_HEADER).map(|v| &v.value),
                            Some(J::Bool(true))
                        ) {
                            continue;
                        }
                    }
                }
                let Some((p, rptr)) = self.deref(p, &pptr) else {
                    continue;
                };
                let key = (
                    p.str_member("name").to_string(),
                    p.str_member("in").to_string(),
                );
                params.retain(|(q, _)| {
                    (q.str_member("name"), q.str_member("in")) != (key.0.as_str(), key.1.as_str())
                });
                let _ = rptr;
                params.push((p, pptr));
            }
        }
        // API Builder's path parameters: segments starting with `:`, the name up to a `.`.
        let path_params: Vec<String> = full
            .split('/')
            .filter_map(|s| s.strip_prefix(':'))
            .map(|s| s.split('.').next().unwrap_or("").to_string())
            .collect();
        let mut out_params = Vec::new();
        for (p, pptr) in params {
            if let Some(v) = self.parameter(p, &pptr, &hint, &path_params) {
                out_params.push(v);
            }
        }
        if let Some(body) = node.get("requestBody") {
            let bptr = format!("{ptr}/requestBody");
            if let Some((b, _)) = self.deref(body, &bptr) {
                match self.request_body(b, &bptr, &hint) {
                    Body::Json(v) => {
                        o.insert("body".into(), v);
                    }
                    Body::Form(ps) => out_params.extend(ps),
                    Body::None => {}
                }
            }
        }
        if let Some(f) = node.get(doc_ext::FORM) {
            out_params.extend(self.form_params(f, &format!("{ptr}/{}", seg(doc_ext::FORM)), &hint));
        }
        if let Some(order) = node.get(doc_ext::PARAMETER_ORDER).and_then(Node::as_array) {
            let order: Vec<&str> = order.iter().filter_map(Node::as_str).collect();
            out_params.sort_by_key(|p| {
                let name = p["name"].as_str().unwrap_or("");
                order.iter().position(|n| *n == name).unwrap_or(usize::MAX)
            });
        }
        if !out_params.is_empty() {
            o.insert("parameters".into(), out_params.into());
        }
        let mut responses = Map::new();
        for m in node
            .get("responses")
            .and_then(Node::as_object)
            .unwrap_or(&[])
        {
            let rptr = format!("{ptr}/responses/{}", seg(&m.key));
            let code = m.key.to_ascii_lowercase();
            let ok = code == "default" || (code.len() == 3 && code.parse::<u16>().is_ok());
            if !ok {
                self.warn(W_OPERATION, &m.value, &rptr, format!("response `{}`: API Builder responses are single status codes or `default`; dropped", m.key));
                continue;
            }
            if m.key.starts_with('x') {
                continue;
            }
            let Some((r, _)) = self.deref(&m.value, &rptr) else {
                continue;
            };
            let v = self.response(r, &rptr, &format!("{hint}_{code}"));
            responses.insert(code, v);
        }
        if !responses.is_empty() {
            o.insert("responses".into(), Value::Object(responses));
        }
        let attrs = self.attributes(node, ptr, &[doc_ext::PATH]);
        if !attrs.is_empty() {
            o.insert("attributes".into(), attrs.into());
        }
        Some(Value::Object(o))
    }

    /// Whether a type may be a path, query or header parameter in API Builder.
    fn url_type_ok(&self, ty: &str, list_ok: bool) -> bool {
        let inner = match ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            Some(t) if list_ok => t,
            Some(_) => return false,
            None => ty,
        };
        if let Some(p) = crate::ir::Primitive::parse(inner) {
            return p.valid_in_url();
        }
        inner.contains(".enums.")
            || self.enums.contains_key(inner)
            || self.index.enums.contains(inner)
    }

    fn parameter(
        &mut self,
        p: &'a Node,
        ptr: &str,
        hint: &str,
        path_params: &[String],
    ) -> Option<Value> {
        let name = p.str_member("name");
        let location = match p.str_member("in") {
            "path" => "path",
            "query" => "query",
            "header" => "header",
            other => {
                self.warn(W_PARAMETER, p, &format!("{ptr}/in"), format!("parameter `{name}` in `{other}`: API Builder has path, query, header and form parameters only; dropped"));
                return None;
            }
        };
        let mut o = Map::new();
        o.insert("name".into(), name.into());
        let schema = match (
            p.get("schema"),
            p.get("content")
                .and_then(Node::as_object)
                .and_then(|c| c.first()),
        ) {
            (Some(s), _) => Some((s, format!("{ptr}/schema"))),
            (None, Some(c)) => {
                self.warn(W_PARAMETER, p, &format!("{ptr}/content"), format!("parameter `{name}` is described by `content`: its schema is used, the serialization is not"));
                c.value
                    .get("schema")
                    .map(|s| (s, format!("{ptr}/content/{}/schema", seg(&c.key))))
            }
            _ => None,
        };
        let ty = match &schema {
            Some((s, sptr)) => self.type_of(s, sptr, &format!("{hint}_{}", clean_name(name))),
            None => "string".into(),
        };
        let ty = if self.url_type_ok(&ty, location != "path") {
            ty
        } else {
            self.warn(W_PARAMETER, p, ptr, format!("{location} parameter `{name}` of type `{ty}`: API Builder sends path, query and header parameters as strings, so only primitives and enums (and lists of them in a query or header) are allowed; typed as `string`"));
            "string".to_string()
        };
        if location == "path" && !path_params.iter().any(|n| n == name) {
            self.warn(W_PARAMETER, p, ptr, format!("path parameter `{name}` is not a whole segment of the path (up to a `.`), where API Builder looks for path parameters; dropped"));
            return None;
        }
        o.insert("type".into(), ty.clone().into());
        o.insert("location".into(), location.into());
        let nullable = schema.as_ref().is_some_and(|(s, _)| {
            schema_type(s).1 || matches!(s.get("nullable").map(|n| &n.value), Some(J::Bool(true)))
        });
        let required = matches!(p.get("required").map(|r| &r.value), Some(J::Bool(true)))
            || location == "path";
        o.insert(
            "required".into(),
            (required && !(nullable && location != "path")).into(),
        );
        self.doc(&mut o, p);
        if let Some((s, sptr)) = &schema {
            self.facets(&mut o, s, sptr, &ty);
            if o.contains_key("default") && o.get("required") == Some(&Value::Bool(false)) {
                // API Builder allows a default only on a required parameter; a client omitting
                // the parameter gets the default either way.
                o.insert("required".into(), true.into());
            }
        }
        if o.get("example").is_none() {
            if let Some(e) = p.get("example").or_else(|| {
                p.get("examples")
                    .and_then(|e| e.as_object()?.first())
                    .and_then(|m| m.value.get("value"))
            }) {
                o.insert("example".into(), e.to_compact_string().into());
            }
        }
        for k in ["style", "explode", "allowReserved", "allowEmptyValue"] {
            if let Some(n) = p.get(k) {
                let default_style = k == "style"
                    && matches!(
                        (location, n.as_str()),
                        ("query", Some("form")) | ("path" | "header", Some("simple"))
                    );
                let default_explode =
                    k == "explode" && location == "query" && matches!(n.value, J::Bool(true));
                if !default_style && !default_explode {
                    self.warn(W_PARAMETER, n, &format!("{ptr}/{k}"), format!("`{k}` of parameter `{name}` has no API Builder form; the default serialization is used"));
                }
            }
        }
        let attrs = self.attributes(p, ptr, &[]);
        if !attrs.is_empty() {
            o.insert("attributes".into(), attrs.into());
        }
        Some(Value::Object(o))
    }

    fn request_body(&mut self, b: &'a Node, ptr: &str, hint: &str) -> Body {
        let Some(content) = b.get("content").and_then(Node::as_object) else {
            return Body::None;
        };
        let json_media = content.iter().find(|m| is_json(&m.key));
        for m in content {
            if Some(m) != json_media && !(json_media.is_none() && is_form(&m.key)) {
                self.warn(
                    W_MEDIA,
                    &m.value,
                    &format!("{ptr}/content/{}", seg(&m.key)),
                    format!(
                        "media type `{}`: API Builder bodies are JSON; {}",
                        m.key,
                        if json_media.is_some() {
                            "only the JSON one is kept"
                        } else {
                            "read as a JSON body of the same schema"
                        }
                    ),
                );
            }
        }
        let media = json_media
            .or_else(|| content.iter().find(|m| is_form(&m.key)))
            .or_else(|| content.first());
        let Some(media) = media else {
            return Body::None;
        };
        let mptr = format!("{ptr}/content/{}", seg(&media.key));
        let form = matches!(b.get(doc_ext::FORM).map(|f| &f.value), Some(J::Bool(true)))
            || is_form(&media.key);
        let schema = media.value.get("schema");
        if form {
            if is_form(&media.key) {
                self.warn(W_MEDIA, &media.value, &mptr, format!("`{}`: read as form parameters, which API Builder sends as the fields of one JSON object", media.key));
            }
            if let Some(s) = schema {
                return Body::Form(self.form_params(s, &format!("{mptr}/schema"), hint));
            }
            return Body::None;
        }
        let ty = match schema {
            Some(s) => self.type_of(s, &format!("{mptr}/schema"), &format!("{hint}_form")),
            None => {
                if is_json(&media.key) {
                    "json".to_string()
                } else {
                    "string".to_string()
                }
            }
        };
        let mut o = Map::new();
        o.insert("type".into(), ty.into());
        self.doc(&mut o, b);
        if matches!(
            b.get("required").map(|r| &r.value),
            Some(J::Bool(false)) | None
        ) && b.get(doc_ext::FORM).is_none()
        {
            self.warn(
                W_MEDIA,
                b,
                ptr,
                "an optional request body: API Builder bodies are required",
            );
        }
        let attrs = self.attributes(b, ptr, &[doc_ext::FORM]);
        if !attrs.is_empty() {
            o.insert("attributes".into(), attrs.into());
        }
        Body::Json(Value::Object(o))
    }

    /// Form parameters from the properties of an object schema.
    fn form_params(&mut self, s: &'a Node, ptr: &str, hint: &str) -> Vec<Value> {
        let Some((s, sptr)) = self.deref(s, ptr) else {
            return Vec::new();
        };
        let required: Vec<String> = s
            .get("required")
            .and_then(Node::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let mut out = Vec::new();
        for p in s.get("properties").and_then(Node::as_object).unwrap_or(&[]) {
            let pptr = format!("{sptr}/properties/{}", seg(&p.key));
            let ty = self.type_of(&p.value, &pptr, &format!("{hint}_{}", clean_name(&p.key)));
            let mut o = Map::new();
            o.insert("name".into(), p.key.clone().into());
            o.insert("type".into(), ty.clone().into());
            o.insert("location".into(), "form".into());
            o.insert("required".into(), required.contains(&p.key).into());
            self.doc(&mut o, &p.value);
            self.facets(&mut o, &p.value, &pptr, &ty);
            if o.contains_key("default") {
                o.insert("required".into(), true.into());
            }
            let attrs = self.attributes(&p.value, &pptr, &[]);
            if !attrs.is_empty() {
                o.insert("attributes".into(), attrs.into());
            }
            out.push(Value::Object(o));
        }
        out
    }

    fn response(&mut self, r: &'a Node, ptr: &str, hint: &str) -> Value {
        let mut o = Map::new();
        let ty = match r.get("content").and_then(Node::as_object) {
            None => "unit".to_string(),
            Some([]) => "unit".to_string(),
            Some(content) => {
                let json_media = content.iter().find(|m| is_json(&m.key));
                for m in content {
                    if Some(m) != json_media {
                        self.warn(
                            W_MEDIA,
                            &m.value,
                            &format!("{ptr}/content/{}", seg(&m.key)),
                            format!(
                                "media type `{}`: API Builder responses are JSON; {}",
                                m.key,
                                if json_media.is_some() {
                                    "only the JSON one is kept"
                                } else {
                                    "read as a JSON response of the same schema"
                                }
                            ),
                        );
                    }
                }
                let media = json_media.unwrap_or(&content[0]);
                match media.value.get("schema") {
                    Some(s) => self.type_of(
                        s,
                        &format!("{ptr}/content/{}/schema", seg(&media.key)),
                        hint,
                    ),
                    None if is_json(&media.key) => "json".into(),
                    None => "string".into(),
                }
            }
        };
        o.insert("type".into(), ty.into());
        if let Some(h) = r.get("headers").and_then(Node::as_object) {
            let mut headers = Vec::new();
            for m in h {
                let hptr = format!("{ptr}/headers/{}", seg(&m.key));
                let Some((hn, hptr)) = self.deref(&m.value, &hptr) else {
                    continue;
                };
                headers.push(self.header(&m.key, hn, &hptr));
            }
            if !headers.is_empty() {
                o.insert("headers".into(), headers.into());
            }
        }
        self.doc(&mut o, r);
        if let Some(l) = r.get("links") {
            self.warn(
                W_OPERATION,
                l,
                &format!("{ptr}/links"),
                "response `links` have no API Builder form; dropped",
            );
        }
        let attrs = self.attributes(r, ptr, &[]);
        if !attrs.is_empty() {
            o.insert("attributes".into(), attrs.into());
        }
        Value::Object(o)
    }
}

/// One operation of a path: (path, method, operation, pointer, path item).
type PathOp<'a> = (String, String, &'a Node, String, &'a Node);

enum Body {
    Json(Value),
    Form(Vec<Value>),
    None,
}

/// The extensions the importer reads itself.
const OWN_EXTENSIONS: &[&str] = &[
    ext::PLURAL,
    ext::ATTRIBUTES,
    ext::ANNOTATIONS,
    ext::DEPRECATION,
    ext::INTERFACES,
    ext::INTERFACE,
    ext::VALUES,
    ext::TYPE,
    ext::NAME,
    ext::DEFAULT,
    ext::MINIMUM,
    ext::MAXIMUM,
    ext::WRAPPED,
    ext::DEFAULT_TEXT,
    doc_ext::NAMESPACE,
    doc_ext::IMPORTS,
    doc_ext::ORGANIZATION,
    doc_ext::APPLICATION,
    doc_ext::PATH,
    doc_ext::FORM,
    doc_ext::SERVICE_HEADER,
    doc_ext::RESOURCE_TYPE,
    doc_ext::METHOD,
];

fn props_len(n: &Node) -> usize {
    n.get("properties")
        .and_then(Node::as_object)
        .map_or(0, <[_]>::len)
}

fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m.ends_with("+json") || m == "*/*" || m == "application/*"
}

fn is_form(media: &str) -> bool {
    media
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
}

/// The declared type (first non-null) and whether `null` is allowed (3.1 type arrays).
fn schema_type(node: &Node) -> (Option<String>, bool) {
    match node.get("type").map(|t| &t.value) {
        Some(J::String(s)) => (Some(s.clone()), false),
        Some(J::Array(a)) => {
            let nullable = a.iter().any(|t| t.as_str() == Some("null"));
            let first = a
                .iter()
                .filter_map(Node::as_str)
                .find(|t| *t != "null")
                .map(str::to_string);
            (
                first.or_else(|| nullable.then(|| "null".into())),
                nullable && a.len() > 1,
            )
        }
        _ => {
            let inferred =
                if node.get("properties").is_some() || node.get("additionalProperties").is_some() {
                    Some("object".to_string())
                } else if node.get("items").is_some() {
                    Some("array".to_string())
                } else {
                    None
                };
            (inferred, false)
        }
    }
}

fn classify(n: &Node) -> Decl {
    if matches!(n.get(ext::INTERFACE).map(|v| &v.value), Some(J::Bool(true))) {
        return Decl::Interface;
    }
    if n.get("$ref").is_some() {
        return Decl::Alias;
    }
    if (n.get("oneOf").is_some() || n.get("anyOf").is_some()) && n.get("properties").is_none() {
        return Decl::Union;
    }
    let (ty, _) = schema_type(n);
    if n.get("enum").is_some() && matches!(ty.as_deref(), Some("string") | None) {
        return Decl::Enum;
    }
    if n.get("allOf").is_some() {
        let all = n.get("allOf").and_then(Node::as_array).unwrap_or(&[]);
        if all.len() == 1 && n.get("properties").is_none() {
            return Decl::Alias;
        }
        return Decl::Model;
    }
    match ty.as_deref() {
        Some("object")
            if n.get("properties").is_some() || n.get("additionalProperties").is_none() =>
        {
            Decl::Model
        }
        None if n.get("properties").is_some() => Decl::Model,
        _ => Decl::Alias,
    }
}

/// A name API Builder accepts: letters, digits, `_` and `-`, starting with a letter.
fn clean_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "t_");
    }
    out
}

/// An enum value name for a wire value (the wire value itself when it is a valid name).
fn enum_value_name(wire: &str) -> String {
    if crate::names::validate_name(wire).is_empty() {
        return wire.to_string();
    }
    let mut s = String::new();
    for c in wire.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    let s = s.trim_matches('_').to_string();
    if s.is_empty() {
        return "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("value_{s}");
    }
    s
}

fn first_segment(path: &str) -> String {
    path.split('/')
        .find(|s| !s.is_empty() && !s.starts_with('{'))
        .unwrap_or("root")
        .to_string()
}

fn singular(word: &str) -> String {
    let w = clean_name(word);
    for (plural, single) in [
        ("ies", "y"),
        ("sses", "ss"),
        ("xes", "x"),
        ("ches", "ch"),
        ("shes", "sh"),
    ] {
        if let Some(stem) = w.strip_suffix(plural) {
            return format!("{stem}{single}");
        }
    }
    match w.strip_suffix('s') {
        Some(stem) if !w.ends_with("ss") && !stem.is_empty() => stem.to_string(),
        _ => w,
    }
}

/// The longest prefix of whole literal segments shared by all paths (`/pets` for `/pets` and
/// `/pets/{id}`).
fn common_prefix<'p>(paths: impl Iterator<Item = &'p str>) -> String {
    let mut prefix: Option<Vec<&str>> = None;
    for p in paths {
        let segs: Vec<&str> = p
            .split('/')
            .skip(1)
            .take_while(|s| !s.contains('{'))
            .collect();
        prefix = Some(match prefix {
            None => segs,
            Some(pre) => pre
                .iter()
                .zip(&segs)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    let segs = prefix.unwrap_or_default();
    if segs.is_empty() {
        return String::new();
    }
    format!("/{}", segs.join("/"))
}

/// Path templates API Builder cannot say: more than one parameter in a segment, or text before one.
fn check_path(cx: &mut Cx, node: &Node, ptr: &str, full: &str) {
    for s in full.split('/') {
        if s.matches(':').count() > 1 || (s.contains(':') && !s.starts_with(':')) {
            cx.warn(W_OPERATION, node, ptr, format!("path segment `{s}`: API Builder path parameters take a whole segment (up to a `.`); the segment is kept as written"));
        }
    }
}
