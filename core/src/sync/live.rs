//! Live updates. A member opens `GET /v1/vaults/{name}/live` as a WebSocket, signed like a sync
//! request but with the signature in the query (a browser cannot set headers on a WebSocket). The
//! server pokes every connected member when the head moves. A poke only says "sync now": the
//! commits still arrive through a normal, verified sync, so a forged poke costs one request.

use serde::{Deserialize, Serialize};

use crate::event::Cursor;

/// How often a device syncs while its socket is up, as a safety net for a lost poke.
pub const POLL_INTERVAL_CONNECTED_MS: u64 = 60_000;
/// How often a device syncs while it has no socket (never opened, refused, or dropped).
pub const POLL_INTERVAL_DISCONNECTED_MS: u64 = 5_000;
/// Close code for a socket whose device is no longer a member (RFC 6455 "policy violation").
pub const CLOSE_NOT_MEMBER: u16 = 1008;
/// Live sockets one device may hold open on a vault (tabs, an extension, a phone's reconnects);
/// one more is refused with `RATE_LIMITED` so a device cannot pin the object's memory.
pub const MAX_LIVE_SOCKETS_PER_DEVICE: usize = 8;

/// A message the server sends down a live socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// The vault's head is now `head`.
    HeadChanged { head: Cursor },
}

impl LiveMessage {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Why a device should look at the server now. Both end in the same sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wake {
    /// A poke: sync if the local head is behind `head`.
    Poke { head: Cursor },
    /// The polling timer fired, or a message could not be read: sync unconditionally.
    Tick,
}

impl Wake {
    /// Reads a live socket's text message. Anything unreadable becomes a plain sync.
    pub fn from_message(text: &str) -> Wake {
        // from_slice: the one JSON reader the wasm carries (from_str would add a second copy).
        match serde_json::from_slice(text.as_bytes()) {
            Ok(LiveMessage::HeadChanged { head }) => Wake::Poke { head },
            Err(_) => Wake::Tick,
        }
    }
}

/// What the server does with one connected socket after a request moved the head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveAction {
    /// Send this text message.
    Send(String),
    /// Close the socket: its device left or was removed.
    Close { code: u16, reason: &'static str },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::Hash32;

    #[test]
    fn pokes_round_trip_and_junk_becomes_a_tick() {
        let head = Cursor { seq: 7, hash: Hash32::digest(&[b"x"]) };
        let text = LiveMessage::HeadChanged { head }.to_json();
        assert!(text.contains("\"type\":\"head_changed\""), "{text}");
        assert_eq!(Wake::from_message(&text), Wake::Poke { head });
        assert_eq!(Wake::from_message("not json"), Wake::Tick);
        assert_eq!(Wake::from_message("{\"type\":\"other\"}"), Wake::Tick);
    }
}
