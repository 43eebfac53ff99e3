use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0113",
        "fields and parameters named like personal data carry an annotation",
        DOC,
    ),
    name: "personal-data-names",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        `charter trace` follows personal data from the fields annotated with it (usually
        `personal_data`) to every model, operation and event that carries it, and generated code
        redacts those fields. A field that holds personal data but carries no annotation escapes
        all of that.

        Checked: string fields (and `date-iso8601` fields for birth dates) whose name ends in an
        email, phone number, personal name, street or postal code, birth date, IP address or
        national identifier (`email`, `customer_email`, `phone_number`, `first_name`, `last_name`,
        `full_name`, `address_line_1`, `street`, `postal_code`, `zip`, `birth_date`,
        `date_of_birth`, `ip`, `ssn`, `passport_number`, …), and `name` on models of people
        (`user`, `customer`, `person`, `contact`, `recipient`, …; an organization's `name` is not
        personal data). Fields with any annotation are left alone: they have been classified.
        Query, path, header and form parameters named this way are checked too; API Builder
        parameters take no annotations, so a parameter passes when the resource's model has an
        annotated field of the same name (the trace links them).

        Fix: add `"annotations": ["personal_data"]` to the field (declared in the service's
        `annotations`, or imported), or to the field of the resource's model that a parameter
        filters on. If the value is not about a person, suppress the rule on the model with a
        `linter` attribute.
    "#;

/// Name endings (snake_case words) that hold personal data in a string.
const STRING_NAMES: &[&[&str]] = &[
    &["email"],
    &["email", "address"],
    &["phone"],
    &["phone", "number"],
    &["mobile"],
    &["mobile", "number"],
    &["telephone"],
    &["first", "name"],
    &["firstname"],
    &["last", "name"],
    &["lastname"],
    &["full", "name"],
    &["given", "name"],
    &["family", "name"],
    &["middle", "name"],
    &["maiden", "name"],
    &["surname"],
    &["street"],
    &["streets"],
    &["street", "address"],
    &["address", "line"],
    &["address", "lines"],
    &["line1"],
    &["line2"],
    &["line", "1"],
    &["line", "2"],
    &["address1"],
    &["address2"],
    &["postal"],
    &["postal", "code"],
    &["postcode"],
    &["zip"],
    &["zip", "code"],
    &["zipcode"],
    &["ip"],
    &["ip", "address"],
    &["ssn"],
    &["social", "security", "number"],
    &["passport", "number"],
    &["national", "id"],
];

/// Name endings that hold a birth date (string or date).
const BIRTH_NAMES: &[&[&str]] = &[
    &["birth", "date"],
    &["birthdate"],
    &["birthday"],
    &["date", "of", "birth"],
    &["dob"],
];

/// Last words of model names that describe a person (after dropping `form`, `summary`, …).
const PEOPLE: &[&str] = &[
    "user",
    "customer",
    "person",
    "people",
    "contact",
    "recipient",
    "member",
    "employee",
    "shopper",
    "consumer",
    "buyer",
    "passenger",
    "guest",
    "patient",
    "cardholder",
    "holder",
    "beneficiary",
    "signatory",
];

/// Model name words that describe a variant of the same thing, not a different one.
const VARIANT_WORDS: &[&str] = &[
    "form",
    "put",
    "post",
    "patch",
    "summary",
    "reference",
    "version",
    "upserted",
    "input",
    "details",
    "info",
];

fn words(name: &str) -> Vec<String> {
    to_snake_case(name)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn ends_with(ws: &[String], pattern: &[&str]) -> bool {
    ws.len() >= pattern.len()
        && ws[ws.len() - pattern.len()..]
            .iter()
            .zip(pattern)
            .all(|(a, b)| a == b)
}

fn person_model(model: &str) -> bool {
    let ws = words(model);
    ws.iter()
        .rev()
        .find(|w| !VARIANT_WORDS.contains(&w.as_str()))
        .is_some_and(|w| PEOPLE.contains(&w.as_str()))
}

/// What kind of personal data `name` suggests for a value of type `ty`, if any.
fn looks_personal(name: &str, ty: &TypeRef, owner: Option<&str>) -> Option<&'static str> {
    let inner = ty.innermost();
    let is_string = *inner == TypeRef::Primitive(Primitive::String);
    let is_date = *inner == TypeRef::Primitive(Primitive::DateIso8601);
    let ws = words(name);
    if (is_string || is_date) && BIRTH_NAMES.iter().any(|p| ends_with(&ws, p)) {
        return Some("a birth date");
    }
    if !is_string {
        return None;
    }
    if let Some(p) = STRING_NAMES.iter().find(|p| ends_with(&ws, p)) {
        return Some(match p[0] {
            "email" => "an email address",
            "phone" | "mobile" | "telephone" => "a phone number",
            "street" | "streets" | "address" | "line1" | "line2" | "line" | "address1"
            | "address2" => "an address line",
            "postal" | "postcode" | "zip" | "zipcode" => "a postal code",
            "ip" => "an IP address",
            "ssn" | "social" | "passport" | "national" => "a national identifier",
            _ => "a person's name",
        });
    }
    if ws == ["name"] && owner.is_some_and(person_model) {
        return Some("a person's name");
    }
    None
}

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        let owners = s
            .models
            .iter()
            .map(|m| ("Model", m.name.as_str(), m.fields.as_slice()))
            .chain(
                s.interfaces
                    .iter()
                    .map(|i| ("Interface", i.name.as_str(), i.fields.as_slice())),
            );
        for (kind, owner, fields) in owners {
            for f in fields.iter().filter(|f| f.annotations.is_empty()) {
                if let Some(what) = looks_personal(&f.name, &f.ty.r, Some(owner)) {
                    out.report(
                        &f.loc,
                        format!(
                            "{kind} {owner} Field[{}] looks like {what} but carries no annotation",
                            f.name
                        ),
                    )
                    .help("add \"annotations\": [\"personal_data\"] (declared in `annotations`) so `charter trace` and generated code treat it as personal data");
                }
            }
        }
        for (r, op) in operations(s) {
            for p in &op.parameters {
                let Some(what) = looks_personal(&p.name, &p.ty.r, None) else {
                    continue;
                };
                if annotated_namesake(cx.repo, r, &p.name) {
                    continue;
                }
                out.report(
                    &p.loc,
                    format!(
                        "{} Parameter[{}] looks like {what} but no annotated field of the resource's model has its name",
                        op.label(),
                        p.name
                    ),
                )
                .help("API Builder parameters take no annotations: annotate the field of the same name in the resource's model");
            }
        }
    }
}

/// The resource's model has an annotated field named like the parameter.
fn annotated_namesake(repo: &Repo, r: &Resource, name: &str) -> bool {
    r.ty.r
        .type_id()
        .filter(|id| id.kind == TypeKind::Model)
        .is_some_and(|id| {
            repo.model(id)
                .fields
                .iter()
                .any(|f| f.name == name && !f.annotations.is_empty())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let s = TypeRef::Primitive(Primitive::String);
        let d = TypeRef::Primitive(Primitive::DateIso8601);
        let b = TypeRef::Primitive(Primitive::Boolean);
        assert_eq!(
            looks_personal("customer_email", &s, None),
            Some("an email address")
        );
        assert_eq!(looks_personal("email_verified", &b, None), None);
        assert_eq!(looks_personal("email_verified", &s, None), None);
        assert_eq!(
            looks_personal("date_of_birth", &d, None),
            Some("a birth date")
        );
        assert_eq!(
            looks_personal("address_line_1", &s, None),
            Some("an address line")
        );
        assert_eq!(
            looks_personal("firstName", &s, None),
            Some("a person's name")
        );
        assert_eq!(looks_personal("name", &s, Some("organization")), None);
        assert_eq!(
            looks_personal("name", &s, Some("customer_form")),
            Some("a person's name")
        );
        assert_eq!(looks_personal("name", &s, Some("user_role")), None);
        assert_eq!(
            looks_personal("ip", &TypeRef::List(Box::new(s.clone())), None),
            Some("an IP address")
        );
        assert_eq!(looks_personal("zip_id", &s, None), None);
    }
}
