//! The store conformance suite. Every backend (memory, IndexedDB, Durable Object SQLite) runs these
//! same cases through a [`StoreFactory`], so they all mean the same thing by "atomic" and "head".

use std::fmt;

use super::{stored_size, LogStore, Page, StoreBatch, StoreError};
use crate::encoding::Bytes;
use crate::event::{Commit, Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use crate::identity::{DeviceKeys, DeviceKind};

#[allow(async_fn_in_trait)]
pub trait StoreFactory {
    type Store: LogStore;
    /// Opens the store called `name`. Opening a name again must see what was written before, as
    /// after a restart.
    async fn open(&mut self, name: &str) -> Self::Store;
}

#[derive(Debug, Default)]
pub struct ConformanceReport {
    pub passed: usize,
    pub failures: Vec<(&'static str, String)>,
}

impl fmt::Display for ConformanceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} passed, {} failed", self.passed, self.failures.len())?;
        for (case, why) in &self.failures {
            writeln!(f, "  {case}: {why}")?;
        }
        Ok(())
    }
}

type CaseResult = Result<(), String>;

macro_rules! ensure_eq {
    ($left:expr, $right:expr, $what:literal) => {{
        let (left, right) = (&$left, &$right);
        if left != right {
            return Err(format!("{}: {:?} != {:?}", $what, left, right));
        }
    }};
}

fn fail<T: fmt::Debug>(what: &str) -> impl FnOnce(T) -> String + '_ {
    move |e| format!("{what}: {e:?}")
}

/// Builds `count` chained commits after `head`, signed by `keys` (store tests don't need valid
/// vault rules, only real, distinct, chained rows).
pub fn chained_commits(keys: &DeviceKeys, head: Cursor, first_author_seq: u64, count: usize) -> Vec<Commit> {
    let vault = VaultName::parse("conformance").unwrap_or_else(|_| unreachable!("constant name is valid"));
    let mut head = head;
    (0..count as u64)
        .map(|i| {
            let event = SignedEvent::sign(keys, &vault, first_author_seq + i, GenericKvLogEvent::DeviceLeft);
            let commit = Commit::after(head, event);
            head = commit.cursor();
            commit
        })
        .collect()
}

fn batch_of(commits: &[Commit]) -> StoreBatch {
    StoreBatch { commits: commits.to_vec(), kv: Vec::new() }
}

/// Runs every case on fresh stores from `factory` and reports each failure by case name.
pub async fn run_conformance<F: StoreFactory>(factory: &mut F) -> ConformanceReport {
    let keys = match DeviceKeys::generate("conformance", DeviceKind::Desktop) {
        Ok(keys) => keys,
        Err(e) => return ConformanceReport { passed: 0, failures: vec![("setup", e.to_string())] },
    };
    let mut report = ConformanceReport::default();
    macro_rules! case {
        ($name:ident) => {{
            let store = factory.open(stringify!($name)).await;
            match $name(&store, &keys).await {
                Ok(()) => report.passed += 1,
                Err(why) => report.failures.push((stringify!($name), why)),
            }
        }};
    }
    case!(empty_store_has_nothing);
    case!(appended_commits_read_back_in_order);
    case!(appends_continue_the_head);
    case!(a_gap_is_refused_and_changes_nothing);
    case!(an_overlap_is_refused_and_changes_nothing);
    case!(a_wrong_prev_hash_is_refused);
    case!(kv_puts_overwrites_and_deletes);
    case!(a_refused_batch_writes_no_kv);
    case!(commits_and_kv_land_together);
    case!(find_by_author_locates_commits);
    case!(large_values_round_trip);
    case!(large_commits_round_trip);
    case!(pages_of_a_long_log);
    case!(pages_are_bounded_by_bytes);
    match reopen_sees_earlier_writes(factory, &keys).await {
        Ok(()) => report.passed += 1,
        Err(why) => report.failures.push(("reopen_sees_earlier_writes", why)),
    }
    report
}

async fn empty_store_has_nothing<S: LogStore>(store: &S, keys: &DeviceKeys) -> CaseResult {
    ensure_eq!(store.head().await.map_err(fail("head"))?, Cursor::EMPTY, "head of empty store");
    ensure_eq!(store.read_after(0, Page::commits(10)).await.map_err(fail("read"))?.len(), 0, "commits in empty store");
    ensure_eq!(store.commit_at(1).await.map_err(fail("commit_at"))?, None, "commit 1");
    ensure_eq!(store.kv_get("missing").await.map_err(fail("kv_get"))?, None, "missing key");
    ensure_eq!(store.find_by_author(keys.id(), 1).await.map_err(fail("find"))?, None, "find in empty store");
    Ok(())
}

async fn appended_commits_read_back_in_order<S: LogStore>(store: &S, keys: &DeviceKeys) -> CaseResult {
    let commits = chained_commits(keys, Cursor::EMPTY, 1, 5);
    store.write(batch_of(&commits)).await.map_err(fail("write"))?;
    ensure_eq!(store.head().await.map_err(fail("head"))?, commits[4].cursor(), "head");
    ensure_eq!(store.read_after(0, Page::commits(10)).await.map_err(fail("read"))?, commits, "all commits");
    ensure_eq!(store.read_after(2, Page::commits(2)).await.map_err(fail("read"))?, commits[2..4].to_vec(), "page 3..4");
    ensure_eq!(store.read_after(5, Page::commits(10)).await.map_err(fail("read"))?.len(), 0, "after the head");
    ensure_eq!(store.read_after(99, Page::commits(10)).await.map_err(fail("read"))?.len(), 0, "far after the head");
    ensure_eq!(store.commit_at(3).await.map_err(fail("commit_at"))?, Some(commits[2].clone()), "commit 3");
    ensure_eq!(store.commit_at(0).await.map_err(fail("commit_at"))?, None, "commit 0");
    ensure_eq!(store.commit_at(6).await.map_err(fail("commit_at"))?, None, "commit 6");
    Ok(())
}

async fn appends_continue_the_head<S: LogStore>(store: &S, keys: &DeviceKeys) -> CaseResult {
    let commits = chained_commits(keys, Cursor::EMPTY, 1, 5);
    store.write(batch_of(&commits[..3])).await.map_err(fail("first write"))?;
    store.write(batch_of(&commits[3..])).await.map_err(fail("second write"))?;
    ensure_eq!(store.read_after(0, Page::commits(10)).await.map_err(fail("read"))?, commits, "all commits");
    Ok(())
}

async fn a_gap_is_refused_and_changes_nothing<S: LogStore>(store: &S, keys: &DeviceKeys) -> CaseResult {
    let commits = chained_commits(keys, Cursor::EMPTY, 1, 5);
    store.write(batch_of(&commits[..3])).await.map_err(fail("write"))?;
    let refused = store.write(batch_of(&commits[4..])).await;
    ensure_eq!(refused, Err(StoreError::Conflict { expected_seq: 4, got_seq: 5 }), "gap write");
    ensure_eq!(store.head().await.map_err(fail("head"))?, commits[2].cursor(), "head after refused write");
    Ok(())
}

async fn an_overlap_is_refused_and_changes_nothing<S: LogStore>(store: &S, keys: &DeviceKeys) -> CaseResult {
    let commits = chained_commits(keys, Cursor::EMPTY, 1, 5);
    store.write(batch_of(&commits[..3])).await.map_err(fail("write"))?;
    let refused = store.write(batch_of(&commits[2..])).await;
    ensure_eq!(refused, Err(StoreError::Conflict { expected_seq: 4, got_seq: 3 }), "overlapping write");
    ensure_eq!(
        store.read_after(0, Page::commits(10)).await.map_err(fail("read"))?,
        commits[..3].to_vec(),
        "log after refused write"
    );
    Ok(())
}

async fn a_wrong_prev_hash_is_refused<S: LogStore>(store: &S, keys: &DeviceKeys) -> CaseResult {
    let commits = chained_commits(keys, Cursor::EMPTY, 1, 2);
    store.write(batch_of(&commits[..1])).await.map_err(fail("write"))?;
    let mut forged = commits[1].clone();
    forged.prev_hash.0[0] ^= 1;
    let refused = store.write(batch_of(&[forged])).await;
    ensure_eq!(refused, Err(StoreError::Conflict { expected_seq: 2, got_seq: 2 }), "forked write");
    ensure_eq!(store.head().await.map_err(fail("head"))?, commits[0].cursor(), "head");
    Ok(())
}

async fn kv_puts_overwrites_and_deletes<S: LogStore>(store: &S, _keys: &DeviceKeys) -> CaseResult {
    let mut batch = StoreBatch::default();
    batch.put("a", b"one".to_vec());
    batch.put("b", vec![0, 255, 0]);
    store.write(batch).await.map_err(fail("write"))?;
    ensure_eq!(store.kv_get("a").await.map_err(fail("get"))?, Some(b"one".to_vec()), "a");
    ensure_eq!(store.kv_get("b").await.map_err(fail("get"))?, Some(vec![0, 255, 0]), "binary b");
    let mut batch = StoreBatch::default();
    batch.put("a", b"two".to_vec());
    batch.delete("b");
    batch.delete("never-set");
    store.write(batch).await.map_err(fail("write"))?;
    ensure_eq!(store.kv_get("a").await.map_err(fail("get"))?, Some(b"two".to_vec()), "overwritten a");
    ensure_eq!(store.kv_get("b").await.map_err(fail("get"))?, None, "deleted b");
    ensure_eq!(store.head().await.map_err(fail("head"))?, Cursor::EMPTY, "kv writes leave the log alone");
    Ok(())
}

async fn a_refused_batch_writes_no_kv<S: LogStore>(store: &S, keys: &DeviceKeys) -> CaseResult {
    let commits = chained_commits(keys, Cursor::EMPTY, 1, 3);
    let mut batch = batch_of(&commits[1..]);
    batch.put("state", b"should not land".to_vec());
    ensure_eq!(
        store.write(batch).await,
        Err(StoreError::Conflict { expected_seq: 1, got_seq: 2 }),
        "batch that skips seq 1"
    );
    ensure_eq!(store.kv_get("state").await.map_err(fail("get"))?, None, "kv of refused batch");
    Ok(())
}

async fn commits_and_kv_land_together<S: LogStore>(store: &S, keys: &DeviceKeys) -> CaseResult {
    let commits = chained_commits(keys, Cursor::EMPTY, 1, 2);
    let mut batch = batch_of(&commits);
    batch.put("state", b"at seq 2".to_vec());
    store.write(batch).await.map_err(fail("write"))?;
    ensure_eq!(store.head().await.map_err(fail("head"))?.seq, 2, "head seq");
    ensure_eq!(store.kv_get("state").await.map_err(fail("get"))?, Some(b"at seq 2".to_vec()), "state");
    Ok(())
}

async fn find_by_author_locates_commits<S: LogStore>(store: &S, keys: &DeviceKeys) -> CaseResult {
    let commits = chained_commits(keys, Cursor::EMPTY, 10, 3);
    store.write(batch_of(&commits)).await.map_err(fail("write"))?;
    let found = store.find_by_author(keys.id(), 11).await.map_err(fail("find"))?;
    ensure_eq!(found, Some(commits[1].clone()), "author_seq 11");
    ensure_eq!(store.find_by_author(keys.id(), 9).await.map_err(fail("find"))?, None, "author_seq 9");
    let stranger = DeviceKeys::generate("stranger", DeviceKind::Desktop).map_err(fail("keys"))?;
    ensure_eq!(store.find_by_author(stranger.id(), 10).await.map_err(fail("find"))?, None, "other author");
    Ok(())
}

async fn large_values_round_trip<S: LogStore>(store: &S, _keys: &DeviceKeys) -> CaseResult {
    // Above a Durable Object's per-value SQLite cap (~2 MB), so backends must chunk.
    let big: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i * 7 % 251) as u8).collect();
    let mut batch = StoreBatch::default();
    batch.put("big", big.clone());
    store.write(batch).await.map_err(fail("write"))?;
    ensure_eq!(store.kv_get("big").await.map_err(fail("get"))?, Some(big), "3 MiB value");
    Ok(())
}

/// Commits of up to ~350 KB (a secret of the largest bucket), some with multi-byte characters,
/// read back whole by every read: a backend may read a large body in pieces (the Durable Object
/// reads 48 Ki characters at a time), and a piece must not split or drop a character.
async fn large_commits_round_trip<S: LogStore>(store: &S, keys: &DeviceKeys) -> CaseResult {
    let vault = VaultName::parse("conformance").unwrap_or_else(|_| unreachable!("constant name is valid"));
    let mut head = Cursor::EMPTY;
    let mut commits = Vec::new();
    let sizes = [49_151usize, 49_152, 49_153, 98_304, 350_000];
    for (i, size) in sizes.into_iter().enumerate() {
        let mut owner = keys.info().clone();
        // Mostly ASCII, with a 2-, 3- or 4-byte character every 997, so some piece ends next to one.
        let unit = ["é", "€", "𝄞", "a"][i % 4];
        owner.name = (0..size).map(|j| if j % 997 == 0 { unit } else { "x" }).collect();
        let event = GenericKvLogEvent::VaultCreated { owner, quorum: 1, receive_key: Bytes(vec![7; 33]) };
        let commit = Commit::after(head, SignedEvent::sign(keys, &vault, 1 + i as u64, event));
        head = commit.cursor();
        commits.push(commit);
    }
    store.write(batch_of(&commits)).await.map_err(fail("write"))?;
    // Compared without printing them (hundreds of KB each).
    let differ = |what: &str, read: Option<&Commit>, commit: &Commit| match read == Some(commit) {
        true => Ok(()),
        false => Err(format!("{what}: commit {} of {} B reads back differently", commit.seq, stored_size(commit))),
    };
    let all = store.read_after(0, Page { commits: 10, bytes: usize::MAX }).await.map_err(fail("read"))?;
    ensure_eq!(all.len(), commits.len(), "a page of large commits");
    for (read, commit) in all.iter().zip(&commits) {
        differ("read_after", Some(read), commit)?;
    }
    for commit in &commits {
        let at = store.commit_at(commit.seq).await.map_err(fail("commit_at"))?;
        differ("commit_at", at.as_ref(), commit)?;
        let found = store.find_by_author(&commit.event.author, commit.event.author_seq).await.map_err(fail("find"))?;
        differ("find_by_author", found.as_ref(), commit)?;
    }
    Ok(())
}

async fn pages_of_a_long_log<S: LogStore>(store: &S, keys: &DeviceKeys) -> CaseResult {
    let commits = chained_commits(keys, Cursor::EMPTY, 1, 300);
    store.write(batch_of(&commits)).await.map_err(fail("write"))?;
    let mut seen = Vec::new();
    loop {
        let page = store.read_after(seen.len() as u64, Page::commits(100)).await.map_err(fail("read"))?;
        if page.is_empty() {
            break;
        }
        if page.len() > 100 {
            return Err(format!("page of {} exceeds the limit", page.len()));
        }
        seen.extend(page);
    }
    ensure_eq!(seen, commits, "paged read");
    Ok(())
}

async fn pages_are_bounded_by_bytes<S: LogStore>(store: &S, keys: &DeviceKeys) -> CaseResult {
    let commits = chained_commits(keys, Cursor::EMPTY, 1, 6);
    store.write(batch_of(&commits)).await.map_err(fail("write"))?;
    let sizes: Vec<usize> = commits.iter().map(stored_size).collect();
    let read = |after: u64, bytes: usize| store.read_after(after, Page { commits: 10, bytes });
    let three = sizes[1] + sizes[2] + sizes[3];
    ensure_eq!(read(1, three).await.map_err(fail("read"))?, commits[1..4].to_vec(), "exactly three fit");
    ensure_eq!(read(1, three - 1).await.map_err(fail("read"))?, commits[1..3].to_vec(), "one byte short of three");
    ensure_eq!(read(0, 1).await.map_err(fail("read"))?, commits[..1].to_vec(), "the first always comes");
    ensure_eq!(read(4, usize::MAX).await.map_err(fail("read"))?, commits[4..].to_vec(), "no byte bound");
    let count_first = store.read_after(0, Page { commits: 2, bytes: usize::MAX }).await.map_err(fail("read"))?;
    ensure_eq!(count_first, commits[..2].to_vec(), "the count still bounds");
    Ok(())
}

async fn reopen_sees_earlier_writes<F: StoreFactory>(factory: &mut F, keys: &DeviceKeys) -> CaseResult {
    let commits = chained_commits(keys, Cursor::EMPTY, 1, 3);
    {
        let store = factory.open("reopen_sees_earlier_writes").await;
        let mut batch = batch_of(&commits);
        batch.put("device/keys", b"k".to_vec());
        store.write(batch).await.map_err(fail("write"))?;
    }
    let store = factory.open("reopen_sees_earlier_writes").await;
    ensure_eq!(store.head().await.map_err(fail("head"))?, commits[2].cursor(), "head after reopen");
    ensure_eq!(store.read_after(0, Page::commits(10)).await.map_err(fail("read"))?, commits, "log after reopen");
    ensure_eq!(store.kv_get("device/keys").await.map_err(fail("get"))?, Some(b"k".to_vec()), "kv after reopen");
    ensure_eq!(
        store.find_by_author(keys.id(), 2).await.map_err(fail("find"))?,
        Some(commits[1].clone()),
        "index after reopen"
    );
    Ok(())
}
