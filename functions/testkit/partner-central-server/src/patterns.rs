//! Compiling the model's `pattern` traits. Patterns are matched against the WHOLE value (anchored `^(?:…)$`), the
//! way the service's Java validator (`Matcher.matches`) treats them; botocore's look-ahead patterns such as
//! `(?=.{0,80}$)…` only make sense that way. The `regex` crate is tried first; patterns it cannot compile (look-ahead,
//! e.g. the Email and WebsiteUrl patterns) are compiled with `fancy-regex` instead.

/// Error compiling a pattern with both engines.
#[derive(Debug, thiserror::Error)]
#[error("pattern {pattern:?} compiles with neither regex ({plain}) nor fancy-regex ({fancy})")]
pub struct PatternError {
    pub pattern: String,
    pub plain: String,
    pub fancy: String,
}

/// A compiled model pattern.
#[derive(Debug, Clone)]
pub enum CompiledPattern {
    /// Compiled by the `regex` crate (linear time).
    Plain(regex::Regex),
    /// Needed look-around; compiled by `fancy-regex` (backtracking, bounded by its backtrack limit).
    Fancy(Box<fancy_regex::Regex>),
}

impl CompiledPattern {
    /// Compile `pattern` anchored at both ends.
    pub fn compile(pattern: &str) -> Result<CompiledPattern, PatternError> {
        let anchored = format!("^(?:{pattern})$");
        match regex::RegexBuilder::new(&anchored).size_limit(64 << 20).build() {
            Ok(r) => Ok(CompiledPattern::Plain(r)),
            Err(plain) => match fancy_regex::RegexBuilder::new(&anchored)
                .delegate_size_limit(64 << 20)
                .build()
            {
                Ok(r) => Ok(CompiledPattern::Fancy(Box::new(r))),
                Err(fancy) => Err(PatternError {
                    pattern: pattern.to_string(),
                    plain: plain.to_string(),
                    fancy: fancy.to_string(),
                }),
            },
        }
    }

    /// Whether `value` matches the whole pattern. A fancy-regex runtime error (backtrack limit) counts as no match.
    pub fn is_match(&self, value: &str) -> bool {
        match self {
            CompiledPattern::Plain(r) => r.is_match(value),
            CompiledPattern::Fancy(r) => r.is_match(value).unwrap_or(false),
        }
    }

    /// True when the pattern needed fancy-regex.
    pub fn is_fancy(&self) -> bool {
        matches!(self, CompiledPattern::Fancy(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_patterns_are_anchored() {
        let p = CompiledPattern::compile("O[0-9]{1,19}").unwrap();
        assert!(!p.is_fancy());
        assert!(p.is_match("O123"));
        assert!(!p.is_match("xO123"));
        assert!(!p.is_match("O123x"));
    }

    #[test]
    fn lookahead_uses_fancy_regex() {
        let p = CompiledPattern::compile("(?=.{0,10}$)[a-z]+@[a-z]+").unwrap();
        assert!(p.is_fancy());
        assert!(p.is_match("ab@cd"));
        assert!(!p.is_match("abcdef@ghijk"));
        assert!(!p.is_match("AB@cd"));
    }
}
