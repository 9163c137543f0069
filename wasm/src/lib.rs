//! meta-secret for the browser: the core in WebAssembly behind a small, typed JS API.
//! This crate stays thin: storage (`IdbStore`), transport (`FetchTransport`), live sockets and JS
//! conversions. Every decision is the core's.

mod api;
#[cfg(feature = "bench")]
mod bench;
mod device_store;
mod fetch_transport;
mod freshness;
mod governance;
mod idb_store;
mod invites;
mod js_error;
mod kdf;
#[cfg(feature = "recovery-kit")]
mod kit;
mod live;
mod probe;
mod random;
mod timer;
mod types;

pub use api::MetaSecret;
pub use fetch_transport::FetchTransport;
pub use idb_store::IdbStore;
#[cfg(feature = "recovery-kit")]
pub use kit::{check_recovery_words, recovery_word_completions, OpenKitOptions};
pub use live::Subscription;
pub use types::{AddSecretOptions, OpenOptions};
