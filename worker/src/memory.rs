//! Request and response bodies cross into JavaScript as strings, not byte arrays.
//!
//! A byte array's buffer is memory outside V8's heap: V8 collects dead buffers only after tens of
//! MiB of them pile up (its external-memory trigger), and workerd's allocator keeps the pages
//! once they are freed. A push of large secrets made the Durable Object's process hold about as
//! much memory as it had been sent (issue 25). A string lives on V8's heap, which is collected
//! promptly. Our bodies are JSON, so UTF-8.

use worker::Request;

/// A request body read as text: the gate passes on only UTF-8 bodies, so its bytes are the same.
pub async fn read_body(req: &mut Request) -> worker::Result<Vec<u8>> {
    req.text().await.map(String::into_bytes)
}
