//! `SyncProtocol` over native HTTP, for tests and tools that talk to a real worker.

use meta_secret_core::sync::{SyncProtocol, TransportError, TransportRequest, TransportResponse};

#[derive(Clone)]
pub struct HttpTransport {
    base_url: String,
    agent: ureq::Agent,
}

impl HttpTransport {
    pub fn new(base_url: &str) -> HttpTransport {
        let agent = ureq::AgentBuilder::new().timeout(std::time::Duration::from_secs(30)).build();
        HttpTransport { base_url: base_url.trim_end_matches('/').to_owned(), agent }
    }

    /// Sends a request as-is (method, path, optional auth headers, raw body).
    pub fn send_blocking(&self, request: &TransportRequest) -> Result<TransportResponse, TransportError> {
        let mut call = self.agent.request(&request.method, &format!("{}{}", self.base_url, request.path));
        call = call.set("content-type", "application/json");
        if let Some(auth) = &request.auth {
            for (name, value) in auth.headers() {
                call = call.set(name, &value);
            }
        }
        let response = match call.send_bytes(&request.body) {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(error) => return Err(TransportError(error.to_string())),
        };
        let status = response.status();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut body)
            .map_err(|e| TransportError(e.to_string()))?;
        Ok(TransportResponse { status, body })
    }
}

impl SyncProtocol for HttpTransport {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
        self.send_blocking(&request)
    }
}
