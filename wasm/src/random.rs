//! getrandom 0.4's custom backend (selected in .cargo/config.toml so the core needs no JS glue),
//! served by getrandom 0.2's JS backend, i.e. `crypto.getRandomValues`.

/// # Safety
/// getrandom 0.4 calls this with a valid, writable buffer of `len` bytes.
#[no_mangle]
unsafe extern "Rust" fn __getrandom_v03_custom(dest: *mut u8, len: usize) -> Result<(), getrandom04::Error> {
    let buffer = unsafe { core::slice::from_raw_parts_mut(dest, len) };
    getrandom02::getrandom(buffer).map_err(|_| getrandom04::Error::UNSUPPORTED)
}
