//! The attack and bad-input matrix against the real worker: each case checks the HTTP status, the
//! JSON error code, and that the vault's head did not move.

use std::sync::atomic::{AtomicU64, Ordering};

use meta_secret_core::clock::Clock;
use meta_secret_core::encoding::{Bytes, Hash32};
use meta_secret_core::event::{Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::sync::wire::{PushOutcome, SyncRequest, SyncResponse, MAX_CLOCK_SKEW_MS};
use meta_secret_core::sync::{TransportRequest, TransportResponse};
use meta_secret_core::vault::MembershipStatus;
use meta_secret_tests::http::HttpTransport;
use meta_secret_tests::wrangler::{temp_dir, WranglerDev};
use meta_secret_tests::{signed_request, SystemClock};

static LAST_STAMP: AtomicU64 = AtomicU64::new(0);

/// Strictly increasing timestamps, as an honest device sends them.
fn stamp() -> u64 {
    let now = SystemClock.now_ms();
    let previous = LAST_STAMP.fetch_max(now, Ordering::SeqCst);
    if previous >= now {
        LAST_STAMP.fetch_add(1, Ordering::SeqCst) + 1
    } else {
        now
    }
}

fn v() -> VaultName {
    VaultName::parse("attacked").unwrap()
}

struct Target {
    dev: WranglerDev,
    http: HttpTransport,
    owner: DeviceKeys,
    member: DeviceKeys,
    outsider: DeviceKeys,
}

impl Target {
    fn raw(&self, keys: &DeviceKeys, body: Vec<u8>) -> TransportResponse {
        self.send(signed_request(keys, "attacked", body, stamp()))
    }

    fn sync(&self, keys: &DeviceKeys, request: &SyncRequest) -> TransportResponse {
        self.raw(keys, serde_json::to_vec(request).unwrap())
    }

    fn send(&self, request: TransportRequest) -> TransportResponse {
        self.http.send_blocking(&request).expect("HTTP")
    }

    fn head(&self) -> Cursor {
        let response = self.sync(&self.owner, &push(vec![]));
        ok(&response).head.expect("members see the head")
    }

    /// Asserts status, code and an unchanged head.
    fn refused(&self, what: &str, status: u16, code: &str, attempt: impl FnOnce() -> TransportResponse) {
        let before = self.head();
        let response = attempt();
        assert_eq!(response.status, status, "{what}: {}", String::from_utf8_lossy(&response.body));
        let body: serde_json::Value =
            serde_json::from_slice(&response.body).unwrap_or_else(|_| panic!("{what}: not JSON"));
        assert_eq!(body["code"], code, "{what}: {body}");
        assert!(body["message"].is_string(), "{what}: {body}");
        assert_eq!(self.head(), before, "{what}: the head moved");
    }
}

fn push(events: Vec<SignedEvent>) -> SyncRequest {
    SyncRequest { cursor: Cursor::EMPTY, push: events, limit: None }
}

fn ok(response: &TransportResponse) -> SyncResponse {
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    serde_json::from_slice(&response.body).unwrap()
}

fn target() -> Target {
    let dev = WranglerDev::start(&temp_dir("attacks"));
    let http = HttpTransport::new(&dev.url());
    let keys = |name| DeviceKeys::generate(name, DeviceKind::Desktop).unwrap();
    let target = Target { dev, http, owner: keys("owner"), member: keys("member"), outsider: keys("outsider") };
    let (owner, member) = (&target.owner, &target.member);
    let created = SignedEvent::sign(
        owner,
        &v(),
        1,
        GenericKvLogEvent::VaultCreated {
            owner: owner.info().clone(),
            quorum: 2,
            receive_key: meta_secret_tests::receive_key(),
        },
    );
    ok(&target.sync(owner, &push(vec![created])));
    let join = SignedEvent::sign(
        member,
        &v(),
        1,
        GenericKvLogEvent::JoinRequested {
            kit_maker: None,
            invite: None,
            candidate: member.info().clone(),
            receive_key: meta_secret_tests::receive_key(),
        },
    );
    ok(&target.sync(member, &push(vec![join])));
    let accept = SignedEvent::sign(
        owner,
        &v(),
        2,
        GenericKvLogEvent::JoinApproved { device: member.id().clone(), dealings: Vec::new() },
    );
    ok(&target.sync(owner, &push(vec![accept])));
    assert_eq!(target.head().seq, 3);
    target
}

#[test]
fn the_attack_and_bad_input_matrix() {
    let t = target();
    let (member, outsider, owner) = (&t.member, &t.outsider, &t.owner);
    let left = |seq| SignedEvent::sign(member, &v(), seq, GenericKvLogEvent::DeviceLeft);

    // Malformed bodies.
    for (what, body) in [
        ("non-JSON body", b"hello".to_vec()),
        ("truncated JSON", b"{\"cursor\":{\"seq\":0,".to_vec()),
        ("wrong JSON shape", b"{\"cursor\":\"yesterday\"}".to_vec()),
        ("unknown field", b"{\"cursor\":{\"seq\":0,\"hash\":\"00\"},\"admin\":true}".to_vec()),
        ("empty body", Vec::new()),
    ] {
        t.refused(what, 400, "MALFORMED", || t.raw(member, body));
    }
    t.refused("2 MiB body", 413, "TOO_LARGE", || t.raw(member, vec![b' '; 2 * 1024 * 1024]));
    t.refused("2 MiB chunked body without Content-Length", 413, "TOO_LARGE", || {
        chunked_post(t.dev.port, "/v1/vaults/attacked/sync", 2 * 1024 * 1024)
    });

    // Routing.
    let body = serde_json::to_vec(&push(vec![])).unwrap();
    let mut request = signed_request(member, "attacked", body.clone(), stamp());
    request.method = "GET".into();
    t.refused("wrong method", 405, "METHOD_NOT_ALLOWED", || t.send(request.clone()));
    request.method = "POST".into();
    request.path = "/v1/vaults/attacked/dump".into();
    t.refused("unknown route", 404, "NOT_FOUND", || t.send(request.clone()));
    request.path = "/v1/vaults//sync".into();
    t.refused("empty vault name", 400, "INVALID_INPUT", || t.send(request.clone()));
    request.path = format!("/v1/vaults/{}/sync", "v".repeat(65));
    t.refused("overlong vault name", 400, "INVALID_INPUT", || t.send(request.clone()));

    // Request authentication.
    let mut forged = signed_request(member, "attacked", body.clone(), stamp());
    forged.body = serde_json::to_vec(&push(vec![left(2)])).unwrap();
    t.refused("bad request signature", 401, "BAD_SIGNATURE", || t.send(forged));
    let mut unsigned = signed_request(member, "attacked", body.clone(), stamp());
    unsigned.auth = None;
    t.refused("unsigned request", 401, "BAD_SIGNATURE", || t.send(unsigned));
    let once = signed_request(member, "attacked", body.clone(), stamp());
    ok(&t.send(once.clone()));
    t.refused("replayed request", 401, "REPLAYED", || t.send(once));
    let old = signed_request(member, "attacked", body.clone(), SystemClock.now_ms() - MAX_CLOCK_SKEW_MS - 60_000);
    t.refused("stale timestamp", 401, "STALE_REQUEST", || t.send(old));
    let future = signed_request(member, "attacked", body, SystemClock.now_ms() + MAX_CLOCK_SKEW_MS + 60_000);
    t.refused("future timestamp", 401, "STALE_REQUEST", || t.send(future));

    // Events.
    let mut bad_event = left(2);
    bad_event.signature = Bytes(vec![1; 64]);
    t.refused("event with a bad signature", 401, "BAD_SIGNATURE", || t.sync(member, &push(vec![bad_event])));
    let owners = SignedEvent::sign(owner, &v(), 3, GenericKvLogEvent::RemovalApproved { device: member.id().clone() });
    t.refused("event under another device's id", 403, "IMPERSONATION", || t.sync(member, &push(vec![owners])));
    let elsewhere = SignedEvent::sign(member, &VaultName::parse("other").unwrap(), 2, GenericKvLogEvent::DeviceLeft);
    t.refused("event for another vault", 400, "WRONG_VAULT", || t.sync(member, &push(vec![elsewhere])));
    let self_accept = SignedEvent::sign(
        outsider,
        &v(),
        1,
        GenericKvLogEvent::JoinApproved { device: outsider.id().clone(), dealings: Vec::new() },
    );
    t.refused("outsider accepting itself", 403, "NOT_MEMBER", || t.sync(outsider, &push(vec![self_accept])));
    let removal =
        SignedEvent::sign(outsider, &v(), 1, GenericKvLogEvent::RemovalApproved { device: owner.id().clone() });
    t.refused("outsider removing a member", 403, "NOT_MEMBER", || t.sync(outsider, &push(vec![removal])));

    // author_seq beyond what SQLite and JavaScript hold exactly: 4xx before storage, never 500.
    for seq in [1u64 << 53, u64::MAX] {
        let join = SignedEvent::sign(
            outsider,
            &v(),
            seq,
            GenericKvLogEvent::JoinRequested {
                kit_maker: None,
                invite: None,
                candidate: outsider.info().clone(),
                receive_key: meta_secret_tests::receive_key(),
            },
        );
        t.refused("author_seq out of range", 400, "INVALID_INPUT", || t.sync(outsider, &push(vec![join])));
    }

    // Cursors that are not on the log (a tampered commit hash or seq).
    let head = t.head();
    let tampered_hash =
        SyncRequest { cursor: Cursor { seq: head.seq, hash: Hash32([3; 32]) }, push: vec![], limit: None };
    t.refused("tampered head hash", 409, "CURSOR_MISMATCH", || t.sync(member, &tampered_hash));
    let tampered_seq = SyncRequest { cursor: Cursor { seq: head.seq + 5, hash: head.hash }, push: vec![], limit: None };
    t.refused("tampered head seq", 409, "CURSOR_MISMATCH", || t.sync(member, &tampered_seq));

    // A non-member reads nothing but its own standing.
    let view = ok(&t.sync(outsider, &push(vec![])));
    assert_eq!((view.status, view.commits.len(), view.head), (MembershipStatus::NotMember, 0, None));

    // Reusing an author_seq for a different event is a per-event conflict.
    let before = t.head();
    let reused = SignedEvent::sign(owner, &v(), 2, GenericKvLogEvent::JoinDeclined { device: member.id().clone() });
    let response = ok(&t.sync(owner, &push(vec![reused])));
    assert!(matches!(&response.results[0].outcome, PushOutcome::Rejected { code, .. } if code.as_str() == "CONFLICT"));
    assert_eq!(t.head(), before);

    // CORS preflight from another origin.
    let preflight = TransportRequest {
        method: "OPTIONS".into(),
        path: "/v1/vaults/attacked/sync".into(),
        auth: None,
        body: vec![],
    };
    assert_eq!(t.send(preflight).status, 204);
}

/// A POST whose body is sent chunked (no `Content-Length`), `total` bytes of JSON-ish filler.
fn chunked_post(port: u16, path: &str, total: usize) -> TransportResponse {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).expect("head");
    let chunk = vec![b' '; 64 * 1024];
    // The server may answer and stop reading before the end; later writes may then fail.
    for _ in 0..total / chunk.len() {
        let framed = [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk.clone(), b"\r\n".to_vec()].concat();
        if stream.write_all(&framed).is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("status line");
    let status: u16 = status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status");
    let mut rest = String::new();
    let _ = reader.read_to_string(&mut rest);
    let (headers, body) = rest.split_once("\r\n\r\n").unwrap_or(("", ""));
    // A chunked response body is framed: keep only the JSON object.
    let body = match headers.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        true => body.find('{').and_then(|start| body.rfind('}').map(|end| &body[start..=end])).unwrap_or(""),
        false => body,
    };
    TransportResponse { status, body: body.as_bytes().to_vec() }
}

fn files_under(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { files_under(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}

/// Unauthenticated requests to fresh vault names are answered by the worker's front door and
/// never create a Durable Object's storage; a signed request does (the count can move).
#[test]
fn unauthenticated_requests_to_fresh_names_leave_no_storage_behind() {
    let persist = temp_dir("no-storage");
    let dev = WranglerDev::start(&persist);
    let http = HttpTransport::new(&dev.url());
    let keys = DeviceKeys::generate("stranger", DeviceKind::Desktop).unwrap();
    let before = files_under(&persist);
    for i in 0..50 {
        let name = format!("fresh-{i}-{}", SystemClock.now_ms());
        let body = serde_json::to_vec(&push(vec![])).unwrap();
        let mut request = signed_request(&keys, &name, body.clone(), stamp());
        let (status, code) = match i % 4 {
            0 => {
                request.auth = None;
                (401, "BAD_SIGNATURE")
            }
            1 => {
                request.body = b"{}".to_vec();
                (401, "BAD_SIGNATURE")
            }
            2 => {
                request.method = "GET".into();
                request.path = format!("/v1/vaults/{name}/live");
                request.auth = None;
                request.body = Vec::new();
                (426, "UPGRADE_REQUIRED")
            }
            _ => {
                let old = signed_request(&keys, &name, body, SystemClock.now_ms() - MAX_CLOCK_SKEW_MS - 60_000);
                request = old;
                (401, "STALE_REQUEST")
            }
        };
        let response = http.send_blocking(&request).expect("HTTP");
        assert_eq!(response.status, status, "case {i}: {}", String::from_utf8_lossy(&response.body));
        let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(json["code"], code, "case {i}");
    }
    assert_eq!(files_under(&persist), before, "no Durable Object storage was created");
    // The count is able to move: one signed request to a fresh name opens that vault's storage.
    let name = format!("signed-{}", SystemClock.now_ms());
    let response =
        http.send_blocking(&signed_request(&keys, &name, serde_json::to_vec(&push(vec![])).unwrap(), stamp()));
    assert_eq!(response.expect("HTTP").status, 200);
    assert!(files_under(&persist) > before, "a signed request did create storage");
}
