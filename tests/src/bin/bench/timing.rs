//! Ratios taken in one run: the measured and the baseline workloads alternate, round by round, so
//! machine noise hits both alike; each side reports the median of its rounds.

use std::time::Instant;

pub fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

pub fn percentile(mut samples: Vec<f64>, p: f64) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

/// Mean seconds per call of `f` over `batch` calls.
pub fn per_call(batch: usize, f: &mut dyn FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..batch {
        f();
    }
    start.elapsed().as_secs_f64() / batch as f64
}

/// (measured, baseline) median seconds per call over `rounds` alternating rounds.
pub fn compare(rounds: usize, batch: usize, measured: &mut dyn FnMut(), baseline: &mut dyn FnMut()) -> (f64, f64) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        a.push(per_call(batch, measured));
        b.push(per_call(batch, baseline));
    }
    (median(a), median(b))
}

pub fn format_seconds(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.1} µs", seconds * 1e6)
    }
}
