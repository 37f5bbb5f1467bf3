//! Reading criterion's saved estimates (`<CRITERION_HOME>/<id>/new/{benchmark,estimates}.json`).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

/// One benchmark's median with its confidence interval, in nanoseconds (or the bench's own unit for custom
/// measurements such as thread CPU time, which is also nanoseconds here).
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// criterion's full id (`group/function/parameter`).
    pub id: String,
    /// Median point estimate.
    pub median: f64,
    /// Lower bound of the median's confidence interval.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

/// Every estimate under `dir`, keyed by full id.
pub fn read_all(dir: &Path) -> Result<BTreeMap<String, Estimate>> {
    let mut out = BTreeMap::new();
    if dir.is_dir() {
        walk(dir, &mut out)?;
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut BTreeMap<String, Estimate>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            if let Some(e) = read_one(&path)? {
                out.insert(e.id.clone(), e);
            }
        } else if path.file_name().is_none_or(|n| n != "base" && n != "report") {
            walk(&path, out)?;
        }
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<Option<Value>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(None);
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(&text)
        .map(Some)
        .with_context(|| format!("{} is not JSON", path.display()))
}

fn read_one(new_dir: &Path) -> Result<Option<Estimate>> {
    let (Some(bench), Some(est)) = (
        read_json(&new_dir.join("benchmark.json"))?,
        read_json(&new_dir.join("estimates.json"))?,
    ) else {
        return Ok(None);
    };
    let id = bench["full_id"].as_str().unwrap_or_default().to_owned();
    let median = &est["median"];
    let (Some(point), Some(lower), Some(upper)) = (
        median["point_estimate"].as_f64(),
        median["confidence_interval"]["lower_bound"].as_f64(),
        median["confidence_interval"]["upper_bound"].as_f64(),
    ) else {
        return Ok(None);
    };
    Ok((!id.is_empty()).then_some(Estimate {
        id,
        median: point,
        lower,
        upper,
    }))
}

/// A nanosecond figure in a readable unit.
pub fn human_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.1} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_new_estimates_and_skips_base_and_empty_files() {
        let dir = std::env::temp_dir().join(format!("bench-report-crit-{}", std::process::id()));
        let new = dir.join("grp/fn/new");
        let base = dir.join("grp/fn/base");
        let empty = dir.join("other/new");
        for d in [&new, &base, &empty] {
            std::fs::create_dir_all(d).unwrap();
        }
        let est =
            r#"{"median":{"point_estimate":1500.0,"confidence_interval":{"lower_bound":1400.0,"upper_bound":1600.0}}}"#;
        std::fs::write(new.join("benchmark.json"), r#"{"full_id":"grp/fn"}"#).unwrap();
        std::fs::write(new.join("estimates.json"), est).unwrap();
        std::fs::write(base.join("benchmark.json"), r#"{"full_id":"grp/fn-base"}"#).unwrap();
        std::fs::write(base.join("estimates.json"), est).unwrap();
        std::fs::write(empty.join("benchmark.json"), "").unwrap();
        let all = read_all(&dir).unwrap();
        assert_eq!(all.keys().collect::<Vec<_>>(), ["grp/fn"]);
        assert_eq!(human_ns(all["grp/fn"].median), "1.5 µs");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
