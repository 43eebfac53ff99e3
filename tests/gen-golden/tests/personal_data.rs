//! Generated code never leaks personal data (fixture `fixtures/gen/personal_data.json`): for values
//! whose annotated fields hold random, distinctive strings at every depth (models, lists, maps,
//! options, boxes, both union forms), `Debug` never prints them; `personal_data()` lists JSON
//! pointers that point at them; after `redact()` the JSON holds none of them, lists nothing, still
//! decodes, and every value that is not personal data is kept.

use charter_gen_golden::test_gen_personal_data_v0::models::*;
use charter_runtime::PersonalData;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Distinctive values: a prefix no generated name contains, then at least 8 random characters.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9@.+ -]{8,24}".prop_map(|s| format!("pii~{s}"))
}

fn kept() -> impl Strategy<Value = String> {
    "[a-z0-9]{8,16}".prop_map(|s| format!("keep-{s}"))
}

/// The values one case is built from: personal data (`pii`) and other values (`keep`), used in turn.
#[derive(Debug, Clone)]
struct Values {
    pii: Vec<String>,
    keep: Vec<String>,
    addresses: usize,
    managers: usize,
    optionals: bool,
}

fn values() -> impl Strategy<Value = Values> {
    (
        prop::collection::vec(secret(), 80),
        prop::collection::vec(kept(), 40),
        0usize..4,
        0usize..4,
        any::<bool>(),
    )
        .prop_map(|(pii, keep, addresses, managers, optionals)| Values {
            pii,
            keep,
            addresses,
            managers,
            optionals,
        })
}

/// Hands out the next personal or kept value. Inside the value of an annotated field
/// (`whole`), every value is personal data.
struct Take<'a> {
    v: &'a Values,
    pii: usize,
    keep: usize,
    whole: bool,
}

impl<'a> Take<'a> {
    fn new(v: &'a Values) -> Self {
        Take {
            v,
            pii: 0,
            keep: 0,
            whole: false,
        }
    }
    fn pii(&mut self) -> String {
        self.pii += 1;
        self.v.pii[(self.pii - 1) % self.v.pii.len()].clone()
    }
    fn keep(&mut self) -> String {
        if self.whole {
            return self.pii();
        }
        self.keep += 1;
        self.v.keep[(self.keep - 1) % self.v.keep.len()].clone()
    }
    /// The value of an annotated field.
    fn annotated<T>(&mut self, make: impl FnOnce(&mut Self) -> T) -> T {
        let outer = std::mem::replace(&mut self.whole, true);
        let value = make(self);
        self.whole = outer;
        value
    }
}

fn address(t: &mut Take) -> Address {
    Address {
        street: t.pii(),
        city: t.keep(),
        country: t.keep(),
        kind: Some(AddressKind::Work),
    }
}

fn person(t: &mut Take) -> Person {
    let opt = t.v.optionals;
    Person {
        id: t.keep(),
        email: t.pii(),
        phone: opt.then(|| t.pii()),
        nickname: Some(t.keep()),
        age: opt.then_some(42),
        born_on: opt.then(|| chrono::NaiveDate::from_ymd_opt(1990, 5, 17).unwrap()),
        status: PersonStatus::Active,
        addresses: (0..t.v.addresses).map(|_| address(t)).collect(),
        contacts: Some(BTreeMap::from([
            (
                "mobile".to_owned(),
                Contact {
                    label: t.keep(),
                    value: t.pii(),
                },
            ),
            (
                "a/b~c".to_owned(),
                Contact {
                    label: t.keep(),
                    value: t.pii(),
                },
            ),
        ])),
        home: opt.then(|| t.annotated(address)),
        extra: opt.then(|| json!({"note": t.pii()})),
    }
}

fn employee(t: &mut Take, depth: usize) -> Employee {
    Employee {
        name: t.pii(),
        title: t.keep(),
        manager: (depth > 0).then(|| Box::new(employee(t, depth - 1))),
    }
}

fn account(v: &Values) -> Account {
    let t = &mut Take::new(v);
    Account {
        id: t.keep(),
        owner: person(t),
        parties: vec![
            Party::Person(person(t)),
            Party::Organization(Organization {
                id: t.keep(),
                name: t.keep(),
                registered_address: Some(address(t)),
            }),
            Party::Audit(Audit {
                id: t.keep(),
                happened_at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            }),
            // A member this version does not know: personal data as a whole.
            Party::Unknown(json!({"type": "robot", "serial": t.pii()})),
        ],
        subjects: Some(BTreeMap::from([
            (
                "boss".to_owned(),
                Subject::Employee(employee(t, v.managers)),
            ),
            ("client".to_owned(), Subject::Person(person(t))),
            ("tag".to_owned(), Subject::String(t.keep())),
        ])),
        previous_owner: Some(t.annotated(|t| Subject::Person(person(t)))),
        note: Some(t.keep()),
    }
}

/// The secrets and kept values actually placed in `a` (the lists are longer than needed).
fn used(v: &Values) -> (Vec<String>, Vec<String>) {
    let a = account(v);
    let json = serde_json::to_string(&a).unwrap();
    let pii = v.pii.iter().filter(|s| json.contains(&escape(s))).cloned();
    let keep = v.keep.iter().filter(|s| json.contains(s.as_str())).cloned();
    (pii.collect(), keep.collect())
}

/// How a string appears inside JSON text.
fn escape(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap();
    quoted[1..quoted.len() - 1].to_owned()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn debug_never_prints_personal_data(v in values()) {
        let a = account(&v);
        let (pii, _) = used(&v);
        prop_assert!(pii.len() >= 10, "the case places secrets: {}", pii.len());
        for shown in [format!("{a:?}"), format!("{a:#?}"), format!("{:?}", a.owner), format!("{:?}", a.parties)] {
            for s in &pii {
                prop_assert!(!shown.contains(s.as_str()), "Debug shows {s}: {shown}");
            }
            prop_assert!(shown.contains("[redacted]"));
        }
        // Values that are not personal data print normally.
        let debug = format!("{a:?}");
        prop_assert!(debug.contains(&a.owner.id));
    }

    #[test]
    fn redact_erases_every_personal_value_and_keeps_the_rest(v in values()) {
        let mut a = account(&v);
        let (pii, keep) = used(&v);
        let before = serde_json::to_value(&a).unwrap();
        let listed = a.personal_data();
        // Every listed pointer names a value of the JSON form, and every secret is under one.
        for p in &listed {
            let at = before.pointer(p);
            prop_assert!(at.is_some_and(|x| !x.is_null()), "{p} names no value");
        }
        for s in &pii {
            let covered = listed.iter().any(|p| before.pointer(p).is_some_and(|x| x.to_string().contains(&escape(s))));
            prop_assert!(covered, "{s} is under no listed pointer: {listed:?}");
        }

        a.redact();
        let text = serde_json::to_string(&a).unwrap();
        for s in &pii {
            prop_assert!(!text.contains(&escape(s)), "{s} survives redact: {text}");
        }
        for k in &keep {
            prop_assert!(text.contains(k.as_str()), "{k} was erased: {text}");
        }
        prop_assert_eq!(a.personal_data(), Vec::<String>::new());
        let back: Account = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &a);
        // Redacting twice changes nothing.
        let mut again = a.clone();
        again.redact();
        prop_assert_eq!(again, a);
    }
}

#[test]
fn pointers_and_erased_values() {
    let v = Values {
        pii: (0..80).map(|i| format!("pii~secret-{i:02}")).collect(),
        keep: (0..40).map(|i| format!("keep-{i:02}")).collect(),
        addresses: 1,
        managers: 1,
        optionals: true,
    };
    let mut a = account(&v);
    let listed = a.personal_data();
    for p in [
        "/owner/email",
        "/owner/phone",
        "/owner/age",
        "/owner/born_on",
        "/owner/addresses/0/street",
        "/owner/contacts/a~1b~0c/value",
        "/owner/home",
        "/owner/extra",
        "/parties/0/email",
        "/parties/1/registered_address/street",
        "/parties/3",
        "/subjects/boss/employee/name",
        "/subjects/boss/employee/manager/name",
        "/subjects/client/person/email",
        "/previous_owner",
    ] {
        assert!(listed.iter().any(|l| l == p), "{p} not in {listed:#?}");
    }
    a.redact();
    assert_eq!(a.owner.email, "");
    assert_eq!(a.owner.phone, None);
    assert_eq!(a.owner.age, None);
    assert_eq!(a.owner.home, None);
    assert_eq!(a.owner.nickname.as_deref(), Some("keep-02"));
    assert_eq!(a.parties[3], Party::Unknown(Value::Null));
    assert_eq!(a.previous_owner, None);
    assert!(format!("{:?}", a.parties[3]).contains("Unknown([redacted])"));

    // A required annotated value of a model or union type is erased field by field.
    let mut s = Subject::Person(person(&mut Take::new(&v)));
    s.erase();
    assert!(s.is_erased());
    let Subject::Person(p) = &s else {
        panic!("erase keeps the member")
    };
    assert_eq!(p.id, "");
    assert_eq!(p.status, PersonStatus::Unknown(String::new()));
    assert!(p.addresses.is_empty());
    let encoded = serde_json::to_value(&s).unwrap();
    assert_eq!(serde_json::from_value::<Subject>(encoded).unwrap(), s);
}
