//! The fuzz targets (`meta_secret_tests::fuzzing`) on stable: valid seeds from a real vault,
//! randomly mutated, for `FUZZ_SECONDS` per target (default 20; CI sets 60). Coverage-guided
//! fuzzing runs the same targets under cargo-fuzz (`fuzz/`, see README). A failing input is
//! printed in hex so it can be replayed.

use std::time::{Duration, Instant};

use meta_secret_tests::fuzzing::FuzzScene;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Values that have broken parsers before: range edges, signs, exponents, long strings.
const INTERESTING: &[&[u8]] = &[
    b"0",
    b"-1",
    b"9007199254740992",
    b"18446744073709551615",
    b"1e999",
    b"null",
    b"\"\"",
    b"[]",
    b"{}",
    b"\"\\u0000\"",
    b"\"\\ud800\"",
    b"255",
    b"256",
];

/// Structure-aware: when the input (after its mode byte) is JSON, one of its numbers — any field
/// of any event kind, the envelope's seq, seen and time included — becomes a boundary value
/// (0, 2^53 − 1, 2^53, 2^63, 2^64 − 1, −1, 1.5, "1"). Returns false for input that is not JSON.
fn mutate_structure(rng: &mut StdRng, input: &mut Vec<u8>) -> bool {
    let Some((&mode, rest)) = input.split_first() else { return false };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(rest) else { return false };
    let mut numbers = Vec::new();
    number_pointers(&value, String::new(), &mut numbers);
    let Some(pointer) = numbers.get(rng.gen_range(0..numbers.len().max(1))) else { return false };
    let boundaries = meta_secret_tests::boundaries::boundary_values();
    let (_, boundary, _) = &boundaries[rng.gen_range(0..boundaries.len())];
    if let Some(slot) = value.pointer_mut(pointer) {
        *slot = boundary.clone();
    }
    *input = [vec![mode], serde_json::to_vec(&value).unwrap_or_default()].concat();
    true
}

fn number_pointers(value: &serde_json::Value, at: String, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Number(_) => found.push(at),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, item)| number_pointers(item, format!("{at}/{i}"), found))
        }
        serde_json::Value::Object(map) => map.iter().for_each(|(key, item)| {
            number_pointers(item, format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), found)
        }),
        _ => {}
    }
}

fn mutate(rng: &mut StdRng, input: &mut Vec<u8>) {
    if rng.gen_bool(0.5) && mutate_structure(rng, input) {
        return;
    }
    for _ in 0..rng.gen_range(1..=6) {
        let len = input.len().max(1);
        match rng.gen_range(0..7) {
            0 if !input.is_empty() => {
                let i = rng.gen_range(0..input.len());
                input[i] ^= 1 << rng.gen_range(0..8);
            }
            1 => {
                let i = rng.gen_range(0..=input.len());
                input.insert(i, rng.gen());
            }
            2 if input.len() > 1 => {
                let start = rng.gen_range(0..input.len());
                let end = (start + rng.gen_range(1..16)).min(input.len());
                input.drain(start..end);
            }
            3 if !input.is_empty() => {
                let start = rng.gen_range(0..input.len());
                let end = (start + rng.gen_range(1..64)).min(input.len());
                let copy = input[start..end].to_vec();
                let at = rng.gen_range(0..=input.len());
                input.splice(at..at, copy);
            }
            4 => {
                // Replace a run of digits (a JSON number, a seq, a threshold) with an edge value.
                let digits: Vec<usize> = (1..input.len()).filter(|&i| input[i].is_ascii_digit()).collect();
                if let Some(&start) = digits.get(rng.gen_range(0..digits.len().max(1))) {
                    let end = (start..input.len()).find(|&i| !input[i].is_ascii_digit()).unwrap_or(input.len());
                    let value = INTERESTING[rng.gen_range(0..INTERESTING.len())];
                    input.splice(start..end, value.iter().copied());
                }
            }
            5 => {
                let at = rng.gen_range(0..len).min(input.len());
                let value = INTERESTING[rng.gen_range(0..INTERESTING.len())];
                input.splice(at..at, value.iter().copied());
            }
            _ => {
                let i = rng.gen_range(0..len).min(input.len());
                input.truncate(i.max(1));
            }
        }
    }
}

fn run(name: &str, target: impl Fn(&FuzzScene, &[u8])) {
    let seconds: u64 = std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    let scene = FuzzScene::new();
    let seeds = scene.seeds();
    assert!(seeds.len() > 20, "the scene gives seeds of every kind");
    // The seeds themselves must pass.
    for input in &seeds {
        target(&scene, input);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut runs = 0u64;
    while Instant::now() < deadline {
        let mut input = seeds[rng.gen_range(0..seeds.len())].clone();
        mutate(&mut rng, &mut input);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| target(&scene, &input)));
        if outcome.is_err() {
            panic!("{name}: input {} (FUZZ_SEED={seed}) panicked", hex(&input));
        }
        runs += 1;
    }
    println!("{name}: {runs} inputs in {seconds} s, 0 crashes (FUZZ_SEED={seed})");
    assert!(runs > 0);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn fuzz_wire_decoder() {
    run("wire", |scene, input| scene.wire(input));
}

#[test]
fn fuzz_server_handle() {
    run("server", |scene, input| scene.server(input));
}

#[test]
fn fuzz_apply_commit() {
    run("apply", |scene, input| scene.apply(input));
}
