//! A native client for the worker's live WebSocket, for end-to-end tests.

use std::io::Read;
use std::net::TcpStream;
use std::time::Duration;

use meta_secret_core::sync::{TransportRequest, TransportResponse};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::{Message, WebSocket};

pub struct LiveSocket {
    socket: WebSocket<TcpStream>,
}

/// What the socket delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    Text(String),
    Closed {
        code: u16,
    },
    /// Nothing arrived before the timeout.
    Nothing,
}

/// A refused handshake: the HTTP status and JSON body the worker answered with.
#[derive(Debug)]
pub struct Refused {
    pub status: u16,
    pub body: String,
}

impl LiveSocket {
    /// Opens `request` (a signed live handshake) against `base_url` (`http://127.0.0.1:port`).
    pub fn connect(base_url: &str, request: &TransportRequest) -> Result<LiveSocket, Refused> {
        let host = base_url.trim_start_matches("http://").trim_end_matches('/');
        let query = request.auth.as_ref().map(|auth| format!("?{}", auth.to_query())).unwrap_or_default();
        let url = format!("ws://{host}{}{query}", request.path);
        let refused = |body: String| Refused { status: 0, body };
        let stream = TcpStream::connect(host).map_err(|e| refused(e.to_string()))?;
        stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| refused(e.to_string()))?;
        match tungstenite::client(url.as_str(), stream) {
            Ok((socket, _)) => Ok(LiveSocket { socket }),
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
                let body = response.body().as_deref().map(String::from_utf8_lossy).unwrap_or_default().into_owned();
                Err(Refused { status: response.status().as_u16(), body })
            }
            Err(error) => Err(refused(error.to_string())),
        }
    }

    /// Sends a live handshake as plain HTTP with the upgrade headers and returns the answer, so a
    /// refusal's JSON body can be read whole (a WebSocket client drops it).
    pub fn refusal(base_url: &str, request: &TransportRequest) -> TransportResponse {
        let query = request.auth.as_ref().map(|auth| format!("?{}", auth.to_query())).unwrap_or_default();
        let url = format!("{}{}{query}", base_url.trim_end_matches('/'), request.path);
        let call = ureq::get(&url)
            .set("upgrade", "websocket")
            .set("connection", "Upgrade")
            .set("sec-websocket-version", "13")
            .set("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
        let response = match call.call() {
            Ok(response) | Err(ureq::Error::Status(_, response)) => response,
            Err(error) => return TransportResponse { status: 0, body: error.to_string().into_bytes() },
        };
        let status = response.status();
        let mut body = Vec::new();
        let _ = response.into_reader().read_to_end(&mut body);
        TransportResponse { status, body }
    }

    /// Waits up to `timeout` for the next text or close frame.
    pub fn receive(&mut self, timeout: Duration) -> Received {
        if self.socket.get_ref().set_read_timeout(Some(timeout)).is_err() {
            return Received::Nothing;
        }
        loop {
            match self.socket.read() {
                Ok(Message::Text(text)) => return Received::Text(text.to_string()),
                Ok(Message::Close(frame)) => {
                    return Received::Closed { code: frame.map_or(1005, |f| u16::from(f.code)) };
                }
                Ok(_) => continue,
                Err(tungstenite::Error::Io(error))
                    if matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
                {
                    return Received::Nothing;
                }
                Err(_) => return Received::Closed { code: 1006 },
            }
        }
    }

    /// Sends a text frame (the worker answers "ping" with "pong" itself).
    pub fn send_text(&mut self, text: &str) -> bool {
        self.socket.send(Message::text(text)).is_ok()
    }

    pub fn close(mut self) {
        let _ = self
            .socket
            .close(Some(tungstenite::protocol::CloseFrame { code: CloseCode::Normal, reason: "done".into() }));
        let _ = self.socket.get_mut().read(&mut [0u8; 64]);
    }
}
