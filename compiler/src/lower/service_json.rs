//! Lowering of the resolved form (service.json, §4 of the reference) into the IR.
//!
//! The resolved form is what API Builder stores and hands to generators: every map of the
//! authoring form is an array of objects with an explicit `name` (resources: `type`), defaults are
//! already filled in, `parameter.location` is capitalized and `response.code` is a union object.
//! Files written by older API Builder versions (2014–2016) lack the newer keys (`interfaces`,
//! `annotations`, `info`, `attributes`, `plural`) and use older shapes (`"code": 200`,
//! `{"response_code": {"value": 200}}`, a resource's `model` object instead of its `type`); these
//! are read and defaulted. Explicit `null`s, which older writers emit for every absent optional,
//! are read as absent.

use super::{parse_type, ptr, ptr_index, Cx, Obj};
use crate::ir;
use crate::json::{Node, Value};
use crate::lower::{E0103, E0110, E0112, E0113, E0114};
use crate::names::pluralize;
use crate::source::Loc;

const SERVICE_KEYS: &[&str] = &[
    "apidoc",
    "name",
    "organization",
    "application",
    "namespace",
    "version",
    "base_url",
    "description",
    "info",
    "headers",
    "imports",
    "enums",
    "interfaces",
    "unions",
    "models",
    "resources",
    "attributes",
    "annotations",
];
const IMPORT_KEYS: &[&str] = &[
    "uri",
    "namespace",
    "organization",
    "application",
    "version",
    "enums",
    "interfaces",
    "unions",
    "models",
    "annotations",
];
const ENUM_KEYS: &[&str] = &[
    "name",
    "plural",
    "description",
    "deprecation",
    "values",
    "attributes",
];
const ENUM_VALUE_KEYS: &[&str] = &["name", "value", "description", "deprecation", "attributes"];
const INTERFACE_KEYS: &[&str] = &[
    "name",
    "plural",
    "description",
    "deprecation",
    "fields",
    "attributes",
];
const UNION_KEYS: &[&str] = &[
    "name",
    "plural",
    "discriminator",
    "description",
    "deprecation",
    "types",
    "attributes",
    "interfaces",
];
const UNION_TYPE_KEYS: &[&str] = &[
    "type",
    "description",
    "deprecation",
    "attributes",
    "default",
    "discriminator_value",
];
const MODEL_KEYS: &[&str] = &[
    "name",
    "plural",
    "description",
    "deprecation",
    "fields",
    "attributes",
    "interfaces",
];
const FIELD_KEYS: &[&str] = &[
    "name",
    "type",
    "description",
    "deprecation",
    "default",
    "required",
    "minimum",
    "maximum",
    "example",
    "attributes",
    "annotations",
];
/// `model` is the 2014 shape of a resource (the whole model instead of its `type`).
const RESOURCE_KEYS: &[&str] = &[
    "type",
    "model",
    "plural",
    "path",
    "description",
    "deprecation",
    "operations",
    "attributes",
];
const OPERATION_KEYS: &[&str] = &[
    "method",
    "path",
    "description",
    "deprecation",
    "body",
    "parameters",
    "responses",
    "attributes",
];
const BODY_KEYS: &[&str] = &["type", "description", "deprecation", "attributes"];
const PARAMETER_KEYS: &[&str] = &[
    "name",
    "type",
    "location",
    "description",
    "deprecation",
    "required",
    "default",
    "minimum",
    "maximum",
    "example",
    "attributes",
];
const RESPONSE_KEYS: &[&str] = &[
    "code",
    "type",
    "headers",
    "description",
    "deprecation",
    "attributes",
];
const HEADER_KEYS: &[&str] = &[
    "name",
    "type",
    "description",
    "deprecation",
    "required",
    "default",
    "attributes",
];
const ANNOTATION_KEYS: &[&str] = &["name", "description", "deprecation"];

/// Lowers a resolved service.json object found at `pointer` (`""`, or `/service` in the wrapped form).
///
/// Returns `None` when the document lacks what identifies a service (name, organization,
/// application, namespace, version); everything else that is wrong is reported and skipped.
pub fn lower(cx: &mut Cx, root: &Node, pointer: &str) -> Option<ir::Service> {
    let obj: Obj = cx.obj(root, pointer, "", "service")?;
    cx.check_keys(&obj, SERVICE_KEYS);
    if let Some(node) = present(&obj, "apidoc") {
        let p = ptr(pointer, "apidoc");
        if let Some(a) = cx.obj(node, &p, "apidoc", "apidoc") {
            cx.check_keys(&a, &["version"]);
        }
    }
    let name = cx.req_string(&obj, "name");
    let organization = key_record(cx, &obj, "organization", true);
    let application = key_record(cx, &obj, "application", true);
    let namespace = identity_string(cx, &obj, "namespace");
    let version = identity_string(cx, &obj, "version");

    let service = ir::Service {
        file: cx.file,
        form: ir::Form::ServiceJson,
        loc: cx.node_loc(root, pointer),
        name: name.clone().unwrap_or_default(),
        organization: organization.clone().unwrap_or_default(),
        application: application.clone().unwrap_or_default(),
        namespace: namespace.clone().unwrap_or_default(),
        namespace_explicit: true,
        version: version.clone().unwrap_or_default(),
        base_url: cx.opt_string(&obj, "base_url"),
        description: cx.opt_string(&obj, "description"),
        info: info(cx, &obj),
        headers: each(cx, &obj, "headers", |cx, n, p| header(cx, n, p, "Header")),
        imports: each(cx, &obj, "imports", import),
        enums: each(cx, &obj, "enums", enum_),
        interfaces: each(cx, &obj, "interfaces", interface),
        unions: each(cx, &obj, "unions", union),
        models: each(cx, &obj, "models", model),
        resources: each(cx, &obj, "resources", resource),
        annotations: each(cx, &obj, "annotations", annotation),
        attributes: cx.attributes(&obj, true),
    };
    // Without its identity a service cannot be imported or resolved against: drop it (the
    // reasons were reported above).
    name?;
    organization?;
    application?;
    namespace?;
    version?;
    Some(service)
}

/// The member `key` unless absent or `null`.
fn present<'n>(obj: &Obj<'n, '_>, key: &str) -> Option<&'n Node> {
    obj.get(key).filter(|n| !matches!(n.value, Value::Null))
}

/// `deprecation`, with an explicit `null` read as absent.
fn deprecation(cx: &mut Cx, obj: &Obj) -> Option<ir::Deprecation> {
    present(obj, "deprecation")?;
    cx.deprecation(obj, "deprecation")
}

/// `organization`/`application`: an object `{key}`. Missing on the service is E0112.
fn key_record(cx: &mut Cx, obj: &Obj, key: &str, on_service: bool) -> Option<String> {
    let Some(node) = present(obj, key) else {
        if on_service {
            let loc = cx.key_loc(obj, key);
            cx.error_help(
                &E0112,
                loc,
                format!("Missing {key}: a resolved service.json always has `{key}: {{\"key\": …}}`"),
                format!("add `\"{key}\": {{\"key\": \"…\"}}`, or upload the authoring form (api.json) instead"),
            );
        }
        return None;
    };
    let p = ptr(obj.ptr, key);
    let prefix = join(obj.prefix, key);
    let o = cx.obj(node, &p, &prefix, key)?;
    cx.check_keys(&o, &["key"]);
    cx.req_string(&o, "key")
}

/// `namespace`/`version` of the service: required strings, E0112 when missing.
fn identity_string(cx: &mut Cx, obj: &Obj, key: &str) -> Option<String> {
    if present(obj, key).is_none() {
        let loc = cx.key_loc(obj, key);
        cx.error_help(
            &E0112,
            loc,
            format!("Missing {key}: a resolved service.json always has a `{key}`"),
            format!("add a `{key}`, or upload the authoring form (api.json) instead"),
        );
        return None;
    }
    cx.req_string(obj, key)
}

fn join(prefix: &str, part: &str) -> String {
    if prefix.is_empty() {
        part.to_string()
    } else {
        format!("{prefix} {part}")
    }
}

/// Lowers every element of the array `key` with `f(cx, node, pointer)`, keeping order and
/// skipping the elements `f` rejects.
fn each<T>(
    cx: &mut Cx,
    obj: &Obj,
    key: &str,
    mut f: impl FnMut(&mut Cx, &Node, &str) -> Option<T>,
) -> Vec<T> {
    let Some(items) = cx.opt_array(obj, key) else {
        return Vec::new();
    };
    let base = ptr(obj.ptr, key);
    items
        .iter()
        .enumerate()
        .filter_map(|(i, node)| f(cx, node, &ptr_index(&base, i)))
        .collect()
}

/// The `name` of an element, for message prefixes, before it is read properly.
fn peek_name<'n>(node: &'n Node, key: &str) -> &'n str {
    node.get(key).and_then(Node::as_str).unwrap_or("?")
}

/// A type string at `key` (required).
fn type_at(cx: &mut Cx, obj: &Obj, key: &str) -> Option<ir::Type> {
    let text = cx.req_string(obj, key)?;
    let loc = cx.key_loc(obj, key);
    match parse_type(&text) {
        Ok((text, r)) => Some(ir::Type { text, r, loc }),
        Err(msg) => {
            cx.error(&E0110, loc, join(obj.prefix, &msg));
            None
        }
    }
}

/// An array of strings (`interfaces`, import name lists, field `annotations`); a single string is
/// accepted as a one-element list.
fn strings(cx: &mut Cx, obj: &Obj, key: &str) -> Vec<(String, Loc)> {
    let Some(node) = present(obj, key) else {
        return Vec::new();
    };
    let p = ptr(obj.ptr, key);
    if let Value::String(s) = &node.value {
        let t = s.trim();
        return if t.is_empty() {
            Vec::new()
        } else {
            vec![(t.to_string(), cx.loc(node.span, p))]
        };
    }
    let Some(items) = cx.opt_array(obj, key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let ip = ptr_index(&p, i);
        match &item.value {
            Value::String(s) if !s.trim().is_empty() => {
                out.push((s.trim().to_string(), cx.loc(item.span, ip)))
            }
            _ => {
                let loc = cx.loc(item.span, ip);
                cx.error(
                    &E0103,
                    loc,
                    join(
                        obj.prefix,
                        &format!("{key} must be an array of non empty strings"),
                    ),
                );
            }
        }
    }
    out
}

fn named(items: Vec<(String, Loc)>) -> Vec<ir::Named> {
    items
        .into_iter()
        .map(|(name, loc)| ir::Named {
            name,
            resolved: None,
            loc,
        })
        .collect()
}

fn info(cx: &mut Cx, obj: &Obj) -> ir::Info {
    let Some(node) = present(obj, "info") else {
        return ir::Info::default();
    };
    // Old generator fixtures write `"info": []` for "no info": read it as empty.
    if node.as_array().is_some_and(<[Node]>::is_empty) {
        return ir::Info::default();
    }
    let p = ptr(obj.ptr, "info");
    let Some(o) = cx.obj(node, &p, "info", "info") else {
        return ir::Info::default();
    };
    cx.check_keys(&o, &["license", "contact"]);
    let contact = present(&o, "contact").and_then(|node| {
        let p = ptr(&p, "contact");
        let c = cx.obj(node, &p, "contact", "contact")?;
        cx.check_keys(&c, &["name", "url", "email"]);
        let contact = ir::Contact {
            name: cx.opt_string(&c, "name"),
            url: cx.opt_string(&c, "url"),
            email: cx.opt_string(&c, "email"),
        };
        // A contact with no part is dropped, as API Builder does.
        (contact != ir::Contact::default()).then_some(contact)
    });
    let license = present(&o, "license").and_then(|node| {
        let p = ptr(&p, "license");
        let l = cx.obj(node, &p, "License", "license")?;
        cx.check_keys(&l, &["name", "url"]);
        let name = cx.req_string(&l, "name")?;
        Some(ir::License {
            name,
            url: cx.opt_string(&l, "url"),
        })
    });
    ir::Info { contact, license }
}

fn annotation(cx: &mut Cx, node: &Node, p: &str) -> Option<ir::Annotation> {
    let prefix = format!("Annotation[{}]", peek_name(node, "name"));
    let o = cx.obj(node, p, &prefix, "annotation")?;
    cx.check_keys(&o, ANNOTATION_KEYS);
    let name = cx.req_string(&o, "name")?;
    Some(ir::Annotation {
        name,
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        loc: cx.loc(node.span, p),
    })
}

fn import(cx: &mut Cx, node: &Node, p: &str) -> Option<ir::Import> {
    let prefix = format!("Import[{}]", peek_name(node, "uri"));
    let o = cx.obj(node, p, &prefix, "import")?;
    cx.check_keys(&o, IMPORT_KEYS);
    let uri = cx.req_string(&o, "uri");
    let namespace = cx.req_string(&o, "namespace");
    let names = |cx: &mut Cx, key| strings(cx, &o, key).into_iter().map(|(n, _)| n).collect();
    let provided = ir::ProvidedNames {
        enums: names(cx, "enums"),
        interfaces: names(cx, "interfaces"),
        unions: names(cx, "unions"),
        models: names(cx, "models"),
    };
    let import = ir::Import {
        uri: uri?,
        namespace: Some(namespace?),
        organization: key_record(cx, &o, "organization", false),
        application: key_record(cx, &o, "application", false),
        version: cx.opt_string(&o, "version"),
        provided: Some(provided),
        annotations: each(cx, &o, "annotations", annotation),
        target: None,
        loc: cx.loc(node.span, p),
    };
    Some(import)
}

/// `plural`, or the pluralized local name (the last segment of a qualified name).
fn plural(cx: &mut Cx, obj: &Obj, name: &str) -> String {
    cx.opt_string(obj, "plural")
        .unwrap_or_else(|| pluralize(name.rsplit('.').next().unwrap_or(name)))
}

fn enum_(cx: &mut Cx, node: &Node, p: &str) -> Option<ir::Enum> {
    let prefix = format!("Enum[{}]", peek_name(node, "name"));
    let o = cx.obj(node, p, &prefix, "enum")?;
    cx.check_keys(&o, ENUM_KEYS);
    let name = cx.req_string(&o, "name")?;
    Some(ir::Enum {
        plural: plural(cx, &o, &name),
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        values: each(cx, &o, "values", |cx, n, p| enum_value(cx, n, p, &prefix)),
        attributes: cx.attributes(&o, true),
        loc: cx.loc(node.span, p),
        name,
    })
}

fn enum_value(cx: &mut Cx, node: &Node, p: &str, parent: &str) -> Option<ir::EnumValue> {
    let prefix = format!("{parent} Value[{}]", peek_name(node, "name"));
    let o = cx.obj(node, p, &prefix, "enum value")?;
    cx.check_keys(&o, ENUM_VALUE_KEYS);
    let name = cx.req_string(&o, "name")?;
    Some(ir::EnumValue {
        name,
        value: cx.opt_string(&o, "value"),
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        attributes: cx.attributes(&o, true),
        loc: cx.loc(node.span, p),
    })
}

fn interface(cx: &mut Cx, node: &Node, p: &str) -> Option<ir::Interface> {
    let prefix = format!("Interface[{}]", peek_name(node, "name"));
    let o = cx.obj(node, p, &prefix, "interface")?;
    cx.check_keys(&o, INTERFACE_KEYS);
    let name = cx.req_string(&o, "name")?;
    Some(ir::Interface {
        plural: plural(cx, &o, &name),
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        fields: each(cx, &o, "fields", |cx, n, p| field(cx, n, p, &prefix)),
        attributes: cx.attributes(&o, true),
        loc: cx.loc(node.span, p),
        name,
    })
}

fn union(cx: &mut Cx, node: &Node, p: &str) -> Option<ir::Union> {
    let prefix = format!("Union[{}]", peek_name(node, "name"));
    let o = cx.obj(node, p, &prefix, "union")?;
    cx.check_keys(&o, UNION_KEYS);
    let name = cx.req_string(&o, "name")?;
    Some(ir::Union {
        plural: plural(cx, &o, &name),
        discriminator: cx.opt_string(&o, "discriminator"),
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        types: each(cx, &o, "types", |cx, n, p| union_type(cx, n, p, &prefix)),
        attributes: cx.attributes(&o, true),
        interfaces: named(strings(cx, &o, "interfaces")),
        loc: cx.loc(node.span, p),
        name,
    })
}

fn union_type(cx: &mut Cx, node: &Node, p: &str, parent: &str) -> Option<ir::UnionType> {
    let prefix = format!("{parent} type[{}]", peek_name(node, "type"));
    let o = cx.obj(node, p, &prefix, "union type")?;
    cx.check_keys(&o, UNION_TYPE_KEYS);
    let ty = type_at(cx, &o, "type")?;
    let explicit = cx.opt_string(&o, "discriminator_value");
    let explicit_discriminator_value = explicit.is_some();
    let discriminator_value = explicit.unwrap_or_else(|| singleton_name(&ty.text).to_string());
    Some(ir::UnionType {
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        default: cx.opt_bool(&o, "default"),
        discriminator_value,
        explicit_discriminator_value,
        attributes: cx.attributes(&o, true),
        loc: cx.loc(node.span, p),
        ty,
    })
}

/// The singleton name inside `[x]`, `map[x]`, `[[x]]`, …
fn singleton_name(text: &str) -> &str {
    let mut t = text;
    loop {
        if let Some(inner) = t.strip_prefix("map[").and_then(|s| s.strip_suffix(']')) {
            t = inner;
        } else if let Some(inner) = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            t = inner;
        } else {
            return t;
        }
    }
}

fn model(cx: &mut Cx, node: &Node, p: &str) -> Option<ir::Model> {
    let prefix = format!("Model[{}]", peek_name(node, "name"));
    let o = cx.obj(node, p, &prefix, "model")?;
    cx.check_keys(&o, MODEL_KEYS);
    let name = cx.req_string(&o, "name")?;
    Some(ir::Model {
        plural: plural(cx, &o, &name),
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        fields: each(cx, &o, "fields", |cx, n, p| field(cx, n, p, &prefix)),
        attributes: cx.attributes(&o, true),
        interfaces: named(strings(cx, &o, "interfaces")),
        loc: cx.loc(node.span, p),
        name,
    })
}

fn field(cx: &mut Cx, node: &Node, p: &str, parent: &str) -> Option<ir::Field> {
    let prefix = format!("{parent} Field[{}]", peek_name(node, "name"));
    let o = cx.obj(node, p, &prefix, "field")?;
    cx.check_keys(&o, FIELD_KEYS);
    let name = cx.req_string(&o, "name");
    let ty = type_at(cx, &o, "type");
    let annotations = strings(cx, &o, "annotations")
        .into_iter()
        .map(|(name, loc)| ir::AnnotationRef { name, loc })
        .collect();
    Some(ir::Field {
        name: name?,
        ty: ty?,
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        default: cx.opt_string(&o, "default"),
        required: cx.opt_bool(&o, "required").unwrap_or(true),
        minimum: cx.opt_long(&o, "minimum"),
        maximum: cx.opt_long(&o, "maximum"),
        example: cx.opt_string(&o, "example"),
        attributes: cx.attributes(&o, true),
        annotations,
        loc: cx.loc(node.span, p),
    })
}

fn resource(cx: &mut Cx, node: &Node, p: &str) -> Option<ir::Resource> {
    let legacy = node.get("model").filter(|_| node.get("type").is_none());
    let label = match legacy {
        Some(m) => peek_name(m, "name"),
        None => peek_name(node, "type"),
    };
    let prefix = format!("Resource[{label}]");
    let o = cx.obj(node, p, &prefix, "resource")?;
    cx.check_keys(&o, RESOURCE_KEYS);
    // 2014 writers put the whole model in the resource: its name is the type, its plural the plural.
    let (ty, legacy_plural) = match legacy {
        Some(m) => {
            let mp = ptr(p, "model");
            let mo = cx.obj(m, &mp, &prefix, "model")?;
            (type_at(cx, &mo, "name")?, cx.opt_string(&mo, "plural"))
        }
        None => (type_at(cx, &o, "type")?, None),
    };
    let plural = match legacy_plural {
        Some(pl) => pl,
        None => plural(cx, &o, singleton_name(&ty.text)),
    };
    let written_path = present(&o, "path").map(|_| cx.opt_string(&o, "path").unwrap_or_default());
    let explicit_path = written_path.is_some();
    let path = written_path.unwrap_or_else(|| format!("/{plural}"));
    let operations = each(cx, &o, "operations", |cx, n, p| {
        operation(cx, n, p, &prefix, &path)
    });
    Some(ir::Resource {
        ty,
        plural,
        explicit_path,
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        operations,
        attributes: cx.attributes(&o, true),
        loc: cx.loc(node.span, p),
        path,
    })
}

fn operation(
    cx: &mut Cx,
    node: &Node,
    p: &str,
    parent: &str,
    resource_path: &str,
) -> Option<ir::Operation> {
    let prefix = format!(
        "{parent} {} {}",
        peek_name(node, "method").to_uppercase(),
        peek_name(node, "path")
    );
    let o = cx.obj(node, p, &prefix, "operation")?;
    cx.check_keys(&o, OPERATION_KEYS);
    let method_text = cx.req_string(&o, "method")?.to_uppercase();
    let path = match present(&o, "path") {
        Some(_) => cx
            .req_string(&o, "path")
            .unwrap_or_else(|| resource_path.to_string()),
        None => {
            cx.req_string(&o, "path");
            resource_path.to_string()
        }
    };
    let own_path = path
        .strip_prefix(resource_path)
        .filter(|rest| !rest.is_empty())
        .map(str::to_string);
    let body = present(&o, "body").and_then(|n| body(cx, n, &ptr(p, "body"), &prefix));
    Some(ir::Operation {
        method: ir::Method::parse(&method_text),
        method_text,
        own_path,
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        body,
        parameters: each(cx, &o, "parameters", |cx, n, p| {
            parameter(cx, n, p, &prefix)
        }),
        responses: each(cx, &o, "responses", |cx, n, p| response(cx, n, p, &prefix)),
        attributes: cx.attributes(&o, true),
        loc: cx.loc(node.span, p),
        path,
    })
}

fn body(cx: &mut Cx, node: &Node, p: &str, parent: &str) -> Option<ir::Body> {
    let prefix = format!("{parent} body");
    let o = cx.obj(node, p, &prefix, "body")?;
    cx.check_keys(&o, BODY_KEYS);
    Some(ir::Body {
        ty: type_at(cx, &o, "type")?,
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        attributes: cx.attributes(&o, true),
        loc: cx.loc(node.span, p),
    })
}

fn parameter(cx: &mut Cx, node: &Node, p: &str, parent: &str) -> Option<ir::Parameter> {
    let prefix = format!("{parent} Parameter[{}]", peek_name(node, "name"));
    let o = cx.obj(node, p, &prefix, "parameter")?;
    cx.check_keys(&o, PARAMETER_KEYS);
    let name = cx.req_string(&o, "name");
    let ty = type_at(cx, &o, "type");
    let location = match cx.req_string(&o, "location") {
        Some(text) => match ir::Location::parse(&text) {
            Some(l) => Some(l),
            None => {
                let loc = cx.key_loc(&o, "location");
                cx.error_help(
                    &E0113,
                    loc,
                    format!("{prefix} location[{text}] is not a valid parameter location"),
                    "one of Path, Query, Form, Header",
                );
                None
            }
        },
        None => None,
    };
    Some(ir::Parameter {
        name: name?,
        ty: ty?,
        location: location?,
        required: cx.opt_bool(&o, "required").unwrap_or(true),
        default: cx.opt_string(&o, "default"),
        minimum: cx.opt_long(&o, "minimum"),
        maximum: cx.opt_long(&o, "maximum"),
        example: cx.opt_string(&o, "example"),
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        attributes: cx.attributes(&o, true),
        synthesized: false,
        loc: cx.loc(node.span, p),
    })
}

fn response(cx: &mut Cx, node: &Node, p: &str, parent: &str) -> Option<ir::Response> {
    let prefix = format!("{parent} Response");
    let o = cx.obj(node, p, &prefix, "response")?;
    cx.check_keys(&o, RESPONSE_KEYS);
    let code = response_code(cx, &o);
    let ty = type_at(cx, &o, "type");
    let headers_prefix = format!("{prefix} Header");
    Some(ir::Response {
        code: code?,
        ty: ty?,
        headers: each(cx, &o, "headers", |cx, n, p| {
            header(cx, n, p, &headers_prefix)
        }),
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        attributes: cx.attributes(&o, true),
        loc: cx.loc(node.span, p),
    })
}

/// `{"integer": {"value": 200}}` or `{"response_code_option": "Default"}`; older writers used
/// `{"response_code": {"value": 200}}` and a bare `200`.
fn response_code(cx: &mut Cx, obj: &Obj) -> Option<ir::ResponseCode> {
    let Some(node) = present(obj, "code") else {
        cx.req_string(obj, "code");
        return None;
    };
    let code = read_code(node);
    if code.is_none() {
        let loc = cx.key_loc(obj, "code");
        cx.error_help(
            &E0114,
            loc,
            format!("{} code[{}] is not a valid response code", obj.prefix, node.to_compact_string()),
            "a response code is {\"integer\": {\"value\": 200}} or {\"response_code_option\": \"Default\"}",
        );
    }
    code
}

fn read_code(node: &Node) -> Option<ir::ResponseCode> {
    let number = |n: &Node| match &n.value {
        Value::Number(s) => s.parse::<u16>().ok(),
        Value::String(s) => s.trim().parse::<u16>().ok(),
        _ => None,
    };
    let default = |n: &Node| {
        n.as_str()
            .filter(|s| s.trim().eq_ignore_ascii_case("default"))
            .map(|_| ir::ResponseCode::Default)
    };
    match &node.value {
        Value::Number(_) => number(node).map(ir::ResponseCode::Code),
        Value::String(_) => default(node).or_else(|| number(node).map(ir::ResponseCode::Code)),
        Value::Object(members) if members.len() == 1 => {
            let m = &members[0];
            match m.key.as_str() {
                "integer" | "response_code" => m
                    .value
                    .get("value")
                    .and_then(number)
                    .map(ir::ResponseCode::Code),
                "response_code_option" => default(&m.value),
                _ => None,
            }
        }
        _ => None,
    }
}

fn header(cx: &mut Cx, node: &Node, p: &str, parent: &str) -> Option<ir::Header> {
    let prefix = format!("{parent}[{}]", peek_name(node, "name"));
    let o = cx.obj(node, p, &prefix, "header")?;
    cx.check_keys(&o, HEADER_KEYS);
    let name = cx.req_string(&o, "name");
    let ty = type_at(cx, &o, "type");
    Some(ir::Header {
        name: name?,
        ty: ty?,
        required: cx.opt_bool(&o, "required").unwrap_or(true),
        default: cx.opt_string(&o, "default"),
        description: cx.opt_string(&o, "description"),
        deprecation: deprecation(cx, &o),
        attributes: cx.attributes(&o, true),
        loc: cx.loc(node.span, p),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::source::FileId;

    fn lower_text(text: &str) -> (Option<ir::Service>, Diagnostics) {
        let parsed = crate::json::parse(text).expect("json");
        let mut diags = Diagnostics::new();
        let mut cx = Cx {
            file: FileId(0),
            diags: &mut diags,
        };
        let s = lower(&mut cx, &parsed.root, "");
        (s, diags)
    }

    const MINIMAL: &str = r#"{
      "name": "Demo", "organization": {"key": "acme"}, "application": {"key": "demo"},
      "namespace": "com.acme.demo.v0", "version": "1.2.3",
      "enums": [{"name": "color", "plural": "colors", "values": [{"name": "red", "value": "RED"}, {"name": "blue"}]}],
      "unions": [{"name": "thing", "plural": "things", "discriminator": "kind",
                  "types": [{"type": "[user]"}, {"type": "color", "discriminator_value": "c", "default": true}]}],
      "models": [{"name": "user", "fields": [
          {"name": "id", "type": "UUID", "required": true, "deprecation": null},
          {"name": "tags", "type": "map", "required": false, "default": 3, "annotations": ["personal_data"]}],
        "interfaces": ["named"]}],
      "resources": [{"type": "user", "plural": "users", "path": "/users", "operations": [
          {"method": "get", "path": "/users/:id",
           "parameters": [{"name": "id", "type": "uuid", "location": "Path", "required": true}],
           "responses": [{"code": {"integer": {"value": 200}}, "type": "user"},
                         {"code": {"response_code_option": "Default"}, "type": "unit", "headers": null}]},
          {"method": "FETCH", "path": "/users", "parameters": [], "responses": [{"code": 204, "type": "unit"}]}]}]
    }"#;

    #[test]
    fn lowers_a_minimal_service() {
        let (s, diags) = lower_text(MINIMAL);
        assert!(diags.is_empty(), "{diags:?}");
        let s = s.expect("service");
        assert_eq!(s.form, ir::Form::ServiceJson);
        assert!(s.namespace_explicit);
        assert_eq!(
            (s.organization.as_str(), s.application.as_str()),
            ("acme", "demo")
        );
        assert_eq!(s.enums[0].values[0].wire(), "RED");
        assert_eq!(s.enums[0].values[1].wire(), "blue");

        let u = &s.unions[0];
        assert_eq!(u.types[0].discriminator_value, "user");
        assert!(!u.types[0].explicit_discriminator_value);
        assert_eq!(u.types[1].discriminator_value, "c");
        assert!(u.types[1].explicit_discriminator_value);
        assert_eq!(u.default_type().map(|t| t.ty.text.as_str()), Some("color"));

        let m = &s.models[0];
        assert_eq!(m.plural, pluralize("user"));
        assert_eq!(m.fields[0].ty.text, "uuid");
        assert!(m.fields[0].deprecation.is_none());
        assert_eq!(m.fields[1].ty.text, "map[string]");
        assert_eq!(m.fields[1].default.as_deref(), Some("3"));
        assert!(!m.fields[1].required);
        assert!(m.fields[1].has_annotation("personal_data"));
        assert_eq!(m.fields[1].loc.pointer, "/models/0/fields/1");
        assert_eq!(m.interfaces[0].name, "named");

        let r = &s.resources[0];
        assert!(r.explicit_path);
        let get = &r.operations[0];
        assert_eq!(get.method, Some(ir::Method::Get));
        assert_eq!(get.own_path.as_deref(), Some("/:id"));
        assert_eq!(get.parameters[0].location, ir::Location::Path);
        assert!(!get.parameters[0].synthesized);
        assert_eq!(get.responses[0].code, ir::ResponseCode::Code(200));
        assert_eq!(get.responses[1].code, ir::ResponseCode::Default);
        let fetch = &r.operations[1];
        assert_eq!((fetch.method, fetch.method_text.as_str()), (None, "FETCH"));
        assert_eq!(fetch.own_path, None);
        assert_eq!(fetch.responses[0].code, ir::ResponseCode::Code(204));
        assert_eq!(fetch.loc.pointer, "/resources/0/operations/1");
    }

    #[test]
    fn missing_identity_is_e0112() {
        let (s, diags) = lower_text(r#"{"name": "x", "models": [], "organization": {"key": "o"}}"#);
        assert!(s.is_none());
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["E0112", "E0112", "E0112"], "{diags:?}");
    }

    #[test]
    fn unknown_keys_warn_and_bad_shapes_error() {
        let text = r#"{"name": "x", "organization": {"key": "o"}, "application": {"key": "a"},
            "namespace": "n", "version": "1", "colour": 1,
            "models": [{"name": "m", "fields": [{"name": "f", "type": "[bad"}]}],
            "resources": [{"type": "m", "operations": [{"method": "GET", "path": "/m",
               "parameters": [{"name": "p", "type": "string", "location": "body"}],
               "responses": [{"code": {"integer": {}}, "type": "unit"}]}]}]}"#;
        let (s, diags) = lower_text(text);
        let s = s.expect("service still lowers");
        let codes: Vec<_> = diags
            .iter()
            .map(|d| (d.code.id, d.loc.as_ref().map(|l| l.pointer.clone())))
            .collect();
        assert_eq!(
            codes,
            [
                ("W0101", Some("/colour".to_string())),
                ("E0110", Some("/models/0/fields/0/type".to_string())),
                (
                    "E0113",
                    Some("/resources/0/operations/0/parameters/0/location".to_string())
                ),
                (
                    "E0114",
                    Some("/resources/0/operations/0/responses/0/code".to_string())
                ),
            ]
        );
        assert!(s.models[0].fields.is_empty());
        // Without a path key the resource path defaults to /plural and is not explicit.
        assert!(!s.resources[0].explicit_path);
        assert_eq!(s.resources[0].path, format!("/{}", pluralize("m")));
    }

    #[test]
    fn legacy_shapes_are_read() {
        let text = r#"{"name": "x", "organization": {"key": "o"}, "application": {"key": "a"},
            "namespace": "n", "version": "1",
            "resources": [{"model": {"name": "health", "plural": "healths", "fields": []},
               "operations": [{"method": "GET", "path": "/_internal_/health", "parameters": [],
                 "responses": [{"code": {"response_code": {"value": 200}}, "type": "health"}]}]}]}"#;
        let (s, diags) = lower_text(text);
        assert!(diags.is_empty(), "{diags:?}");
        let r = &s.expect("service").resources[0];
        assert_eq!(
            (r.ty.text.as_str(), r.plural.as_str()),
            ("health", "healths")
        );
        assert_eq!(
            r.operations[0].responses[0].code,
            ir::ResponseCode::Code(200)
        );
    }

    #[test]
    fn imports_carry_provided_names() {
        let text = r#"{"name": "x", "organization": {"key": "o"}, "application": {"key": "a"},
            "namespace": "n", "version": "1",
            "imports": [{"uri": "https://app.apibuilder.io/o/common/latest/service.json",
              "namespace": "io.o.common.v0", "organization": {"key": "o"}, "application": {"key": "common"},
              "version": "0.1.0", "enums": ["currency"], "unions": [], "models": ["money"],
              "annotations": [{"name": "personal_data", "description": "PII"}]}]}"#;
        let (s, diags) = lower_text(text);
        assert!(diags.is_empty(), "{diags:?}");
        let i = &s.expect("service").imports[0];
        assert_eq!(i.namespace.as_deref(), Some("io.o.common.v0"));
        assert_eq!(i.application.as_deref(), Some("common"));
        let provided = i.provided.as_ref().expect("provided");
        assert_eq!(provided.models, ["money"]);
        assert!(provided.interfaces.is_empty());
        assert_eq!(i.annotations[0].name, "personal_data");
    }

    #[test]
    fn singleton_names() {
        assert_eq!(singleton_name("[user]"), "user");
        assert_eq!(singleton_name("map[[a.b.c]]"), "a.b.c");
        assert_eq!(singleton_name("string"), "string");
    }
}
