//! Escaping for the Markdown pages: text from specs is shown as text, never as markup.

/// Escapes `s` for Markdown (CommonMark and GitHub): HTML is written as entities, and every
/// character that could start emphasis, a link, a heading, code, a table cell or a list item is
/// backslash-escaped; line breaks become spaces so a description cannot break a table row.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_is_shown_as_text() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(escape("**bold** [x](y)"), "\\*\\*bold\\*\\* \\[x\\](y)");
        assert_eq!(escape("# h\n| a |"), "\\# h \\| a \\|");
        assert_eq!(escape("plain words, 1.5"), "plain words, 1.5");
    }
}
