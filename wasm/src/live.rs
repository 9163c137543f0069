//! `subscribe`: a live WebSocket to the vault's Durable Object, with polling as the fallback. A
//! poke and a poll both end in `VaultClient::on_wake`, so the socket only makes syncs sooner.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::Function;
use meta_secret_core::error::HasErrorCode;
use meta_secret_core::sync::live::{Wake, POLL_INTERVAL_CONNECTED_MS, POLL_INTERVAL_DISCONNECTED_MS};
use meta_secret_core::sync::ClientError;
use meta_secret_core::vault::MembershipStatus;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use crate::api::{Inner, WeakInner};
use crate::timer::sleep;
use crate::types::{LiveEvent, SyncResult};

/// `http(s)://host` → `ws(s)://host`.
pub fn websocket_base(server_url: &str) -> String {
    match server_url.split_once("://") {
        Some(("https", rest)) => format!("wss://{rest}"),
        Some((_, rest)) => format!("ws://{rest}"),
        None => format!("ws://{server_url}"),
    }
}

struct Socket {
    socket: WebSocket,
    // Kept alive as long as the socket uses them.
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}

struct LiveState {
    inner: WeakInner,
    callback: Function,
    socket: RefCell<Option<Socket>>,
    connected: Cell<bool>,
    stopped: Cell<bool>,
    /// The standing after the last sync, so a change (accepted, declined) is reported even when
    /// nothing was pulled.
    last_status: Cell<Option<MembershipStatus>>,
}

/// A running subscription; `unsubscribe()` stops it.
#[wasm_bindgen]
pub struct Subscription {
    state: Rc<LiveState>,
}

#[wasm_bindgen]
impl Subscription {
    /// Closes the socket and stops polling.
    pub fn unsubscribe(&self) {
        self.state.stop();
    }

    /// Whether the live socket is open right now (otherwise the device is polling).
    #[wasm_bindgen(getter)]
    pub fn live(&self) -> bool {
        self.state.connected.get()
    }
}

/// The subscriptions of one `MetaSecret`, stopped together by `close()`.
#[derive(Default)]
pub struct Subscriptions(Vec<Weak<LiveState>>);

impl Subscriptions {
    pub fn add(&mut self, subscription: &Subscription) {
        self.0.retain(|state| state.strong_count() > 0);
        self.0.push(Rc::downgrade(&subscription.state));
    }

    pub fn stop_all(self) {
        for state in self.0.iter().filter_map(Weak::upgrade) {
            state.stop();
        }
    }
}

impl Subscription {
    pub fn start(inner: WeakInner, callback: Function) -> Subscription {
        let state = Rc::new(LiveState {
            inner,
            callback,
            socket: RefCell::new(None),
            connected: Cell::new(false),
            stopped: Cell::new(false),
            last_status: Cell::new(None),
        });
        spawn_local(run(state.clone()));
        Subscription { state }
    }
}

impl LiveState {
    fn stop(&self) {
        self.stopped.set(true);
        self.connected.set(false);
        self.socket.borrow_mut().take();
    }

    fn keep_alive(&self) {
        if let Some(socket) = self.socket.borrow().as_ref().filter(|_| self.connected.get()) {
            let _ = socket.socket.send_with_str("ping");
        }
    }

    fn client(&self) -> Option<Rc<Inner>> {
        self.inner.upgrade().filter(|inner| !inner.is_closed())
    }

    fn emit(&self, event: &LiveEvent) {
        // A sync may finish after unsubscribe() or close(): its outcome is no longer reported.
        if self.stopped.get() || self.client().is_none() {
            return;
        }
        if let Ok(value) = event.serialize(&serde_wasm_bindgen::Serializer::new()) {
            // A throwing callback is the page's bug; it must not stop the subscription.
            let _ = self.callback.call1(&JsValue::NULL, &value);
        }
    }

    fn emit_error(&self, error: &ClientError) {
        self.emit(&LiveEvent::Error { code: error.code().as_str().to_owned(), message: error.to_string() });
    }
}

/// The polling loop; it also (re)opens the socket whenever it is down.
async fn run(state: Rc<LiveState>) {
    let ticks_per_poll_when_live = (POLL_INTERVAL_CONNECTED_MS / POLL_INTERVAL_DISCONNECTED_MS).max(1);
    let mut ticks = 0u64;
    wake(&state, Wake::Tick).await;
    while !state.stopped.get() && state.client().is_some() {
        if state.socket.borrow().is_none() {
            connect(&state).await;
        }
        sleep(POLL_INTERVAL_DISCONNECTED_MS).await;
        ticks += 1;
        if state.stopped.get() {
            break;
        }
        if !state.connected.get() || ticks.is_multiple_of(ticks_per_poll_when_live) {
            wake(&state, Wake::Tick).await;
        }
        if ticks.is_multiple_of(KEEPALIVE_TICKS) {
            state.keep_alive();
        }
    }
}

/// A "ping" every 20 s while the socket is up (the worker answers it without waking its object):
/// an MV3 extension's service worker stays alive only while socket messages flow within 30 s.
const KEEPALIVE_TICKS: u64 = 4;

async fn wake(state: &Rc<LiveState>, wake: Wake) {
    let Some(client) = state.client().and_then(|inner| inner.client()) else {
        return;
    };
    match client.on_wake(wake).await {
        Ok(Some(report)) => {
            let status_changed = state.last_status.replace(Some(report.status)) != Some(report.status);
            if status_changed || report.pulled > 0 || !report.committed.is_empty() || !report.rejected.is_empty() {
                state.emit(&LiveEvent::Synced { sync: SyncResult::from(&report) });
            }
        }
        Ok(None) => {}
        Err(error) => state.emit_error(&error),
    }
}

async fn connect(state: &Rc<LiveState>) {
    let Some((inner, client)) = state.client().and_then(|inner| Some((inner.clone(), inner.client()?))) else {
        return;
    };
    // Only members may listen; others keep polling until they are accepted.
    if !matches!(client.state().await, Ok(vault) if vault.is_member(&client.device().id)) {
        return;
    }
    let request = match client.live_request().await {
        Ok(request) => request,
        Err(error) => return state.emit_error(&error),
    };
    let query = request.auth.as_ref().map(|auth| auth.to_query()).unwrap_or_default();
    let url = format!("{}{}?{query}", websocket_base(&inner.server_url), request.path);
    let Ok(socket) = WebSocket::new(&url) else {
        return;
    };

    let opened = Rc::downgrade(state);
    let on_open = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
        if let Some(state) = opened.upgrade() {
            state.connected.set(true);
            state.emit(&LiveEvent::Connection { live: true, code: None, reason: None });
        }
    });
    let poked = Rc::downgrade(state);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(state) = poked.upgrade() {
            let text = event.data().as_string().unwrap_or_default();
            spawn_local(async move { wake(&state, Wake::from_message(&text)).await });
        }
    });
    let closed = Rc::downgrade(state);
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
        if let Some(state) = closed.upgrade() {
            state.connected.set(false);
            // Every close or refused handshake is reported, with its code: trouble stays visible.
            let (code, reason) = (event.code(), event.reason());
            // Dropping the socket here would free this very closure while it runs; defer it.
            spawn_local(async move {
                state.socket.borrow_mut().take();
                state.emit(&LiveEvent::Connection { live: false, code: Some(code), reason: Some(reason) });
            });
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    *state.socket.borrow_mut() =
        Some(Socket { socket, _on_open: on_open, _on_message: on_message, _on_close: on_close });
}

#[cfg(test)]
mod tests {
    use super::websocket_base;

    #[test]
    fn websocket_urls_follow_the_server_scheme() {
        assert_eq!(websocket_base("http://127.0.0.1:8787"), "ws://127.0.0.1:8787");
        assert_eq!(websocket_base("https://vault.example"), "wss://vault.example");
    }
}
