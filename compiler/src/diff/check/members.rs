//! The comparison shared by fields, parameters and headers: paired by name, then type,
//! location, requiredness, default, range, example, annotations, docs and attributes. Each kind
//! brings its own rules ([`MemberRules`]), so a member rule is always a catalogue constant.

use crate::diff::cx::{truncate, value, Ctx, Cx, Which};
use crate::diff::pair::{pair, Paired, Pass};
use crate::diff::rules::{self, Rule};
use crate::ir::{AnnotationRef, Attribute, Deprecation, Field, Header, Location, Parameter, Type};
use crate::source::Loc;

/// The rules of one kind of member.
pub(super) struct MemberRules {
    pub label: &'static str,
    /// Whether a default can change the generated type of a member (`false`: headers, which
    /// generated code does not name); a field that is required in both versions keeps its type.
    pub typed_default: bool,
    pub removed: &'static Rule,
    pub added: &'static Rule,
    pub required_added: &'static Rule,
    pub type_changed: &'static Rule,
    pub optional_to_required: &'static Rule,
    pub required_to_optional: &'static Rule,
}

/// A field, parameter or header seen through what the member rules compare.
pub(super) struct Member<'a> {
    name: &'a str,
    ty: &'a Type,
    required: bool,
    default: Option<&'a str>,
    minimum: Option<i64>,
    maximum: Option<i64>,
    example: Option<&'a str>,
    description: &'a Option<String>,
    deprecation: &'a Option<Deprecation>,
    attributes: &'a [Attribute],
    annotations: &'a [AnnotationRef],
    location: Option<Location>,
    loc: &'a Loc,
}

impl<'a> Member<'a> {
    pub fn field(f: &'a Field) -> Member<'a> {
        Member {
            name: &f.name,
            ty: &f.ty,
            required: f.required,
            default: f.default.as_deref(),
            minimum: f.minimum,
            maximum: f.maximum,
            example: f.example.as_deref(),
            description: &f.description,
            deprecation: &f.deprecation,
            attributes: &f.attributes,
            annotations: &f.annotations,
            location: None,
            loc: &f.loc,
        }
    }
    pub fn parameter(p: &'a Parameter) -> Member<'a> {
        Member {
            name: &p.name,
            ty: &p.ty,
            required: p.required,
            default: p.default.as_deref(),
            minimum: p.minimum,
            maximum: p.maximum,
            example: p.example.as_deref(),
            description: &p.description,
            deprecation: &p.deprecation,
            attributes: &p.attributes,
            annotations: &[],
            location: Some(p.location),
            loc: &p.loc,
        }
    }
    pub fn header(h: &'a Header) -> Member<'a> {
        Member {
            name: &h.name,
            ty: &h.ty,
            required: h.required,
            default: h.default.as_deref(),
            minimum: None,
            maximum: None,
            example: None,
            description: &h.description,
            deprecation: &h.deprecation,
            attributes: &h.attributes,
            annotations: &[],
            location: None,
            loc: &h.loc,
        }
    }
    fn is_path(&self) -> bool {
        self.location == Some(Location::Path)
    }
}

/// ` (annotations: personal_data)` for a member that carries annotations, so that a field with
/// personal data that appears or disappears is always visible as such.
fn annotations_note(annotations: &[AnnotationRef]) -> String {
    if annotations.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = annotations.iter().map(|a| a.name.as_str()).collect();
        format!(" (annotations: {})", names.join(", "))
    }
}

/// Compares members paired by name (path parameters of a moved operation by position, when
/// `by_position` is set).
pub(super) fn compare(
    cx: &mut Cx,
    rules: &MemberRules,
    label: &str,
    old: &[Member],
    new: &[Member],
    ctx: &Ctx,
    by_position: bool,
) {
    let position = |ms: &[Member], i: usize| ms[..i].iter().filter(|m| m.is_path()).count();
    let key = |i: usize, j: usize| {
        let (a, b) = (&old[i], &new[j]);
        if by_position && (a.is_path() || b.is_path()) {
            a.is_path() && b.is_path() && position(old, i) == position(new, j)
        } else {
            a.name == b.name
        }
    };
    for p in pair(old.len(), new.len(), &[Pass::First(&key)]).iter() {
        match p {
            Paired::Removed(i) => {
                let a = &old[i];
                let what = format!(
                    "{label} {} removed: {}{}",
                    rules.label,
                    a.name,
                    annotations_note(a.annotations)
                );
                cx.emit(rules.removed, Which::Old, a.loc, what, ctx);
            }
            Paired::Matched(i, j, _) => member_pair(cx, rules, label, &old[i], &new[j], ctx),
            Paired::Added(j) => {
                let b = &new[j];
                let (rule, what) = if b.required && b.default.is_none() {
                    (rules.required_added, "required")
                } else {
                    (
                        rules.added,
                        if b.required { "required" } else { "optional" },
                    )
                };
                let mut msg = format!("{label} {what} {} added: {}", rules.label, b.name);
                if let Some(d) = b.default {
                    msg.push_str(&format!(", defaults to {}", truncate(d)));
                }
                msg.push_str(&annotations_note(b.annotations));
                cx.emit(rule, Which::New, b.loc, msg, ctx);
            }
        }
    }
}

fn member_pair(cx: &mut Cx, rules: &MemberRules, label: &str, a: &Member, b: &Member, ctx: &Ctx) {
    let ml = format!("{label} {} {}", rules.label, b.name);
    let loc = b.loc;
    if cx.type_changed(a.ty, b.ty) {
        let msg = format!("{ml} type changed from {} to {}", a.ty.text, b.ty.text);
        cx.emit(rules.type_changed, Which::New, loc, msg, ctx);
    }
    if let (Some(x), Some(y)) = (a.location, b.location) {
        if x != y {
            let msg = format!(
                "{ml} location changed from {} to {}",
                x.as_str(),
                y.as_str()
            );
            let same_argument = x != Location::Path && y != Location::Path;
            let case = same_argument.then_some(&rules::LOCATION_SAME_ARGUMENT);
            let rule = &rules::PARAMETER_LOCATION_CHANGED;
            cx.emit_case(rule, case, Which::New, loc, msg, ctx);
        }
    }
    if !a.required && b.required {
        // With a default the server fills in what old clients omit.
        let case = b.default.map(|_| &rules::REQUIRED_WITH_DEFAULT);
        let msg = format!("{ml} is now required");
        cx.emit_case(rules.optional_to_required, case, Which::New, loc, msg, ctx);
    } else if a.required && !b.required {
        let msg = format!("{ml} is no longer required");
        cx.emit(rules.required_to_optional, Which::New, loc, msg, ctx);
    }
    let default = match (a.default, b.default) {
        (None, Some(d)) => Some((
            &rules::FIELD_DEFAULT_ADDED,
            format!("{ml} default added: {}", truncate(d)),
        )),
        (Some(d), None) => Some((
            &rules::FIELD_DEFAULT_REMOVED,
            format!("{ml} default removed: {}", truncate(d)),
        )),
        (Some(x), Some(y)) if x != y => Some((
            &rules::FIELD_DEFAULT_CHANGED,
            format!(
                "{ml} default changed from {} to {}",
                truncate(x),
                truncate(y)
            ),
        )),
        _ => None,
    };
    if let Some((rule, msg)) = default {
        let same_type =
            !rules.typed_default || (rules.label == "field" && a.required && b.required);
        // a changed default has no narrower case (it changes no type)
        let case = match (same_type, a.default, b.default) {
            (true, None, Some(_)) => Some(&rules::DEFAULT_ADDED_SAME_TYPE),
            (true, Some(_), None) => Some(&rules::DEFAULT_REMOVED_SAME_TYPE),
            _ => None,
        };
        cx.emit_case(rule, case, Which::New, loc, msg, ctx);
    }
    let max_tighter = matches!((a.maximum, b.maximum), (None, Some(_)))
        || matches!((a.maximum, b.maximum), (Some(p), Some(q)) if q < p);
    for (what, x, y, tighter) in [
        ("minimum", a.minimum, b.minimum, b.minimum > a.minimum),
        ("maximum", a.maximum, b.maximum, max_tighter),
    ] {
        let msg = match (x, y) {
            _ if x == y => continue,
            (None, Some(v)) => format!("{ml} {what} added: {v}"),
            (Some(v), None) => format!("{ml} {what} removed: {v}"),
            (Some(p), Some(q)) => format!("{ml} {what} changed from {p} to {q}"),
            (None, None) => continue,
        };
        let rule = if tighter {
            &rules::FIELD_RANGE_TIGHTENED
        } else {
            &rules::FIELD_RANGE_LOOSENED
        };
        cx.emit(rule, Which::New, loc, msg, ctx);
    }
    if a.example != b.example {
        let msg = format!(
            "{ml} example changed from {} to {}",
            value(a.example),
            value(b.example)
        );
        cx.emit(&rules::EXAMPLE_CHANGED, Which::New, loc, msg, ctx);
    }
    let by_name = crate::diff::pair::by_key(
        a.annotations,
        b.annotations,
        |x| x.name.clone(),
        |x| x.name.clone(),
    );
    for p in by_name.iter() {
        let (msg, at) = match p {
            Paired::Removed(i) => (
                format!("{ml} annotation removed: {}", a.annotations[i].name),
                loc,
            ),
            Paired::Added(j) => (
                format!("{ml} annotation added: {}", b.annotations[j].name),
                &b.annotations[j].loc,
            ),
            Paired::Matched(..) => continue,
        };
        cx.emit(&rules::FIELD_ANNOTATION_CHANGED, Which::New, at, msg, ctx);
    }
    cx.docs(
        &ml,
        a.description,
        b.description,
        a.deprecation,
        b.deprecation,
        loc,
        ctx,
    );
    cx.attributes(&ml, a.attributes, b.attributes, ctx);
}
