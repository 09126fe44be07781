//! The runner (`cargo bench --bench runner`): commands per second with the
//! JSON transcript written on the benchmark mix; what one write costs as the
//! store and the jar grow; making 3,000 sessions; and the memory `run` needs
//! for 1,000 writes to a 100 KB session. Each figure is printed next to its goal.
#![allow(
    clippy::disallowed_methods,
    reason = "a benchmark measures wall-clock time"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use sessionlab::runner::Runner;
use sessionlab::scenario::Scenario;
use sessionlab::sim::World;
use sessionlab::transcript::JsonTranscript;

#[path = "common/workload.rs"]
mod workload;

const MEMORY_ENV: &str = "SESSIONLAB_BENCH_RUN_MEMORY";

fn throughput() {
    let text = workload::mix(10_000).join("\n");
    let scenario = Scenario::parse(text.as_bytes()).expect("the benchmark scenario parses");
    let commands = scenario.lines.len();
    let mut best = Duration::MAX;
    let mut bytes = 0;
    for _ in 0..5 {
        let mut out = Vec::with_capacity(8 << 20);
        let mut transcript = JsonTranscript::new();
        let start = Instant::now();
        scenario.run(0, |line, step, runner| {
            let server = &runner.world.server;
            out.extend_from_slice(transcript.line(line, step, server).as_bytes());
            out.push(b'\n');
        });
        best = best.min(start.elapsed());
        bytes = black_box(out).len();
    }
    let per_second = commands as f64 / best.as_secs_f64();
    println!(
        "runner: {commands} commands (5 engines) in {:.1} ms, {:.0} commands/s, {:.1} MB of transcript (best of 5)",
        best.as_secs_f64() * 1e3,
        per_second,
        bytes as f64 / 1e6
    );
    println!(
        "  goal: 100000 commands/s -> {}",
        workload::verdict(per_second >= 100_000.0)
    );
}

/// A runner after `setup`, and the median time of one [`workload::WRITE`].
fn write_cost(setup: &[String]) -> Duration {
    let mut runner = Runner::new(World::new(0));
    for line in setup {
        let _ = runner.step(line);
    }
    let mut samples: Vec<Duration> = (0..301)
        .map(|_| {
            let start = Instant::now();
            black_box(runner.step(workload::WRITE));
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// What one write costs at each of `sizes`, next to its cost at the first.
fn curve(title: &str, sizes: &[usize], setup: fn(usize) -> Vec<String>, what: &str) {
    println!("One write (median of 301), as {title}:");
    let base = write_cost(&setup(sizes[0]));
    for &size in sizes {
        let cost = write_cost(&setup(size));
        let ratio = cost.as_secs_f64() / base.as_secs_f64();
        println!(
            "  {size:>5} {what}: {:>8.1} µs  ({ratio:.2}× the cost at {}; goal ≤ 2× -> {})",
            micros(cost),
            sizes[0],
            workload::verdict(ratio <= 2.0)
        );
    }
}

fn curves() {
    println!();
    curve(
        "the store grows",
        &[10, 100, 1000, 3000],
        workload::many_sessions,
        "sessions stored",
    );
    curve(
        "the jar grows",
        &[0, 50, 200],
        workload::many_cookies,
        "cookies in the jar",
    );
    let text = workload::many_sessions(3000).join("\n");
    let scenario = Scenario::parse(text.as_bytes()).expect("the scenario parses");
    let start = Instant::now();
    scenario.run(0, |_, step, _| {
        black_box(step);
    });
    let took = start.elapsed();
    println!(
        "Making 3000 sessions in `run` ({} commands): {:.0} ms (goal < 1000 ms -> {})",
        scenario.lines.len(),
        took.as_secs_f64() * 1e3,
        workload::verdict(took < Duration::from_secs(1))
    );
}

/// In a child process: `run --json` over 1,000 writes to a 100 KB session.
fn run_memory_child() {
    let text = workload::big_session(1000).join("\n");
    let scenario = Scenario::parse(text.as_bytes()).expect("the scenario parses");
    let mut transcript = JsonTranscript::new();
    let mut bytes = 0;
    scenario.run(0, |line, step, runner| {
        let server = &runner.world.server;
        bytes += transcript.line(line, step, server).len();
    });
    black_box(bytes);
    println!("{}", workload::peak_kib());
}

fn run_memory() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env(MEMORY_ENV, "1")
        .output()
        .expect("the benchmark runs itself");
    let kib: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0.0);
    let mib = kib / 1024.0;
    println!(
        "Peak RSS of `run --json` over 1000 writes to a 100 KB session: {mib:.1} MiB (goal < 32 MiB -> {})",
        workload::verdict(mib < 32.0)
    );
}

fn main() {
    if std::env::var_os(MEMORY_ENV).is_some() {
        run_memory_child();
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    // `cargo bench --bench runner -- NAME` runs the figures whose name has NAME.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let figures: [(&str, fn()); 3] = [
        ("throughput", throughput),
        ("curves", curves),
        ("memory", run_memory),
    ];
    for (name, figure) in figures {
        if only.is_empty() || only.iter().any(|o| name.contains(o.as_str())) {
            figure();
        }
    }
}
