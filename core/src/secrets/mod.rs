//! Secrets: the Shamir envelope, sealing to devices, and the secret/recovery events.

pub mod distributor;
pub mod envelope;
#[cfg(test)]
mod envelope_tests;
pub mod events;

pub use distributor::{MetaDistributor, MetaEncryptor, SecretError, SecretMetadata, SharePayload};
pub use envelope::{combine, split, ShareEnvelope, ShareError};
