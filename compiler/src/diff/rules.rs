//! The rule catalogue: one constant per kind of change, with a stable ID, a one-line summary, its
//! class on each of the two axes, the effect that gives that class, and its documentation.
//!
//! # Two axes, one principle each
//!
//! **Wire** — what deployed software feels: an old client calling a new server (where the changed
//! element is *sent*), and an old consumer reading new responses and events (where it is *read*).
//!
//! - *sent*: **breaking** when a request that was valid can be rejected or misread
//!   ([`Sent::Rejected`]); **dangerous** when it is still accepted but something the client sends
//!   is ignored or means something else ([`Sent::Ignored`]); **non-breaking** otherwise.
//! - *read*: **breaking** when an old reader can fail to decode or misses a value it was promised
//!   ([`Read::Fails`]); **dangerous** when it still decodes but may meet values, members or
//!   statuses it does not know ([`Read::Surprises`]); **non-breaking** otherwise.
//!
//! **Source** — what code written against the code generated from the old spec feels when it is
//! rebuilt against the code generated from the new one (callers of clients and models; a server
//! implementing new operations is the author of the change):
//! **breaking** when an item it names is removed, renamed or changes type or signature
//! ([`Gen::Breaks`]); **dangerous** when only code that lists every member stops compiling (a
//! struct literal, a `match` without `_`) ([`Gen::Exhaustive`]); **non-breaking** otherwise.
//!
//! Each row states its classes *and* the effect behind them; a test checks every row (and every
//! narrower [`Case`]) against [`principle_sent`], [`principle_read`] and [`principle_source`].
//! Rules are constants ([`FIELD_REMOVED`]): the engine raises `&FIELD_REMOVED`, so a rule that is
//! not in the catalogue cannot be raised. `docs/diff.md` is generated from this table.

use serde::Serialize;

/// How a change affects existing consumers on one axis. Ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    NonBreaking,
    Dangerous,
    Breaking,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::NonBreaking => "non-breaking",
            Class::Dangerous => "dangerous",
            Class::Breaking => "breaking",
        }
    }
}

/// Wire effect where the element is sent by an old client to a new server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// Old requests are accepted with the same meaning.
    Accepted,
    /// Old requests are accepted, but something they send is ignored or means something else.
    Ignored,
    /// An old request that was valid can be rejected or misread.
    Rejected,
    /// The element is only ever read (responses): the sent axis does not apply, and the
    /// response class is used wherever it is reached.
    Never,
}

/// Wire effect where the element is read by an old consumer (responses, events).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    /// Old readers decode new payloads as before.
    Decodes,
    /// Old readers decode, but may meet values, members or statuses they do not know.
    Surprises,
    /// Old readers can fail to decode, or miss a value they were promised.
    Fails,
    /// The element is only ever sent (parameters, bodies): the read axis does not apply, and
    /// the request class is used wherever it is reached.
    Never,
}

/// Source effect on code written against the code generated from the old spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gen {
    /// Every caller still compiles.
    Compiles,
    /// Only code listing every member (struct literals, `match` without `_`) stops compiling.
    Exhaustive,
    /// An item callers name is removed, renamed, or changes type or signature.
    Breaks,
}

impl Sent {
    pub fn as_str(self) -> &'static str {
        match self {
            Sent::Accepted => "old requests accepted",
            Sent::Ignored => "something old requests send is ignored",
            Sent::Rejected => "old requests can be rejected",
            Sent::Never => "never sent",
        }
    }
}

impl Read {
    pub fn as_str(self) -> &'static str {
        match self {
            Read::Decodes => "old readers decode",
            Read::Surprises => "old readers may meet unknown values",
            Read::Fails => "old readers can fail",
            Read::Never => "never read",
        }
    }
}

impl Gen {
    pub fn as_str(self) -> &'static str {
        match self {
            Gen::Compiles => "callers compile",
            Gen::Exhaustive => "exhaustive literals and matches break",
            Gen::Breaks => "a named item is removed, renamed or retyped",
        }
    }
}

/// The wire principle where the element is sent (`None`: never sent).
pub const fn principle_sent(e: Sent) -> Option<Class> {
    match e {
        Sent::Accepted => Some(Class::NonBreaking),
        Sent::Ignored => Some(Class::Dangerous),
        Sent::Rejected => Some(Class::Breaking),
        Sent::Never => None,
    }
}

/// The wire principle where the element is read (`None`: never read).
pub const fn principle_read(e: Read) -> Option<Class> {
    match e {
        Read::Decodes => Some(Class::NonBreaking),
        Read::Surprises => Some(Class::Dangerous),
        Read::Fails => Some(Class::Breaking),
        Read::Never => None,
    }
}

/// The source principle.
pub const fn principle_source(e: Gen) -> Class {
    match e {
        Gen::Compiles => Class::NonBreaking,
        Gen::Exhaustive => Class::Dangerous,
        Gen::Breaks => Class::Breaking,
    }
}

/// What a non-breaking change asks of the version number (breaking and dangerous rules ignore it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Documentation, deprecation, attributes, annotations, metadata: a patch release.
    Docs,
    /// Something new that consumers may start using: a minor release.
    Additive,
}

/// The classes of a rule (or of a narrower case of it) and the effects that give them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Judgement {
    /// Wire class where the element is sent by the consumer (request bodies, parameters, headers).
    pub request: Class,
    /// Wire class where the element is read by the consumer (responses, events).
    pub response: Class,
    /// Source class.
    pub source: Class,
    pub sent: Sent,
    pub read: Read,
    pub gen: Gen,
}

impl Judgement {
    /// Whether the wire class depends on the direction.
    pub fn directional(&self) -> bool {
        self.request != self.response
    }

    /// The row's classes follow the principles (`Err` says which axis does not).
    pub fn follows_principles(&self) -> Result<(), String> {
        let mut errs = Vec::new();
        let (sent, read) = match (principle_sent(self.sent), principle_read(self.read)) {
            (Some(s), Some(r)) => (s, r),
            (Some(s), None) => (s, s),
            (None, Some(r)) => (r, r),
            (None, None) => return Err("neither sent nor read".into()),
        };
        if sent != self.request {
            errs.push(format!(
                "request is {} but `{}` means {}",
                self.request.as_str(),
                self.sent.as_str(),
                sent.as_str()
            ));
        }
        if read != self.response {
            errs.push(format!(
                "response is {} but `{}` means {}",
                self.response.as_str(),
                self.read.as_str(),
                read.as_str()
            ));
        }
        if principle_source(self.gen) != self.source {
            errs.push(format!(
                "source is {} but `{}` means {}",
                self.source.as_str(),
                self.gen.as_str(),
                principle_source(self.gen).as_str()
            ));
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs.join("; "))
        }
    }

    /// `breaking in requests, non-breaking in responses and events` or `breaking`.
    pub fn wire_text(&self) -> String {
        if self.directional() {
            format!(
                "{} in requests, {} in responses and events",
                self.request.as_str(),
                self.response.as_str()
            )
        } else {
            self.request.as_str().to_string()
        }
    }
}

/// A narrower case of a rule that the engine recognises and classifies on its own.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// When the case applies.
    pub when: &'static str,
    pub judgement: Judgement,
    pub doc: &'static str,
}

/// One rule of the catalogue.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub id: &'static str,
    pub summary: &'static str,
    /// Wire class where the element is sent by the consumer (same as `judgement.request`).
    pub request: Class,
    /// Wire class where the element is read by the consumer (same as `judgement.response`).
    pub response: Class,
    /// Source class (same as `judgement.source`).
    pub source: Class,
    pub judgement: Judgement,
    pub impact: Impact,
    pub doc: &'static str,
    /// Narrower cases with classes of their own.
    pub cases: &'static [Case],
}

impl Rule {
    /// Whether the wire class depends on the direction.
    pub fn directional(&self) -> bool {
        self.judgement.directional()
    }
}

use Class::{Breaking as B, Dangerous as D, NonBreaking as N};
use Impact::{Additive as A, Docs as X};

const fn judge(
    request: Class,
    response: Class,
    source: Class,
    sent: Sent,
    read: Read,
    gen: Gen,
) -> Judgement {
    Judgement {
        request,
        response,
        source,
        sent,
        read,
        gen,
    }
}

/// Declares the rule constants and [`RULES`]. Row:
/// `ID: "summary"; wire REQ RESP (Sent, Read); source SRC (Gen); IMPACT; "doc" [, cases &[..]];`.
macro_rules! catalogue {
    ($(
        $(#[$meta:meta])*
        $id:ident: $summary:literal;
        wire $rq:ident $rs:ident ($sent:ident, $read:ident);
        source $sc:ident ($gen:ident);
        $impact:ident;
        $doc:literal
        $(, cases $cases:expr)?
    ;)*) => {
        $(
            $(#[$meta])*
            pub const $id: Rule = Rule {
                id: stringify!($id),
                summary: $summary,
                request: $rq,
                response: $rs,
                source: $sc,
                judgement: judge($rq, $rs, $sc, Sent::$sent, Read::$read, Gen::$gen),
                impact: $impact,
                doc: $doc,
                cases: catalogue!(@cases $($cases)?),
            };
        )*
        /// Every rule, grouped by the element it is about.
        pub const RULES: &[Rule] = &[$($id),*];
    };
    (@cases) => { &[] };
    (@cases $c:expr) => { $c };
}

/// OPERATION_MOVED where only the names of path parameters changed: the URL is the same.
pub const MOVED_SAME_URL: Case = Case {
    when: "only path parameter names changed (`/users/:guid` → `/users/:id`)",
    judgement: judge(N, N, B, Sent::Accepted, Read::Decodes, Gen::Breaks),
    doc: "Old clients call the same URL, so nothing changes on the wire; the generated method is \
          named after the path parameter (`get_by_guid` → `get_by_id`), so callers must rename it.",
};

/// FIELD_/PARAMETER_OPTIONAL_TO_REQUIRED where the new version has a default.
pub const REQUIRED_WITH_DEFAULT: Case = Case {
    when: "the element has a default in the new version",
    judgement: judge(N, N, B, Sent::Accepted, Read::Decodes, Gen::Breaks),
    doc: "The server fills the default in when an old client omits the value, so nothing valid \
          becomes invalid; the generated type changes from optional to required.",
};

/// SERVICE_METADATA_CHANGED where `base_url` was removed.
pub const BASE_URL_REMOVED: Case = Case {
    when: "`base_url` was removed",
    judgement: judge(N, N, B, Sent::Accepted, Read::Decodes, Gen::Breaks),
    doc: "The generated client's `BASE_URL` constant is gone, so code passing it to \
          `Client::new` no longer compiles.",
};

/// TYPE_PLURAL_CHANGED of a type that backs no resource.
pub const PLURAL_OF_NO_RESOURCE: Case = Case {
    when: "the type backs no resource",
    judgement: judge(N, N, N, Sent::Accepted, Read::Decodes, Gen::Compiles),
    doc: "Only a resource's plural names generated items (its accessor and types).",
};

/// FIELD_DEFAULT_ADDED where the generated type does not change.
pub const DEFAULT_ADDED_SAME_TYPE: Case = Case {
    when: "a field that is required in both versions, or a header",
    judgement: judge(N, N, N, Sent::Accepted, Read::Decodes, Gen::Compiles),
    doc: "A required field is `T` with or without a default, and generated code does not name \
          headers.",
};

/// FIELD_DEFAULT_REMOVED where the generated type does not change.
pub const DEFAULT_REMOVED_SAME_TYPE: Case = Case {
    when: "a field that is required in both versions, or a header",
    judgement: judge(B, N, B, Sent::Rejected, Read::Decodes, Gen::Breaks),
    doc: "A required field is `T` with or without a default, but the generated model's `new` \
          takes the required fields without default, so it gains an argument (for a header, \
          which generated code does not name, this is cautious).",
};

/// PARAMETER_LOCATION_CHANGED between locations other than the path.
pub const LOCATION_SAME_ARGUMENT: Case = Case {
    when: "neither location is the path (e.g. query → form)",
    judgement: judge(B, B, N, Sent::Rejected, Read::Never, Gen::Compiles),
    doc: "Query, header and form parameters are arguments in spec order, so the generated \
          method keeps its signature.",
};

catalogue! {
    // service
    SERVICE_REMOVED: "a service of the repo was removed";
        wire B B (Rejected, Fails); source B (Breaks); A;
        "Every type and operation of the service is gone for its consumers.";
    SERVICE_ADDED: "a service was added to the repo";
        wire N N (Accepted, Decodes); source N (Compiles); A;
        "Nothing existing changes.";
    SERVICE_NAMESPACE_CHANGED: "the namespace changed";
        wire N N (Accepted, Decodes); source B (Breaks); A;
        "The namespace is not on the wire (JSON carries no type names), but it names the generated \
         crate modules and qualifies every type other services import, so every importer and every \
         caller of generated code must be updated. API Builder reports it as breaking.";
    SERVICE_NAME_CHANGED: "the service name changed";
        wire N N (Accepted, Decodes); source N (Compiles); A;
        "The wire is unchanged, and generated code is named after the namespace, resources and \
         types, not the service name (checked against the generator by tests/diff_source_axis.rs). \
         API Builder reports this as non-breaking.";
    SERVICE_METADATA_CHANGED: "organization, application, version, base_url or info changed";
        wire N N (Accepted, Decodes); source N (Compiles); X;
        "Metadata that neither the wire nor generated items depend on, except `base_url`: the \
         generated client exports it as `BASE_URL`.", cases &[BASE_URL_REMOVED];
    IMPORT_CHANGED: "an import was added, removed or changed";
        wire N N (Accepted, Decodes); source N (Compiles); X;
        "Imports only matter through the types used from them, which are compared where they are used.";
    ANNOTATION_CHANGED: "an annotation declaration was added, removed or changed";
        wire N N (Accepted, Decodes); source N (Compiles); X;
        "Annotation declarations are documentation; their use on fields is reported by \
         FIELD_ANNOTATION_CHANGED.";
    // headers (service headers are sent; response headers are read)
    HEADER_REMOVED: "a header was removed";
        wire D B (Ignored, Fails); source N (Compiles); A;
        "Old clients still send a removed service header and the server ignores it, so what it \
         selected silently stops applying; a reader of a response header loses a value it was \
         promised. Generated code does not name headers (service headers are set through the \
         client builder), so callers still compile. API Builder reports removing a service header \
         as non-breaking.";
    HEADER_ADDED: "an optional header, or a required one with a default, was added";
        wire N N (Accepted, Decodes); source N (Compiles); A;
        "Old clients do not send it and the server does not need it.";
    HEADER_REQUIRED_ADDED: "a required header without default was added";
        wire B N (Rejected, Decodes); source N (Compiles); A;
        "Old clients do not send it, so their requests are rejected. A new required response header is \
         harmless to old readers.";
    HEADER_TYPE_CHANGED: "the type of a header changed";
        wire B B (Rejected, Fails); source N (Compiles); A;
        "Values written for the old type may not parse as the new one. Generated code passes headers \
         as strings, so callers still compile.";
    HEADER_OPTIONAL_TO_REQUIRED: "a header became required";
        wire B N (Rejected, Decodes); source N (Compiles); A;
        "Old clients that omit it are rejected; readers of a response header only gain a guarantee.";
    HEADER_REQUIRED_TO_OPTIONAL: "a header is no longer required";
        wire N B (Accepted, Fails); source N (Compiles); A;
        "Harmless for requests; a reader of a response header relied on its presence.";
    // types
    TYPE_REMOVED: "a model, enum, union or interface was removed";
        wire B B (Rejected, Fails); source B (Breaks); A;
        "Generated code names the type; payloads of it can no longer be produced or decoded.";
    TYPE_ADDED: "a model, enum, union or interface was added";
        wire N N (Accepted, Decodes); source N (Compiles); A;
        "Nothing existing refers to it.";
    TYPE_RENAMED: "a type was renamed (same shape, new name)";
        wire N N (Accepted, Decodes); source B (Breaks); A;
        "The wire is unchanged (JSON carries no type names; a changed union discriminator value is \
         reported on its own) but every generated item named after the type is renamed, so code \
         using it no longer compiles. Reported once, instead of a removal, an addition and a type \
         change in every field that uses it. API Builder reports a removal (breaking) and an addition.";
    TYPE_PLURAL_CHANGED: "the plural of a type or resource changed";
        wire N N (Accepted, Decodes); source B (Breaks); A;
        "Plurals drive default resource paths (reported separately when they change an operation) and \
         the generated resource accessor and type names: renamed generated items, an unchanged wire. \
         API Builder reports this as non-breaking.", cases &[PLURAL_OF_NO_RESOURCE];
    TYPE_INTERFACE_ADDED: "a model or union now implements an interface";
        wire N N (Accepted, Decodes); source N (Compiles); A;
        "The type already has the interface's fields (validation checks it); generated code gains an \
         implementation. API Builder reports this as breaking.";
    TYPE_INTERFACE_REMOVED: "a model or union no longer implements an interface";
        wire N N (Accepted, Decodes); source B (Breaks); A;
        "Fields are compared on their own, so the wire is unchanged; code that used the type through \
         the interface's generated trait no longer compiles. API Builder reports it as breaking.";
    // enums
    ENUM_VALUE_REMOVED: "an enum value was removed";
        wire B N (Rejected, Decodes); source B (Breaks); A;
        "Requests that send it are rejected; old readers simply never receive it. Generated code \
         names the value. API Builder reports it as breaking everywhere.";
    ENUM_VALUE_ADDED: "an enum value was added";
        wire N D (Accepted, Surprises); source D (Exhaustive); A;
        "Harmless where the enum is only sent. Where it is read, old consumers receive a value they \
         do not know: Charter's generated enums keep it as `Unknown`, API Builder's Scala clients map \
         it to UNDEFINED, strict decoders fail. A `match` that lists every variant without `_` no \
         longer compiles. API Builder reports it as non-breaking everywhere.";
    ENUM_VALUE_WIRE_CHANGED: "the wire string of an enum value changed";
        wire B B (Rejected, Fails); source N (Compiles); A;
        "The string on the wire (`value`) changed while the name stayed: old peers send and expect \
         the old string. The generated variant keeps its name. API Builder does not detect this.";
    // unions
    UNION_MEMBER_REMOVED: "a union member type was removed";
        wire B N (Rejected, Decodes); source B (Breaks); A;
        "Requests that send it are rejected; old readers simply never receive it. Generated code \
         names the variant. API Builder reports it as breaking everywhere.";
    UNION_MEMBER_ADDED: "a union member type was added";
        wire N D (Accepted, Surprises); source D (Exhaustive); A;
        "Harmless where the union is only sent. Where it is read (responses, events) old consumers \
         meet a discriminator value they cannot decode (Charter's generated unions keep it as \
         `Unknown`). A `match` without `_` no longer compiles. API Builder reports it as non-breaking.";
    UNION_DISCRIMINATOR_CHANGED: "the discriminator of a union was added, removed or renamed";
        wire B B (Rejected, Fails); source N (Compiles); A;
        "The JSON shape of every member changes (wrapped object vs. discriminator field); the \
         generated enum is the same.";
    UNION_DISCRIMINATOR_VALUE_CHANGED: "the discriminator value of a union member changed";
        wire B B (Rejected, Fails); source N (Compiles); A;
        "The string identifying the member on the wire changed; the generated variant keeps its \
         name. API Builder does not detect this.";
    UNION_DEFAULT_ADDED: "a union gained a default member type";
        wire N N (Accepted, Decodes); source N (Compiles); A;
        "Payloads without a discriminator, rejected before, now decode as the default.";
    UNION_DEFAULT_CHANGED: "the default member of a union changed or was removed";
        wire B D (Rejected, Surprises); source N (Compiles); A;
        "Requests without a discriminator decode differently or are rejected; readers of payloads \
         without a discriminator silently decode another type.";
    // fields of models and interfaces
    FIELD_REMOVED: "a field was removed";
        wire D B (Ignored, Fails); source B (Breaks); A;
        "Where the type is sent, old clients still send the field and the server ignores unknown \
         fields, so what it carried silently stops applying. Readers lose a value. Generated code \
         names the field in every direction. API Builder reports it as breaking everywhere.";
    FIELD_ADDED: "an optional field, or a required one with a default, was added";
        wire N N (Accepted, Decodes); source D (Exhaustive); A;
        "Old clients do not send it and the server fills the default; old readers ignore it. A \
         struct literal of the generated model lacks the new field.";
    FIELD_REQUIRED_ADDED: "a required field without default was added";
        wire B N (Rejected, Decodes); source B (Breaks); A;
        "Old clients do not send it, so their requests are rejected. In a type that is only read it is \
         harmless: old readers ignore it. The generated model's `new` takes every required field \
         without default, so it gains an argument. API Builder reports it as breaking everywhere.";
    FIELD_TYPE_CHANGED: "the type of a field changed";
        wire B B (Rejected, Fails); source B (Breaks); A;
        "Values of the old type may not decode as the new one (even widening `integer` → `long` \
         breaks readers), and generated code changes type.";
    FIELD_OPTIONAL_TO_REQUIRED: "a field became required";
        wire B N (Rejected, Decodes); source B (Breaks); A;
        "Old clients that omit it are rejected; readers only gain a guarantee. The generated field \
         changes from `Option<T>` to `T`.", cases &[REQUIRED_WITH_DEFAULT];
    FIELD_REQUIRED_TO_OPTIONAL: "a field is no longer required";
        wire N B (Accepted, Fails); source B (Breaks); A;
        "Harmless where the type is only sent. Where it is read, consumers relied on the value being \
         present. The generated field changes from `T` to `Option<T>`. API Builder reports it as \
         non-breaking everywhere.";
    FIELD_DEFAULT_ADDED: "a field or parameter gained a default";
        wire N N (Accepted, Decodes); source B (Breaks); A;
        "Requests that omitted it get the default; nothing valid becomes invalid. An optional field \
         with a default is generated as `T` instead of `Option<T>`, a parameter's argument changes.", cases &[DEFAULT_ADDED_SAME_TYPE];
    FIELD_DEFAULT_CHANGED: "the default of a field or parameter changed";
        wire D D (Ignored, Surprises); source N (Compiles); A;
        "Consumers that omit the value silently get different server behaviour, and readers see \
         another value where it was absent. API Builder reports it as non-breaking.";
    FIELD_DEFAULT_REMOVED: "the default of a field or parameter was removed";
        wire B N (Rejected, Decodes); source B (Breaks); A;
        "A required value that old clients omitted is now rejected (or an optional one no longer \
         filled in). An optional field without a default is generated as `Option<T>`, a \
         parameter's argument changes.", cases &[DEFAULT_REMOVED_SAME_TYPE];
    FIELD_RANGE_TIGHTENED: "a minimum was added or raised, or a maximum added or lowered";
        wire B N (Rejected, Decodes); source N (Compiles); A;
        "Requests that were valid are rejected. For values that are only read, a narrower range is \
         only a stronger guarantee.";
    FIELD_RANGE_LOOSENED: "a minimum was lowered or removed, or a maximum raised or removed";
        wire N D (Accepted, Surprises); source N (Compiles); A;
        "Accepting more is harmless for requests; readers may now receive values outside the range \
         they relied on. API Builder reports it as non-breaking everywhere.";
    FIELD_ANNOTATION_CHANGED: "an annotation (e.g. personal_data) was added to or removed from a field";
        wire N N (Accepted, Decodes); source N (Compiles); X;
        "No wire change, but always listed: annotations such as `personal_data` drive privacy \
         handling. API Builder does not compare field annotations.";
    // parameters (always sent)
    PARAMETER_REMOVED: "a parameter was removed";
        wire D D (Ignored, Never); source B (Breaks); A;
        "Old clients still send it; the server ignores it, so what it selected silently stops \
         applying. Generated client methods lose an argument. API Builder reports it as breaking; \
         a removed path parameter changes the path and is reported as OPERATION_MOVED.";
    PARAMETER_ADDED: "an optional parameter, or a required one with a default, was added";
        wire N N (Accepted, Never); source B (Breaks); A;
        "Old clients do not send it and the server does not need it. Generated client methods take \
         every parameter as a positional argument, so they gain one. (Implementations of the \
         generated server trait still compile: a handler reads the operation's \
         `#[non_exhaustive]` request struct, which gains a field.)";
    PARAMETER_REQUIRED_ADDED: "a required parameter without default was added";
        wire B B (Rejected, Never); source B (Breaks); A;
        "Old clients do not send it, so their requests are rejected; generated methods gain an argument.";
    PARAMETER_TYPE_CHANGED: "the type of a parameter changed";
        wire B B (Rejected, Never); source B (Breaks); A;
        "Values of the old type may not parse as the new one; the argument changes type.";
    PARAMETER_LOCATION_CHANGED: "a parameter moved (e.g. query → form)";
        wire B B (Rejected, Never); source B (Breaks); A;
        "Old clients send it where the server no longer looks; generated arguments are ordered by \
         location (path parameters first), so the argument may move.", cases &[LOCATION_SAME_ARGUMENT];
    PARAMETER_OPTIONAL_TO_REQUIRED: "a parameter became required";
        wire B B (Rejected, Never); source B (Breaks); A;
        "Old clients that omit it are rejected; the argument changes from `Option<&T>` to `&T`.", cases &[REQUIRED_WITH_DEFAULT];
    PARAMETER_REQUIRED_TO_OPTIONAL: "a parameter is no longer required";
        wire N N (Accepted, Never); source B (Breaks); A;
        "Requests that were valid stay valid; the argument changes from `&T` to `Option<&T>`.";
    // resources and operations
    RESOURCE_REMOVED: "a resource and all its operations were removed";
        wire B B (Rejected, Fails); source B (Breaks); A;
        "Every operation of the resource is gone; reported once with the operations listed.";
    RESOURCE_ADDED: "a resource was added";
        wire N N (Accepted, Decodes); source N (Compiles); A;
        "New operations nobody must use.";
    OPERATION_REMOVED: "an operation was removed";
        wire B B (Rejected, Fails); source B (Breaks); A;
        "Old clients calling it get 404 or 405; generated code names it.";
    OPERATION_ADDED: "an operation was added";
        wire N N (Accepted, Decodes); source N (Compiles); A;
        "Nothing existing changes for callers (a server implementing the generated trait gains a \
         method to write, as part of the change).";
    OPERATION_MOVED: "an operation moved to a new path (same method)";
        wire B B (Rejected, Fails); source B (Breaks); A;
        "Old clients call the old path; the generated method is named after the path. Reported once \
         instead of a removal plus an addition.", cases &[MOVED_SAME_URL];
    BODY_ADDED: "an operation now takes a body";
        wire B B (Rejected, Never); source B (Breaks); A;
        "Old clients send none and are rejected; generated methods gain an argument.";
    BODY_REMOVED: "an operation no longer takes a body";
        wire D D (Ignored, Never); source B (Breaks); A;
        "Old clients send a body the server ignores, so what it carried silently stops applying; \
         generated methods lose an argument. API Builder reports it as breaking.";
    BODY_TYPE_CHANGED: "the body type of an operation changed";
        wire B B (Rejected, Never); source B (Breaks); A;
        "Old clients send the old type; the argument changes type.";
    RESPONSE_REMOVED: "a response code was removed";
        wire N N (Never, Decodes); source B (Breaks); A;
        "Old clients simply never receive it; generated code names the response (a variant of the \
         operation's success or error type), so code handling it no longer compiles. API Builder \
         reports it as breaking.";
    RESPONSE_SUCCESS_ADDED: "a new success (2xx) response code";
        wire D D (Never, Surprises); source B (Breaks); A;
        "Old clients receive a status they do not know how to decode. The generated result type \
         changes (one success body becomes an enum of them, or the enum gains a variant). API \
         Builder reports it as non-breaking.";
    RESPONSE_ERROR_ADDED: "a new error or default response";
        wire N N (Never, Decodes); source D (Exhaustive); A;
        "Old clients already handle unexpected errors generically. The operation's generated error \
         enum gains a variant.";
    RESPONSE_TYPE_CHANGED: "the type of a response changed";
        wire B B (Never, Fails); source B (Breaks); A;
        "Old clients decode the old type; generated code changes type.";
    // documentation
    DESCRIPTION_CHANGED: "a description was added, removed or changed";
        wire N N (Accepted, Decodes); source N (Compiles); X;
        "Documentation only.";
    DEPRECATION_ADDED: "an element was deprecated";
        wire N N (Accepted, Decodes); source N (Compiles); X;
        "A warning to consumers; nothing changes on the wire, and generated items gain \
         `#[deprecated]` (a warning, not an error).";
    DEPRECATION_REMOVED: "an element is no longer deprecated";
        wire N N (Accepted, Decodes); source N (Compiles); X;
        "Documentation only.";
    ATTRIBUTE_CHANGED: "an attribute was added, removed or changed";
        wire N N (Accepted, Decodes); source N (Compiles); X;
        "Attributes are hints for generators and tools; the wire is unchanged.";
    EXAMPLE_CHANGED: "an example was added, removed or changed";
        wire N N (Accepted, Decodes); source N (Compiles); X;
        "Documentation only.";
}

/// The rule `id` (case-insensitive), from the registry of [`crate::codes`].
pub fn lookup(id: &str) -> Option<&'static Rule> {
    match crate::codes::entry(id)? {
        crate::codes::Entry::Diff(r) => Some(r),
        _ => None,
    }
}

/// The text `charter explain RULE` prints.
pub fn explain(r: &Rule) -> String {
    let mut s = format!(
        "{} (diff rule; wire: {}; source: {}): {}\n\n{}",
        r.id,
        r.judgement.wire_text(),
        r.source.as_str(),
        r.summary,
        r.doc
    );
    for c in r.cases {
        s.push_str(&format!(
            "\n\nWhen {}: wire {}, source {}. {}",
            c.when,
            c.judgement.wire_text(),
            c.judgement.source.as_str(),
            c.doc
        ));
    }
    s.push_str("\n\nRule catalogue: docs/diff.md");
    s
}

#[cfg(feature = "reports")]
const CATALOGUE: &str = r#"## Rule catalogue

| rule | summary | wire: request | wire: response / event | source |
|---|---|---|---|---|
{{#each rules}}| `{{id}}` | {{summary}} | {{request}} | {{response}} | {{source}} |
{{/each}}
## Rules
{{#each rules}}
### `{{id}}`

{{summary}}: wire **{{wire}}**; source **{{source}}**.
Why: {{sent}} / {{read}} / {{gen}}.

{{doc}}
{{#each cases}}
- When {{when}}: wire **{{wire}}**; source **{{source}}**. {{doc}}
{{/each}}{{/each}}"#;

#[cfg(feature = "reports")]
fn judgement_json(j: &Judgement) -> serde_json::Value {
    serde_json::json!({
        "request": if j.sent == Sent::Never { "—" } else { j.request.as_str() },
        "response": if j.read == Read::Never { "—" } else { j.response.as_str() },
        "source": j.source.as_str(),
        "wire": j.wire_text(),
        "sent": j.sent.as_str(),
        "read": j.read.as_str(),
        "gen": j.gen.as_str(),
    })
}

#[cfg(feature = "reports")]
/// The catalogue as markdown: a summary table and one section per rule (part of docs/diff.md).
pub fn catalogue_markdown() -> String {
    let rules: Vec<serde_json::Value> = RULES
        .iter()
        .map(|r| {
            let mut v = judgement_json(&r.judgement);
            v["id"] = r.id.into();
            v["summary"] = r.summary.into();
            v["doc"] = r.doc.into();
            v["cases"] = r
                .cases
                .iter()
                .map(|c| {
                    let mut v = judgement_json(&c.judgement);
                    v["when"] = c.when.into();
                    v["doc"] = c.doc.into();
                    v
                })
                .collect();
            v
        })
        .collect();
    let mut h = handlebars::Handlebars::new();
    h.register_escape_fn(handlebars::no_escape);
    h.set_strict_mode(true);
    h.render_template(CATALOGUE, &serde_json::json!({ "rules": rules }))
        .expect("catalogue template renders")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_upper_snake() {
        let mut seen = HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate {}", r.id);
            assert!(
                r.id.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{}",
                r.id
            );
            assert!(!r.summary.is_empty() && !r.doc.is_empty(), "{}", r.id);
        }
    }

    /// Every row, and every narrower case, follows the stated principle of each axis.
    #[test]
    fn every_row_follows_its_principles() {
        let mut bad = Vec::new();
        for r in RULES {
            assert_eq!(
                (r.request, r.response, r.source),
                (
                    r.judgement.request,
                    r.judgement.response,
                    r.judgement.source
                ),
                "{}",
                r.id
            );
            if let Err(e) = r.judgement.follows_principles() {
                bad.push(format!("{}: {e}", r.id));
            }
            for c in r.cases {
                if let Err(e) = c.judgement.follows_principles() {
                    bad.push(format!("{} when {}: {e}", r.id, c.when));
                }
            }
        }
        assert!(
            bad.is_empty(),
            "rows against their principle:\n{}",
            bad.join("\n")
        );
    }

    /// Rules that only document (impact Docs) change nothing on either axis; additions never
    /// break the wire; removing or renaming something callers name always breaks the source.
    #[test]
    fn families_are_consistent() {
        for r in RULES {
            let j = r.judgement;
            if r.impact == Impact::Docs {
                assert_eq!((j.request, j.response, j.source), (N, N, N), "{}", r.id);
            }
            if r.id.ends_with("_ADDED") && !r.id.contains("REQUIRED") && r.id != "BODY_ADDED" {
                assert_ne!(j.request, B, "{}: an addition rejects old requests", r.id);
            }
            if r.id.ends_with("_RENAMED")
                || (r.id.ends_with("_REMOVED")
                    && !r.id.starts_with("HEADER")
                    && r.impact != Impact::Docs)
            {
                assert_eq!(j.source, B, "{}", r.id);
            }
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(lookup("field_removed").map(|r| r.id), Some("FIELD_REMOVED"));
        assert!(lookup("NOPE").is_none());
    }
}
