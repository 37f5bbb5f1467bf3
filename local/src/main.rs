//! `local-pipeline`: the whole sync running on one machine (work in progress).

fn main() {}
