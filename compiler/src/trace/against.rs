//! Where personal data newly flows: the entries of one trace that another (an older revision's)
//! does not have.
//!
//! Entries are matched by what they are, not by how they are reached: a field by service, model
//! and field name; a model by service and name; an operation flow by service, method, path,
//! direction, status and carrier (body or parameter); an event by service, union and member. A
//! flow that only changes its `via` path is not new.

use super::{Direction, OperationEntry, Trace};
use std::collections::HashSet;

type OpKey<'a> = (
    &'a str,
    &'a str,
    &'a str,
    Direction,
    Option<&'a str>,
    &'a str,
);

fn op_key(o: &OperationEntry) -> OpKey<'_> {
    (
        &o.service,
        &o.method,
        &o.path,
        o.direction,
        o.status.as_deref(),
        &o.carrier,
    )
}

/// The entries of `new` that `old` lacks, as a trace of the same shape (services: those of `new`).
pub fn new_flows(old: &Trace, new: &Trace) -> Trace {
    let fields: HashSet<_> = old
        .fields
        .iter()
        .map(|f| (&f.service, &f.model, &f.field))
        .collect();
    let models: HashSet<_> = old.models.iter().map(|m| (&m.service, &m.model)).collect();
    let operations: HashSet<OpKey> = old.operations.iter().map(op_key).collect();
    let events: HashSet<_> = old
        .events
        .iter()
        .map(|e| (&e.service, &e.union, &e.member))
        .collect();
    let tables: HashSet<_> = old
        .tables
        .iter()
        .flat_map(|t| t.columns.iter().map(move |c| (&t.service, &t.table, c)))
        .collect();
    Trace {
        annotation: new.annotation.clone(),
        services: new.services.clone(),
        reaches: new.reaches.clone(),
        fields: new
            .fields
            .iter()
            .filter(|f| !fields.contains(&(&f.service, &f.model, &f.field)))
            .cloned()
            .collect(),
        models: new
            .models
            .iter()
            .filter(|m| !models.contains(&(&m.service, &m.model)))
            .cloned()
            .collect(),
        operations: new
            .operations
            .iter()
            .filter(|o| !operations.contains(&op_key(o)))
            .cloned()
            .collect(),
        events: new
            .events
            .iter()
            .filter(|e| !events.contains(&(&e.service, &e.union, &e.member)))
            .cloned()
            .collect(),
        tables: new
            .tables
            .iter()
            .filter_map(|t| {
                let mut t = t.clone();
                t.columns
                    .retain(|c| !tables.contains(&(&t.service, &t.table, c)));
                (!t.columns.is_empty()).then_some(t)
            })
            .collect(),
    }
}

/// Whether a trace from [`new_flows`] reports anything.
pub fn any(flows: &Trace) -> bool {
    !(flows.fields.is_empty()
        && flows.models.is_empty()
        && flows.operations.is_empty()
        && flows.events.is_empty()
        && flows.tables.is_empty())
}
