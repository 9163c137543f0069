//! A device can never be wedged by its own outbox: sizes are checked before anything is queued,
//! a queue larger than one request goes out over several, and a refused event leaves the outbox
//! with the refusal reported.

use meta_secret_core::error::HasErrorCode;
use meta_secret_core::event::GenericKvLogEvent;
use meta_secret_core::secrets::cipher::MAX_SECRET_BYTES;
use meta_secret_core::secrets::events::new_object_id;
use meta_secret_core::secrets::{MetaDistributor, SecretMetadata};
use meta_secret_core::store::MemoryStore;
use meta_secret_core::sync::{SyncProtocol, TransportError, TransportRequest, TransportResponse};
use meta_secret_core::ErrorCode;
use meta_secret_tests::{block_on, CountingTransport, Net};

/// A secret sealed to `device`'s level-1 generation, as `add_secret` would, without sending it.
fn sealed_for<T: SyncProtocol>(
    device: &meta_secret_core::client::VaultClient<MemoryStore, T>,
    name: &str,
    value: &[u8],
) -> GenericKvLogEvent {
    let state = block_on(device.state()).unwrap();
    let (id, generation) = state.generations.current(1).expect("level 1");
    let share = block_on(device.generation_share(id)).expect("share");
    let public = generation.public_key().expect("public key").clone();
    let sealed = MetaDistributor::new(&state.vault)
        .seal(&new_object_id(), id, &public.0, &share.names_key, value, &SecretMetadata { name: name.into() })
        .expect("seal");
    GenericKvLogEvent::SecretSealed(sealed)
}

fn big_sealed<T: SyncProtocol>(
    device: &meta_secret_core::client::VaultClient<MemoryStore, T>,
    i: usize,
) -> GenericKvLogEvent {
    sealed_for(device, &format!("big {i}"), &vec![i as u8; 250_000])
}

#[test]
fn a_queue_larger_than_one_request_goes_out_over_several() {
    let net = Net::new();
    let counting = CountingTransport::new(net.server.transport());
    let device = net.device_with_store("a", counting.clone(), MemoryStore::new());
    block_on(device.create_vault("queue")).unwrap();
    // Four 250 KB secrets queued while offline: about 1.4 MB, more than one request carries.
    for i in 0..4 {
        block_on(device.gateway().enqueue(big_sealed(&device, i))).unwrap();
    }
    let before = counting.count();
    let report = block_on(device.gateway().sync()).unwrap();
    assert_eq!(report.committed.len(), 4, "{report:?}");
    assert!(report.rejected.is_empty(), "{report:?}");
    assert!(counting.count() - before >= 2, "the queue went out in {} request(s)", counting.count() - before);
    assert_eq!(block_on(device.gateway().outbox_len()), 0);
    assert_eq!(block_on(device.secrets()).unwrap().len(), 4);
}

#[test]
fn an_event_too_large_for_any_request_is_refused_before_it_is_queued() {
    let net = Net::new();
    let device = net.device("a");
    block_on(device.create_vault("huge")).unwrap();
    let GenericKvLogEvent::SecretSealed(mut split) = big_sealed(&device, 0) else { unreachable!() };
    split.ciphertext.0 = vec![0; 1024 * 1024];
    let error = block_on(device.gateway().enqueue(GenericKvLogEvent::SecretSealed(split))).unwrap_err();
    assert_eq!(error.code(), ErrorCode::TooLarge);
    assert_eq!(block_on(device.gateway().outbox_len()), 0, "nothing was queued");
    block_on(device.add_secret("normal", b"fine", 1)).unwrap();
}

#[test]
fn a_secret_over_the_limit_is_refused_and_the_device_carries_on_after_reopening() {
    let net = Net::new();
    let store = MemoryStore::new();
    let device = net.device_with_store("a", net.server.transport(), store.clone());
    block_on(device.create_vault("wedge")).unwrap();
    let error = block_on(device.add_secret("too big", &vec![1u8; 2 * 1024 * 1024], 1)).unwrap_err();
    assert_eq!(error.code(), ErrorCode::TooLarge);
    // The largest allowed secret passes, whatever the vault's size.
    block_on(device.add_secret("largest", &vec![2u8; MAX_SECRET_BYTES], 1)).unwrap();
    block_on(device.sync()).unwrap();
    drop(device);
    let reopened = net.device_with_store("a", net.server.transport(), store);
    block_on(reopened.sync()).unwrap();
    block_on(reopened.add_secret("after", b"ok", 1)).unwrap();
    assert_eq!(block_on(reopened.secrets()).unwrap().len(), 2);
}

/// What the next requests meet instead of the server.
#[derive(Clone, Debug)]
enum Planted {
    Refusal(meta_secret_core::sync::wire::ApiError),
    /// The connection fails before the server sees the request.
    Lost,
    /// The server handles the request, and its answer is lost on the way back.
    AnswerLost,
}

/// Answers the next `times` requests as planted, then passes requests through.
#[derive(Clone, Default)]
struct Refusing<T> {
    inner: T,
    next: std::sync::Arc<std::sync::Mutex<Option<(Planted, u32)>>>,
}

impl<T> Refusing<T> {
    fn plant(&self, planted: Planted, times: u32) {
        *self.next.lock().unwrap() = Some((planted, times));
    }
}

impl<T: SyncProtocol> SyncProtocol for Refusing<T> {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
        let planted = {
            let mut next = self.next.lock().unwrap();
            let planted = next.as_ref().map(|(planted, _)| planted.clone());
            if let Some((_, times)) = next.as_mut() {
                *times -= 1;
                if *times == 0 {
                    *next = None;
                }
            }
            planted
        };
        match planted {
            Some(Planted::Refusal(error)) => Ok(TransportResponse { status: error.status(), body: error.to_json() }),
            Some(Planted::Lost) => Err(TransportError("connection reset".into())),
            Some(Planted::AnswerLost) => {
                self.inner.send(request).await?;
                Err(TransportError("connection reset".into()))
            }
            None => self.inner.send(request).await,
        }
    }
}

#[test]
fn no_refusal_code_wedges_the_outbox_whether_or_not_it_names_the_event() {
    for code in ErrorCode::ALL.iter().copied() {
        for names_the_event in [true, false] {
            let net = Net::new();
            let transport = Refusing { inner: net.server.transport(), next: Default::default() };
            let device = net.device_on("a", transport.clone());
            block_on(device.create_vault("wedge")).unwrap();
            let seq = block_on(device.gateway().enqueue(sealed_for(&device, "note", b"value"))).unwrap();
            let error = meta_secret_core::sync::wire::ApiError::new(code, "planted");
            let error = if names_the_event { error.about_event(seq) } else { error };
            // A server failure (500) is tried once more at once, so it must happen twice to show.
            let times = if code.http_status() == 500 { 2 } else { 1 };
            transport.plant(Planted::Refusal(error), times);
            let refused = block_on(device.sync());
            assert_eq!(refused.unwrap_err().code(), code, "the planted refusal reaches the caller");
            // The next sync goes through, and the outbox is empty after it: the refused event was
            // either dropped (named) or sent again and committed (not named).
            block_on(device.sync()).unwrap_or_else(|e| panic!("{code} ({names_the_event}): the device is wedged: {e}"));
            assert_eq!(block_on(device.gateway().outbox_len()), 0, "{code} ({names_the_event})");
            // A one-event body refused as too large names its event without saying so.
            let dropped = names_the_event || code == ErrorCode::TooLarge;
            let listed = block_on(device.secrets()).unwrap().len();
            assert_eq!(listed, usize::from(!dropped), "{code} ({names_the_event}): dropped only when named");
            block_on(device.add_secret("after", b"value", 1))
                .unwrap_or_else(|e| panic!("{code} ({names_the_event}): the device cannot add after: {e}"));
        }
    }
}

/// Queues a 1-of-1 secret on `device` without sending it.
fn queue_secret<T: SyncProtocol>(device: &meta_secret_core::client::VaultClient<MemoryStore, T>, name: &str) {
    block_on(device.gateway().enqueue(sealed_for(device, name, b"value"))).unwrap();
}

#[test]
fn a_request_lost_once_or_failed_once_inside_the_server_is_sent_again() {
    let failures = [
        Planted::Lost,
        Planted::AnswerLost,
        Planted::Refusal(meta_secret_core::sync::wire::ApiError::new(ErrorCode::Internal, "planted")),
    ];
    for planted in failures {
        let net = Net::new();
        let transport = Refusing { inner: CountingTransport::new(net.server.transport()), next: Default::default() };
        let device = net.device_on("a", transport.clone());
        block_on(device.create_vault("blip")).unwrap();

        // Once: the push goes again at once and is committed exactly once, even when the first
        // attempt reached the server.
        queue_secret(&device, "first");
        let (sent_before, head_before) = (transport.inner.count(), block_on(device.state()).unwrap().head.seq);
        transport.plant(planted.clone(), 1);
        let report = block_on(device.sync()).unwrap();
        assert_eq!(report.committed.len(), 1, "{planted:?}");
        assert_eq!(block_on(device.gateway().outbox_len()), 0);
        assert_eq!(block_on(device.state()).unwrap().head.seq, head_before + 1, "no commit twice");
        let reached = transport.inner.count() - sent_before;
        let lost_after_the_server = u64::from(matches!(planted, Planted::AnswerLost));
        assert_eq!(reached, 1 + lost_after_the_server, "requests that reached the server");

        // Twice in a row: reported, and the event waits in the outbox for the next sync.
        queue_secret(&device, "second");
        transport.plant(planted.clone(), 2);
        let code = if matches!(planted, Planted::Refusal(_)) { ErrorCode::Internal } else { ErrorCode::Network };
        assert_eq!(block_on(device.sync()).unwrap_err().code(), code);
        assert_eq!(block_on(device.gateway().outbox_len()), 1, "kept for the next sync");
        block_on(device.sync()).unwrap();
        assert_eq!(block_on(device.gateway().outbox_len()), 0);
        assert_eq!(block_on(device.secrets()).unwrap().len(), 2);
    }
}
