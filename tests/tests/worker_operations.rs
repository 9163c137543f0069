//! The worker as operators run it, against `wrangler dev`: structured log lines that reveal
//! nothing, health and version, and a storage schema upgrade from a store the previous schema
//! wrote (tests/fixtures/worker-schema-1, made by the `schema-fixture` binary at schema 1).

use std::time::Duration;

use meta_secret_core::client::{store_key_blob, stored_key_blob};
use meta_secret_core::error::HasErrorCode;
use meta_secret_core::event::VaultName;
use meta_secret_core::store::{LogStore, MemoryStore, Page};
use meta_secret_core::vault::MembershipStatus;
use meta_secret_core::ErrorCode;
use meta_secret_tests::live_socket::LiveSocket;
use meta_secret_tests::wrangler::{repo_root, temp_dir, WranglerDev};
use meta_secret_tests::{block_on, http_device_with_store, HttpDevice};
use serde_json::Value;

/// The worker's own lines: JSON objects with a `log` field (wrangler prints other lines too).
fn worker_lines(log: &str) -> Vec<Value> {
    log.lines()
        .filter_map(|line| line.find("{\"log\":").map(|start| &line[start..]))
        .filter_map(|json| serde_json::from_str::<Value>(json.trim()).ok())
        .collect()
}

fn get(url: &str) -> Value {
    let response = ureq::get(url).call().expect("GET");
    serde_json::from_reader(response.into_reader()).expect("JSON")
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn signatures(store: &MemoryStore) -> Vec<String> {
    let commits = block_on(store.read_after(0, Page::commits(10_000))).expect("read");
    commits.iter().flat_map(|c| [c.event.signature.to_base64(), hex_of(&c.event.signature.0)]).collect()
}

#[test]
fn every_request_and_socket_gets_one_log_line_that_reveals_nothing() {
    let dev = WranglerDev::start(&temp_dir("ops-log"));
    let url = dev.url();
    let (vault, secret_name, secret) = ("ops-vault-name", "ops-secret-name", "ops plaintext 秘密 that must not leak");
    let (a_store, b_store) = (MemoryStore::new(), MemoryStore::new());
    let a = http_device_with_store(&url, "ops-laptop-name", a_store.clone());
    let b = http_device_with_store(&url, "ops-phone-name", b_store.clone());
    block_on(a.create_vault(vault)).unwrap();
    block_on(b.request_join(vault)).unwrap();
    block_on(a.accept(&b.device().id)).unwrap();
    block_on(b.sync()).unwrap();
    let socket = LiveSocket::connect(&url, &block_on(b.live_request()).unwrap()).expect("live");
    let info = block_on(a.add_secret(secret_name, secret.as_bytes(), 2)).unwrap();
    let claim = block_on(b.request_recovery(&info.id)).unwrap();
    block_on(a.approve(&claim)).unwrap();
    assert_eq!(block_on(b.reveal(&claim)).unwrap(), secret.as_bytes());
    socket.close();
    let outsider: HttpDevice = http_device_with_store(&url, "ops-outsider-name", MemoryStore::new());
    assert_eq!(block_on(outsider.status(vault)).unwrap(), MembershipStatus::NotMember);
    let refused = ureq::post(&format!("{url}/v1/vaults/{vault}/sync")).send_bytes(b"{}");
    assert!(matches!(refused, Err(ureq::Error::Status(401, _))), "an unsigned request is refused");
    get(&format!("{url}/v1/health"));
    std::thread::sleep(Duration::from_secs(1)); // lets the last lines reach the log

    let log = dev.log_text();
    let lines = worker_lines(&log);
    let requests: Vec<&Value> = lines.iter().filter(|line| line["log"] == "request").collect();
    let syncs: Vec<&Value> = requests.iter().copied().filter(|line| line["route"] == "sync").collect();
    assert!(syncs.len() >= 8, "one line per sync request: {log}");
    for line in &requests {
        for field in ["status", "ms", "bytes_in", "bytes_out", "appended"] {
            assert!(line[field].is_u64(), "{field} in {line}");
        }
    }
    assert!(syncs.iter().any(|line| line["appended"].as_u64() > Some(0)), "pushes count their commits");
    assert!(syncs.iter().all(|line| line["bytes_in"].as_u64() > Some(0) && line["bytes_out"].as_u64() > Some(0)));
    let tags: std::collections::BTreeSet<&str> = syncs.iter().filter_map(|line| line["vault"].as_str()).collect();
    assert_eq!(tags.len(), 1, "one vault, one stable tag: {tags:?}");
    assert!(tags.iter().all(|tag| tag.len() == 16 && tag.bytes().all(|b| b.is_ascii_hexdigit())));
    assert!(requests.iter().any(|line| line["status"] == 401 && line["code"] == "BAD_SIGNATURE"), "{log}");
    assert!(requests.iter().any(|line| line["route"] == "health" && line["status"] == 200));
    assert!(requests.iter().any(|line| line["route"] == "live" && line["status"] == 101));
    let sockets: Vec<&Value> = lines.iter().filter(|line| line["log"] == "socket").collect();
    assert!(sockets.iter().any(|line| line["event"] == "open"), "{log}");
    assert!(sockets.iter().any(|line| line["event"] == "close" && line["close_code"] == 1000), "{log}");

    // Nothing secret anywhere in what wrangler printed; no vault name in the worker's lines
    // (wrangler's own access lines print the request path, which holds it).
    let mut forbidden = vec![secret.to_owned(), secret_name.to_owned()];
    forbidden.extend(["ops-laptop-name", "ops-phone-name", "ops-outsider-name"].map(String::from));
    forbidden.extend(signatures(&a_store));
    for word in &forbidden {
        assert!(!log.contains(word.as_str()), "the log shows {word}");
    }
    let worker_text = lines.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    assert!(!worker_text.contains(vault), "a worker line names the vault");
    assert!(!worker_text.contains(a.device().id.as_str()), "a worker line names a device");
}

#[test]
fn health_reports_the_version_and_storage_schema() {
    let dev = WranglerDev::start(&temp_dir("ops-health"));
    let health = get(&format!("{}/v1/health", dev.url()));
    assert_eq!(health["ok"], true);
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(health["schema"], 2);
}

#[test]
fn a_store_written_by_schema_1_upgrades_on_open_and_serves() {
    let fixture = repo_root().join("tests/fixtures/worker-schema-1");
    let manifest: Value = serde_json::from_slice(&std::fs::read(fixture.join("fixture.json")).unwrap()).unwrap();
    let persist = temp_dir("ops-schema");
    let copied = std::process::Command::new("cp").arg("-rT").arg(fixture.join("state")).arg(&persist).status();
    assert!(copied.unwrap().success());
    let dev = WranglerDev::start(&persist);
    let url = dev.url();
    let device = |name: &str| {
        let store = MemoryStore::new();
        let keys = manifest["keys"][name].as_str().unwrap().as_bytes().to_vec();
        block_on(store_key_blob(&store, keys)).unwrap();
        http_device_with_store(&url, name, store)
    };
    // The fixture's commits are event format 3, which this version does not read (no vault is
    // deployed; formats are bumped, nothing is migrated): the storage schema still upgrades on
    // open, and a sync is refused, never applied.
    let (laptop, phone) = (device("laptop"), device("phone"));
    // Opening the store upgrades it, whatever the reads then make of the old rows.
    let _ = block_on(phone.status("fixture"));
    let upgraded = worker_lines(&dev.log_text());
    assert!(
        upgraded.iter().any(|line| line["log"] == "schema" && line["from"] == 1 && line["to"] == 2),
        "{upgraded:?}"
    );
    block_on(laptop.gateway().bind(&VaultName::parse("fixture").unwrap())).unwrap();
    assert!(block_on(laptop.gateway().sync()).is_err(), "an older event format is not read");
    let health = get(&format!("{url}/v1/health"));
    assert_eq!(health["schema"], 2);
    let _ = &manifest["head_seq"];
}

const TOKEN: &str = "operator-token-for-tests-0123456789abcdef";

fn backup_script(command: &str, url: &str, vault: &str, file: &std::path::Path, token: &str) -> std::process::Output {
    std::process::Command::new("node")
        .arg(repo_root().join("scripts/vault-backup.mjs"))
        .args([command, url, vault])
        .arg(file)
        .env("OPERATOR_TOKEN", token)
        .output()
        .expect("node")
}

#[test]
fn a_vault_exported_by_the_operator_restores_into_an_empty_vault_and_devices_use_it() {
    let source = WranglerDev::start_with_vars(&temp_dir("ops-backup-a"), &[("OPERATOR_TOKEN", TOKEN)]);
    let url = source.url();
    let (a_store, b_store) = (MemoryStore::new(), MemoryStore::new());
    let a = http_device_with_store(&url, "laptop", a_store.clone());
    let b = http_device_with_store(&url, "phone", b_store.clone());
    block_on(a.create_vault("backed-up")).unwrap();
    block_on(b.request_join("backed-up")).unwrap();
    block_on(a.accept(&b.device().id)).unwrap();
    block_on(b.sync()).unwrap();
    let text = "restored plaintext 秘密";
    let secret = block_on(a.add_secret("bank-login-name", text.as_bytes(), 2)).unwrap();
    // Enough bulk that the restore takes more than one request (pages stay under 900 KiB).
    for i in 0..4 {
        block_on(a.add_secret(&format!("bulk {i}"), &[i as u8; 200_000], 2)).unwrap();
    }
    for device in [&b, &a, &b] {
        block_on(device.sync()).unwrap();
    }
    let head = block_on(a.state()).unwrap().head;

    // The routes need the token; a wrong one is refused like a bad signature.
    let file = temp_dir("ops-backup-file").join("backup.json");
    let refused = backup_script("export", &url, "backed-up", &file, "wrong-token-wrong-token-wrong-token!");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("401 BAD_SIGNATURE"), "{refused:?}");
    let exported = backup_script("export", &url, "backed-up", &file, TOKEN);
    assert!(exported.status.success(), "{exported:?}");
    let backup = std::fs::read_to_string(&file).unwrap();
    // The backup is what the server holds: no secret and no secret name (device names are in the
    // log in clear by design: a join request has no key to seal them to yet).
    for word in [text, "bank-login-name"] {
        assert!(!backup.contains(word), "the backup shows {word}");
    }

    // Without OPERATOR_TOKEN the routes do not exist.
    let plain = WranglerDev::start(&temp_dir("ops-backup-off"));
    let off = backup_script("restore", &plain.url(), "backed-up", &file, TOKEN);
    assert!(String::from_utf8_lossy(&off.stderr).contains("404 NOT_FOUND"), "{off:?}");

    let target = WranglerDev::start_with_vars(&temp_dir("ops-backup-b"), &[("OPERATOR_TOKEN", TOKEN)]);
    let url = target.url();
    let restored = backup_script("restore", &url, "backed-up", &file, TOKEN);
    assert!(restored.status.success(), "{restored:?}");
    let again = backup_script("restore", &url, "backed-up", &file, TOKEN);
    assert!(String::from_utf8_lossy(&again.stderr).contains("409 CONFLICT"), "a restore runs once: {again:?}");
    // A device with only its keys verifies the whole restored log.
    let fresh = MemoryStore::new();
    block_on(store_key_blob(&fresh, block_on(stored_key_blob(&b_store)).unwrap().unwrap())).unwrap();
    let keys_only = http_device_with_store(&url, "phone", fresh);
    block_on(keys_only.gateway().bind(&VaultName::parse("backed-up").unwrap())).unwrap();
    block_on(keys_only.gateway().sync()).expect("the device verifies the restored log");
    assert_eq!(block_on(keys_only.state()).unwrap().head, head);
    // Shares live in the devices' stores (sealed to keys the log does not hold), so the devices
    // carry on against the restored server with their own stores.
    let device = |store: &MemoryStore, name: &str| {
        let device = http_device_with_store(&url, name, store.clone());
        block_on(device.sync()).expect("the restored log continues the device's own");
        device
    };
    let (a2, b2) = (device(&a_store, "laptop"), device(&b_store, "phone"));
    let claim = block_on(b2.request_recovery(&secret.id)).unwrap();
    block_on(a2.approve(&claim)).unwrap();
    assert_eq!(block_on(b2.reveal(&claim)).unwrap(), text.as_bytes());
    let lines = worker_lines(&target.log_text());
    let imports = lines.iter().filter(|line| line["route"] == "admin_import" && line["status"] == 200).count();
    assert!(imports >= 2, "the restore took {imports} requests");
}

#[test]
fn members_read_their_vaults_size_and_quota_and_no_one_else_does() {
    let dev = WranglerDev::start(&temp_dir("ops-status"));
    let url = dev.url();
    let a = http_device_with_store(&url, "a", MemoryStore::new());
    let b = http_device_with_store(&url, "b", MemoryStore::new());
    block_on(a.create_vault("measured")).unwrap();
    block_on(b.request_join("measured")).unwrap();
    block_on(a.add_secret("note", b"a secret", 1)).unwrap();
    block_on(a.sync()).unwrap();
    let usage = block_on(a.server_usage()).expect("a member reads the status");
    let head = block_on(a.state()).unwrap().head;
    assert_eq!((usage.head, usage.events), (head, head.seq));
    assert_eq!((usage.members, usage.pending), (1, 1));
    assert_eq!((usage.max_events, usage.max_log_bytes), (100_000, 512 * 1024 * 1024));
    assert!(usage.log_bytes > 1000, "{usage:?}");
    assert_eq!(block_on(b.server_usage()).unwrap_err().code(), ErrorCode::NotMember, "a pending device is no member");
    let unsigned = ureq::get(&format!("{url}/v1/vaults/measured/status")).call();
    assert!(matches!(unsigned, Err(ureq::Error::Status(401, _))));
    let posted = ureq::post(&format!("{url}/v1/vaults/measured/status")).send_bytes(b"");
    assert!(matches!(posted, Err(ureq::Error::Status(405, _))));
}

#[test]
fn a_bad_limit_in_vars_stops_the_worker_with_a_message_that_names_it() {
    let dev = WranglerDev::start_with_vars(&temp_dir("ops-bad-var"), &[("MAX_PAGE_BYTES", "lots")]);
    let url = dev.url();
    let health = ureq::get(&format!("{url}/v1/health")).call();
    let Err(ureq::Error::Status(500, response)) = health else { panic!("health must fail: {health:?}") };
    let body: Value = serde_json::from_reader(response.into_reader()).unwrap();
    assert_eq!(body["ok"], false);
    assert!(body["error"].as_str().unwrap().contains("MAX_PAGE_BYTES must be a whole number"), "{body}");
    let device = http_device_with_store(&url, "a", MemoryStore::new());
    let refused = block_on(device.create_vault("configured")).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Internal);
    assert!(refused.to_string().contains("MAX_PAGE_BYTES"), "{refused}");
}

#[test]
fn limits_set_in_vars_take_effect() {
    let vars = [("MAX_SOCKETS_PER_DEVICE", "1"), ("MAX_VAULT_BYTES", "1048576")];
    let dev = WranglerDev::start_with_vars(&temp_dir("ops-vars"), &vars);
    let url = dev.url();
    let a = http_device_with_store(&url, "a", MemoryStore::new());
    block_on(a.create_vault("small")).unwrap();
    let first = LiveSocket::connect(&url, &block_on(a.live_request()).unwrap()).expect("one socket");
    let second = LiveSocket::connect(&url, &block_on(a.live_request()).unwrap());
    assert!(second.is_err_and(|refused| refused.status == 429), "a second socket is over MAX_SOCKETS_PER_DEVICE=1");
    first.close();
    // 1 MiB holds a few 200 KB secrets (each ~270 KB as stored JSON), far below the default 512 MiB.
    let big = vec![7u8; 200_000];
    let mut added = 0;
    let refused = loop {
        match block_on(a.add_secret(&format!("big {added}"), &big, 1)) {
            Ok(_) => added += 1,
            Err(error) => break error,
        }
        assert!(added < 8, "MAX_VAULT_BYTES=1048576 never applied");
    };
    assert_eq!(refused.code(), ErrorCode::QuotaExceeded, "{refused}");
    assert!((2..=4).contains(&added), "{added} secrets fit in 1 MiB");
    let usage = block_on(a.server_usage()).unwrap();
    assert_eq!(usage.max_log_bytes, 1_048_576);
}

#[test]
fn the_rate_limiting_binding_stops_a_device_over_its_rate() {
    let env = ["--env".to_owned(), "ratelimit-test".to_owned()];
    let dev = WranglerDev::start_with_args(&temp_dir("ops-rate"), &env);
    let url = dev.url();
    let a = http_device_with_store(&url, "a", MemoryStore::new());
    block_on(a.create_vault("rated")).unwrap();
    let b = http_device_with_store(&url, "b", MemoryStore::new());
    let mut answered = 4; // the create: the vault, and its first key generation opened, dealt, acknowledged
    let limited = loop {
        match block_on(a.gateway().sync()) {
            Ok(_) => answered += 1,
            Err(error) => break error,
        }
        assert!(answered < 20, "the limiter (5 per minute per device) never applied");
    };
    assert_eq!(limited.code(), ErrorCode::RateLimited, "{limited}");
    assert!(answered >= 5, "{answered} requests before the limit");
    // Another device has its own budget.
    block_on(b.status("rated")).expect("another device is not limited");
}

/// The attack the review found: a live handshake signed by the attacker, carrying the victim's
/// key in a header the gate never checks for live, was charged to the victim's rate budget.
#[test]
fn no_one_can_spend_another_devices_rate_budget() {
    let env = ["--env".to_owned(), "ratelimit-test".to_owned()];
    let dev = WranglerDev::start_with_args(&temp_dir("ops-rate-spoof"), &env);
    let url = dev.url();
    let victim = http_device_with_store(&url, "victim", MemoryStore::new());
    block_on(victim.create_vault("spoofed")).unwrap();
    let victim_key = block_on(victim.live_request()).unwrap().auth.unwrap().headers()[0].1.clone();
    let attacker = http_device_with_store(&url, "attacker", MemoryStore::new());
    block_on(attacker.request_join("spoofed")).unwrap();
    for _ in 0..10 {
        let own = block_on(attacker.live_request()).unwrap();
        let query = own.auth.as_ref().map(|auth| auth.to_query()).unwrap();
        let _ = ureq::get(&format!("{url}{}?{query}", own.path))
            .set("upgrade", "websocket")
            .set("connection", "Upgrade")
            .set("sec-websocket-version", "13")
            .set("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
            .set(meta_secret_core::sync::wire::HEADER_DEVICE_KEY, &victim_key)
            .call();
    }
    block_on(victim.sync()).expect("the victim's budget (5 a minute) is its own");
}
