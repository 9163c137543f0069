#![no_main]

use libfuzzer_sys::fuzz_target;
use meta_secret_tests::fuzzing::FuzzScene;

thread_local! {
    static SCENE: FuzzScene = FuzzScene::new();
}

fuzz_target!(|data: &[u8]| SCENE.with(|scene| scene.server(data)));
