//! Naming rules of API Builder, in one place: plurals, application keys, default namespaces,
//! identifier validity and the normalization used to detect duplicates.
//!
//! Every function reproduces what API Builder itself computes (`lib/Text.scala`, `UrlKey.scala`,
//! `ServiceConfiguration.scala`, `VersionTag.scala` and the evo-inflector English rules it
//! delegates to), quirks included, so that a resolved spec matches the one API Builder serves.
//! [`snake_case`] and [`is_snake_case`] are Charter's own helpers for the linter and generators.

// ---------------------------------------------------------------------------------------------
// Plurals
// ---------------------------------------------------------------------------------------------

/// Exact irregulars applied by API Builder before the inflector (compared case-sensitively).
const API_BUILDER_IRREGULARS: &[(&str, &str)] = &[
    ("metadatum", "metadata"),
    ("datum", "data"),
    ("person", "people"),
    ("species", "species"),
    ("epoch", "epochs"),
    ("memo", "memos"),
];

/// Words API Builder leaves unchanged (compared lower-cased), besides the irregulars' plurals.
const API_BUILDER_KNOWN_PLURALS: &[&str] = &[
    "bison", "buffalo", "deer", "duck", "fish", "moose", "pike", "plankton", "salmon", "sheep",
    "squid", "swine", "trout",
];

/// One suffix rule of the English inflector: when the word ends (ASCII case-insensitively) with
/// one of `suffixes` — and, for `not_after`, the character before the suffix exists and is not
/// that letter — drop the last `remove` bytes and append `append`.
struct Rule {
    suffixes: &'static [&'static str],
    not_after: Option<char>,
    remove: usize,
    append: &'static str,
}

const fn rule(suffixes: &'static [&'static str], remove: usize, append: &'static str) -> Rule {
    Rule {
        suffixes,
        not_after: None,
        remove,
        append,
    }
}

/// A fixed word with its plural: matched as a suffix, the matched first letter keeps its case.
const fn irregular(word: &'static [&'static str], rest_of_plural: &'static str) -> Rule {
    // `word` holds one singular; everything after its first letter is replaced.
    Rule {
        suffixes: word,
        not_after: None,
        remove: usize::MAX, // resolved at match time: the singular's length minus one
        append: rest_of_plural,
    }
}

/// The anglicized English rule set of evo-inflector (1.3), in its order of precedence.
/// The first rule whose suffix matches wins; the last rule always matches.
static ENGLISH_RULES: &[Rule] = &[
    // Words that do not inflect (endings and whole words, matched as suffixes).
    rule(
        &[
            "fish",
            "ois",
            "sheep",
            "deer",
            "pox",
            "itis",
            "bison",
            "flounder",
            "pliers",
            "bream",
            "gallows",
            "proceedings",
            "breeches",
            "graffiti",
            "rabies",
            "britches",
            "headquarters",
            "salmon",
            "carp",
            "herpes",
            "scissors",
            "chassis",
            "high-jinks",
            "sea-bass",
            "clippers",
            "homework",
            "series",
            "cod",
            "innings",
            "shears",
            "contretemps",
            "jackanapes",
            "species",
            "corps",
            "mackerel",
            "swine",
            "debris",
            "measles",
            "trout",
            "diabetes",
            "mews",
            "tuna",
            "djinn",
            "mumps",
            "whiting",
            "eland",
            "news",
            "wildebeest",
            "elk",
            "pincers",
            "sugar",
        ],
        0,
        "",
    ),
    // Standard irregular plurals.
    irregular(&["child"], "hildren"),
    irregular(&["ephemeris"], "phemerides"),
    irregular(&["mongoose"], "ongoose"),
    irregular(&["mythos"], "ythoi"),
    irregular(&["soliloquy"], "oliloquies"),
    irregular(&["trilby"], "rilbys"),
    irregular(&["genus"], "enera"),
    irregular(&["quiz"], "uizzes"),
    // Anglicized irregulars.
    irregular(&["beef"], "eefs"),
    irregular(&["brother"], "rothers"),
    irregular(&["cow"], "ows"),
    irregular(&["genie"], "enies"),
    irregular(&["money"], "oneys"),
    irregular(&["octopus"], "ctopuses"),
    irregular(&["opus"], "puses"),
    // `-man` words that take `-mans`. evo-inflector lists capitalised demonyms too ("German",
    // "Oklahoman", ...) but compares them with the lower-cased word, so only "human" ever matches.
    rule(&["human"], 0, "s"),
    // Irregular inflections of common suffixes.
    rule(&["man"], 3, "men"),
    rule(&["louse", "mouse"], 4, "ice"),
    rule(&["tooth"], 5, "teeth"),
    rule(&["goose"], 5, "geese"),
    rule(&["foot"], 4, "feet"),
    rule(&["zoon"], 4, "zoa"),
    rule(&["cis", "sis", "xis"], 2, "es"),
    // Fully assimilated classical inflections.
    rule(&["codex", "murex", "silex"], 2, "ices"),
    rule(&["radix", "helix"], 2, "ices"),
    rule(
        &[
            "bacterium",
            "agendum",
            "desideratum",
            "erratum",
            "stratum",
            "datum",
            "ovum",
            "extremum",
            "candelabrum",
        ],
        2,
        "a",
    ),
    rule(
        &[
            "criterion",
            "perihelion",
            "aphelion",
            "phenomenon",
            "prolegomenon",
            "noumenon",
            "organon",
            "asyndeton",
            "hyperbaton",
        ],
        2,
        "a",
    ),
    rule(&["alumna", "alga", "vertebra", "persona"], 1, "ae"),
    // Always `-us` → `-i`.
    rule(
        &[
            "alumnus",
            "alveolus",
            "bacillus",
            "bronchus",
            "locus",
            "nucleus",
            "stimulus",
            "meniscus",
            "thesaurus",
        ],
        2,
        "i",
    ),
    // Sibilants.
    rule(&["ch", "sh", "z", "x"], 0, "es"),
    rule(
        &[
            "acropolis",
            "chaos",
            "lens",
            "aegis",
            "cosmos",
            "mantis",
            "alias",
            "dais",
            "marquis",
            "asbestos",
            "digitalis",
            "metropolis",
            "atlas",
            "epidermis",
            "pathos",
            "bathos",
            "ethos",
            "pelvis",
            "bias",
            "gas",
            "polis",
            "caddis",
            "glottis",
            "rhinoceros",
            "cannabis",
            "sassafras",
            "canvas",
            "ibis",
            "trellis",
        ],
        0,
        "es",
    ),
    rule(&["iris", "clitoris"], 0, "es"),
    rule(
        &[
            "apparatus",
            "impetus",
            "prospectus",
            "cantus",
            "nexus",
            "sinus",
            "coitus",
            "plexus",
            "status",
            "hiatus",
        ],
        0,
        "es",
    ),
    rule(&["us"], 0, "es"),
    // `-a` words that take `-as` (anglicized).
    rule(
        &[
            "anathema",
            "enema",
            "oedema",
            "bema",
            "enigma",
            "sarcoma",
            "carcinoma",
            "gumma",
            "schema",
            "charisma",
            "lemma",
            "soma",
            "diploma",
            "lymphoma",
            "stigma",
            "dogma",
            "magma",
            "stoma",
            "drama",
            "melisma",
            "trauma",
            "edema",
            "miasma",
        ],
        0,
        "s",
    ),
    // `-ss` takes `-es` (`-ch`/`-sh` were handled above).
    rule(&["ss"], 0, "es"),
    // `-f`/`-fe` words that take `-ves` (wolves, leaves, scarves, knives).
    rule(&["alf", "elf", "olf"], 1, "ves"),
    Rule {
        suffixes: &["eaf"],
        not_after: Some('d'),
        remove: 1,
        append: "ves",
    },
    rule(&["arf"], 1, "ves"),
    rule(&["nife", "life", "wife"], 2, "ves"),
    // `-y`: vowel + y takes `-s`, otherwise `-ies`.
    rule(&["ay", "ey", "iy", "oy", "uy"], 0, "s"),
    rule(&["y"], 1, "ies"),
    // `-o`: listed words and vowel + o take `-s`, the rest `-es`.
    rule(
        &[
            "solo",
            "soprano",
            "basso",
            "alto",
            "contralto",
            "tempo",
            "piano",
            "virtuoso",
        ],
        0,
        "s",
    ),
    rule(
        &[
            "albino",
            "archipelago",
            "armadillo",
            "commando",
            "crescendo",
            "fiasco",
            "ditto",
            "dynamo",
            "embryo",
            "ghetto",
            "guano",
            "inferno",
            "jumbo",
            "lumbago",
            "magneto",
            "manifesto",
            "medico",
            "octavo",
            "photo",
            "pro",
            "quarto",
            "canto",
            "lingo",
            "generalissimo",
            "stylo",
            "rhino",
            "casino",
            "auto",
            "macro",
            "zero",
            "todo",
        ],
        0,
        "s",
    ),
    rule(&["ao", "eo", "io", "oo", "uo"], 0, "s"),
    rule(&["o"], 0, "es"),
    rule(&["ulum"], 2, "a"),
    rule(&["s"], 0, "es"),
    // Otherwise, add `-s`.
    rule(&[""], 0, "s"),
];

/// `word` ends with the ASCII `suffix`, compared ASCII case-insensitively.
fn ends_with_ignore_ascii_case(word: &str, suffix: &str) -> bool {
    let (w, s) = (word.as_bytes(), suffix.as_bytes());
    w.len() >= s.len() && w[w.len() - s.len()..].eq_ignore_ascii_case(s)
}

impl Rule {
    /// The plural of `word` under this rule, if it applies.
    fn apply(&self, word: &str) -> Option<String> {
        let suffix = self
            .suffixes
            .iter()
            .find(|s| ends_with_ignore_ascii_case(word, s))?;
        // The suffixes are ASCII, so a matched suffix starts on a char boundary.
        let start = word.len() - suffix.len();
        if let Some(excluded) = self.not_after {
            let before = word[..start].chars().next_back()?;
            if before.eq_ignore_ascii_case(&excluded) {
                return None;
            }
        }
        let remove = if self.remove == usize::MAX {
            suffix.len().saturating_sub(1)
        } else {
            self.remove
        };
        let keep = word.get(..word.len() - remove)?;
        Some(format!("{keep}{}", self.append))
    }
}

/// evo-inflector's `English.plural` (anglicized mode).
fn english_plural(word: &str) -> String {
    ENGLISH_RULES
        .iter()
        .find_map(|rule| rule.apply(word))
        .unwrap_or_else(|| format!("{word}s"))
}

/// `Text.pluralize` of API Builder (evo-inflector English rules plus API Builder's exceptions).
///
/// The rules look at the end of the word only, so a camelCase or snake_case name is pluralized
/// on its last word and keeps the case of the rest (`errorMessage` → `errorMessages`).
pub fn pluralize(word: &str) -> String {
    let lower = word.to_lowercase();
    let known = API_BUILDER_KNOWN_PLURALS.contains(&lower.as_str())
        || API_BUILDER_IRREGULARS.iter().any(|(_, p)| *p == lower);
    if known {
        return word.to_string();
    }
    if let Some((_, plural)) = API_BUILDER_IRREGULARS.iter().find(|(s, _)| *s == word) {
        return (*plural).to_string();
    }
    if word.ends_with("es") || word.ends_with("ts") || word.ends_with("data") {
        return word.to_string();
    }
    english_plural(word)
}

// ---------------------------------------------------------------------------------------------
// Application keys and namespaces
// ---------------------------------------------------------------------------------------------

/// Java's `String.trim`: strips every char up to and including U+0020 from both ends.
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// `UrlKey.format`: lower-case, trim, map every char outside `[0-9a-z._-]` to `-`, collapse runs
/// of `-` and of `_`, strip leading and trailing `-`.
fn url_key_format(value: &str) -> String {
    let lower = value.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for c in java_trim(&lower).chars() {
        let c = match c {
            '0'..='9' | 'a'..='z' | '-' | '_' | '.' => c,
            _ => '-',
        };
        if (c == '-' || c == '_') && out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    out.trim_matches('-').to_string()
}

/// `UrlKey.generate`: `"API Builder"` → `api-builder`.
///
/// Like API Builder, `.` is kept (its character class is `[0-9a-z-_.]`), and a key shorter than
/// three characters gets `-1` appended until it is long enough (`ab` → `ab-1`). For a name with
/// no usable character at all API Builder never terminates; here it yields `1-1`.
pub fn url_key(name: &str) -> String {
    let mut key = url_key_format(name);
    if key.is_empty() {
        return "1-1".to_string();
    }
    while key.len() < 3 {
        key.push_str("-1");
    }
    key
}

/// `VersionTag.major`: the leading number of the version (`1.2.3` → 1, `v2` → 2), if any.
pub fn version_major(version: &str) -> Option<u64> {
    let first = java_trim(version).split('-').next()?.split('.').next()?;
    let digits = first.strip_prefix('v').unwrap_or(first);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // API Builder parses an `Int`; a number too large for it has no major.
    digits.parse::<i32>().ok().map(|n| n as u64)
}

/// `Text.camelCaseToUnderscore`: an all-caps phrase is lower-cased; otherwise every ASCII capital
/// gets a `_` in front, the result is trimmed and one leading `_` dropped (`heyThere` →
/// `hey_There`, `UUID` → `uuid`).
fn camel_case_to_underscore(phrase: &str) -> String {
    if phrase == phrase.to_uppercase() {
        return phrase.to_lowercase();
    }
    let mut out = String::with_capacity(phrase.len() + 4);
    for c in phrase.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c);
    }
    let trimmed = java_trim(&out);
    trimmed.strip_prefix('_').unwrap_or(trimmed).to_string()
}

/// `Text.splitIntoWords`: camelCase split, then split on `_ - . : / space`, empties dropped.
fn split_into_words(value: &str) -> Vec<String> {
    camel_case_to_underscore(value)
        .split(['_', '-', '.', ':', '/', ' '])
        .map(|w| java_trim(w).to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Default namespace: `<org namespace>.<words of app key>.v<major>` (§1.11).
///
/// `fooBar` in `me.apidoc` at `1.0.0` → `me.apidoc.foo.bar.v1`; a `.` directly followed by a
/// non-letter is dropped (`mercury-3pl` → `io.apibuilder.mercury3pl.v1`); without a numeric
/// major version the `v<major>` part is omitted.
pub fn default_namespace(org_namespace: &str, app_key: &str, version: &str) -> String {
    let mut parts: Vec<String> = vec![java_trim(org_namespace).to_string()];
    parts.extend(
        split_into_words(&camel_case_to_underscore(java_trim(app_key)))
            .into_iter()
            .map(|w| java_trim(&w.to_lowercase()).to_string()),
    );
    if let Some(major) = version_major(version) {
        parts.push(format!("v{major}"));
    }
    parts.retain(|p| !p.is_empty());
    let joined = parts.join(".");
    // Replace every `\.([^a-zA-Z])` with the captured character (non-overlapping, left to right).
    let mut out = String::with_capacity(joined.len());
    let mut chars = joined.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '.' {
            if let Some(&next) = chars.peek() {
                if !next.is_ascii_alphabetic() {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------------------------

/// Message: the name is empty.
pub const NAME_BLANK: &str = "Name cannot be blank";
/// Message: the name has a character outside `a-z A-Z 0-9 - _ .` (the text omits `.`).
pub const NAME_CHARACTERS: &str = "Name can only contain a-z, A-Z, 0-9, - and _ characters";
/// Message: the name does not start with a letter (or with `_` followed by something).
pub const NAME_START: &str = "Name must start with a letter";

/// A line terminator for Java's `.` (which does not match them).
fn is_java_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// `Text.validateName`: the problems with `name` as an identifier, empty when valid, in API
/// Builder's order (characters first, then the initial letter).
pub fn validate_name(name: &str) -> Vec<&'static str> {
    let mut problems = Vec::new();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !name.chars().all(allowed) {
        problems.push(NAME_CHARACTERS);
    }
    // `^[a-zA-Z].*` and `^_.*`, matched against the whole name: `.` stops at line terminators.
    let mut chars = name.chars();
    let first = chars.next();
    let single_line = !name.chars().any(is_java_line_terminator);
    let starts_with_letter = first.is_some_and(|c| c.is_ascii_alphabetic()) && single_line;
    let underscore_then_more = first == Some('_') && single_line && name.chars().count() > 1;
    if name.is_empty() {
        problems.push(NAME_BLANK);
    } else if !starts_with_letter && !underscore_then_more {
        problems.push(NAME_START);
    }
    problems
}

/// Normalization for duplicate detection: camelCase → snake_case, lower-cased; an all-caps word
/// is simply lower-cased. `someId` → `some_id`, `KEY` → `key`, `X-Foo` → `x-_foo`.
pub fn normalize_for_duplicates(name: &str) -> String {
    camel_case_to_underscore(name).to_lowercase()
}

// ---------------------------------------------------------------------------------------------
// Charter's own helpers
// ---------------------------------------------------------------------------------------------

/// snake_case for generated identifiers and lint suggestions: words split at camelCase
/// boundaries (an acronym stays one word: `HTTPServer` → `http_server`), at letter/digit
/// transitions only when a capital follows (`v2Api` → `v2_api`, `sha256` → `sha256`), and at any
/// character that is not a letter or digit; lower-cased and joined with `_`.
pub fn snake_case(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    let mut pending_separator = false;
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            pending_separator = !out.is_empty();
            continue;
        }
        if c.is_uppercase() && !out.is_empty() {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary =
                prev.is_lowercase() || prev.is_numeric() || (prev.is_uppercase() && next_is_lower);
            if boundary {
                pending_separator = true;
            }
        }
        if pending_separator {
            out.push('_');
            pending_separator = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Whether `s` is snake_case: ASCII lowercase letters, digits and underscores, starting with a
/// letter.
pub fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pluralize_table() {
        let table = [
            ("user", "users"),
            ("address", "addresses"),
            ("history", "histories"),
            ("knife", "knives"),
            ("hero", "heroes"),
            ("zero", "zeros"),
            ("errorMessage", "errorMessages"),
            ("error_message", "error_messages"),
            ("errorMessages", "errorMessages"),
            ("person", "people"),
            ("metadata", "metadata"),
            ("metadatum", "metadata"),
            ("status", "statuses"),
            ("currency", "currencies"),
            ("country", "countries"),
            ("box", "boxes"),
            ("Box", "Boxes"),
            ("category", "categories"),
            ("item", "items"),
            ("price", "prices"),
            ("analysis", "analyses"),
            ("basis", "bases"),
            ("child", "children"),
            ("grandchild", "grandchildren"),
            ("sheep", "sheep"),
            ("datum", "data"),
            ("experience", "experiences"),
            ("key", "keys"),
            ("day", "days"),
            ("tax", "taxes"),
            ("match", "matches"),
            ("church", "churches"),
            ("wish", "wishes"),
            ("leaf", "leaves"),
            ("life", "lives"),
            ("half", "halves"),
            ("scarf", "scarves"),
            ("NightWolf", "NightWolves"),
            ("chief", "chiefs"),
            ("index", "indexes"),
            ("quiz", "quizzes"),
            ("bus", "buses"),
            ("photo", "photos"),
            ("potato", "potatoes"),
            ("echo", "echoes"),
            ("studio", "studios"),
            ("zoo", "zoos"),
            ("solo", "solos"),
            ("todo", "todos"),
            ("memo", "memos"),
            ("epoch", "epochs"),
            ("species", "species"),
            ("people", "people"),
            ("Fish", "Fish"),
            ("variants", "variants"),
            ("commit", "commits"),
            ("kiss", "kisses"),
            ("phase", "phases"),
            ("cherry", "cherries"),
            ("soliloquy", "soliloquies"),
            ("monkey", "monkeys"),
            ("woman", "women"),
            ("Woman", "Women"),
            ("human", "humans"),
            ("German", "Germen"),
            ("mouse", "mice"),
            ("foot", "feet"),
            ("tooth", "teeth"),
            ("goose", "geese"),
            ("codex", "codices"),
            ("bacterium", "bacteria"),
            ("criterion", "criteria"),
            ("alga", "algae"),
            ("stimulus", "stimuli"),
            ("alias", "aliases"),
            ("gas", "gases"),
            ("iris", "irises"),
            ("schema", "schemas"),
            ("dogma", "dogmas"),
            ("curriculum", "curricula"),
            ("news", "news"),
            ("sugar", "sugar"),
            ("money", "moneys"),
            ("octopus", "octopuses"),
            ("genus", "genera"),
            ("Genus", "Genera"),
            ("medium", "mediums"),
            ("bread", "breads"),
            ("dead", "deads"),
            ("", "s"),
        ];
        let failures: Vec<String> = table
            .iter()
            .filter(|(singular, plural)| pluralize(singular) != *plural)
            .map(|(singular, plural)| {
                format!("{singular}: expected {plural}, got {}", pluralize(singular))
            })
            .collect();
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn pluralize_quirks_of_the_inflector() {
        // `[^d]ea` + f: leaf → leaves but a `-deaf` word is regular.
        assert_eq!(pluralize("deaf"), "deafs");
        // The `-eaf` rule needs a character before `eaf`.
        assert_eq!(pluralize("eaf"), "eafs");
        // Replacement text is lower case even when the word is not.
        assert_eq!(pluralize("KNIFE"), "KNIves");
        assert_eq!(pluralize("USER"), "USERs");
        // API Builder's own checks are case-sensitive except the known-plural one.
        assert_eq!(pluralize("Person"), "Persons");
        assert_eq!(pluralize("PEOPLE"), "PEOPLE");
        assert_eq!(pluralize("Stats"), "Stats");
        // Non-ASCII input never panics.
        assert_eq!(pluralize("café"), "cafés");
        assert_eq!(pluralize("ñeaf"), "ñeaves");
    }

    #[test]
    fn pluralize_keeps_words_api_builder_treats_as_plural() {
        for plural in [
            "addresses",
            "histories",
            "errorMessages",
            "variants",
            "metadata",
        ] {
            assert_eq!(pluralize(plural), plural);
        }
        // Other plurals are pluralized again (evo-inflector's `-s` → `-ses`), as API Builder
        // does: the corpus records `experience_settingses`, `price_detailses`, `optionses`.
        assert_eq!(pluralize("users"), "userses");
        assert_eq!(pluralize("experience_settings"), "experience_settingses");
    }

    /// Every service.json of the corpus (the inner spec of wrapped files).
    fn corpus_services() -> Vec<serde_json::Value> {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/corpus/service-json"
        );
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("corpus at {dir}: {e}"));
        let mut services = Vec::new();
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let Ok(mut json) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            if let Some(inner) = json.get_mut("service") {
                json = inner.take();
            }
            services.push(json);
        }
        assert!(services.len() > 100, "too few services: {}", services.len());
        services
    }

    /// API Builder records the plural it computed (or the author's explicit one) in every
    /// service.json: our rules must agree with it. The mismatches left are explicit plurals
    /// (`organization` → `catalogs`, `*_settings` kept as is) and files written by API Builder
    /// 0.9 with an older inflector (`baz` → `bazs`, `gizmo` → `gizmos`).
    #[test]
    fn pluralize_agrees_with_api_builder_on_the_corpus() {
        let mut pairs = std::collections::BTreeSet::new();
        for json in corpus_services() {
            for kind in ["models", "enums", "unions", "interfaces"] {
                let Some(items) = json.get(kind).and_then(|v| v.as_array()) else {
                    continue;
                };
                for item in items {
                    let name = item.get("name").and_then(|v| v.as_str());
                    let plural = item.get("plural").and_then(|v| v.as_str());
                    if let (Some(name), Some(plural)) = (name, plural) {
                        pairs.insert((name.to_string(), plural.to_string()));
                    }
                }
            }
        }
        assert!(pairs.len() > 100, "too few pairs: {}", pairs.len());
        let mismatches: Vec<_> = pairs
            .iter()
            .filter(|(name, plural)| pluralize(name) != *plural)
            .map(|(name, plural)| format!("{name}: recorded {plural}, ours {}", pluralize(name)))
            .collect();
        let agreement = 1.0 - mismatches.len() as f64 / pairs.len() as f64;
        eprintln!(
            "{} pairs, {} mismatches:\n{}",
            pairs.len(),
            mismatches.len(),
            mismatches.join("\n")
        );
        assert!(
            agreement >= 0.97,
            "agreement {agreement:.3}: {mismatches:#?}"
        );
    }

    /// Application keys in the corpus are `UrlKey.generate(name)` unless chosen by hand.
    #[test]
    fn url_key_agrees_with_api_builder_on_the_corpus() {
        let mut pairs = std::collections::BTreeSet::new();
        for json in corpus_services() {
            let name = json.get("name").and_then(|v| v.as_str());
            let key = json.pointer("/application/key").and_then(|v| v.as_str());
            if let (Some(name), Some(key)) = (name, key) {
                pairs.insert((name.to_string(), key.to_string()));
            }
        }
        let mismatches: Vec<_> = pairs
            .iter()
            .filter(|(name, key)| url_key(name) != *key)
            .collect();
        eprintln!("{} pairs, mismatches: {mismatches:#?}", pairs.len());
        assert!(pairs.len() > 20);
        // Three applications have hand-picked keys (e.g. `catalog` → `apidoc-reference-api`).
        assert!(mismatches.len() <= 3, "{mismatches:#?}");
    }

    /// Namespaces recorded in corpus service.json files whose organization namespace is known.
    #[test]
    fn default_namespace_matches_corpus_examples() {
        let cases = [
            (
                "com.bryzek",
                "ambiguous-implicit-values-test",
                "0.0.1-dev",
                "com.bryzek.ambiguous.implicit.values.test.v0",
            ),
            (
                "com.hbc.mobile",
                "wishlist-api",
                "1.4.0",
                "com.hbc.mobile.wishlist.api.v1",
            ),
            (
                "me.gheine",
                "status-codes",
                "0.0.1-dev",
                "me.gheine.status.codes.v0",
            ),
            (
                "io",
                "apibuilder-explicit-validation-core",
                "0.4.28",
                "io.apibuilder.explicit.validation.core.v0",
            ),
        ];
        for (org, key, version, expected) in cases {
            assert_eq!(default_namespace(org, key, version), expected, "{key}");
        }
    }

    #[test]
    fn url_keys() {
        assert_eq!(url_key("API Builder"), "api-builder");
        assert_eq!(url_key("foo"), "foo");
        assert_eq!(url_key("foo-bar"), "foo-bar");
        assert_eq!(url_key("foo123"), "foo123");
        assert_eq!(url_key("FOO-BAR"), "foo-bar");
        assert_eq!(url_key("  foo-bar  "), "foo-bar");
        assert_eq!(
            url_key("apidoc Example Union Types"),
            "apidoc-example-union-types"
        );
        assert_eq!(url_key("a  --  b"), "a-b");
        assert_eq!(url_key("a__b"), "a_b");
        assert_eq!(url_key("!!hello world!!"), "hello-world");
        assert_eq!(url_key("io.flow"), "io.flow");
        assert_eq!(url_key("ab"), "ab-1");
        assert_eq!(url_key("a"), "a-1");
        assert_eq!(url_key("Ünïcode"), "n-code");
        assert_eq!(url_key("!!!"), "1-1");
    }

    #[test]
    fn version_majors() {
        assert_eq!(version_major("1.0.0"), Some(1));
        assert_eq!(version_major("0.0.1-dev"), Some(0));
        assert_eq!(version_major(" 12 "), Some(12));
        assert_eq!(version_major("v3"), Some(3));
        assert_eq!(version_major("007.1"), Some(7));
        assert_eq!(version_major("latest"), None);
        assert_eq!(version_major(""), None);
        assert_eq!(version_major("-1.0"), None);
        assert_eq!(version_major("99999999999.0"), None);
    }

    #[test]
    fn default_namespaces() {
        let ns = |key: &str| default_namespace("me.apidoc", key, "1.0.0");
        assert_eq!(ns("api"), "me.apidoc.api.v1");
        assert_eq!(ns("fooBar"), "me.apidoc.foo.bar.v1");
        assert_eq!(ns("foo-bar"), "me.apidoc.foo.bar.v1");
        assert_eq!(ns("foo_bar"), "me.apidoc.foo.bar.v1");
        assert_eq!(ns("Foo.bar"), "me.apidoc.foo.bar.v1");
        assert_eq!(ns("fooBarBaz"), "me.apidoc.foo.bar.baz.v1");
        assert_eq!(ns("  api  "), "me.apidoc.api.v1");
        assert_eq!(
            default_namespace("ME.APIDOC", "API", "1.0.0"),
            "ME.APIDOC.api.v1"
        );
        assert_eq!(
            default_namespace("io.apibuilder", "mercury-3pl", "1.0.0"),
            "io.apibuilder.mercury3pl.v1"
        );
        assert_eq!(
            default_namespace("com.gilt", "apidoc-example-union-types", "0.0.1-dev"),
            "com.gilt.apidoc.example.union.types.v0"
        );
        assert_eq!(default_namespace("io.flow", "api", "latest"), "io.flow.api");
        assert_eq!(default_namespace("", "fooBar", "2.1.0"), "foo.bar.v2");
        assert_eq!(default_namespace("", "", "x"), "");
    }

    #[test]
    fn validate_names() {
        assert_eq!(validate_name(""), vec![NAME_BLANK]);
        assert_eq!(validate_name("1vendor"), vec![NAME_START]);
        assert_eq!(validate_name("1"), vec![NAME_START]);
        assert_eq!(validate_name("_"), vec![NAME_START]);
        assert_eq!(validate_name("-vendor"), vec![NAME_START]);
        assert!(validate_name("_vendor").is_empty());
        assert!(validate_name("vendor").is_empty());
        assert!(validate_name("Vendor").is_empty());
        assert!(validate_name("some_vendor").is_empty());
        assert!(validate_name("some-vendor").is_empty());
        assert!(validate_name("me.apidoc.models.service").is_empty());
        assert_eq!(validate_name("some service"), vec![NAME_CHARACTERS]);
        assert_eq!(validate_name("1 vendor"), vec![NAME_CHARACTERS, NAME_START]);
        assert_eq!(validate_name("a\nb"), vec![NAME_CHARACTERS, NAME_START]);
        assert_eq!(validate_name("é"), vec![NAME_CHARACTERS, NAME_START]);
    }

    #[test]
    fn duplicate_normalization() {
        assert_eq!(normalize_for_duplicates("someId"), "some_id");
        assert_eq!(normalize_for_duplicates("some_id"), "some_id");
        assert_eq!(normalize_for_duplicates("KEY"), "key");
        assert_eq!(normalize_for_duplicates("key"), "key");
        assert_eq!(normalize_for_duplicates("Open"), "open");
        assert_eq!(normalize_for_duplicates("X-Foo"), "x-_foo");
        assert_eq!(normalize_for_duplicates("HeyThere"), "hey_there");
        assert_eq!(normalize_for_duplicates("UUID"), "uuid");
        assert_eq!(normalize_for_duplicates("fooBAR"), "foo_b_a_r");
    }

    #[test]
    fn snake_cases() {
        assert_eq!(snake_case("fooBar"), "foo_bar");
        assert_eq!(snake_case("FooBar"), "foo_bar");
        assert_eq!(snake_case("foo_bar"), "foo_bar");
        assert_eq!(snake_case("foo-bar"), "foo_bar");
        assert_eq!(snake_case("foo--bar__"), "foo_bar");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("someID"), "some_id");
        assert_eq!(snake_case("UUID"), "uuid");
        assert_eq!(snake_case("v2Api"), "v2_api");
        assert_eq!(snake_case("sha256"), "sha256");
        assert_eq!(snake_case("date-time-iso8601"), "date_time_iso8601");
        assert_eq!(snake_case("X-Foo"), "x_foo");
        assert_eq!(snake_case(" leading space"), "leading_space");
        assert_eq!(snake_case(""), "");
        for s in ["fooBar", "HTTPServer", "X-Foo", "v2Api"] {
            assert!(is_snake_case(&snake_case(s)), "{s}");
        }
    }

    #[test]
    fn snake_case_detection() {
        assert!(is_snake_case("foo"));
        assert!(is_snake_case("foo_bar_2"));
        assert!(!is_snake_case(""));
        assert!(!is_snake_case("_foo"));
        assert!(!is_snake_case("2foo"));
        assert!(!is_snake_case("fooBar"));
        assert!(!is_snake_case("foo-bar"));
        assert!(!is_snake_case("foo.bar"));
    }
}
