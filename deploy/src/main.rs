//! `deploy`: synthesize, build, upload and deploy one environment (work in progress).

fn main() {}
