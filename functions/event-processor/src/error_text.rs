//! One-line rendering of an error and its sources for log lines and record outcomes.

/// An error and its sources on one line, joined by `: `; a source whose text an earlier part already contains is
/// left out (the AWS SDK repeats messages down the chain), and the SDK's raw-response dump never appears.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}
