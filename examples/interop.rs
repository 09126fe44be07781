//! Writes the cases of `tests/interop/sessionlab.json`:
//! `cargo run --example interop > tests/interop/sessionlab.json`, then
//! `python3 tests/recorder/interop.py verify tests/interop/sessionlab.json`.

fn main() {
    println!(
        "{}",
        serde_json::to_string_pretty(&sessionlab::interop::sessionlab_cases()).expect("JSON")
    );
}
