//! Secrets: verifiable sharing (`vss`), the KEM, proofs and threshold decryption (`kem`, `dleq`,
//! `threshold`), the sealed value and name (`cipher`), sealing to devices, and the secret and
//! recovery events.

pub mod cipher;
pub mod distributor;
pub mod dleq;
pub mod events;
pub mod kem;
pub mod threshold;
pub mod vss;

pub use distributor::{MetaDistributor, MetaEncryptor, SecretError};
pub use events::{SealedSecret, SecretMetadata};
pub use vss::{Commitments, ShareValue, VssError};
