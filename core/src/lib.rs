//! meta-secret core: device identity, the signed vault commit log and its aggregate, the store
//! trait, and both sides of sync. No IO: time, transport and storage come in through traits.

pub mod client;
pub mod clock;
pub mod encoding;
pub mod error;
pub mod event;
pub mod identity;
pub mod invite;
pub mod paper;
pub mod secrets;
pub mod store;
pub mod sync;
pub mod vault;

pub use error::{ErrorCode, HasErrorCode};
