//! Reading this device's share of a secret from the log: straight from the split, or combined
//! from the sub-shares of the dealings a re-share chose. Every value is checked against the
//! public commitments before it is used.

use std::collections::BTreeMap;

use crate::encoding::Bytes;
use crate::event::GenericKvLogEvent;
use crate::identity::DeviceKeys;
use crate::secrets::cipher::metadata_commitment;
use crate::secrets::events::{Dealing, DealingBundle, SecretMetadata, SecretSplit, SharePayload, SubShare};
use crate::secrets::vss::{combine, Commitments, ShareValue};
use crate::secrets::{MetaEncryptor, SecretError};
use crate::store::{LogStore, StoreError};
use crate::sync::ClientError;
use crate::vault::{RuleViolation, ShareSource, VaultState};

/// This device's verified share of a secret's current epoch, with the secret's metadata.
pub struct OwnShare {
    pub x: u8,
    pub value: ShareValue,
    pub metadata: SecretMetadata,
    pub metadata_salt: Bytes,
}

fn corrupt(what: String) -> ClientError {
    StoreError::Corrupt(what).into()
}

pub async fn split_at<S: LogStore>(store: &S, seq: u64) -> Result<SecretSplit, ClientError> {
    match store.commit_at(seq).await?.map(|c| c.event.event) {
        Some(GenericKvLogEvent::SecretSplit(split)) => Ok(split),
        _ => Err(corrupt(format!("commit {seq} is not a secret split"))),
    }
}

pub async fn dealing_at<S: LogStore>(store: &S, seq: u64) -> Result<Dealing, ClientError> {
    match store.commit_at(seq).await?.map(|c| c.event.event) {
        Some(GenericKvLogEvent::ReshareDealt(dealing)) => Ok(dealing),
        Some(GenericKvLogEvent::JoinApproved { dealing: Some(dealing), .. }) => Ok(dealing),
        _ => Err(corrupt(format!("commit {seq} carries no dealing"))),
    }
}

/// Opened dealing bundles addressed to this device, by commit seq, so one pass over many secrets
/// opens each dealing once.
#[derive(Default)]
pub struct BundleCache {
    bundles: BTreeMap<u64, Result<DealingBundle, SecretError>>,
}

impl Drop for BundleCache {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for bundle in self.bundles.values_mut().flatten() {
            for entry in &mut bundle.entries {
                entry.value.0.zeroize();
            }
        }
    }
}

impl BundleCache {
    /// My sub-share of `secret_id` in the dealing at `seq`, and my x among its targets.
    pub async fn sub_share<S: LogStore>(
        &mut self,
        store: &S,
        keys: &DeviceKeys,
        seq: u64,
        secret_id: &str,
    ) -> Result<(u8, SubShare, Commitments), ClientError> {
        let dealing = dealing_at(store, seq).await?;
        let index = dealing.targets.iter().position(|d| d == keys.id()).ok_or(RuleViolation::NoShare)?;
        let bundle = match self.bundles.entry(seq) {
            std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::btree_map::Entry::Vacant(entry) => {
                let sealed = dealing.sealed.get(index).ok_or_else(|| corrupt(format!("dealing {seq} lacks a part")))?;
                entry.insert(MetaEncryptor::open_json::<DealingBundle>(sealed, keys.age_identity()))
            }
        };
        let bundle = bundle.as_ref().map_err(|e| ClientError::Secret(e.clone()))?;
        let entry = bundle.entries.iter().find(|e| e.secret_id == secret_id).ok_or(SecretError::Open)?;
        let commitments = dealing
            .secrets
            .iter()
            .find(|s| s.secret_id == secret_id)
            .map(|s| Commitments::from_wire(&s.commitments))
            .ok_or(SecretError::Open)?
            .map_err(SecretError::from)?;
        Ok((index as u8 + 1, entry.clone(), commitments))
    }

    /// Checks my sub-share from one dealing against that dealing's commitments, and the name it
    /// carries against the secret's metadata commitment.
    pub async fn verify_sub_share<S: LogStore>(
        &mut self,
        store: &S,
        keys: &DeviceKeys,
        seq: u64,
        secret_id: &str,
        epoch: u32,
        metadata: &crate::encoding::Hash32,
    ) -> bool {
        match self.sub_share(store, keys, seq, secret_id).await {
            Ok((x, entry, commitments)) => {
                entry.epoch == epoch
                    && metadata_commitment(secret_id, &entry.metadata_salt.0, &entry.metadata) == *metadata
                    && ShareValue::from_bytes(&entry.value.0).is_ok_and(|v| commitments.verify(x, &v))
            }
            Err(_) => false,
        }
    }
}

/// This device's share of `secret_id` in its current epoch, verified.
pub async fn own_share<S: LogStore>(
    store: &S,
    keys: &DeviceKeys,
    state: &VaultState,
    secret_id: &str,
    cache: &mut BundleCache,
) -> Result<OwnShare, ClientError> {
    let record = state.secrets.get(secret_id).ok_or(RuleViolation::UnknownSecret)?;
    let me = keys.id();
    let x = *record.holders.get(me).ok_or(RuleViolation::NoShare)?;
    let commitments = Commitments::from_wire(&record.commitments).map_err(SecretError::from)?;
    // One read of the split: its shares (epoch 1) and the metadata commitment (every epoch).
    let split = split_at(store, record.split_seq).await?;
    let share = match &record.source {
        ShareSource::Split => from_split(&split, keys, secret_id, x)?,
        ShareSource::Reshare { dealings } => {
            let mut parts = Vec::with_capacity(dealings.len());
            for used in dealings {
                let (_, entry, _) = cache.sub_share(store, keys, used.seq, secret_id).await?;
                parts.push((used.dealer_x, entry));
            }
            let values: Vec<(u8, ShareValue)> = parts
                .iter()
                .map(|(x, e)| ShareValue::from_bytes(&e.value.0).map(|v| (*x, v)))
                .collect::<Result<_, _>>()
                .map_err(SecretError::from)?;
            let refs: Vec<(u8, &ShareValue)> = values.iter().map(|(x, v)| (*x, v)).collect();
            let value = combine(&refs).map_err(SecretError::from)?;
            // Any dealing whose name matches the commitment will do.
            let (_, named) = parts
                .into_iter()
                .find(|(_, e)| {
                    metadata_commitment(secret_id, &e.metadata_salt.0, &e.metadata) == split.metadata_commitment
                })
                .ok_or_else(|| SecretError::BadShares(format!("the metadata of {secret_id}")))?;
            OwnShare { x, value, metadata: named.metadata, metadata_salt: named.metadata_salt }
        }
    };
    if !commitments.verify(x, &share.value) {
        return Err(SecretError::BadShares(format!("the dealings of {secret_id}")).into());
    }
    if metadata_commitment(secret_id, &share.metadata_salt.0, &share.metadata) != split.metadata_commitment {
        return Err(SecretError::BadShares(format!("the metadata of {secret_id}")).into());
    }
    Ok(share)
}

fn from_split(split: &SecretSplit, keys: &DeviceKeys, secret_id: &str, x: u8) -> Result<OwnShare, ClientError> {
    let sealed = split.shares.get(usize::from(x) - 1).ok_or_else(|| corrupt(format!("split of {secret_id}")))?;
    let payload: SharePayload = MetaEncryptor::open_json(sealed, keys.age_identity())?;
    if payload.secret_id != secret_id || payload.x != x {
        return Err(SecretError::BadShares(format!("the split of {secret_id}")).into());
    }
    let value = ShareValue::from_bytes(&payload.value.0).map_err(SecretError::from)?;
    Ok(OwnShare { x, value, metadata: payload.metadata.clone(), metadata_salt: payload.metadata_salt.clone() })
}
