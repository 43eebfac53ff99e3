//! Lowering of the authoring form (api.json, §1 of the reference) into the IR.
//!
//! Follows API Builder's `ServiceBuilder`: inline type definitions are hoisted after the declared
//! types, union-type `fields` create models, templates are expanded, plurals and paths are filled in,
//! path parameters are synthesized and placed first, default parameter locations and the default
//! `204 unit` response are applied. Names stay unresolved ([`ir::TypeRef::Named`]) until
//! [`crate::resolve`].

use super::{parse_type, ptr, ptr_index, Cx, Obj};
use crate::ir::{self, Location, Method, Primitive, TypeRef};
use crate::json::{Member, Node, Value};
use crate::lower::{E0102, E0103, E0104, E0107, E0108, E0109, E0110, E0111, E0113, E0114};
use crate::names;
use crate::source::Loc;

const TOP_KEYS: &[&str] = &[
    "name",
    "info",
    "namespace",
    "base_url",
    "description",
    "imports",
    "headers",
    "enums",
    "interfaces",
    "unions",
    "models",
    "resources",
    "annotations",
    "attributes",
    "templates",
    "$schema",
    "apidoc",
];

/// Version used when a spec does not say (api.json carries no version: API Builder takes it from
/// the upload). The default namespace therefore ends in `.v0`.
pub const DEFAULT_VERSION: &str = "0.0.0";

pub fn lower(cx: &mut Cx, root: &Node) -> Option<ir::Service> {
    let obj = cx.obj(root, "", "", "spec")?;
    if is_legacy(&obj) {
        let loc = cx.key_loc(&obj, "resources");
        cx.error_help(
            &E0109,
            loc,
            "this is the 2014 apidoc format: resources carry fields and there is no `models` section",
            "move each resource's `fields` into a model under `models`, and keep `resources` for operations",
        );
        return None;
    }
    cx.check_keys(&obj, TOP_KEYS);
    let mut l = Lowerer {
        cx,
        inline_enums: Vec::new(),
        inline_models: Vec::new(),
        inline_unions: Vec::new(),
        inline_interfaces: Vec::new(),
    };
    l.service(&obj, root)
}

/// The 2014 format: no `models`, resources with `fields`.
fn is_legacy(obj: &Obj) -> bool {
    if obj.get("models").is_some() {
        return false;
    }
    obj.get("resources")
        .and_then(Node::as_object)
        .is_some_and(|rs| {
            rs.iter()
                .any(|r| r.value.get("fields").is_some() || r.value.as_array().is_some())
        })
}

struct Lowerer<'c, 'd> {
    cx: &'c mut Cx<'d>,
    inline_enums: Vec<ir::Enum>,
    inline_models: Vec<ir::Model>,
    inline_unions: Vec<ir::Union>,
    inline_interfaces: Vec<ir::Interface>,
}

/// A model or resource template (`templates.models.x`, `templates.resources.x`).
struct Templates<'n> {
    models: Vec<(&'n Member, String)>,
    resources: Vec<(&'n Member, String)>,
}

impl<'c, 'd> Lowerer<'c, 'd> {
    fn service(&mut self, obj: &Obj, root: &Node) -> Option<ir::Service> {
        let name = self.cx.req_string(obj, "name");
        let namespace_given = self.cx.opt_strict_string(obj, "namespace");
        let base_url = self.cx.opt_strict_string(obj, "base_url");
        let description = self.cx.opt_strict_string(obj, "description");
        let info = self.info(obj);
        let _ = self.cx.opt_strict_string(obj, "$schema");
        let application = names::url_key(name.as_deref().unwrap_or(""));
        let version = DEFAULT_VERSION.to_string();
        let namespace_explicit = namespace_given.is_some();
        let namespace =
            namespace_given.unwrap_or_else(|| names::default_namespace("", &application, &version));

        let templates = self.templates(obj);
        let imports = self.imports(obj);
        let headers = self.headers(obj, "headers", "");
        let annotations = self.annotations(obj);
        let attributes = self.cx.attributes(
            &Obj {
                prefix: "Service",
                ..*obj
            },
            false,
        );

        let mut enums = Vec::new();
        if let Some(members) = self.cx.opt_object(obj, "enums") {
            let base = ptr(obj.ptr, "enums");
            for m in members {
                if let Some(e) = self.enum_(m, &base) {
                    enums.push(e);
                }
            }
        }
        let mut interfaces = Vec::new();
        if let Some(members) = self.cx.opt_object(obj, "interfaces") {
            let base = ptr(obj.ptr, "interfaces");
            for m in members {
                if let Some(i) = self.interface(&m.key, &m.value, &ptr(&base, &m.key)) {
                    interfaces.push(i);
                }
            }
        }
        let mut unions = Vec::new();
        let mut sugar_models: Vec<ir::Model> = Vec::new();
        if let Some(members) = self.cx.opt_object(obj, "unions") {
            let base = ptr(obj.ptr, "unions");
            for m in members {
                if let Some(u) =
                    self.union(&m.key, &m.value, &ptr(&base, &m.key), &mut sugar_models)
                {
                    unions.push(u);
                }
            }
        }
        let mut models = Vec::new();
        if let Some(members) = self.cx.opt_object(obj, "models") {
            let base = ptr(obj.ptr, "models");
            for m in members {
                if let Some(model) = self.model(&m.key, &m.value, &ptr(&base, &m.key), &templates) {
                    models.push(model);
                }
            }
        }
        // Template models become interfaces (fields every user shares), as API Builder does.
        for (tm, tptr) in &templates.models {
            if let Some(iface) = self.template_interface(tm, tptr, &models) {
                interfaces.push(iface);
            }
        }

        enums.append(&mut self.inline_enums);
        interfaces.append(&mut self.inline_interfaces);
        unions.append(&mut self.inline_unions);
        models.append(&mut self.inline_models);
        for m in sugar_models {
            if !models.iter().any(|x| x.name == m.name) {
                models.push(m);
            }
        }

        let mut service = ir::Service {
            file: self.cx.file,
            form: ir::Form::ApiJson,
            loc: self.cx.node_loc(root, ""),
            name: name.clone().unwrap_or_default(),
            organization: String::new(),
            application,
            namespace,
            namespace_explicit,
            version,
            base_url,
            description,
            info,
            headers,
            imports,
            enums,
            interfaces,
            unions,
            models,
            resources: Vec::new(),
            annotations,
            attributes,
        };
        // Resources last: their plurals and path parameters read the types above.
        if let Some(members) = self.cx.opt_object(obj, "resources") {
            let base = ptr(obj.ptr, "resources");
            let mut resources = Vec::new();
            for m in members {
                if let Some(r) = self.resource(m, &base, &service, &templates) {
                    resources.push(r);
                }
            }
            // Inline types declared inside operations.
            service.enums.append(&mut self.inline_enums);
            service.interfaces.append(&mut self.inline_interfaces);
            service.unions.append(&mut self.inline_unions);
            service.models.append(&mut self.inline_models);
            service.resources = resources;
        }
        name.map(|_| service)
    }

    fn info(&mut self, obj: &Obj) -> ir::Info {
        let mut info = ir::Info::default();
        let Some(node) = obj.get("info") else {
            return info;
        };
        let p = ptr(obj.ptr, "info");
        let Some(o) = self.cx.obj(node, &p, "Info", "info") else {
            return info;
        };
        self.cx
            .check_keys(&o, &["contact", "license", "description"]);
        if let Some(c) = o.get("contact") {
            let cp = ptr(&p, "contact");
            if let Some(co) = self.cx.obj(c, &cp, "Contact", "contact") {
                self.cx.check_keys(&co, &["name", "url", "email"]);
                let contact = ir::Contact {
                    name: self.cx.opt_string(&co, "name"),
                    url: self.cx.opt_string(&co, "url"),
                    email: self.cx.opt_string(&co, "email"),
                };
                if contact != ir::Contact::default() {
                    info.contact = Some(contact);
                }
            }
        }
        if let Some(l) = o.get("license") {
            let lp = ptr(&p, "license");
            if let Some(lo) = self.cx.obj(l, &lp, "License", "license") {
                self.cx.check_keys(&lo, &["name", "url"]);
                match self.cx.opt_string(&lo, "name") {
                    Some(name) => {
                        info.license = Some(ir::License {
                            name,
                            url: self.cx.opt_string(&lo, "url"),
                        })
                    }
                    None => {
                        let loc = self.cx.node_loc(l, &lp);
                        self.cx.error(&E0102, loc, "License must have a name");
                    }
                }
            }
        }
        info
    }

    fn imports(&mut self, obj: &Obj) -> Vec<ir::Import> {
        let mut out = Vec::new();
        let Some(items) = self.cx.opt_array(obj, "imports") else {
            return out;
        };
        let base = ptr(obj.ptr, "imports");
        for (i, item) in items.iter().enumerate() {
            let p = ptr_index(&base, i);
            let Some(o) = self.cx.obj(item, &p, "Import", "import") else {
                continue;
            };
            self.cx.check_keys(&o, &["uri"]);
            let Some(uri) = self.cx.req_string(&o, "uri") else {
                continue;
            };
            let loc = self.cx.key_loc(&o, "uri");
            let (organization, application, version) = parse_import_uri(&uri);
            out.push(ir::Import {
                uri,
                namespace: None,
                organization,
                application,
                version,
                provided: None,
                annotations: Vec::new(),
                target: None,
                loc,
            });
        }
        out
    }

    fn headers(&mut self, obj: &Obj, key: &str, owner: &str) -> Vec<ir::Header> {
        let mut out = Vec::new();
        let Some(items) = self.cx.opt_array(obj, key) else {
            return out;
        };
        let base = ptr(obj.ptr, key);
        for (i, item) in items.iter().enumerate() {
            let p = ptr_index(&base, i);
            let hname = item.str_member("name").to_string();
            let prefix = format!("{owner}Header[{hname}]");
            let Some(o) = self.cx.obj(item, &p, &prefix, "header") else {
                continue;
            };
            self.cx.check_keys(
                &o,
                &[
                    "name",
                    "type",
                    "required",
                    "default",
                    "description",
                    "attributes",
                    "deprecation",
                ],
            );
            let name = self.cx.req_string(&o, "name");
            let ty = self.type_of(&o, "type");
            let (Some(name), Some(ty)) = (name, ty) else {
                continue;
            };
            out.push(ir::Header {
                name,
                ty,
                required: self.cx.opt_bool(&o, "required").unwrap_or(true),
                default: self.cx.opt_string(&o, "default"),
                description: self.cx.opt_string(&o, "description"),
                deprecation: self.cx.deprecation(&o, "deprecation"),
                attributes: self.cx.attributes(&o, false),
                loc: self.cx.node_loc(item, &p),
            });
        }
        out
    }

    fn annotations(&mut self, obj: &Obj) -> Vec<ir::Annotation> {
        let mut out = Vec::new();
        let Some(members) = self.cx.opt_object(obj, "annotations") else {
            return out;
        };
        let base = ptr(obj.ptr, "annotations");
        for m in members {
            let p = ptr(&base, &m.key);
            let prefix = format!("Annotation[{}]", m.key);
            if m.key.trim().is_empty() {
                let loc = self.cx.loc(m.key_span, &p);
                self.cx.error(&E0104, loc, "Annotations must have a name");
                continue;
            }
            let Some(o) = self.cx.obj(&m.value, &p, &prefix, "annotation") else {
                continue;
            };
            self.cx.check_keys(&o, &["description", "deprecation"]);
            out.push(ir::Annotation {
                name: m.key.trim().to_string(),
                description: self.cx.opt_string(&o, "description"),
                deprecation: self.cx.deprecation(&o, "deprecation"),
                loc: self.cx.loc(m.key_span, p.clone()),
            });
        }
        out
    }

    fn enum_(&mut self, m: &Member, base: &str) -> Option<ir::Enum> {
        let p = ptr(base, &m.key);
        self.enum_def(&m.key, &m.value, &p, self.cx.loc(m.key_span, p.clone()))
    }

    fn enum_def(&mut self, name: &str, node: &Node, p: &str, loc: Loc) -> Option<ir::Enum> {
        let prefix = format!("Enum[{name}]");
        let o = self.cx.obj(node, p, &prefix, "enum")?;
        self.cx.check_keys(
            &o,
            &[
                "name",
                "plural",
                "description",
                "values",
                "attributes",
                "deprecation",
            ],
        );
        let mut values = Vec::new();
        if let Some(items) = self.cx.req_array(&o, "values") {
            let vbase = ptr(p, "values");
            for (i, item) in items.iter().enumerate() {
                let vp = ptr_index(&vbase, i);
                let vname = item.str_member("name");
                let vprefix = format!(
                    "{prefix} value[{}]",
                    if vname.is_empty() {
                        i.to_string()
                    } else {
                        vname.to_string()
                    }
                );
                let Some(vo) = self.cx.obj(item, &vp, &vprefix, "enum value") else {
                    continue;
                };
                self.cx.check_keys(
                    &vo,
                    &["name", "value", "description", "attributes", "deprecation"],
                );
                let Some(vname) = self.cx.req_string(&vo, "name") else {
                    continue;
                };
                values.push(ir::EnumValue {
                    name: vname,
                    value: self.cx.opt_string(&vo, "value"),
                    description: self.cx.opt_string(&vo, "description"),
                    deprecation: self.cx.deprecation(&vo, "deprecation"),
                    attributes: self.cx.attributes(&vo, false),
                    loc: self.cx.node_loc(item, &vp),
                });
            }
        }
        Some(ir::Enum {
            name: name.trim().to_string(),
            plural: self
                .cx
                .opt_string(&o, "plural")
                .unwrap_or_else(|| names::pluralize(name.trim())),
            description: self.cx.opt_string(&o, "description"),
            deprecation: self.cx.deprecation(&o, "deprecation"),
            values,
            attributes: self.cx.attributes(&o, false),
            loc,
        })
    }

    fn interface(&mut self, name: &str, node: &Node, p: &str) -> Option<ir::Interface> {
        let prefix = format!("Interface[{name}]");
        let o = self.cx.obj(node, p, &prefix, "interface")?;
        self.cx.check_keys(
            &o,
            &[
                "plural",
                "description",
                "fields",
                "attributes",
                "deprecation",
            ],
        );
        Some(ir::Interface {
            name: name.trim().to_string(),
            plural: self
                .cx
                .opt_string(&o, "plural")
                .unwrap_or_else(|| names::pluralize(name.trim())),
            description: self.cx.opt_string(&o, "description"),
            deprecation: self.cx.deprecation(&o, "deprecation"),
            fields: self.fields(&o, "Interface", name),
            attributes: self.cx.attributes(&o, false),
            loc: self.cx.node_loc(node, p),
        })
    }

    fn union(
        &mut self,
        name: &str,
        node: &Node,
        p: &str,
        sugar: &mut Vec<ir::Model>,
    ) -> Option<ir::Union> {
        let prefix = format!("Union[{name}]");
        let o = self.cx.obj(node, p, &prefix, "union")?;
        self.cx.check_keys(
            &o,
            &[
                "plural",
                "discriminator",
                "description",
                "types",
                "attributes",
                "interfaces",
                "deprecation",
            ],
        );
        let mut types = Vec::new();
        if let Some(items) = self.cx.req_array(&o, "types") {
            let tbase = ptr(p, "types");
            for (i, item) in items.iter().enumerate() {
                let tp = ptr_index(&tbase, i);
                let tname = item.str_member("type").to_string();
                let tprefix = format!("{prefix} type[{tname}]");
                let Some(to) = self.cx.obj(item, &tp, &tprefix, "union type") else {
                    continue;
                };
                self.cx.check_keys(
                    &to,
                    &[
                        "type",
                        "description",
                        "default",
                        "discriminator_value",
                        "fields",
                        "attributes",
                        "deprecation",
                    ],
                );
                let Some(ty) = self.type_of(&to, "type") else {
                    continue;
                };
                let inner = inner_name(&ty.text);
                if to.get("fields").is_some() {
                    if ty.r.is_collection() {
                        let kind = if matches!(ty.r, TypeRef::List(_)) {
                            "list"
                        } else {
                            "map"
                        };
                        let loc = self.cx.key_loc(&to, "fields");
                        self.cx.error(
                            &E0103,
                            loc,
                            format!("{tprefix} fields cannot be specified for {kind} types"),
                        );
                    } else if matches!(ty.r, TypeRef::Primitive(_)) {
                        let loc = self.cx.key_loc(&to, "fields");
                        self.cx.error(
                            &E0103,
                            loc,
                            format!("{tprefix} fields cannot be specified for primitive types"),
                        );
                    } else {
                        let fields = self.fields(&to, "Model", &inner);
                        if !sugar.iter().any(|m| m.name == inner) {
                            sugar.push(ir::Model {
                                name: inner.clone(),
                                plural: names::pluralize(&inner),
                                description: None,
                                deprecation: None,
                                fields,
                                attributes: Vec::new(),
                                interfaces: Vec::new(),
                                loc: self.cx.node_loc(item, &tp),
                            });
                        }
                    }
                }
                let explicit = self.cx.opt_string(&to, "discriminator_value");
                types.push(ir::UnionType {
                    description: self.cx.opt_string(&to, "description"),
                    deprecation: self.cx.deprecation(&to, "deprecation"),
                    default: self.cx.opt_bool(&to, "default"),
                    explicit_discriminator_value: explicit.is_some(),
                    discriminator_value: explicit.unwrap_or(inner),
                    attributes: self.cx.attributes(&to, false),
                    loc: self.cx.node_loc(item, &tp),
                    ty,
                });
            }
        }
        Some(ir::Union {
            name: name.trim().to_string(),
            plural: self
                .cx
                .opt_string(&o, "plural")
                .unwrap_or_else(|| names::pluralize(name.trim())),
            discriminator: self.cx.opt_string(&o, "discriminator"),
            description: self.cx.opt_string(&o, "description"),
            deprecation: self.cx.deprecation(&o, "deprecation"),
            types,
            attributes: self.cx.attributes(&o, false),
            interfaces: self.named_list(&o, "interfaces"),
            loc: self.cx.node_loc(node, p),
        })
    }

    fn named_list(&mut self, o: &Obj, key: &str) -> Vec<ir::Named> {
        let mut out = Vec::new();
        let Some(items) = self.cx.opt_array(o, key) else {
            return out;
        };
        let base = ptr(o.ptr, key);
        for (i, item) in items.iter().enumerate() {
            let p = ptr_index(&base, i);
            match item.as_str().map(str::trim) {
                Some(s) if !s.is_empty() => out.push(ir::Named {
                    name: s.to_string(),
                    resolved: None,
                    loc: self.cx.node_loc(item, &p),
                }),
                _ => {
                    let loc = self.cx.node_loc(item, &p);
                    self.cx.error(
                        &E0103,
                        loc,
                        format!("{} elements of {key} must be strings", o.prefix),
                    );
                }
            }
        }
        out
    }

    fn model(
        &mut self,
        name: &str,
        node: &Node,
        p: &str,
        templates: &Templates,
    ) -> Option<ir::Model> {
        let prefix = format!("Model[{name}]");
        let o = self.cx.obj(node, p, &prefix, "model")?;
        self.cx.check_keys(
            &o,
            &[
                "description",
                "plural",
                "fields",
                "attributes",
                "interfaces",
                "templates",
                "deprecation",
            ],
        );
        let mut model = ir::Model {
            name: name.trim().to_string(),
            plural: self
                .cx
                .opt_string(&o, "plural")
                .unwrap_or_else(|| names::pluralize(name.trim())),
            description: self.cx.opt_string(&o, "description"),
            deprecation: self.cx.deprecation(&o, "deprecation"),
            fields: self.fields(&o, "Model", name),
            attributes: self.cx.attributes(&o, false),
            interfaces: self.named_list(&o, "interfaces"),
            loc: self.cx.node_loc(node, p),
        };
        for (tname, tloc) in self.template_decls(&o) {
            let Some((tm, tptr)) = templates.models.iter().find(|(m, _)| m.key == tname) else {
                self.cx.error_help(
                    &E0111,
                    tloc,
                    format!("Model[{name}] cannot find template named '{tname}'"),
                    "declare it under `templates.models`",
                );
                continue;
            };
            if let Some(tmodel) = self.model_template(tm, tptr) {
                merge_model(&mut model, tmodel, &tname);
            }
        }
        Some(model)
    }

    /// `templates: [{name, cast?}]` declarations of a model or resource.
    fn template_decls(&mut self, o: &Obj) -> Vec<(String, Loc)> {
        let mut out = Vec::new();
        let Some(items) = self.cx.opt_array(o, "templates") else {
            return out;
        };
        let base = ptr(o.ptr, "templates");
        for (i, item) in items.iter().enumerate() {
            let p = ptr_index(&base, i);
            let Some(to) = self.cx.obj(item, &p, o.prefix, "template declaration") else {
                continue;
            };
            self.cx.check_keys(&to, &["name", "cast"]);
            if let Some(n) = self.cx.req_string(&to, "name") {
                out.push((n, self.cx.node_loc(item, &p)));
            }
        }
        out
    }

    fn templates<'n>(&mut self, obj: &Obj<'n, '_>) -> Templates<'n> {
        let mut t = Templates {
            models: Vec::new(),
            resources: Vec::new(),
        };
        let Some(node) = obj.get("templates") else {
            return t;
        };
        let p = ptr(obj.ptr, "templates");
        let Some(o) = self.cx.obj(node, &p, "Templates", "templates") else {
            return t;
        };
        self.cx.check_keys(&o, &["models", "resources"]);
        if let Some(ms) = self.cx.opt_object(&o, "models") {
            let base = ptr(&p, "models");
            t.models = ms.iter().map(|m| (m, ptr(&base, &m.key))).collect();
        }
        if let Some(rs) = self.cx.opt_object(&o, "resources") {
            let base = ptr(&p, "resources");
            t.resources = rs.iter().map(|m| (m, ptr(&base, &m.key))).collect();
        }
        // A model and a template model may not share a name.
        if let Some(models) = obj.get("models").and_then(Node::as_object) {
            for (tm, tptr) in &t.models {
                if models.iter().any(|m| m.key == tm.key) {
                    let loc = self.cx.loc(tm.key_span, tptr.clone());
                    self.cx.error(
                        &E0111,
                        loc,
                        format!("Name[{}] cannot be used as the name of both a model and a template model", tm.key),
                    );
                }
            }
        }
        t
    }

    fn model_template(&mut self, tm: &Member, tptr: &str) -> Option<ir::Model> {
        let prefix = format!("Template[{}]", tm.key);
        let o = self.cx.obj(&tm.value, tptr, &prefix, "template model")?;
        Some(ir::Model {
            name: tm.key.clone(),
            plural: self
                .cx
                .opt_string(&o, "plural")
                .unwrap_or_else(|| names::pluralize(&tm.key)),
            description: self.cx.opt_string(&o, "description"),
            deprecation: None,
            fields: self.fields(&o, "Model", &tm.key),
            attributes: self.cx.attributes(&o, false),
            interfaces: Vec::new(),
            loc: self.cx.node_loc(&tm.value, tptr),
        })
    }

    /// The interface API Builder generates for a template model: the template's fields that every
    /// model using it has with the same name, type and required; all fields when unused.
    fn template_interface(
        &mut self,
        tm: &Member,
        tptr: &str,
        models: &[ir::Model],
    ) -> Option<ir::Interface> {
        let o = tm.value.as_object()?;
        let template = Obj {
            node: &tm.value,
            members: o,
            ptr: tptr,
            prefix: "",
        };
        let mut scratch = crate::diag::Diagnostics::new();
        let fields = {
            let mut cx = Cx {
                file: self.cx.file,
                diags: &mut scratch,
            };
            let mut l = Lowerer {
                cx: &mut cx,
                inline_enums: Vec::new(),
                inline_models: Vec::new(),
                inline_interfaces: Vec::new(),
                inline_unions: Vec::new(),
            };
            l.fields(&template, "Model", &tm.key)
        };
        let users: Vec<&ir::Model> = models
            .iter()
            .filter(|m| m.interfaces.iter().any(|i| i.name == tm.key))
            .collect();
        let fields = fields
            .into_iter()
            .filter(|f| {
                users.iter().all(|m| {
                    m.fields.iter().any(|mf| {
                        mf.name == f.name
                            && mf.required == f.required
                            && (mf.ty.text == f.ty.text || f.ty.text == tm.key)
                    })
                })
            })
            .collect();
        Some(ir::Interface {
            name: tm.key.clone(),
            plural: names::pluralize(&tm.key),
            description: None,
            deprecation: None,
            fields,
            attributes: Vec::new(),
            loc: self.cx.loc(tm.key_span, tptr.to_string()),
        })
    }

    fn fields(&mut self, o: &Obj, kind: &str, owner: &str) -> Vec<ir::Field> {
        let mut out = Vec::new();
        let Some(items) = self.cx.opt_array(o, "fields") else {
            return out;
        };
        let base = ptr(o.ptr, "fields");
        for (i, item) in items.iter().enumerate() {
            let p = ptr_index(&base, i);
            let fname = item.str_member("name").to_string();
            let prefix = format!("{kind}[{owner}] field[{fname}]");
            let Some(fo) = self.cx.obj(item, &p, &prefix, "field") else {
                continue;
            };
            if fname.is_empty() {
                let loc = self.cx.node_loc(item, &p);
                self.cx.error_help(
                    &E0102,
                    loc,
                    format!("{kind}[{owner}] field[{i}] must have a name"),
                    "add a `name`",
                );
                continue;
            }
            if fo.get("enum").is_some() || fo.get("values").is_some() {
                let key = if fo.get("enum").is_some() {
                    "enum"
                } else {
                    "values"
                };
                let loc = self.cx.key_loc(&fo, key);
                self.cx.error_help(
                    &E0107,
                    loc,
                    format!("{prefix} Enumerations are now first class objects and must be defined in an explicit enum section"),
                    "declare the enum under `enums` and use its name as the field's `type`",
                );
                continue;
            }
            self.cx.check_keys(
                &fo,
                &[
                    "name",
                    "type",
                    "description",
                    "required",
                    "default",
                    "example",
                    "minimum",
                    "maximum",
                    "attributes",
                    "annotations",
                    "deprecation",
                ],
            );
            let Some(ty) = self.type_of(&fo, "type") else {
                continue;
            };
            out.push(ir::Field {
                name: fname,
                ty,
                description: self.cx.opt_string(&fo, "description"),
                deprecation: self.cx.deprecation(&fo, "deprecation"),
                default: self.cx.opt_string(&fo, "default"),
                required: self.cx.opt_bool(&fo, "required").unwrap_or(true),
                minimum: self.cx.opt_long(&fo, "minimum"),
                maximum: self.cx.opt_long(&fo, "maximum"),
                example: self.cx.opt_string(&fo, "example"),
                attributes: self.cx.attributes(&fo, false),
                annotations: self.annotation_refs(&fo),
                loc: self.cx.node_loc(item, &p),
            });
        }
        out
    }

    /// `annotations: ["personal_data"]` (a single string is accepted too).
    fn annotation_refs(&mut self, o: &Obj) -> Vec<ir::AnnotationRef> {
        let Some(node) = o.get("annotations") else {
            return Vec::new();
        };
        let p = ptr(o.ptr, "annotations");
        match &node.value {
            Value::String(s) if !s.trim().is_empty() => vec![ir::AnnotationRef {
                name: s.trim().to_string(),
                loc: self.cx.node_loc(node, &p),
            }],
            Value::Array(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| match item.as_str().map(str::trim) {
                    Some(s) if !s.is_empty() => Some(ir::AnnotationRef {
                        name: s.to_string(),
                        loc: self.cx.node_loc(item, &ptr_index(&p, i)),
                    }),
                    _ => {
                        let loc = self.cx.node_loc(item, &ptr_index(&p, i));
                        self.cx.error(
                            &E0103,
                            loc,
                            format!("{} elements of annotations must be strings", o.prefix),
                        );
                        None
                    }
                })
                .collect(),
            Value::Null => Vec::new(),
            _ => {
                let loc = self.cx.node_loc(node, &p);
                self.cx.error(
                    &E0103,
                    loc,
                    format!("{} annotations, if present, must be an array", o.prefix),
                );
                Vec::new()
            }
        }
    }

    /// Reads `key` (a `type`): a type string, or an inline definition object.
    fn type_of(&mut self, o: &Obj, key: &str) -> Option<ir::Type> {
        let p = ptr(o.ptr, key);
        let node = match o.get(key) {
            None
            | Some(Node {
                value: Value::Null, ..
            }) => {
                let loc = self.cx.node_loc(o.node, o.ptr);
                self.cx.error_help(
                    &E0102,
                    loc,
                    format!("{} Missing {key}", o.prefix).trim().to_string(),
                    format!("add a `{key}`"),
                );
                return None;
            }
            Some(n) => n,
        };
        let loc = self.cx.node_loc(node, &p);
        match &node.value {
            Value::String(s) => match parse_type(s) {
                Ok((text, r)) => Some(ir::Type { text, r, loc }),
                Err(msg) => {
                    let code = if s.trim().is_empty() { &E0104 } else { &E0110 };
                    self.cx
                        .error(code, loc, format!("{} {msg}", o.prefix).trim().to_string());
                    None
                }
            },
            Value::Object(_) => self.inline_type(node, &p, o.prefix),
            _ => {
                self.cx.error(
                    &E0108,
                    loc,
                    format!("{} {key} must be a string or an object", o.prefix)
                        .trim()
                        .to_string(),
                );
                None
            }
        }
    }

    /// An inline type definition: `{"model": "[x]", "fields": […]}` and the like (§1.6).
    fn inline_type(&mut self, node: &Node, p: &str, prefix: &str) -> Option<ir::Type> {
        let loc = self.cx.node_loc(node, p);
        let marker = ["enum", "interface", "model", "union"]
            .into_iter()
            .find(|k| node.get(k).is_some());
        let Some(marker) = marker else {
            self.cx.error_help(
                &E0108,
                loc,
                format!("{prefix} type must specify field 'enum', 'model' or 'union'")
                    .trim()
                    .to_string(),
                "an inline type names the new type: {\"model\": \"my_model\", \"fields\": [...]}",
            );
            return None;
        };
        let label = node
            .get(marker)
            .and_then(Node::as_str)
            .map(str::trim)
            .unwrap_or("");
        let Ok((text, r)) = parse_type(label) else {
            self.cx.error(
                &E0108,
                loc,
                format!(
                    "{prefix} inline {marker} name must be a type name, `[name]` or `map[name]`"
                )
                .trim()
                .to_string(),
            );
            return None;
        };
        let name = inner_name(&text);
        // The definition is the object without its marker key.
        let members: Vec<Member> = node
            .as_object()
            .unwrap_or_default()
            .iter()
            .filter(|m| m.key != marker)
            .cloned()
            .collect();
        let def = Node {
            span: node.span,
            value: Value::Object(members),
        };
        match marker {
            "enum" => {
                if let Some(e) = self.enum_def(&name, &def, p, loc.clone()) {
                    self.inline_enums.push(e);
                }
            }
            "interface" => {
                if let Some(i) = self.interface(&name, &def, p) {
                    self.inline_interfaces.push(i);
                }
            }
            "model" => {
                let empty = Templates {
                    models: Vec::new(),
                    resources: Vec::new(),
                };
                if let Some(m) = self.model(&name, &def, p, &empty) {
                    self.inline_models.push(m);
                }
            }
            _ => {
                let mut sugar = Vec::new();
                if let Some(u) = self.union(&name, &def, p, &mut sugar) {
                    self.inline_unions.push(u);
                }
                self.inline_models.extend(sugar);
            }
        }
        // Resolution turns the name into an id; inline types are plain local names.
        let _ = r;
        let (text, r) = parse_type(&text).ok()?;
        Some(ir::Type { text, r, loc })
    }

    fn resource(
        &mut self,
        m: &Member,
        base: &str,
        service: &ir::Service,
        templates: &Templates,
    ) -> Option<ir::Resource> {
        let p = ptr(base, &m.key);
        let type_name = m.key.trim();
        let prefix = format!("Resource[{type_name}]");
        let o = self.cx.obj(&m.value, &p, &prefix, "resource")?;
        self.cx.check_keys(
            &o,
            &[
                "path",
                "description",
                "operations",
                "attributes",
                "templates",
                "deprecation",
            ],
        );
        let key_loc = self.cx.loc(m.key_span, p.clone());
        let (text, r) = match parse_type(type_name) {
            Ok(t) => t,
            Err(msg) => {
                self.cx.error(&E0110, key_loc, format!("{prefix} {msg}"));
                return None;
            }
        };
        let plural = resource_plural(service, type_name);
        let explicit_path = o.get("path").is_some();
        let path = match o.get("path") {
            Some(Node {
                value: Value::String(s),
                ..
            }) => s.trim().to_string(),
            Some(_) => self.cx.opt_strict_string(&o, "path").unwrap_or_default(),
            None => format!("/{plural}"),
        };
        let mut ops_nodes: Vec<(Node, String)> = Vec::new();
        match o.get("operations") {
            None => {}
            Some(v) => match v.as_array() {
                Some(items) => {
                    let obase = ptr(&p, "operations");
                    ops_nodes.extend(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, n)| (n.clone(), ptr_index(&obase, i))),
                    );
                }
                None => {
                    let loc = self.cx.node_loc(v, &ptr(&p, "operations"));
                    self.cx
                        .error(&E0103, loc, format!("{prefix} operations must be an array"));
                }
            },
        }
        // Resource templates: operations merged by method + path (the declaring resource wins).
        for (tname, tloc) in self.template_decls(&o) {
            let found = templates
                .resources
                .iter()
                .find(|(t, _)| t.key.eq_ignore_ascii_case(&tname));
            let Some((t, tptr)) = found else {
                self.cx.error(
                    &E0111,
                    tloc,
                    format!("Cannot find template named '{tname}'"),
                );
                continue;
            };
            if let Some(items) = t.value.get("operations").and_then(Node::as_array) {
                for (i, op) in items.iter().enumerate() {
                    let key = op_key(op);
                    if !ops_nodes.iter().any(|(n, _)| op_key(n) == key) {
                        let cast = cast_types(op, &t.key, type_name);
                        ops_nodes.push((cast, ptr_index(&ptr(tptr, "operations"), i)));
                    }
                }
            }
        }
        let mut operations = Vec::new();
        for (node, op_ptr) in &ops_nodes {
            if let Some(op) = self.operation(node, op_ptr, type_name, &path, service) {
                operations.push(op);
            }
        }
        Some(ir::Resource {
            ty: ir::Type {
                text,
                r,
                loc: key_loc.clone(),
            },
            plural,
            path,
            explicit_path,
            description: self.cx.opt_string(&o, "description"),
            deprecation: self.cx.deprecation(&o, "deprecation"),
            operations,
            attributes: self.cx.attributes(&o, false),
            loc: key_loc,
        })
    }

    fn operation(
        &mut self,
        node: &Node,
        p: &str,
        type_name: &str,
        resource_path: &str,
        service: &ir::Service,
    ) -> Option<ir::Operation> {
        let method_text = node
            .get("method")
            .and_then(Node::as_str)
            .unwrap_or("")
            .trim()
            .to_uppercase();
        let own_path = node
            .get("path")
            .and_then(Node::as_str)
            .map(|s| s.trim().to_string());
        let full_path = join_path(resource_path, own_path.as_deref().unwrap_or(""));
        let label =
            format!("Resource[{type_name}] {} {}", method_text, full_path).replace("  ", " ");
        let o = self.cx.obj(node, p, &label, "operation")?;
        self.cx.check_keys(
            &o,
            &[
                "method",
                "path",
                "description",
                "body",
                "parameters",
                "responses",
                "attributes",
                "deprecation",
            ],
        );
        let method_text = self
            .cx
            .req_string(&o, "method")
            .map(|m| m.to_uppercase())
            .unwrap_or_default();
        let method = Method::parse(&method_text);
        if o.get("path").is_some() {
            let _ = self.cx.opt_strict_string(&o, "path");
        }
        let body = match o.get("body") {
            None
            | Some(Node {
                value: Value::Null, ..
            }) => None,
            Some(b) => {
                let bp = ptr(p, "body");
                let bprefix = format!("{label} Body");
                match self.cx.obj(b, &bp, &bprefix, "body") {
                    None => None,
                    Some(bo) => {
                        self.cx
                            .check_keys(&bo, &["type", "description", "attributes", "deprecation"]);
                        self.type_of(&bo, "type").map(|ty| ir::Body {
                            ty,
                            description: self.cx.opt_string(&bo, "description"),
                            deprecation: self.cx.deprecation(&bo, "deprecation"),
                            attributes: self.cx.attributes(&bo, false),
                            loc: self.cx.node_loc(b, &bp),
                        })
                    }
                }
            }
        };
        let default_location = if body.is_some() {
            Location::Query
        } else {
            match method {
                Some(Method::Get | Method::Delete) => Location::Query,
                _ => Location::Form,
            }
        };
        let declared = self.parameters(&o, &label, default_location);
        let parameters = path_parameters(
            &full_path,
            declared,
            type_name,
            service,
            self.cx.node_loc(node, p),
        );
        let responses = self.responses(&o, &label);
        Some(ir::Operation {
            method,
            method_text,
            path: full_path,
            own_path,
            description: self.cx.opt_string(&o, "description"),
            deprecation: self.cx.deprecation(&o, "deprecation"),
            body,
            parameters,
            responses,
            attributes: self.cx.attributes(&o, false),
            loc: self.cx.node_loc(node, p),
        })
    }

    fn parameters(
        &mut self,
        o: &Obj,
        label: &str,
        default_location: Location,
    ) -> Vec<ir::Parameter> {
        let mut out = Vec::new();
        let Some(items) = self.cx.opt_array(o, "parameters") else {
            return out;
        };
        let base = ptr(o.ptr, "parameters");
        for (i, item) in items.iter().enumerate() {
            let p = ptr_index(&base, i);
            let pname = item.str_member("name").to_string();
            let prefix = format!("{label} Parameter[{pname}]");
            let Some(po) = self.cx.obj(item, &p, &prefix, "parameter") else {
                continue;
            };
            self.cx.check_keys(
                &po,
                &[
                    "name",
                    "type",
                    "location",
                    "description",
                    "required",
                    "default",
                    "minimum",
                    "maximum",
                    "example",
                    "attributes",
                    "deprecation",
                ],
            );
            // API Builder crashes on a nameless parameter; Charter reports it.
            let name = self.cx.req_string(&po, "name");
            let ty = self.type_of(&po, "type");
            let location = match self.cx.opt_string(&po, "location") {
                None => Some(default_location),
                Some(l) => match Location::parse(&l) {
                    Some(l) => Some(l),
                    None => {
                        let loc = self.cx.key_loc(&po, "location");
                        self.cx.error_help(
                            &E0113,
                            loc,
                            format!("{prefix} location[{l}] is not recognized. Must be one of: path, query, form, header"),
                            "use one of path, query, form, header",
                        );
                        None
                    }
                },
            };
            let (Some(name), Some(ty), Some(location)) = (name, ty, location) else {
                continue;
            };
            out.push(ir::Parameter {
                name,
                ty,
                location,
                required: self.cx.opt_bool(&po, "required").unwrap_or(true),
                default: self.cx.opt_string(&po, "default"),
                minimum: self.cx.opt_long(&po, "minimum"),
                maximum: self.cx.opt_long(&po, "maximum"),
                example: self.cx.opt_string(&po, "example"),
                description: self.cx.opt_string(&po, "description"),
                deprecation: self.cx.deprecation(&po, "deprecation"),
                attributes: self.cx.attributes(&po, false),
                synthesized: false,
                loc: self.cx.node_loc(item, &p),
            });
        }
        out
    }

    fn responses(&mut self, o: &Obj, label: &str) -> Vec<ir::Response> {
        let Some(members) = self.cx.opt_object(o, "responses") else {
            return vec![ir::Response {
                code: ir::ResponseCode::Code(204),
                ty: ir::Type {
                    text: "unit".into(),
                    r: TypeRef::Primitive(Primitive::Unit),
                    loc: self.cx.node_loc(o.node, o.ptr),
                },
                headers: Vec::new(),
                description: None,
                deprecation: None,
                attributes: Vec::new(),
                loc: self.cx.node_loc(o.node, o.ptr),
            }];
        };
        let base = ptr(o.ptr, "responses");
        let mut out = Vec::new();
        for m in members {
            let p = ptr(&base, &m.key);
            let key = m.key.trim();
            let code = if key.eq_ignore_ascii_case("default") {
                ir::ResponseCode::Default
            } else {
                match key.parse::<u16>() {
                    Ok(c) => ir::ResponseCode::Code(c),
                    Err(_) => {
                        let loc = self.cx.loc(m.key_span, &p);
                        self.cx.error_help(
                            &E0114,
                            loc,
                            format!("{label} Response code must be an integer or the keyword 'default' and not[{key}]"),
                            "use an HTTP status code such as 200, or `default`",
                        );
                        continue;
                    }
                }
            };
            let prefix = format!("{label} {key}:");
            if m.value.as_object().is_none() {
                let loc = self.cx.node_loc(&m.value, &p);
                self.cx
                    .error(&E0103, loc, format!("{prefix} value must be an object"));
                continue;
            }
            let Some(ro) = self.cx.obj(&m.value, &p, &prefix, "response") else {
                continue;
            };
            self.cx.check_keys(
                &ro,
                &[
                    "type",
                    "headers",
                    "description",
                    "attributes",
                    "deprecation",
                ],
            );
            let Some(ty) = self.type_of(&ro, "type") else {
                continue;
            };
            let headers = self.headers(&ro, "headers", &format!("{label} response code[{key}] "));
            out.push(ir::Response {
                code,
                ty,
                headers,
                description: self.cx.opt_string(&ro, "description"),
                deprecation: self.cx.deprecation(&ro, "deprecation"),
                attributes: self.cx.attributes(&ro, false),
                loc: self.cx.loc(m.key_span, p.clone()),
            });
        }
        out
    }
}

/// `…/<org>/<app>/<version>/service.json` → (org, app, version).
pub fn parse_import_uri(uri: &str) -> (Option<String>, Option<String>, Option<String>) {
    let trimmed = uri.trim_end_matches('/');
    let parts: Vec<&str> = trimmed.split('/').collect();
    if parts.len() >= 4 && parts[parts.len() - 1].ends_with(".json") {
        let n = parts.len();
        let s = |x: &str| (!x.is_empty()).then(|| x.to_string());
        (s(parts[n - 4]), s(parts[n - 3]), s(parts[n - 2]))
    } else {
        (None, None, None)
    }
}

/// The singleton name inside `[x]` / `map[x]`.
pub fn inner_name(text: &str) -> String {
    let mut t = text;
    loop {
        if let Some(i) = t.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
            t = i;
        } else if let Some(i) = t.strip_prefix("map[").and_then(|x| x.strip_suffix(']')) {
            t = i;
        } else {
            return t.to_string();
        }
    }
}

/// Resource path + operation path. API Builder concatenates raw (`/users` + `:id` = `/users:id`);
/// Charter inserts the missing `/` (validate warns about it). Both empty: `/`.
pub fn join_path(resource: &str, op: &str) -> String {
    let joined = if op.is_empty() {
        resource.to_string()
    } else if resource.is_empty() || op.starts_with('/') || resource.ends_with('/') {
        format!("{resource}{op}")
    } else {
        format!("{resource}/{op}")
    };
    if joined.is_empty() {
        "/".to_string()
    } else {
        joined
    }
}

/// Names of the `:params` of a path, in order (a name ends at the first `.`).
pub fn path_parameter_names(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix(':'))
        .map(|s| s.split('.').next().unwrap_or("").to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn resource_plural(service: &ir::Service, type_name: &str) -> String {
    let local = service
        .enums
        .iter()
        .find(|e| e.name == type_name)
        .map(|e| e.plural.clone())
        .or_else(|| {
            service
                .models
                .iter()
                .find(|m| m.name == type_name)
                .map(|m| m.plural.clone())
        })
        .or_else(|| {
            service
                .unions
                .iter()
                .find(|u| u.name == type_name)
                .map(|u| u.plural.clone())
        });
    local.unwrap_or_else(|| {
        let short = type_name.rsplit('.').next().unwrap_or(type_name);
        names::pluralize(short)
    })
}

/// Declared parameters plus synthesized path parameters, path parameters first (§1.10).
fn path_parameters(
    path: &str,
    declared: Vec<ir::Parameter>,
    type_name: &str,
    service: &ir::Service,
    op_loc: Loc,
) -> Vec<ir::Parameter> {
    let names = path_parameter_names(path);
    let mut declared = declared;
    let mut out = Vec::with_capacity(declared.len() + names.len());
    for n in &names {
        if let Some(i) = declared.iter().position(|p| &p.name == n) {
            let mut p = declared.remove(i);
            p.location = Location::Path;
            out.push(p);
        } else if !out.iter().any(|p: &ir::Parameter| &p.name == n) {
            let (text, r) = synthesized_type(service, type_name, n);
            out.push(ir::Parameter {
                name: n.clone(),
                ty: ir::Type {
                    text,
                    r,
                    loc: op_loc.clone(),
                },
                location: Location::Path,
                required: true,
                default: None,
                minimum: None,
                maximum: None,
                example: None,
                description: None,
                deprecation: None,
                attributes: Vec::new(),
                synthesized: true,
                loc: op_loc.clone(),
            });
        }
    }
    out.extend(declared);
    out
}

/// Type of a synthesized path parameter: the resource model's field of that name; for a union
/// resource the type common to all members; else `string`.
fn synthesized_type(service: &ir::Service, type_name: &str, param: &str) -> (String, TypeRef) {
    let string = || ("string".to_string(), TypeRef::Primitive(Primitive::String));
    let field_type = |model: &str| -> Option<(String, TypeRef)> {
        let m = service.models.iter().find(|m| m.name == model)?;
        let f = m.fields.iter().find(|f| f.name == param)?;
        Some((f.ty.text.clone(), f.ty.r.clone()))
    };
    if let Some(t) = field_type(type_name) {
        return t;
    }
    if let Some(u) = service.unions.iter().find(|u| u.name == type_name) {
        let mut common: Option<(String, TypeRef)> = None;
        for t in &u.types {
            let this = match &t.ty.r {
                TypeRef::Primitive(_) => (t.ty.text.clone(), t.ty.r.clone()),
                _ => field_type(&t.ty.text).unwrap_or_else(string),
            };
            match &common {
                None => common = Some(this),
                Some(c) if c.0 == this.0 => {}
                Some(_) => return string(),
            }
        }
        return common.unwrap_or_else(string);
    }
    string()
}

fn op_key(op: &Node) -> String {
    let m = op.get("method").and_then(Node::as_str).unwrap_or("");
    let p = op.get("path").and_then(Node::as_str).unwrap_or("");
    format!("{m}:{p}").to_lowercase()
}

/// Renames the template's own name to the using resource's type in every `type` inside `node`.
fn cast_types(node: &Node, from: &str, to: &str) -> Node {
    let value = match &node.value {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|m| {
                    let value = match (&m.key[..], &m.value.value) {
                        ("type", Value::String(s)) => Node {
                            span: m.value.span,
                            value: Value::String(cast_type_text(s, from, to)),
                        },
                        _ => cast_types(&m.value, from, to),
                    };
                    Member {
                        key: m.key.clone(),
                        key_span: m.key_span,
                        value,
                    }
                })
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|n| cast_types(n, from, to)).collect())
        }
        v => v.clone(),
    };
    Node {
        span: node.span,
        value,
    }
}

fn cast_type_text(text: &str, from: &str, to: &str) -> String {
    let inner = inner_name(text.trim());
    if inner == from {
        text.replacen(from, to, 1)
    } else {
        text.to_string()
    }
}

/// Merges a template model into a model: the model's own values win; template-only fields are
/// appended (with the template's name cast to the model's); the template becomes an interface.
fn merge_model(model: &mut ir::Model, template: ir::Model, template_name: &str) {
    if model.description.is_none() {
        model.description = template.description;
    }
    for mut f in template.fields {
        if !model.fields.iter().any(|mf| mf.name == f.name) {
            if inner_name(&f.ty.text) == template_name {
                f.ty.text = cast_type_text(&f.ty.text, template_name, &model.name);
                if let Ok((_, r)) = parse_type(&f.ty.text) {
                    f.ty.r = r;
                }
            }
            model.fields.push(f);
        }
    }
    for a in template.attributes {
        if !model.attributes.iter().any(|x| x.name == a.name) {
            model.attributes.push(a);
        }
    }
    if !model.interfaces.iter().any(|i| i.name == template_name) {
        model.interfaces.push(ir::Named {
            name: template_name.to_string(),
            resolved: None,
            loc: model.loc.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_like_api_builder_but_with_a_slash() {
        assert_eq!(join_path("/users", "/:id"), "/users/:id");
        assert_eq!(join_path("/users", ":id"), "/users/:id");
        assert_eq!(join_path("", ""), "/");
        assert_eq!(join_path("", "/x"), "/x");
        assert_eq!(join_path("/users", ""), "/users");
    }

    #[test]
    fn path_parameter_names_stop_at_dot() {
        assert_eq!(path_parameter_names("/users/:id.json/:x"), vec!["id", "x"]);
    }

    #[test]
    fn import_uris() {
        let (o, a, v) =
            parse_import_uri("https://app.apibuilder.io/flow/common/latest/service.json");
        assert_eq!(
            (o.as_deref(), a.as_deref(), v.as_deref()),
            (Some("flow"), Some("common"), Some("latest"))
        );
    }

    #[test]
    fn inner_names() {
        assert_eq!(inner_name("map[[user]]"), "user");
    }
}
