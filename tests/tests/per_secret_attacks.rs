//! Attacks 1–4 of issue 23 ("The threshold still does not hold"), one test each, tried as an
//! attacker would on per-secret sharing. Each test asserts the property the issue asks for, so on
//! per-secret sharing each one fails, and its message shows the attack working. They are ignored
//! until vault key generations land; run them with
//!
//! `cargo test -p meta-secret-tests --release --test per_secret_attacks -- --ignored`

use meta_secret_core::client::shares::split_at;
use meta_secret_core::client::SecretInfo;
use meta_secret_core::event::GenericKvLogEvent as E;
use meta_secret_core::secrets::cipher::{self, SecretContext};
use meta_secret_core::secrets::events::ReshareComplaint;
use meta_secret_core::secrets::vss::combine;
use meta_secret_core::secrets::{MetaEncryptor, SharePayload, ShareValue};
use meta_secret_core::vault::MembershipStatus;
use meta_secret_tests::{block_on, own_share_value, push_raw, settle, vault_of, Device, Net};

/// Every listed device syncs (and runs its orchestrator) `rounds` times, as an app does in the
/// background.
fn sync_all(devices: &[&Device], rounds: usize) {
    for _ in 0..rounds {
        for device in devices {
            block_on(device.sync()).expect("sync");
        }
    }
}

/// `requester` opens a claim, `approvers` approve it (the attacker presses the button on its own
/// devices), and `requester` reveals: the value, or why it failed.
fn claim_and_reveal(requester: &Device, approvers: &[&Device], secret_id: &str) -> Result<String, String> {
    block_on(async {
        let claim = requester.request_recovery(secret_id).await?;
        for approver in approvers {
            approver.sync().await?;
            approver.approve(&claim).await?;
        }
        requester.reveal(&claim).await
    })
    .map(|value| String::from_utf8_lossy(&value).into_owned())
    .map_err(|e| e.to_string())
}

/// 1. With q ≤ c < k devices an attacker votes in a device of its own (two accept votes, no
///    person's approval). Every secret a person adds afterwards must stay out of reach of the
///    attacker's devices: the one it added never counts towards k.
#[test]
#[ignore = "issue 23: the attack works on per-secret sharing; passes once vault key generations land"]
fn a_device_voted_in_without_a_person_never_helps_read_a_secret_added_later() {
    const SECRET: &str = "added after the thief got in";
    let net = Net::new();
    // q = 2; d[0], d[1] honest; d[2], d[3] the attacker's (c = 2 members, k = 3 below).
    let d = vault_of(&net, "added-later", 4);
    let thief = net.device("thief");
    block_on(thief.request_join("added-later")).expect("join request");
    block_on(d[2].accept(&thief.device().id)).expect("first attacker vote");
    block_on(d[3].accept(&thief.device().id)).expect("second attacker vote");
    sync_all(&[&d[0], &d[1]], 2);
    assert_eq!(block_on(thief.status("added-later")).expect("status"), MembershipStatus::Member, "setup");

    // A person adds a new 3-of-n secret on an honest device; the honest devices keep syncing.
    let to_approve = block_on(d[0].governance()).expect("view").to_approve.len();
    let info = block_on(d[0].add_secret("bank", SECRET.as_bytes(), 3)).expect("add secret");
    sync_all(&[&d[0], &d[1]], 3);

    // The attacker's three devices take turns asking, the other two approve.
    let attackers = [&thief, &d[2], &d[3]];
    let mut outcomes = Vec::new();
    for (i, requester) in attackers.iter().enumerate() {
        let approvers: Vec<&Device> = attackers.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, a)| *a).collect();
        let outcome = claim_and_reveal(requester, &approvers, &info.id);
        assert_ne!(
            outcome.as_deref().ok(),
            Some(SECRET),
            "the attacker's 2 members + the device it voted in (no person approved it) read a \
             {k}-of-{n} secret added afterwards, with {requester} asking; the honest approver's \
             to_approve list had {to_approve} entries when the secret was added",
            k = info.k,
            n = info.n,
            requester = requester.device().name,
        );
        outcomes.push(outcome);
    }
    assert!(outcomes.iter().all(|o| o.is_err()), "no attacker claim opened anything: {outcomes:?}");
}

/// The live dealings of the secret's open round, as the attacker's own synced state shows them.
fn live_dealings(attacker: &Device, secret_id: &str) -> Vec<(u32, u64)> {
    block_on(attacker.gateway().sync()).expect("attacker sync");
    let state = block_on(attacker.state()).expect("state");
    let (Some(round), Some(record)) = (state.round(secret_id), state.secrets.get(secret_id)) else {
        return Vec::new();
    };
    record
        .round
        .iter()
        .filter(|d| d.targets == round.targets_hash && !d.disqualified)
        .map(|d| (record.epoch, d.seq))
        .collect()
}

/// 2. A member complains about every dealing of the open round (signed by itself, straight to the
///    server, no proof needed) while the honest members sync as usual. The removal must still
///    complete within a bounded number of syncs: after 25 cycles the removed device holds nothing.
#[test]
#[ignore = "issue 23: the attack works on per-secret sharing; passes once vault key generations land"]
fn one_member_complaining_about_every_dealing_cannot_stall_a_removal() {
    const CYCLES: usize = 25;
    let net = Net::new();
    let d = vault_of(&net, "stall", 4);
    let info = block_on(d[0].add_secret("bank", b"value", 2)).expect("add secret");
    settle(&d);
    let (honest, complainer, removed) = ([&d[0], &d[1]], &d[2], d[3].device().id.clone());
    block_on(d[0].remove_device(&removed)).expect("vote");
    block_on(d[1].remove_device(&removed)).expect("vote");
    block_on(d[0].gateway().sync()).expect("sync");
    assert!(!block_on(d[0].state()).expect("state").is_member(&removed), "setup: removed");
    let head_before = net.head("stall").seq;

    // The complainer watches the log (a live socket would poke it) and complains at once.
    let mut complaints = 0;
    for _ in 0..CYCLES {
        for device in honest {
            block_on(device.sync()).expect("honest sync");
            for (epoch, dealing_seq) in live_dealings(complainer, &info.id) {
                let complaint = ReshareComplaint { secret_id: info.id.clone(), epoch, dealing_seq };
                complaints += usize::from(push_raw(complainer, &net, E::ReshareComplained(complaint)).is_ok());
            }
        }
    }
    sync_all(&honest, 1);

    let state = block_on(d[0].state()).expect("state");
    let record = &state.secrets[&info.id];
    let disqualified = record.round.iter().filter(|r| r.disqualified).count();
    assert!(
        !record.holders.contains_key(&removed) && state.round(&info.id).is_none(),
        "after {CYCLES} cycles of honest syncs the removal has not completed: the removed device is \
         still a holder of epoch {epoch}; one member's {complaints} complaints disqualified \
         {disqualified} honest dealings and grew the log by {grown} commits",
        epoch = record.epoch,
        grown = net.head("stall").seq - head_before,
    );
}

/// `member`'s sealed share of the split at `split_seq`, opened from the log with its long-term key.
fn old_split_share(member: &Device, split_seq: u64, secret_id: &str) -> Result<(u8, ShareValue), String> {
    let gateway = member.gateway();
    let split = block_on(split_at(gateway.store(), split_seq)).map_err(|e| e.to_string())?;
    let index = split.holders.iter().position(|h| h == gateway.keys().id()).ok_or("not in the split")?;
    let sealed = split.shares.get(index).ok_or("no sealed share")?;
    let payload: SharePayload =
        MetaEncryptor::open_json(sealed, gateway.keys().age_identity()).map_err(|e| e.to_string())?;
    if payload.secret_id != secret_id {
        return Err("another secret's share".into());
    }
    Ok((payload.x, ShareValue::from_bytes(&payload.value.0).map_err(|e| e.to_string())?))
}

/// 3. A removed device R keeps its old share; after the re-share, one current member opens its
///    epoch-1 share from the log with its long-term age key. Together (k = 2) they must not open
///    the secret: old shares combine with nothing current members or the log keep.
#[test]
#[ignore = "issue 23: the attack works on per-secret sharing; passes once vault key generations land"]
fn a_removed_device_and_one_member_cannot_combine_old_shares_from_the_log() {
    const SECRET: &str = "shared before the removal";
    let net = Net::new();
    let d = vault_of(&net, "old-epoch", 3);
    let info = block_on(d[0].add_secret("bank", SECRET.as_bytes(), 2)).expect("add secret");
    settle(&d);
    let (member, removed) = (&d[1], &d[2]);
    let removed_share = own_share_value(removed, &info.id);
    block_on(d[0].remove_device(&removed.device().id)).expect("vote");
    block_on(d[1].remove_device(&removed.device().id)).expect("vote");
    settle(&d[..2]);
    let state = block_on(member.state()).expect("state");
    let record = &state.secrets[&info.id];
    assert!(record.epoch >= 2 && !record.holders.contains_key(&removed.device().id), "setup: re-shared");

    // The attacker: R's share and the member's epoch-1 share from the log, then the ciphertext.
    let attempt = || -> Result<String, String> {
        let (x, value) = old_split_share(member, record.split_seq, &info.id)?;
        let scalar = combine(&[(removed_share.0, &removed_share.1), (x, &value)]).map_err(|e| e.to_string())?;
        let split = block_on(split_at(member.gateway().store(), record.split_seq)).map_err(|e| e.to_string())?;
        let context =
            SecretContext { vault: &state.vault, secret_id: &info.id, metadata_commitment: &split.metadata_commitment };
        let value = cipher::open(&split.nonce, &split.ciphertext, &scalar, &context).map_err(|e| e.to_string())?;
        Ok(String::from_utf8_lossy(&value).into_owned())
    };
    let recovered = attempt();
    assert_ne!(
        recovered.as_deref().ok(),
        Some(SECRET),
        "removed R's old share + one current member's epoch-1 share, unsealed from the log with \
         its long-term key, opened the secret after the re-share to epoch {}",
        record.epoch
    );
}

/// Whether the listing tells a person that the secret can no longer be revealed. Per-secret
/// sharing has no field for it; the closest is a listing whose k exceeds the holders that can
/// still approve. The redesign should replace this with its explicit warning.
fn shown_as_unrevealable(listed: &SecretInfo) -> bool {
    listed.k > listed.n
}

/// 4. A 3-of-3 secret whose member leaves: its round needs three dealers and two are left. Either
///    the remaining devices can still reveal it, or the view warns that it cannot be revealed.
#[test]
#[ignore = "issue 23: the attack works on per-secret sharing; passes once vault key generations land"]
fn a_leave_that_strands_a_secret_is_shown_to_the_remaining_devices() {
    const SECRET: &str = "three of three";
    let net = Net::new();
    let d = vault_of(&net, "leave", 3);
    let info = block_on(d[0].add_secret("bank", SECRET.as_bytes(), 3)).expect("add secret");
    settle(&d);
    block_on(d[2].leave()).expect("leave");
    let remaining = [&d[0], &d[1]];
    sync_all(&remaining, 10);

    let state = block_on(d[0].state()).expect("state");
    let round = state.round(&info.id);
    let listed = block_on(d[0].secrets()).expect("listing").into_iter().find(|s| s.id == info.id);
    let view = block_on(d[0].governance()).expect("view");
    let revealed = claim_and_reveal(&d[0], &[&d[1]], &info.id);
    let warned = listed.as_ref().is_some_and(shown_as_unrevealable);
    assert!(
        revealed.as_deref().ok() == Some(SECRET) || warned,
        "after a leave and 10 sync cycles the secret cannot be revealed ({revealed:?}), its round \
         has {chosen} of the {k} dealers it needs with {members} members left, and nothing warns: \
         the listing shows {listed:?}, the view lists it as resharing: {resharing}",
        chosen = round.as_ref().map_or(0, |r| r.chosen.len()),
        k = state.secrets.get(&info.id).map_or(0, |s| s.k),
        members = state.members.len(),
        resharing = view.resharing.contains(&info.id),
    );
}
