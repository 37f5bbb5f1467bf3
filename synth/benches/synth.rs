//! Criterion benchmark: time to synthesize every environment under `stacks/` (load + build + checks + render),
//! in YAML and JSON.

use criterion::{Criterion, criterion_group, criterion_main};
use synth::env::{list_envs, load_env};
use synth::render::{Format, synth_env};

fn all_envs(c: &mut Criterion) {
    let dir = synth::cli::workspace_root().join("stacks");
    let names = list_envs(&dir).expect("stacks dir");
    for format in [Format::Yaml, Format::Json] {
        c.bench_function(&format!("synth all envs ({})", format.ext()), |b| {
            b.iter(|| {
                for name in &names {
                    let cfg = load_env(&dir, name).expect("env");
                    let out = synth_env(&cfg, format).expect("synth");
                    std::hint::black_box(out);
                }
            });
        });
    }
}

criterion_group!(benches, all_envs);
criterion_main!(benches);
