//! Text helpers: trimming and clipping to a character limit on char boundaries (Partner Central's `(?s).{0,N}`
//! patterns count characters), and HTML note bodies -> plain-text `LifeCycle.NextSteps` excerpts.

/// Maximum length of `LifeCycle.NextSteps`.
pub const NEXT_STEPS_MAX: usize = 255;

/// `s` trimmed; `None` when empty.
pub fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// The first `max` characters of `s` (never splits a char).
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// Trimmed and clipped to `max` characters (trimmed again after clipping); `None` when empty.
pub fn clipped(s: Option<&str>, max: usize) -> Option<String> {
    non_empty(s).map(|s| clip(s, max).trim_end().to_string())
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        "nbsp" => ' ',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "hellip" => '\u{2026}',
        "rsquo" | "lsquo" => '\'',
        "ldquo" | "rdquo" => '"',
        "euro" => '\u{20ac}',
        "copy" => '\u{a9}',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|c| *c != '\0')?
        }
    })
}

/// HTML -> plain text: `<script>`/`<style>` content dropped, tags removed (block tags and `<br>` become spaces),
/// common named and numeric entities decoded, whitespace collapsed to single spaces, trimmed. Unknown entities are
/// kept literally. Never panics on malformed HTML.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let Some(end) = rest.find('>') else {
                out.push_str(rest);
                break;
            };
            let tag = rest[1..end].trim().to_ascii_lowercase();
            rest = &rest[end + 1..];
            for skip in ["script", "style"] {
                if tag == skip || tag.starts_with(&format!("{skip} ")) {
                    let close = format!("</{skip}");
                    let lower = rest.to_ascii_lowercase();
                    rest = match lower.find(&close) {
                        Some(i) => rest[i..].find('>').map_or("", |j| &rest[i + j + 1..]),
                        None => "",
                    };
                }
            }
            out.push(' ');
        } else if c == '&' {
            let semi = rest.char_indices().take(12).find(|(_, ch)| *ch == ';').map(|(i, _)| i);
            match semi.and_then(|i| entity(&rest[1..i]).map(|ch| (i, ch))) {
                Some((i, ch)) => {
                    out.push(ch);
                    rest = &rest[i + 1..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An excerpt of `text` within `max` characters: unchanged when it fits, else cut at the last word boundary in the
/// final fifth (or hard at the limit) with `…` appended, the total never exceeding `max`.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let hard = clip(text, max - 1);
    let cut = match hard.rfind(char::is_whitespace) {
        Some(i) if hard[..i].chars().count() >= (max - 1) * 4 / 5 => &hard[..i],
        _ => hard.as_str(),
    };
    format!("{}\u{2026}", cut.trim_end())
}

/// A HubSpot note body (HTML) as a NextSteps value: plain text, excerpted to 255 characters. `None` when empty.
pub fn note_excerpt(html: &str) -> Option<String> {
    let text = html_to_text(html);
    (!text.is_empty()).then(|| excerpt(&text, NEXT_STEPS_MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_to_text_table() {
        let cases = [
            ("<p>Call <b>Jane</b> on Monday</p>", "Call Jane on Monday"),
            ("a<br>b<br/>c", "a b c"),
            (
                "Tom &amp; Jerry &lt;3 &quot;x&quot; &#39;y&#39; &#x41;&#66;",
                "Tom & Jerry <3 \"x\" 'y' AB",
            ),
            ("&nbsp;&nbsp;spaced\n\n\tout  ", "spaced out"),
            ("<script>alert(1)</script>ok<style>p{}</style>", "ok"),
            ("5 < 6 and &unknown; & stuff", "5 < 6 and &unknown; & stuff"),
            ("<div", "<div"),
            ("&#0; &#xZZ;", "&#0; &#xZZ;"),
            ("", ""),
        ];
        for (html, want) in cases {
            assert_eq!(html_to_text(html), want, "{html:?}");
        }
    }

    #[test]
    fn excerpt_stays_within_the_limit_on_char_boundaries() {
        assert_eq!(excerpt("short", 255), "short");
        let long = "word ".repeat(100);
        let e = excerpt(long.trim(), 255);
        assert!(e.chars().count() <= 255);
        assert!(e.ends_with("word\u{2026}"));
        let multibyte = "é".repeat(300);
        let e = excerpt(&multibyte, 255);
        assert_eq!(e.chars().count(), 255);
        assert!(e.ends_with('\u{2026}'));
        assert_eq!(note_excerpt("<p> </p>"), None);
        let note = format!("<p>{}</p>", "ü".repeat(400));
        assert_eq!(note_excerpt(&note).unwrap().chars().count(), 255);
    }

    #[test]
    fn clip_counts_chars() {
        assert_eq!(clip("äöü", 2), "äö");
        assert_eq!(clipped(Some("  ab  "), 80).as_deref(), Some("ab"));
        assert_eq!(clipped(Some("   "), 80), None);
        assert_eq!(clipped(None, 80), None);
    }
}
