//! Short names in generated modules: emitters write the full path of std and runtime items
//! (`::std::option::Option`, `::charter_runtime::Validate`), which is always right; each module
//! of a service file imports the names its service does not shadow (`Plan::uses`), and
//! [`shorten`] rewrites their full paths to the bare name (`Option`, `Validate`) in that
//! module's tokens, once, before formatting. A spec type named `option` keeps every
//! `::std::option::Option` of its service as written, so no spec name is renamed for this.

use proc_macro2::{Group, Ident, Punct, Spacing, TokenStream, TokenTree};

/// The full paths of `names` (`(name, "::full::path")`) that `tokens` spells out, rewritten to the
/// bare name; longer paths first, so `::charter_runtime::union::Shape` becomes `Shape`, not
/// `union::Shape`. Paths in string literals (serde attributes) are left alone.
pub(crate) fn shorten(tokens: TokenStream, names: &[(&'static str, &'static str)]) -> TokenStream {
    let mut paths: Vec<(Vec<&str>, &str)> = names
        .iter()
        .map(|(name, full)| (full.split("::").filter(|s| !s.is_empty()).collect(), *name))
        .collect();
    paths.sort_by_key(|(segments, _)| std::cmp::Reverse(segments.len()));
    rewrite(tokens, &paths)
}

/// Rewrites `tokens`, which it owns: every token is moved, never cloned, and a group's stream is
/// rewritten after the group is dropped (so it is not shared and is not copied either).
fn rewrite(tokens: TokenStream, paths: &[(Vec<&str>, &str)]) -> TokenStream {
    let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        // A full path starts with `::` after punctuation, a group or a keyword other than `use`
        // (`use ::x` and `a::x` are kept); the previous token is only looked at on a `::`.
        let starts = || match out.last() {
            Some(TokenTree::Ident(id)) => KEYWORDS.iter().any(|k| id == k),
            _ => true,
        };
        if is_colon2(&trees[i..]) && starts() {
            if let Some((len, name)) = paths
                .iter()
                .find_map(|(segments, name)| matches(&trees[i..], segments).map(|len| (len, name)))
            {
                out.push(TokenTree::Ident(Ident::new(
                    name,
                    trees[i + len - 1].span(),
                )));
                i += len;
                continue;
            }
        }
        // Taken out (the slot is never read again: lookahead only reads from `i` on).
        let tree = std::mem::replace(
            &mut trees[i],
            TokenTree::Punct(Punct::new('.', Spacing::Alone)),
        );
        out.push(match tree {
            TokenTree::Group(g) => {
                let (delimiter, span, stream) = (g.delimiter(), g.span(), g.stream());
                drop(g);
                let mut group = Group::new(delimiter, rewrite(stream, paths));
                group.set_span(span);
                TokenTree::Group(group)
            }
            other => other,
        });
        i += 1;
    }
    out.into_iter().collect()
}

/// Keywords a path may follow (`impl ::std::fmt::Debug for`, `-> impl`, `as ::x::T`).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "dyn", "else", "for", "if", "impl", "in", "let", "match", "move",
    "mut", "pub", "ref", "return", "static", "type", "unsafe", "where", "while",
];

fn is_colon2(trees: &[TokenTree]) -> bool {
    matches!(
        trees,
        [TokenTree::Punct(a), TokenTree::Punct(b), ..]
            if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
    )
}

/// The number of tokens of `::s0::s1::…::sn` at the start of `trees`, if they spell it.
fn matches(trees: &[TokenTree], segments: &[&str]) -> Option<usize> {
    let mut at = 0;
    for segment in segments {
        if !is_colon2(&trees[at..]) {
            return None;
        }
        match trees.get(at + 2) {
            Some(TokenTree::Ident(id)) if id == segment => at += 3,
            _ => return None,
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::shorten;
    use quote::quote;

    #[test]
    fn full_paths_become_names_where_imported() {
        let names = [
            ("Option", "::std::option::Option"),
            ("union", "::charter_runtime::union"),
            ("Shape", "::charter_runtime::union::Shape"),
        ];
        let got = shorten(
            quote! {
                fn f(x: ::std::option::Option<::std::string::String>) -> ::charter_runtime::union::Shape {
                    let _ = [::std::option::Option::None::<u8>];
                    let _ = x as ::std::option::Option<u8>;
                    use ::std::option::Option;
                    ::charter_runtime::union::write(::charter_runtime::union::Shape::Object)
                }
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                struct S;
            },
            &names,
        );
        let want = quote! {
            fn f(x: Option<::std::string::String>) -> Shape {
                let _ = [Option::None::<u8>];
                let _ = x as Option<u8>;
                use ::std::option::Option;
                union::write(Shape::Object)
            }
            #[serde(skip_serializing_if = "::std::option::Option::is_none")]
            struct S;
        };
        assert_eq!(got.to_string(), want.to_string());
    }
}
