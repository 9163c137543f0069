//! Secrets: verifiable sharing (`vss`), the sealed value (`cipher`), sealing to devices and the
//! secret, re-share and recovery events.

pub mod cipher;
pub mod distributor;
pub mod dleq;
pub mod events;
pub mod kem;
pub mod threshold;
pub mod vss;

pub use distributor::{deal_reshare, MetaDistributor, MetaEncryptor, SecretError, SecretShareKnowledge};
pub use events::{SecretMetadata, SharePayload};
pub use vss::{Commitments, ShareValue, VssError};
