//! Pure planning step of the batch engine: turns the per-record dispositions of a batch into ordered units of work,
//! coalescing records of the same object.
//!
//! Coalescing rule: within one message group, consecutive `Process` records with the same key form one unit (one
//! fetch, at most one write). `Skip` records in between do not break a run (they have no effect), but an
//! unparseable record or a record with a different key does, so no record is ever processed ahead of a same-group
//! record that could still fail before it. Units are returned in the order of their first record.

use std::borrow::Cow;
use std::collections::HashMap;

/// What to do with one record, decided before anything runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<K> {
    /// The body did not decode; the summary never contains the body.
    Unparseable(String),
    /// Acknowledge without work (unsupported source or type).
    Skip(Cow<'static, str>),
    /// Sync the object identified by the key.
    Process(K),
}

/// A unit of work: one or more records handled together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit<K> {
    /// What the unit does.
    pub step: Step<K>,
    /// Batch positions of the unit's records, ascending. Never empty.
    pub records: Vec<usize>,
}

impl<K> Unit<K> {
    /// Position of the unit's first record.
    pub fn first(&self) -> usize {
        self.records.first().copied().unwrap_or(usize::MAX)
    }
}

/// Plans the units of a batch. `groups[i]` is the message group of record `i`, `steps[i]` its disposition.
pub fn plan<K: Eq + Clone>(groups: &[&str], steps: Vec<Step<K>>) -> Vec<Unit<K>> {
    let mut units: Vec<Unit<K>> = Vec::with_capacity(steps.len());
    // Per group: index in `units` of the process unit that the next same-key record may join.
    let mut open: HashMap<&str, usize> = HashMap::new();
    for (index, step) in steps.into_iter().enumerate() {
        let group = groups.get(index).copied().unwrap_or_default();
        match step {
            Step::Process(key) => {
                let joinable = open
                    .get(group)
                    .copied()
                    .filter(|&u| matches!(&units[u].step, Step::Process(k) if *k == key));
                match joinable {
                    Some(u) => units[u].records.push(index),
                    None => {
                        open.insert(group, units.len());
                        units.push(Unit {
                            step: Step::Process(key),
                            records: vec![index],
                        });
                    }
                }
            }
            Step::Skip(reason) => units.push(Unit {
                step: Step::Skip(reason),
                records: vec![index],
            }),
            Step::Unparseable(error) => {
                open.remove(group);
                units.push(Unit {
                    step: Step::Unparseable(error),
                    records: vec![index],
                });
            }
        }
    }
    units
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(k: &'static str) -> Step<&'static str> {
        Step::Process(k)
    }

    fn records(units: &[Unit<&'static str>]) -> Vec<Vec<usize>> {
        units.iter().map(|u| u.records.clone()).collect()
    }

    #[test]
    fn coalesces_same_key_in_same_group() {
        let units = plan(&["g", "g", "g"], vec![p("a"), p("a"), p("a")]);
        assert_eq!(records(&units), vec![vec![0, 1, 2]]);
    }

    #[test]
    fn different_key_breaks_the_run() {
        let units = plan(&["g", "g", "g"], vec![p("a"), p("b"), p("a")]);
        assert_eq!(records(&units), vec![vec![0], vec![1], vec![2]]);
    }

    #[test]
    fn skip_does_not_break_the_run_but_unparseable_does() {
        let units = plan(&["g", "g", "g"], vec![p("a"), Step::Skip("x".into()), p("a")]);
        assert_eq!(records(&units), vec![vec![0, 2], vec![1]]);
        let units = plan(&["g", "g", "g"], vec![p("a"), Step::Unparseable("bad".into()), p("a")]);
        assert_eq!(records(&units), vec![vec![0], vec![1], vec![2]]);
    }

    #[test]
    fn other_groups_interleave_without_breaking_runs() {
        let units = plan(&["g", "h", "g", "h"], vec![p("a"), p("b"), p("a"), p("b")]);
        assert_eq!(records(&units), vec![vec![0, 2], vec![1, 3]]);
    }

    #[test]
    fn same_key_in_different_groups_is_not_coalesced() {
        let units = plan(&["g", "h"], vec![p("a"), p("a")]);
        assert_eq!(records(&units), vec![vec![0], vec![1]]);
    }

    #[test]
    fn units_are_ordered_by_first_record() {
        let units = plan(&["g", "h", "g"], vec![p("a"), p("b"), p("a")]);
        let firsts: Vec<usize> = units.iter().map(Unit::first).collect();
        assert!(firsts.windows(2).all(|w| w[0] < w[1]));
    }
}
