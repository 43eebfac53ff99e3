//! Property: `diff(a, mutate(a))` over random *valid* specs (`support/valid_spec.rs`), through the
//! library API. Each mutation keeps the spec valid (asserted) and states what the catalogue
//! (`compiler/src/diff/rules.rs`) promises for it: the rule, and the wire class computed from the
//! rule's request/response classes and where the changed type is used — by an oracle of this test
//! that walks the spec's JSON, not Charter's direction analysis — and the source class. The report
//! must hold exactly the promised findings; the reverse comparison finds a change too. `diff(a, a)`
//! is empty, and so is the diff of two copies loaded separately.
//!
//! Deterministic (fixed seed); `CHARTER_PROPS_CASES` sets the number of cases (default 48).

#[path = "support/valid_spec.rs"]
mod valid_spec;

use charter::diff::{self, rules, Class, Rule, Side};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use valid_spec::Usage;

/// What a mutation promises.
struct Expect {
    rule: &'static Rule,
    /// A narrower case of the rule that applies.
    case: Option<&'static rules::Case>,
    /// The `main` type whose usage decides the wire class (`None`: the rule's request class,
    /// for elements that are only sent or not directional).
    ty: Option<String>,
    /// How many findings (one per root cause).
    count: usize,
    /// Other findings the mutation causes, each once (classes that do not depend on the
    /// direction).
    also: Vec<&'static Rule>,
}

impl Expect {
    fn one(rule: &'static Rule, ty: Option<&str>) -> Expect {
        Expect {
            rule,
            case: None,
            ty: ty.map(str::to_owned),
            count: 1,
            also: Vec::new(),
        }
    }
}

/// The wire class the catalogue promises for `usage` (unused: the most severe direction).
fn promised(j: &rules::Judgement, u: Usage) -> Class {
    match (u.sent, u.read) {
        (true, true) | (false, false) => j.request.max(j.response),
        (true, false) => j.request,
        (false, true) => j.response,
    }
}

/// Mutates `main` or `common` (the second), choosing among candidates by the case number.
type Mutation = fn(&mut Value, &mut Value, usize) -> Option<Expect>;

/// A type of `common` as `main` names it.
fn imported(kind: &str, name: &str) -> Option<String> {
    Some(format!("{}.{kind}.{name}", valid_spec::COMMON_NS))
}

/// `(model name, fields)` of `main`, in order.
fn models(v: &Value) -> Vec<String> {
    v["models"].as_object().unwrap().keys().cloned().collect()
}

fn enums(v: &Value) -> Vec<String> {
    v["enums"].as_object().unwrap().keys().cloned().collect()
}

/// `pick`th of the candidates, if any.
fn pick<T: Clone>(c: &[T], pick: usize) -> Option<T> {
    (!c.is_empty()).then(|| c[pick % c.len()].clone())
}

/// Every `(model, field index)` of `main` for which `keep` holds.
fn fields(v: &Value, keep: impl Fn(&str, &Value) -> bool) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for m in models(v) {
        for (i, f) in v["models"][&m]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            if keep(&m, f) {
                out.push((m.clone(), i));
            }
        }
    }
    out
}

fn is_prim(t: &str) -> bool {
    valid_spec::PRIMS.contains(&t)
}

/// `(resource key, operation index)` of every operation.
fn operations(v: &Value) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (k, r) in v["resources"].as_object().unwrap() {
        for i in 0..r["operations"].as_array().unwrap().len() {
            out.push((k.clone(), i));
        }
    }
    out
}

const MUTATIONS: &[(&str, Mutation)] = &[
    // Types of the imported service: the class depends on how `main` uses them.
    ("remove a field of an imported model", |_, c, _| {
        c["models"]["address"]["fields"]
            .as_array_mut()
            .unwrap()
            .pop();
        Some(Expect {
            ty: imported("models", "address"),
            ..Expect::one(&rules::FIELD_REMOVED, None)
        })
    }),
    ("add a value to an imported enum", |_, c, _| {
        let values = c["enums"]["kind"]["values"].as_array_mut().unwrap();
        values.push(json!({"name": "added"}));
        Some(Expect {
            ty: imported("enums", "kind"),
            ..Expect::one(&rules::ENUM_VALUE_ADDED, None)
        })
    }),
    ("make an imported field required", |_, c, _| {
        c["models"]["address"]["fields"][1]["required"] = json!(true);
        Some(Expect {
            ty: imported("models", "address"),
            ..Expect::one(&rules::FIELD_OPTIONAL_TO_REQUIRED, None)
        })
    }),
    ("loosen an imported maximum", |_, c, _| {
        c["models"]["address"]["fields"][0]["maximum"] = json!(4);
        Some(Expect {
            ty: imported("models", "address"),
            ..Expect::one(&rules::FIELD_RANGE_LOOSENED, None)
        })
    }),
    ("remove a field", |v, _c, n| {
        let c: Vec<String> = models(v)
            .into_iter()
            .filter(|m| v["models"][m]["fields"].as_array().unwrap().len() > 1)
            .collect();
        let m = pick(&c, n)?;
        v["models"][&m]["fields"].as_array_mut().unwrap().pop();
        Some(Expect::one(&rules::FIELD_REMOVED, Some(&m)))
    }),
    ("add an optional field", |v, _c, n| {
        let m = pick(&models(v), n)?;
        let f = json!({"name": "added", "type": "string", "required": false});
        v["models"][&m]["fields"].as_array_mut().unwrap().push(f);
        Some(Expect::one(&rules::FIELD_ADDED, Some(&m)))
    }),
    ("add a required field", |v, _c, n| {
        let m = pick(&models(v), n)?;
        let f = json!({"name": "added", "type": "integer"});
        v["models"][&m]["fields"].as_array_mut().unwrap().push(f);
        Some(Expect::one(&rules::FIELD_REQUIRED_ADDED, Some(&m)))
    }),
    ("change a field's type", |v, _c, n| {
        let c = fields(v, |_, f| {
            is_prim(f["type"].as_str().unwrap()) && f.get("minimum").is_none()
        });
        let (m, i) = pick(&c, n)?;
        let f = &mut v["models"][&m]["fields"][i];
        let to = if f["type"] == "boolean" {
            "uuid"
        } else {
            "boolean"
        };
        f["type"] = json!(to);
        Some(Expect::one(&rules::FIELD_TYPE_CHANGED, Some(&m)))
    }),
    ("make a required field optional", |v, _c, n| {
        let c = fields(v, |_, f| f["required"] == true);
        let (m, i) = pick(&c, n)?;
        v["models"][&m]["fields"][i]["required"] = json!(false);
        Some(Expect::one(&rules::FIELD_REQUIRED_TO_OPTIONAL, Some(&m)))
    }),
    ("make an optional field required", |v, _c, n| {
        // Only primitives and collections: a required cycle of models has no finite value.
        let c = fields(v, |_, f| {
            let t = f["type"].as_str().unwrap();
            f["required"] == false && (is_prim(t) || t.starts_with('[') || t.starts_with("map["))
        });
        let (m, i) = pick(&c, n)?;
        v["models"][&m]["fields"][i]["required"] = json!(true);
        Some(Expect::one(&rules::FIELD_OPTIONAL_TO_REQUIRED, Some(&m)))
    }),
    ("tighten a maximum", |v, _c, n| {
        let c = fields(v, |_, f| {
            f.get("maximum").is_some() && f["maximum"].as_u64() > f["minimum"].as_u64()
        });
        let (m, i) = pick(&c, n)?;
        let f = &mut v["models"][&m]["fields"][i];
        f["maximum"] = json!(f["maximum"].as_u64().unwrap() - 1);
        Some(Expect::one(&rules::FIELD_RANGE_TIGHTENED, Some(&m)))
    }),
    ("loosen a maximum", |v, _c, n| {
        let c = fields(v, |_, f| f.get("maximum").is_some());
        let (m, i) = pick(&c, n)?;
        let f = &mut v["models"][&m]["fields"][i];
        f["maximum"] = json!(f["maximum"].as_u64().unwrap() + 1);
        Some(Expect::one(&rules::FIELD_RANGE_LOOSENED, Some(&m)))
    }),
    ("annotate a field personal_data", |v, _c, n| {
        let c = fields(v, |_, f| f.get("annotations").is_none());
        let (m, i) = pick(&c, n)?;
        v["models"][&m]["fields"][i]["annotations"] = json!([valid_spec::PII]);
        Some(Expect::one(&rules::FIELD_ANNOTATION_CHANGED, Some(&m)))
    }),
    ("describe a model", |v, _c, n| {
        let m = pick(&models(v), n)?;
        v["models"][&m]["description"] = json!("Now documented.");
        Some(Expect::one(&rules::DESCRIPTION_CHANGED, Some(&m)))
    }),
    ("add a model", |v, _c, _| {
        let f = json!({"fields": [{"name": "x", "type": "string"}]});
        v["models"]["added"] = f;
        Some(Expect::one(&rules::TYPE_ADDED, None))
    }),
    ("add an enum value", |v, _c, n| {
        let e = pick(&enums(v), n)?;
        let values = v["enums"][&e]["values"].as_array_mut().unwrap();
        values.push(json!({"name": "added"}));
        Some(Expect::one(&rules::ENUM_VALUE_ADDED, Some(&e)))
    }),
    ("remove an enum value", |v, _c, n| {
        let c: Vec<String> = enums(v)
            .into_iter()
            .filter(|e| v["enums"][e]["values"].as_array().unwrap().len() > 1)
            .collect();
        let e = pick(&c, n)?;
        v["enums"][&e]["values"].as_array_mut().unwrap().pop();
        Some(Expect::one(&rules::ENUM_VALUE_REMOVED, Some(&e)))
    }),
    ("remove an operation", |v, _c, n| {
        let c: Vec<(String, usize)> = operations(v)
            .into_iter()
            .filter(|(r, _)| v["resources"][r]["operations"].as_array().unwrap().len() > 1)
            .collect();
        let (r, i) = pick(&c, n)?;
        v["resources"][&r]["operations"]
            .as_array_mut()
            .unwrap()
            .remove(i);
        Some(Expect::one(&rules::OPERATION_REMOVED, None))
    }),
    ("remove a resource", |v, _c, n| {
        let r = pick(
            &v["resources"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect::<Vec<_>>(),
            n,
        )?;
        v["resources"].as_object_mut().unwrap().remove(&r);
        Some(Expect::one(&rules::RESOURCE_REMOVED, None))
    }),
    ("add a required parameter", |v, _c, n| {
        let (r, i) = pick(&operations(v), n)?;
        let p = json!({"name": "added", "type": "string", "location": "Query"});
        let op = &mut v["resources"][&r]["operations"][i];
        if op.get("parameters").is_none() {
            op["parameters"] = json!([]);
        }
        op["parameters"].as_array_mut().unwrap().push(p);
        Some(Expect::one(&rules::PARAMETER_REQUIRED_ADDED, None))
    }),
    ("add an optional parameter", |v, _c, n| {
        let (r, i) = pick(&operations(v), n)?;
        let p = json!({"name": "added", "type": "long", "location": "Query", "required": false});
        let op = &mut v["resources"][&r]["operations"][i];
        if op.get("parameters").is_none() {
            op["parameters"] = json!([]);
        }
        op["parameters"].as_array_mut().unwrap().push(p);
        Some(Expect::one(&rules::PARAMETER_ADDED, None))
    }),
    ("rename a path parameter", |v, _c, n| {
        let c: Vec<String> = v["resources"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, r)| {
                r["operations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o["path"] == "/:id")
            })
            .map(|(k, _)| k.clone())
            .collect();
        let r = pick(&c, n)?;
        let mut count = 0;
        for op in v["resources"][&r]["operations"].as_array_mut().unwrap() {
            if op["path"] == "/:id" {
                count += 1;
                op["path"] = json!("/:key");
                for p in op["parameters"].as_array_mut().unwrap() {
                    if p["name"] == "id" {
                        p["name"] = json!("key");
                    }
                }
            }
        }
        Some(Expect {
            rule: &rules::OPERATION_MOVED,
            case: Some(&rules::MOVED_SAME_URL),
            ty: None,
            count,
            also: Vec::new(),
        })
    }),
    ("document an error response", |v, _c, n| {
        let c: Vec<(String, usize)> = operations(v)
            .into_iter()
            .filter(|(r, i)| {
                v["resources"][r]["operations"][*i]["responses"]
                    .get("400")
                    .is_none()
            })
            .collect();
        let (r, i) = pick(&c, n)?;
        v["resources"][&r]["operations"][i]["responses"]["400"] = json!({"type": "[string]"});
        Some(Expect::one(&rules::RESPONSE_ERROR_ADDED, None))
    }),
    ("remove an error response", |v, _c, n| {
        let c: Vec<(String, usize, String)> = operations(v)
            .into_iter()
            .flat_map(|(r, i)| {
                let codes: Vec<String> = v["resources"][&r]["operations"][i]["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .filter(|k| k.starts_with('4'))
                    .cloned()
                    .collect();
                codes.into_iter().map(move |k| (r.clone(), i, k))
            })
            .collect();
        let (r, i, k) = pick(&c, n)?;
        let responses = &mut v["resources"][&r]["operations"][i]["responses"];
        responses.as_object_mut().unwrap().remove(&k);
        Some(Expect::one(&rules::RESPONSE_REMOVED, None))
    }),
    ("rename a model", |v, _c, n| {
        let old = pick(&models(v), n)?;
        let mut text = serde_json::to_string(v).unwrap();
        // Every reference is a whole JSON string or inside `[…]` / `map[…]`.
        for (from, to) in [
            (format!("\"{old}\""), "\"renamed\"".to_owned()),
            (format!("[{old}]"), "[renamed]".to_owned()),
        ] {
            text = text.replace(&from, &to);
        }
        *v = serde_json::from_str(&text).unwrap();
        // The member's discriminator value (its type name) changes in every union holding it.
        let unions = v["unions"]
            .as_object()
            .unwrap()
            .values()
            .filter(|u| {
                u["types"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t["type"] == "renamed")
            })
            .count();
        Some(Expect {
            also: vec![&rules::UNION_DISCRIMINATOR_VALUE_CHANGED; unions],
            ..Expect::one(&rules::TYPE_RENAMED, None)
        })
    }),
    ("change a parameter's type", |v, _c, n| {
        let c = params(v, |p| {
            p["location"] != "Path"
                && p.get("minimum").is_none()
                && !p["type"].as_str().unwrap().starts_with('[')
        });
        let (r, i, k) = pick(&c, n)?;
        let p = &mut v["resources"][&r]["operations"][i]["parameters"][k];
        p["type"] = json!(if p["type"] == "uuid" {
            "boolean"
        } else {
            "uuid"
        });
        Some(Expect::one(&rules::PARAMETER_TYPE_CHANGED, None))
    }),
    ("remove a parameter", |v, _c, n| {
        let c = params(v, |p| p["location"] != "Path");
        let (r, i, k) = pick(&c, n)?;
        let op = &mut v["resources"][&r]["operations"][i];
        op["parameters"].as_array_mut().unwrap().remove(k);
        Some(Expect::one(&rules::PARAMETER_REMOVED, None))
    }),
    ("move a query parameter to a header", |v, _c, n| {
        let c = params(v, |p| {
            p["location"] == "Query" && !p["type"].as_str().unwrap().starts_with('[')
        });
        let (r, i, k) = pick(&c, n)?;
        let p = &mut v["resources"][&r]["operations"][i]["parameters"][k];
        p["location"] = json!("Header");
        Some(Expect {
            case: Some(&rules::LOCATION_SAME_ARGUMENT),
            ..Expect::one(&rules::PARAMETER_LOCATION_CHANGED, None)
        })
    }),
    ("make a parameter required", |v, _c, n| {
        let c = params(v, |p| p["required"] == false);
        let (r, i, k) = pick(&c, n)?;
        v["resources"][&r]["operations"][i]["parameters"][k]["required"] = json!(true);
        Some(Expect::one(&rules::PARAMETER_OPTIONAL_TO_REQUIRED, None))
    }),
    ("make a parameter optional", |v, _c, n| {
        let c = params(v, |p| p["required"] == true && p["location"] != "Path");
        let (r, i, k) = pick(&c, n)?;
        v["resources"][&r]["operations"][i]["parameters"][k]["required"] = json!(false);
        Some(Expect::one(&rules::PARAMETER_REQUIRED_TO_OPTIONAL, None))
    }),
    ("give an optional field a default", |v, _c, n| {
        // A default the field's type and bounds admit.
        let default = |f: &Value| -> Option<Value> {
            let fits = |x: i64| {
                f["minimum"].as_i64().is_none_or(|m| m <= x)
                    && f["maximum"].as_i64().is_none_or(|m| x <= m)
            };
            match f["type"].as_str().unwrap() {
                "string" if fits(1) => Some(json!("x")),
                "integer" | "long" if fits(1) => Some(json!(1)),
                "boolean" => Some(json!(true)),
                _ => None,
            }
        };
        let c = fields(v, |_, f| f["required"] == false && default(f).is_some());
        let (m, i) = pick(&c, n)?;
        let f = &mut v["models"][&m]["fields"][i];
        f["default"] = default(f).unwrap();
        Some(Expect::one(&rules::FIELD_DEFAULT_ADDED, Some(&m)))
    }),
    ("deprecate a field", |v, _c, n| {
        let (m, i) = pick(&fields(v, |_, _| true), n)?;
        v["models"][&m]["fields"][i]["deprecation"] = json!({"description": "going"});
        Some(Expect::one(&rules::DEPRECATION_ADDED, Some(&m)))
    }),
    ("change a response type", |v, _c, n| {
        let c: Vec<(String, usize)> = operations(v)
            .into_iter()
            .filter(|(r, i)| {
                v["resources"][r]["operations"][*i]["responses"]
                    .get("200")
                    .is_some()
            })
            .collect();
        let (r, i) = pick(&c, n)?;
        v["resources"][&r]["operations"][i]["responses"]["200"] = json!({"type": "[uuid]"});
        Some(Expect::one(&rules::RESPONSE_TYPE_CHANGED, None))
    }),
    ("add a success response", |v, _c, n| {
        // 2xx responses of an operation share one type (E0804).
        let (r, i) = pick(&operations(v), n)?;
        let responses = &mut v["resources"][&r]["operations"][i]["responses"];
        let ty = responses
            .as_object()
            .unwrap()
            .iter()
            .find(|(k, _)| k.starts_with('2'))
            .map_or(json!("unit"), |(_, r)| r["type"].clone());
        responses["202"] = json!({ "type": ty });
        Some(Expect::one(&rules::RESPONSE_SUCCESS_ADDED, None))
    }),
    ("remove a body", |v, _c, n| {
        let c: Vec<(String, usize)> = operations(v)
            .into_iter()
            .filter(|(r, i)| v["resources"][r]["operations"][*i].get("body").is_some())
            .collect();
        let (r, i) = pick(&c, n)?;
        let op = v["resources"][&r]["operations"][i].as_object_mut().unwrap();
        op.remove("body");
        Some(Expect::one(&rules::BODY_REMOVED, None))
    }),
    ("add a body", |v, _c, n| {
        let c: Vec<(String, usize)> = operations(v)
            .into_iter()
            .filter(|(r, i)| {
                let op = &v["resources"][r]["operations"][*i];
                op.get("body").is_none() && op["method"] == "DELETE"
            })
            .collect();
        let (r, i) = pick(&c, n)?;
        v["resources"][&r]["operations"][i]["body"] = json!({"type": "[string]"});
        Some(Expect::one(&rules::BODY_ADDED, None))
    }),
    ("rename the unions' discriminator", |v, _c, _| {
        // Unions of unions share the discriminator: rename it in every union.
        let mut count = 0;
        for (_, body) in v["unions"].as_object_mut().unwrap() {
            if body.get("discriminator").is_some() {
                body["discriminator"] = json!("tag");
                count += 1;
            }
        }
        (count > 0).then(|| Expect {
            count,
            ..Expect::one(&rules::UNION_DISCRIMINATOR_CHANGED, None)
        })
    }),
    ("remove a union member", |v, _c, n| {
        let c: Vec<String> = v["unions"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, u)| u["types"].as_array().unwrap().len() > 1)
            .map(|(k, _)| k.clone())
            .collect();
        let u = pick(&c, n)?;
        v["unions"][&u]["types"].as_array_mut().unwrap().pop();
        Some(Expect::one(&rules::UNION_MEMBER_REMOVED, Some(&u)))
    }),
    ("add a member to a union", |v, _c, n| {
        let u = pick(
            &v["unions"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect::<Vec<_>>(),
            n,
        )?;
        v["models"]["added"] = json!({"fields": [{"name": "x", "type": "string"}]});
        let types = v["unions"][&u]["types"].as_array_mut().unwrap();
        types.push(json!({"type": "added"}));
        // Unions holding this one (unions of unions) gain no member of their own.
        Some(Expect {
            also: vec![&rules::TYPE_ADDED],
            ..Expect::one(&rules::UNION_MEMBER_ADDED, Some(&u))
        })
    }),
    ("change an enum value's wire string", |v, _c, n| {
        let e = pick(&enums(v), n)?;
        v["enums"][&e]["values"][0]["value"] = json!("WIRE");
        Some(Expect::one(&rules::ENUM_VALUE_WIRE_CHANGED, Some(&e)))
    }),
];

/// `(resource, operation index, parameter index)` of every parameter for which `keep` holds.
fn params(v: &Value, keep: impl Fn(&Value) -> bool) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for (r, i) in operations(v) {
        for (k, p) in v["resources"][&r]["operations"][i]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            if keep(p) {
                out.push((r.clone(), i, k));
            }
        }
    }
    out
}

fn diff_of(a: &charter::Checked, b: &charter::Checked) -> diff::DiffReport {
    diff::diff(
        Side::new(&a.repo, &a.sources),
        Side::new(&b.repo, &b.sources),
    )
}

fn show(r: &diff::DiffReport) -> String {
    r.changes
        .iter()
        .map(|c| {
            format!(
                "{} wire {} source {} at {}: {}",
                c.rule,
                c.class.as_str(),
                c.source.as_str(),
                c.pointer,
                c.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// How many elements each mutation is tried on per case.
const PICKS: usize = 3;

#[test]
fn mutations_get_the_class_the_catalogue_promises() {
    let cases = valid_spec::cases("CHARTER_PROPS_CASES", 48);
    let mut applied: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut directions: BTreeMap<(&str, bool, bool), usize> = BTreeMap::new();
    for (case, d) in valid_spec::samples(cases).iter().enumerate() {
        let a = valid_spec::build(d);
        let old = valid_spec::check_valid(&a, &format!("case {case}"));
        let same = diff_of(&old, &old);
        assert!(
            same.changes.is_empty(),
            "case {case}: diff(a, a):\n{}",
            show(&same)
        );
        let again = valid_spec::check_valid(&a, &format!("case {case}"));
        let copies = diff_of(&old, &again);
        assert!(
            copies.changes.is_empty(),
            "case {case}: two loads:\n{}",
            show(&copies)
        );
        // Each mutation at up to PICKS different elements of the spec.
        for (name, mutate) in MUTATIONS.iter().flat_map(|m| std::iter::repeat_n(m, PICKS)) {
            let mut b = a.clone();
            let mut common = valid_spec::common();
            let n = case + *applied.get(name).unwrap_or(&0);
            let Some(want) = mutate(&mut b, &mut common, n) else {
                continue;
            };
            let what = format!("case {case}, {name} (pick {n})");
            let new = valid_spec::check_valid_with(&b, &common, &what);
            let report = diff_of(&old, &new);
            let j = want.case.map_or(&want.rule.judgement, |c| &c.judgement);
            let usage = want.ty.as_deref().map_or(Usage::default(), |t| {
                let o = valid_spec::usage(&a, t);
                let n = valid_spec::usage_with(&b, &common, t);
                Usage {
                    sent: o.sent || n.sent,
                    read: o.read || n.read,
                }
            });
            let wire = match &want.ty {
                Some(_) => promised(j, usage),
                None => j.request.max(j.response),
            };
            let mut want_all: Vec<(&str, Class, Class)> =
                vec![(want.rule.id, wire, j.source); want.count];
            for r in &want.also {
                let j = &r.judgement;
                want_all.push((r.id, j.request.max(j.response), j.source));
            }
            let mut got: Vec<(&str, Class, Class)> = report
                .changes
                .iter()
                .map(|c| (c.rule, c.class, c.source))
                .collect();
            want_all.sort();
            got.sort();
            let ok = got == want_all;
            // The other way round, the change is seen too (an addition is a removal, …), and
            // the mutated spec compared with itself has no change.
            let back = diff_of(&new, &old);
            if back.changes.is_empty() {
                failures.push(format!("{what}: diff(mutated, original) is empty"));
            }
            let itself = diff_of(&new, &new);
            if !itself.changes.is_empty() {
                failures.push(format!(
                    "{what}: diff(mutated, mutated):\n{}",
                    show(&itself)
                ));
            }
            if !ok {
                failures.push(format!(
                    "{what}: want {} x{} wire {} source {} ({:?} used {usage:?}), got:\n{}",
                    want.rule.id,
                    want.count,
                    wire.as_str(),
                    j.source.as_str(),
                    want.ty,
                    show(&report)
                ));
            }
            *applied.entry(name).or_default() += 1;
            *directions
                .entry((want.rule.id, usage.sent, usage.read))
                .or_default() += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} mutation(s) not classified as promised:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // Every mutation was applied to a good share of the cases.
    for (name, _) in MUTATIONS {
        let n = applied.get(name).copied().unwrap_or(0);
        assert!(
            n * 8 >= cases as usize,
            "{name}: applied to only {n} of {cases} cases"
        );
    }
    // The directional rules met every direction (sent only, read only, both, unused).
    for rule in [
        "FIELD_REMOVED",
        "ENUM_VALUE_ADDED",
        "FIELD_OPTIONAL_TO_REQUIRED",
    ] {
        for dir in [(true, false), (false, true), (true, true), (false, false)] {
            assert!(
                directions.contains_key(&(rule, dir.0, dir.1)),
                "{rule} never met a type used (sent, read) = {dir:?}: {directions:?}"
            );
        }
    }
    eprintln!("{cases} cases: {applied:?}\n{directions:?}");
}
