//! Formatting generated code as people commit it: prettyplease's layout, with a blank line
//! between items (of the file, of inline modules, of impl blocks and traits).
//!
//! prettyplease prints items back to back. Rather than patching its text, each item is printed on
//! its own and the pieces are joined: a module, impl or trait is printed with no items (its
//! header, inner attributes and closing brace), and its items, printed the same way, are spliced
//! in with one blank line between them. Where the empty form is not the expected `… {}` or
//! `… {\n…}` shape, the container is printed whole by prettyplease, so the output is never
//! worse than prettyplease's own.

use proc_macro2::TokenStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use syn::{File, Item};

/// Runs every emitter of `jobs` and formats its items ([`unparse`]), on all cores; the texts
/// come back in the order of `jobs`, whatever the thread count. Jobs are taken last first: the
/// modules written by one emitter each (client, mock, server) come after the chunks of models, so
/// the largest start first and the small chunks fill in, and no thread is left alone with a large
/// job at the end. An emitter whose tokens do not parse (a generator bug, never the spec) gives a
/// `compile_error!` with the raw tokens, so the failure is visible.
pub fn parallel(jobs: &[&super::Body]) -> Vec<String> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    let run = |job: &super::Body| job_text(job);
    if threads <= 1 {
        return jobs.iter().map(|j| run(j)).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Vec<Mutex<String>> = jobs.iter().map(|_| Mutex::new(String::new())).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            std::thread::Builder::new()
                // As much stack as the main thread: deep specs nest deeply in syn and prettyplease.
                .stack_size(8 << 20)
                .spawn_scoped(scope, || loop {
                    let taken = next.fetch_add(1, Ordering::Relaxed);
                    let Some(n) = jobs.len().checked_sub(taken + 1) else {
                        break;
                    };
                    let job = &jobs[n];
                    let text = run(job);
                    *done[n].lock().unwrap_or_else(|e| e.into_inner()) = text;
                })
                .expect("spawn a formatting thread");
        }
    });
    done.into_iter()
        .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect()
}

/// The items of an emitter as text ([`text`]); its tokens are parsed as they are, not copied
/// (the emitter runs again for the message if they do not parse).
fn job_text(job: &super::Body) -> String {
    let tokens = job();
    if tokens.is_empty() {
        return String::new();
    }
    match syn::parse2::<File>(tokens) {
        Ok(file) => unparse(file),
        Err(e) => format!("compile_error!({:?});\n{}\n", e.to_string(), job()),
    }
}

/// Items as text, a blank line apart (see [`unparse`]).
pub fn text(tokens: TokenStream) -> String {
    if tokens.is_empty() {
        return String::new();
    }
    match syn::parse2::<File>(tokens.clone()) {
        Ok(file) => unparse(file),
        Err(e) => format!("compile_error!({:?});\n{tokens}\n", e.to_string()),
    }
}

/// A module printed from its shell (the module with no items) and its items already formatted
/// unindented in pieces, one blank line between pieces, exactly as [`unparse`] prints the whole.
pub fn module(shell: TokenStream, pieces: &[String]) -> String {
    let shell = match syn::parse2::<File>(shell.clone()) {
        Ok(file) => unparse(file),
        Err(e) => return format!("compile_error!({:?});\n{shell}\n", e.to_string()),
    };
    if pieces.is_empty() {
        return shell;
    }
    match splice(&shell, &indent(&pieces.join("\n"))) {
        Some(text) => text,
        // Not the `… {}` shape (never seen): the pieces are still inside, one level in.
        None => format!("{shell}{}", indent(&pieces.join("\n"))),
    }
}

/// Formats a parsed file with a blank line between items (the items are moved, never copied).
pub fn unparse(mut file: File) -> String {
    let mut out = String::new();
    let items_of = std::mem::take(&mut file.items);
    if !file.attrs.is_empty() {
        out.push_str(&prettyplease::unparse(&file));
        if !items_of.is_empty() {
            out.push('\n');
        }
    }
    out.push_str(&items(items_of));
    out
}

/// Items at the same level, one blank line apart, unindented.
fn items(items: Vec<Item>) -> String {
    let parts: Vec<String> = items.into_iter().map(item).collect();
    parts.join("\n")
}

/// One item printed by prettyplease, and the item back.
fn one(item: Item) -> (String, Item) {
    let mut file = File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    };
    let text = prettyplease::unparse(&file);
    (text, file.items.pop().expect("the file holds one item"))
}

/// An impl or trait (`Item::$kind`) with several items: printed without items (the shell), then
/// each item inside a copy of the shell without its other items, spliced back a blank line
/// apart. Falls back to prettyplease's print of the whole container if a shape is unexpected.
macro_rules! members {
    ($kind:ident, $container:ident) => {{
        let mut container = $container;
        let members = std::mem::take(&mut container.items);
        let (shell, empty) = one(Item::$kind(container));
        let Item::$kind(mut single) = empty else {
            unreachable!("printed the same kind of item")
        };
        let mut parts = Vec::with_capacity(members.len());
        let mut done = Vec::with_capacity(members.len());
        for x in members {
            single.items = vec![x];
            let (text, back) = one(Item::$kind(single));
            let Item::$kind(mut back) = back else {
                unreachable!("printed the same kind of item")
            };
            done.append(&mut back.items);
            single = back;
            parts.push(inside(&shell, &text));
        }
        match parts.into_iter().collect::<Option<Vec<String>>>() {
            // `inside` succeeded, so the shell has the expected shape.
            Some(parts) => splice(&shell, &parts.join("\n")).expect("the shell was checked"),
            None => {
                single.items = done;
                one(Item::$kind(single)).0
            }
        }
    }};
}

fn item(it: Item) -> String {
    match it {
        Item::Mod(mut m) if m.content.as_ref().is_some_and(|(_, c)| c.len() > 1) => {
            let (brace, content) = m.content.take().expect("checked above");
            m.content = Some((brace, Vec::new()));
            let (shell, empty) = one(Item::Mod(m));
            if head(&shell).is_none() {
                let Item::Mod(mut m) = empty else {
                    unreachable!("printed a module")
                };
                m.content = Some((brace, content));
                return one(Item::Mod(m)).0;
            }
            splice(&shell, &indent(&items(content))).expect("the shell was checked")
        }
        Item::Impl(i) if i.items.len() > 1 => members!(Impl, i),
        Item::Trait(t) if t.items.len() > 1 => members!(Trait, t),
        other => one(other).0,
    }
}

/// A container printed without items, split into the text before its items and whether that
/// text ends with inner attributes: `HEAD {}\n` gives `HEAD {\n`; `HEAD {\n    #![…]\n}\n` gives
/// everything up to the closing brace.
fn head(shell: &str) -> Option<(String, bool)> {
    let open = shell.strip_suffix("}\n")?;
    Some(match open.strip_suffix('{') {
        Some(_) => (format!("{open}\n"), false),
        None => (open.to_owned(), true),
    })
}

/// The printed item inside `full`, the container of `shell` with that one item (already indented
/// one level).
fn inside(shell: &str, full: &str) -> Option<String> {
    let (head, _) = head(shell)?;
    let body = full.strip_prefix(head.as_str())?.strip_suffix("}\n")?;
    Some(body.to_owned())
}

/// Puts `body` (indented items, a blank line apart) into the container printed as `shell`; a
/// blank line separates inner attributes from the items.
fn splice(shell: &str, body: &str) -> Option<String> {
    let (head, attrs) = head(shell)?;
    let gap = if attrs { "\n" } else { "" };
    Some(format!("{head}{gap}{body}}}\n"))
}

/// Indents every non-empty line by one level (prettyplease's four spaces).
fn indent(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        if line != "\n" {
            out.push_str("    ");
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unparse;

    fn fmt(src: &str) -> String {
        unparse(syn::parse_file(src).unwrap())
    }

    #[test]
    fn items_are_a_blank_line_apart_at_every_level() {
        let got = fmt(
            "pub mod m { #![allow(dead_code)] pub struct A; impl A { fn a() {} fn b() {} } \
             pub trait T { fn x(&self); fn y(&self); } } fn top() {}",
        );
        let want = "\
pub mod m {
    #![allow(dead_code)]

    pub struct A;

    impl A {
        fn a() {}

        fn b() {}
    }

    pub trait T {
        fn x(&self);

        fn y(&self);
    }
}

fn top() {}
";
        assert_eq!(got, want);
    }

    #[test]
    fn output_is_prettyplease_plus_blank_lines() {
        // Whatever the nesting, removing the blank lines gives prettyplease's own output.
        let src =
            "mod a { mod b { struct X { f: u8 } impl<T> Y<T> where T: Clone { const C: u8 = 1; \
                   fn f(&self) -> u8 { 1 } } } enum E { A, B } }";
        let got = fmt(src);
        let plain = prettyplease::unparse(&syn::parse_file(src).unwrap());
        let squeezed: String = got.split_inclusive('\n').filter(|l| *l != "\n").collect();
        assert_eq!(squeezed, plain);
        assert!(got.contains("const C: u8 = 1;\n\n"), "{got}");
    }
}
