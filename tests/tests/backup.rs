//! Backup and restore on the core's server: a vault's signed commits exported page by page and
//! imported into another server's empty vault, where devices verify and use them. A page that does
//! not verify, continue the log, or belong to the vault writes nothing.

use meta_secret_core::client::{store_key_blob, stored_key_blob};
use meta_secret_core::error::ErrorCode;
use meta_secret_core::error::HasErrorCode;
use meta_secret_core::event::{Cursor, VaultName};
use meta_secret_core::store::MemoryStore;
use meta_secret_core::sync::{BackupPage, BACKUP_FORMAT};
use meta_secret_core::vault::MembershipStatus;
use meta_secret_tests::{block_on, export_all, Net};

#[test]
fn a_restored_vault_is_verified_and_used_by_its_devices() {
    let source = Net::new();
    let vault = VaultName::parse("backed-up").unwrap();
    let (a_store, b_store) = (MemoryStore::new(), MemoryStore::new());
    let a = source.device_with_store("a", source.server.transport(), a_store.clone());
    let b = source.device_with_store("b", source.server.transport(), b_store.clone());
    block_on(a.create_vault("backed-up")).unwrap();
    block_on(b.request_join("backed-up")).unwrap();
    block_on(a.accept(&b.device().id)).unwrap();
    block_on(b.sync()).unwrap();
    let secret = block_on(a.add_secret("note", b"survives a restore", 2)).unwrap();
    for _ in 0..3 {
        block_on(a.sync()).unwrap();
        block_on(b.sync()).unwrap();
    }
    let pages = export_all(&source, &vault);
    assert!(pages.iter().all(|page| page.format == BACKUP_FORMAT && page.vault == vault));
    let exported: usize = pages.iter().map(|page| page.commits.len()).sum();
    assert_eq!(exported as u64, source.head("backed-up").seq);

    let target = Net::new();
    let now = target.clock_now();
    let app = target.server.app(&vault);
    // Out of order: the second page first is refused.
    let mut late = pages[0].clone();
    late.commits.remove(0);
    assert_eq!(block_on(app.import_page(&late, now)).unwrap_err().code, ErrorCode::Conflict);
    // A forged signature anywhere refuses the whole page.
    let mut forged = pages[0].clone();
    let last = forged.commits.len() - 1;
    forged.commits[last].event.signature.0[0] ^= 1;
    assert!(block_on(app.import_page(&forged, now)).is_err());
    // Another vault's backup, or another format, is refused.
    let mut elsewhere = pages[0].clone();
    elsewhere.vault = VaultName::parse("other").unwrap();
    assert_eq!(block_on(app.import_page(&elsewhere, now)).unwrap_err().code, ErrorCode::WrongVault);
    let mut future = pages[0].clone();
    future.format = "meta-secret-backup/9".into();
    assert_eq!(block_on(app.import_page(&future, now)).unwrap_err().code, ErrorCode::Malformed);
    assert_eq!(target.head("backed-up").seq, 0, "refused pages wrote nothing");

    // Restore in two pages; between them the vault answers nothing but the rest of the restore.
    let all: Vec<_> = pages.iter().flat_map(|page| page.commits.clone()).collect();
    let (first_half, second_half) = all.split_at(all.len() / 2);
    let head = pages.last().unwrap().head;
    let first = BackupPage { commits: first_half.to_vec(), more: true, head, ..pages[0].clone() };
    let second = BackupPage { commits: second_half.to_vec(), more: false, head, ..pages[0].clone() };
    block_on(app.import_page(&first, now)).expect("first page");
    let early = target.device("early");
    assert_eq!(block_on(early.request_join("backed-up")).unwrap_err().code(), ErrorCode::Restoring);
    let other = BackupPage { head: Cursor { seq: head.seq + 1, ..head }, ..second.clone() };
    assert_eq!(block_on(app.import_page(&other, now)).unwrap_err().code, ErrorCode::Conflict, "one restore at a time");
    let mut short = second.clone();
    short.commits.pop();
    assert_eq!(
        block_on(app.import_page(&short, now)).unwrap_err().code,
        ErrorCode::Malformed,
        "the last page must reach the head"
    );
    block_on(app.import_page(&second, now)).expect("second page");
    assert_eq!(target.head("backed-up"), source.head("backed-up"));
    assert_eq!(block_on(app.import_page(&pages[0], now)).unwrap_err().code, ErrorCode::Conflict, "a restore runs once");

    // A device with only its keys finds itself a member and verifies the whole restored log.
    let fresh = MemoryStore::new();
    block_on(store_key_blob(&fresh, block_on(stored_key_blob(&b_store)).unwrap().unwrap())).unwrap();
    let keys_only = target.device_with_store("b", target.server.transport(), fresh);
    assert_eq!(block_on(keys_only.status("backed-up")).unwrap(), MembershipStatus::Member);
    block_on(keys_only.gateway().bind(&vault)).unwrap();
    block_on(keys_only.gateway().sync()).expect("the restored log verifies");
    assert_eq!(block_on(keys_only.state()).unwrap().head, target.head("backed-up"));
    // Keys alone hold no share (shares are sealed to per-epoch keys that only a device's store
    // keeps): the devices carry on against the restored server with their own stores.
    let restore = |store: &MemoryStore, name: &str| {
        let device = target.device_with_store(name, target.server.transport(), store.clone());
        block_on(device.sync()).expect("the restored log continues the device's own");
        device
    };
    let (a2, b2) = (restore(&a_store, "a"), restore(&b_store, "b"));
    let claim = block_on(b2.request_recovery(&secret.id)).unwrap();
    block_on(a2.approve(&claim)).unwrap();
    assert_eq!(block_on(b2.reveal(&claim)).unwrap(), b"survives a restore");
}
