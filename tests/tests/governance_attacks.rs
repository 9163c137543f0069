//! Issue 24's governance attacks, each tried as an attacker would with its own devices while the
//! other devices only sync and people click only what the UI asks.

use meta_secret_tests::{block_on, settle, vault_of, Net};

/// Attack 1: two attacker devices (= q) in a five-member vault vote q up to 32, so that nothing
/// passes without their votes and the three honest members can neither remove them nor lower q.
#[test]
fn a_minority_cannot_raise_the_quorum_to_lock_out_the_majority() {
    let net = Net::new();
    let d = vault_of(&net, "v", 5);
    let (honest, attackers) = d.split_at(3);
    for attacker in attackers {
        // Refused locally or only tallied: either way it must not take effect.
        let _ = block_on(attacker.set_quorum(32));
    }
    settle(&d);
    assert_eq!(block_on(honest[0].state()).unwrap().quorum, 2, "two votes raised the quorum");
    let target = attackers[0].device().id.clone();
    for member in honest {
        block_on(member.sync()).unwrap();
        if block_on(member.state()).unwrap().is_member(&target) {
            block_on(member.remove_device(&target)).unwrap();
        }
    }
    settle(honest);
    assert!(
        !block_on(honest[0].state()).unwrap().is_member(&target),
        "the honest majority could not remove an attacker"
    );
}

/// Even a quorum the people raised themselves never lets a minority that stops voting block the
/// majority: removing a device and lowering q need at most a majority of the members.
#[test]
fn a_majority_removes_a_silent_minority_and_lowers_the_quorum_whatever_q_is() {
    let net = Net::new();
    let d = vault_of(&net, "v", 5);
    for member in &d {
        block_on(member.sync()).unwrap();
        if block_on(member.state()).unwrap().quorum != 5 {
            block_on(member.set_quorum(5)).unwrap();
        }
    }
    settle(&d);
    assert_eq!(block_on(d[0].state()).unwrap().quorum, 5);
    let (honest, silent) = d.split_at(3);
    let target = silent[0].device().id.clone();
    for member in honest {
        block_on(member.sync()).unwrap();
        if block_on(member.state()).unwrap().is_member(&target) {
            block_on(member.remove_device(&target)).unwrap();
        }
    }
    settle(honest);
    assert!(!block_on(honest[0].state()).unwrap().is_member(&target), "three of five could not remove a device");
    for member in honest {
        block_on(member.sync()).unwrap();
        if block_on(member.state()).unwrap().quorum == 5 {
            block_on(member.set_quorum(2)).unwrap();
        }
    }
    settle(honest);
    assert_eq!(block_on(honest[0].state()).unwrap().quorum, 2, "three of four could not lower q");
}
