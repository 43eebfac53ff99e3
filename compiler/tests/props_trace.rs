//! Property: the personal-data trace over random *valid* specs (`support/valid_spec.rs`), through
//! the library API, against an oracle of this test that walks the spec's JSON: every field the
//! generator annotated `personal_data` (in `main` and in the imported `common`) is listed, exactly
//! the models that reach one are listed, each with a via path that follows real fields and union
//! members, is as short as possible and ends at an annotated field (or says where it continues
//! when cut at `MAX_VIA` hops); every operation whose body or response reaches one, and every
//! member of an event union (`*_event`) that does, is listed. The
//! output is bounded: linear in the size of the specs (checked on random specs and on chains).
//!
//! Deterministic (fixed seed); `CHARTER_PROPS_CASES` sets the number of cases (default 64).

#[path = "support/valid_spec.rs"]
mod valid_spec;

use charter::trace::{self, render, TraceOptions, MAX_VIA};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use valid_spec::{base_type, COMMON_NS, PII};

/// A type of the repo as the trace names it: `(service, type)`.
type Key = (String, String);

/// The oracle: the types of both services, their direct personal-data fields and children.
struct Oracle {
    /// Annotated fields: `(service, model, field)`.
    pii: BTreeSet<(String, String, String)>,
    /// Type → (hop label, the type it leads to; `None` for an annotated field).
    edges: BTreeMap<Key, Vec<(String, Option<Key>)>>,
    models: BTreeSet<Key>,
}

fn key(service: &str, name: &str) -> Key {
    (service.to_owned(), name.to_owned())
}

impl Oracle {
    fn new(main: &Value, common: &Value) -> Oracle {
        let mut o = Oracle {
            pii: BTreeSet::new(),
            edges: BTreeMap::new(),
            models: BTreeSet::new(),
        };
        let target = |service: &str, t: &str| -> Option<Key> {
            let t = base_type(t);
            if let Some(m) = t.strip_prefix(&format!("{COMMON_NS}.models.")) {
                return Some(key("common", m));
            }
            let spec = if service == "main" { main } else { common };
            (spec["models"].get(t).is_some() || spec["unions"].get(t).is_some())
                .then(|| key(service, t))
        };
        for (service, spec) in [("main", main), ("common", common)] {
            for (m, body) in spec["models"].as_object().unwrap() {
                o.models.insert(key(service, m));
                let edges = o.edges.entry(key(service, m)).or_default();
                for f in body["fields"].as_array().unwrap() {
                    let name = f["name"].as_str().unwrap();
                    let label = format!("{m}.{name}");
                    let annotated = f["annotations"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| x == PII));
                    if annotated {
                        o.pii.insert((service.into(), m.clone(), name.into()));
                        edges.push((label.clone(), None));
                    }
                    if let Some(t) = target(service, f["type"].as_str().unwrap()) {
                        edges.push((label, Some(t)));
                    }
                }
            }
            for (u, body) in spec["unions"].as_object().into_iter().flatten() {
                let edges = o.edges.entry(key(service, u)).or_default();
                for m in body["types"].as_array().unwrap() {
                    let t = m["type"].as_str().unwrap();
                    edges.push((format!("{u}[{t}]"), target(service, t)));
                }
            }
        }
        o
    }

    /// The length of the shortest via path from every type that reaches an annotated field.
    fn distances(&self) -> BTreeMap<Key, usize> {
        let mut dist: BTreeMap<Key, usize> = BTreeMap::new();
        // Bellman-Ford style relaxation: the graphs are small.
        loop {
            let mut changed = false;
            for (t, edges) in &self.edges {
                let best = edges
                    .iter()
                    .filter_map(|(_, to)| match to {
                        None => Some(1),
                        Some(to) => dist.get(to).map(|d| d + 1),
                    })
                    .min();
                if let Some(b) = best {
                    if dist.get(t).is_none_or(|d| b < *d) {
                        dist.insert(t.clone(), b);
                        changed = true;
                    }
                }
            }
            if !changed {
                return dist;
            }
        }
    }
}

fn check_via(o: &Oracle, dist: &BTreeMap<Key, usize>, start: &Key, via: &trace::Via, what: &str) {
    assert_eq!(
        via.len, dist[start],
        "{what}: via of {start:?} has {} hops, the shortest path has {}: {:?}",
        via.len, dist[start], via.hops
    );
    assert_eq!(via.hops.len(), via.len.min(MAX_VIA), "{what}: {start:?}");
    let mut at = start.clone();
    for (i, h) in via.hops.iter().enumerate() {
        assert_eq!(
            (h.service.clone(), h.owner.clone()),
            at,
            "{what}: hop {i} of {start:?}"
        );
        let last = i + 1 == via.len;
        let step = o.edges[&at]
            .iter()
            .find(|(label, to)| *label == h.label && (to.is_none() == last))
            .unwrap_or_else(|| panic!("{what}: hop {i} `{}` of {start:?} is no field", h.label));
        if let Some(to) = &step.1 {
            at = to.clone();
        }
    }
    match &via.continues {
        Some((s, t)) => {
            assert!(via.len > MAX_VIA, "{what}: {start:?} is cut early");
            assert_eq!(key(s, t), at, "{what}: {start:?} continues elsewhere");
        }
        None => assert!(via.len <= MAX_VIA, "{what}: {start:?} is cut silently"),
    }
}

fn trace_of(main: &Value, common: &Value, what: &str) -> (trace::Trace, String) {
    let checked = valid_spec::check_valid_with(main, common, what);
    let t = trace::trace(&checked.repo, &TraceOptions::default());
    let json = render::render_json(&t, &checked.sources);
    (t, json)
}

#[test]
fn every_annotated_field_is_traced_with_shortest_via_paths() {
    let cases = valid_spec::cases("CHARTER_PROPS_CASES", 64);
    let common = valid_spec::common();
    let (mut fields, mut models, mut ops, mut events) = (0, 0, 0, 0);
    for (case, d) in valid_spec::samples(cases).iter().enumerate() {
        let what = format!("case {case}");
        let main = valid_spec::build(d);
        let (t, json) = trace_of(&main, &common, &what);
        let o = Oracle::new(&main, &common);
        let dist = o.distances();
        let got: BTreeSet<_> = t
            .fields
            .iter()
            .map(|f| (f.service.clone(), f.model.clone(), f.field.clone()))
            .collect();
        assert_eq!(got, o.pii, "{what}: annotated fields");
        let want: BTreeSet<Key> = dist
            .keys()
            .filter(|k| o.models.contains(*k))
            .cloned()
            .collect();
        let got: BTreeSet<Key> = t.models.iter().map(|m| key(&m.service, &m.model)).collect();
        assert_eq!(got, want, "{what}: models carrying personal data");
        for m in &t.models {
            check_via(&o, &dist, &key(&m.service, &m.model), &m.via, &what);
        }
        // Operations whose body or responses carry it.
        let mut want_ops = BTreeSet::new();
        for (_, r) in main["resources"].as_object().unwrap() {
            let base = r["path"].as_str().unwrap();
            for op in r["operations"].as_array().unwrap() {
                let path = format!("{base}{}", op["path"].as_str().unwrap_or(""));
                let method = op["method"].as_str().unwrap().to_owned();
                let tainted = |t: &str| {
                    let b = base_type(t);
                    dist.contains_key(&key("main", b))
                        || b.strip_prefix(&format!("{COMMON_NS}.models."))
                            .is_some_and(|m| dist.contains_key(&key("common", m)))
                };
                if op["body"]["type"].as_str().is_some_and(tainted) {
                    want_ops.insert((method.clone(), path.clone(), "request".to_owned(), None));
                }
                for (code, resp) in op["responses"].as_object().unwrap() {
                    if tainted(resp["type"].as_str().unwrap()) {
                        want_ops.insert((
                            method.clone(),
                            path.clone(),
                            "response".into(),
                            Some(code.clone()),
                        ));
                    }
                }
            }
        }
        let got_ops: BTreeSet<_> = t
            .operations
            .iter()
            .filter(|e| !e.is_parameter())
            .map(|e| {
                (
                    e.method.clone(),
                    e.path.clone(),
                    e.direction.as_str().to_owned(),
                    e.status.clone(),
                )
            })
            .collect();
        assert_eq!(
            got_ops, want_ops,
            "{what}: operations carrying personal data"
        );
        for e in &t.operations {
            assert!(
                !e.via.is_empty(),
                "{what}: {} {} has no via",
                e.method,
                e.path
            );
            assert!(
                e.via.hops.len() <= MAX_VIA,
                "{what}: {} {}",
                e.method,
                e.path
            );
        }
        // Members of event unions that carry it.
        let mut want_events = BTreeSet::new();
        for (u, body) in main["unions"].as_object().unwrap() {
            if !u.ends_with("_event") {
                continue;
            }
            for m in body["types"].as_array().unwrap() {
                let t = m["type"].as_str().unwrap();
                if dist.contains_key(&key("main", t)) {
                    want_events.insert((u.clone(), t.to_owned()));
                }
            }
        }
        let got_events: BTreeSet<_> = t
            .events
            .iter()
            .map(|e| (e.union.clone(), e.member.clone()))
            .collect();
        assert_eq!(
            got_events, want_events,
            "{what}: events carrying personal data"
        );
        for e in &t.events {
            let member = key("main", &e.member);
            check_via(&o, &dist, &member, &e.via, &what);
            events += 1;
        }
        // Linear output: every entry lists at most MAX_VIA hops.
        let size = serde_json::to_string(&main).unwrap().len()
            + serde_json::to_string(&common).unwrap().len();
        assert!(
            json.len() <= 40 * size,
            "{what}: {} bytes of trace for {size} bytes of specs",
            json.len()
        );
        fields += t.fields.len();
        models += t.models.len();
        ops += t.operations.len();
    }
    assert!(
        fields > cases as usize && models > cases as usize && ops > 0,
        "{fields} {models} {ops}"
    );
    assert!(events > 0, "no event carried personal data");
    eprintln!(
        "{cases} cases: {fields} fields, {models} models, {ops} operation entries, {events} events"
    );
}

/// A chain of `n` models, each holding the next, the last one an annotated field, read by one
/// operation.
fn chain(n: usize) -> Value {
    let mut models = serde_json::Map::new();
    for i in 0..n {
        let f = if i + 1 == n {
            json!({"name": "email", "type": "string", "annotations": [PII]})
        } else {
            json!({"name": "next", "type": format!("m{}", i + 1)})
        };
        models.insert(format!("m{i}"), json!({"fields": [f]}));
    }
    json!({
        "name": "main",
        "namespace": valid_spec::MAIN_NS,
        "annotations": {PII: {}},
        "models": models,
        "resources": {"m0": {"path": "/m", "operations": [
            {"method": "GET", "responses": {"200": {"type": "[m0]"}}}
        ]}}
    })
}

#[test]
fn trace_output_grows_linearly_with_chains() {
    let common = valid_spec::common();
    let mut sizes = Vec::new();
    for n in [100, 200, 400] {
        let main = chain(n);
        let (t, json) = trace_of(&main, &common, &format!("chain of {n}"));
        // The chain's models plus common's address.
        assert_eq!(t.models.len(), n + 1, "chain of {n}");
        let o = Oracle::new(&main, &common);
        let dist = o.distances();
        for m in &t.models {
            check_via(
                &o,
                &dist,
                &key(&m.service, &m.model),
                &m.via,
                &format!("chain of {n}"),
            );
        }
        sizes.push(json.len());
    }
    // Doubling the chain at most doubles the output (plus a little for longer numbers).
    for w in sizes.windows(2) {
        assert!(
            w[1] * 10 <= w[0] * 22,
            "trace output is not linear: {sizes:?}"
        );
    }
}
