//! What a server lets one vault use, and how an operator sets it (the worker's `[vars]`).
//!
//! Only limits that are the server's own business are settable. The request body size (clients
//! size their pushes by it), the pending-request cap (a vault rule every device re-checks) and the
//! clock window (devices date freeze evidence by it) are protocol, fixed in the code.

use super::live::MAX_LIVE_SOCKETS_PER_DEVICE;
use super::server::MAX_OUTSIDER_REQUESTS;
use super::wire::MAX_PAGE_BYTES;

/// What one vault may hold and use. A full vault rejects new events with `QUOTA_EXCEEDED` (413);
/// the log is append-only, so only an operator raising the limits makes room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaultLimits {
    pub max_events: u64,
    /// Bytes of stored commit JSON.
    pub max_log_bytes: u64,
    /// Bytes of commits in one response (past its first commit).
    pub max_page_bytes: usize,
    pub max_sockets_per_device: usize,
    /// Requests all outsiders together may send within one clock window.
    pub max_outsider_requests: usize,
}

impl Default for VaultLimits {
    fn default() -> VaultLimits {
        VaultLimits {
            max_events: 100_000,
            max_log_bytes: 512 * 1024 * 1024,
            max_page_bytes: MAX_PAGE_BYTES,
            max_sockets_per_device: MAX_LIVE_SOCKETS_PER_DEVICE,
            max_outsider_requests: MAX_OUTSIDER_REQUESTS,
        }
    }
}

/// One settable limit: its `[vars]` name and the range it must fall in.
pub struct LimitVar {
    pub name: &'static str,
    pub min: u64,
    pub max: u64,
    pub default: fn() -> u64,
    set: fn(&mut VaultLimits, u64),
}

const MIB: u64 = 1024 * 1024;

/// Every settable limit, in the order the README's table lists them.
pub const LIMIT_VARS: [LimitVar; 5] = [
    LimitVar {
        name: "MAX_EVENTS_PER_VAULT",
        min: 1_000,
        max: 10_000_000,
        default: || VaultLimits::default().max_events,
        set: |limits, value| limits.max_events = value,
    },
    LimitVar {
        // A Durable Object holds at most 10 GB.
        name: "MAX_VAULT_BYTES",
        min: MIB,
        max: 8 * 1024 * MIB,
        default: || VaultLimits::default().max_log_bytes,
        set: |limits, value| limits.max_log_bytes = value,
    },
    LimitVar {
        name: "MAX_PAGE_BYTES",
        min: 256 * 1024,
        max: 16 * MIB,
        default: || VaultLimits::default().max_page_bytes as u64,
        set: |limits, value| limits.max_page_bytes = value as usize,
    },
    LimitVar {
        name: "MAX_SOCKETS_PER_DEVICE",
        min: 1,
        max: 64,
        default: || VaultLimits::default().max_sockets_per_device as u64,
        set: |limits, value| limits.max_sockets_per_device = value as usize,
    },
    LimitVar {
        name: "MAX_OUTSIDER_REQUESTS",
        min: 256,
        max: 65_536,
        default: || VaultLimits::default().max_outsider_requests as u64,
        set: |limits, value| limits.max_outsider_requests = value as usize,
    },
];

impl VaultLimits {
    /// Reads every settable limit through `var` (absent: the default). A value that is not a
    /// whole number in its range is an error naming the variable, never a silent default.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<VaultLimits, String> {
        let mut limits = VaultLimits::default();
        for limit in &LIMIT_VARS {
            let Some(text) = var(limit.name) else { continue };
            let value =
                text.trim().replace('_', "").parse::<u64>().ok().filter(|v| (limit.min..=limit.max).contains(v));
            let value = value.ok_or_else(|| {
                format!("{} must be a whole number from {} to {}, not {text:?}", limit.name, limit.min, limit.max)
            })?;
            (limit.set)(&mut limits, value);
        }
        Ok(limits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn absent_vars_are_the_defaults_and_set_ones_apply() {
        assert_eq!(VaultLimits::from_vars(vars(&[])), Ok(VaultLimits::default()));
        let limits =
            VaultLimits::from_vars(vars(&[("MAX_EVENTS_PER_VAULT", "5_000"), ("MAX_SOCKETS_PER_DEVICE", " 2 ")]));
        let limits = limits.unwrap();
        assert_eq!((limits.max_events, limits.max_sockets_per_device), (5_000, 2));
        for limit in &LIMIT_VARS {
            assert!((limit.min..=limit.max).contains(&(limit.default)()), "{}'s default is in range", limit.name);
        }
    }

    #[test]
    fn bad_values_are_refused_by_name() {
        for (name, value) in [
            ("MAX_PAGE_BYTES", "lots"),
            ("MAX_PAGE_BYTES", "1024"),
            ("MAX_EVENTS_PER_VAULT", "-1"),
            ("MAX_VAULT_BYTES", "1e9"),
            ("MAX_SOCKETS_PER_DEVICE", "0"),
            ("MAX_OUTSIDER_REQUESTS", ""),
        ] {
            let error = VaultLimits::from_vars(vars(&[(name, value)])).unwrap_err();
            assert!(error.starts_with(name), "{error}");
        }
    }
}
