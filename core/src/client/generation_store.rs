//! This device's generation secrets: its per-epoch receive keys and its verified shares (with each
//! generation's names key), kept in the device store sealed to the device's own age key. A
//! receive key is deleted once no open round and no share still to take up needs it, so the parts
//! it opened in the log open for nobody afterwards.
//!
//! A recovery kit keeps nothing between sessions: its receive keys derive from its own key and a
//! counter, and its shares are taken up again from the log each session. (Whoever holds the words
//! holds the kit; what deleting keys protects is the current devices' old parts.)

use std::collections::BTreeMap;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::encoding::Bytes;
use crate::identity::{DeviceKeys, DeviceKind};
use crate::secrets::dleq::hash_to_scalar;
use crate::secrets::vss::ShareValue;
use crate::secrets::MetaEncryptor;
use crate::store::{LogStore, StoreBatch, StoreError};
use crate::sync::ClientError;
use crate::vault::generations::{GenerationId, MyShare};

const RECEIVE_KEYS: &str = "generation/receive-keys";
const SHARES: &str = "generation/shares";
/// Receive key indexes a kit scans at most (its keys are indexed by the author seq of the event
/// that published them).
const KIT_KEY_SCAN: u64 = 1 << 16;

#[derive(Default, Serialize, Deserialize)]
struct StoredKeys {
    /// Public key (base64url) → secret scalar bytes.
    keys: BTreeMap<String, Bytes>,
}

#[derive(Default, Serialize, Deserialize)]
struct StoredShares {
    /// "level/number" → share.
    shares: BTreeMap<String, StoredShare>,
}

#[derive(Serialize, Deserialize)]
struct StoredShare {
    epoch: u32,
    x: u8,
    value: Bytes,
    names_key: Bytes,
}

fn slot(id: GenerationId) -> String {
    format!("{}/{}", id.level, id.number)
}

fn public_of(secret: &Scalar) -> Bytes {
    Bytes(RistrettoPoint::mul_base(secret).compress().to_bytes().to_vec())
}

fn kit_secret(keys: &DeviceKeys, index: u32) -> Scalar {
    use age::secrecy::ExposeSecret;
    let identity = keys.age_identity().to_string();
    hash_to_scalar(b"meta-secret/kit-receive/v1", &[identity.expose_secret().as_bytes(), &index.to_be_bytes()])
}

async fn read_sealed<S: LogStore, T: serde::de::DeserializeOwned + Default>(
    store: &S,
    keys: &DeviceKeys,
    key: &str,
) -> Result<T, ClientError> {
    match store.kv_get(key).await? {
        Some(sealed) => {
            let plain = MetaEncryptor::open(&Bytes(sealed), keys.age_identity())?;
            serde_json::from_slice(&plain).map_err(|e| StoreError::Corrupt(format!("{key}: {e}")).into())
        }
        None => Ok(T::default()),
    }
}

fn sealed_put<T: Serialize>(
    batch: &mut StoreBatch,
    keys: &DeviceKeys,
    key: &str,
    value: &T,
) -> Result<(), ClientError> {
    let plain = Zeroizing::new(serde_json::to_vec(value).unwrap_or_default());
    let sealed = MetaEncryptor::seal(&plain, &[keys.age_identity().to_public()])?;
    batch.put(key, sealed.0);
    Ok(())
}

/// A new receive key: its secret kept (sealed) in the store, its public half returned.
pub async fn new_receive_key<S: LogStore>(store: &S, keys: &DeviceKeys, index: u32) -> Result<Bytes, ClientError> {
    if keys.info().kind == DeviceKind::Paper {
        return Ok(public_of(&kit_secret(keys, index)));
    }
    let secret = Zeroizing::new(Scalar::random(&mut rand_core::OsRng));
    let public = public_of(&secret);
    let mut stored: StoredKeys = read_sealed(store, keys, RECEIVE_KEYS).await?;
    stored.keys.insert(public.to_base64(), Bytes(secret.to_bytes().to_vec()));
    let mut batch = StoreBatch::default();
    sealed_put(&mut batch, keys, RECEIVE_KEYS, &stored)?;
    store.write(batch).await?;
    Ok(public)
}

/// The secret behind one of this device's receive keys, if it still has it. `last_index`: the
/// device's newest author seq (a kit's keys are indexed by the events that published them).
pub async fn receive_secret<S: LogStore>(
    store: &S,
    keys: &DeviceKeys,
    public: &Bytes,
    last_index: u64,
) -> Result<Option<Zeroizing<Scalar>>, ClientError> {
    if keys.info().kind == DeviceKind::Paper {
        let last = u32::try_from((last_index + 1).min(KIT_KEY_SCAN)).unwrap_or(u32::MAX);
        let found = (0..=last).map(|i| kit_secret(keys, i)).find(|s| public_of(s) == *public);
        return Ok(found.map(Zeroizing::new));
    }
    let stored: StoredKeys = read_sealed(store, keys, RECEIVE_KEYS).await?;
    Ok(stored.keys.get(&public.to_base64()).and_then(|b| {
        let bytes: [u8; 32] = b.0.as_slice().try_into().ok()?;
        Option::<Scalar>::from(Scalar::from_canonical_bytes(bytes)).map(Zeroizing::new)
    }))
}

/// Deletes every receive key but `needed`.
pub async fn keep_receive_keys<S: LogStore>(store: &S, keys: &DeviceKeys, needed: &[Bytes]) -> Result<(), ClientError> {
    if keys.info().kind == DeviceKind::Paper {
        return Ok(());
    }
    let mut stored: StoredKeys = read_sealed(store, keys, RECEIVE_KEYS).await?;
    let wanted: Vec<String> = needed.iter().map(|k| k.to_base64()).collect();
    let before = stored.keys.len();
    stored.keys.retain(|k, _| wanted.contains(k));
    if stored.keys.len() != before {
        let mut batch = StoreBatch::default();
        sealed_put(&mut batch, keys, RECEIVE_KEYS, &stored)?;
        store.write(batch).await?;
    }
    Ok(())
}

/// My stored share of `id`, if its epoch is `epoch`.
pub async fn stored_share<S: LogStore>(
    store: &S,
    keys: &DeviceKeys,
    id: GenerationId,
    epoch: u32,
) -> Result<Option<MyShare>, ClientError> {
    let stored: StoredShares = read_sealed(store, keys, SHARES).await?;
    let Some(share) = stored.shares.get(&slot(id)).filter(|s| s.epoch == epoch) else { return Ok(None) };
    let value = ShareValue::from_bytes(&share.value.0).map_err(crate::secrets::SecretError::from)?;
    let names_key: [u8; 32] =
        share.names_key.0.as_slice().try_into().map_err(|_| StoreError::Corrupt("names key".into()))?;
    Ok(Some(MyShare { generation: id, epoch, x: share.x, value, names_key: Zeroizing::new(names_key) }))
}

/// Stores my share of a new epoch, replacing the older epoch's, and drops shares of generations
/// no longer in `live`.
pub async fn store_share<S: LogStore>(
    store: &S,
    keys: &DeviceKeys,
    share: &MyShare,
    live: &[GenerationId],
) -> Result<(), ClientError> {
    let mut stored: StoredShares = read_sealed(store, keys, SHARES).await?;
    let live: Vec<String> = live.iter().map(|id| slot(*id)).collect();
    stored.shares.retain(|k, _| live.contains(k));
    stored.shares.insert(
        slot(share.generation),
        StoredShare {
            epoch: share.epoch,
            x: share.x,
            value: share.value.to_bytes(),
            names_key: Bytes(share.names_key.to_vec()),
        },
    );
    let mut batch = StoreBatch::default();
    sealed_put(&mut batch, keys, SHARES, &stored)?;
    let result = store.write(batch).await;
    for stored in stored.shares.values_mut() {
        use zeroize::Zeroize;
        stored.value.0.zeroize();
        stored.names_key.0.zeroize();
    }
    Ok(result?)
}
