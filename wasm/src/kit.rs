//! Recovery kits in JS: a member makes one (`addRecoveryKit`), and anyone opens one for a session
//! from its words or card text (`MetaSecret.openRecoveryKit`). A kit session keeps its log in
//! memory only; `close()` drops it and the kit's keys.

use std::rc::Rc;

use meta_secret_core::client::VaultClient;
use meta_secret_core::identity::DeviceKind;
use meta_secret_core::paper::{self, KitCard, KitError};
use meta_secret_core::store::MemoryStore;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::api::{text_arg, to_js, Inner, MetaSecret};
use crate::device_store::DeviceStore;
use crate::fetch_transport::FetchTransport;
use crate::js_error::{client_error, invalid_input};
use crate::timer::JsClock;

const DEFAULT_LABEL: &str = "Recovery kit";

/// A kit just made, to show once as a printed page; nothing of it is kept anywhere.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewRecoveryKit {
    /// The kit's member id, as the device list shows it.
    #[tsify(type = "DeviceId")]
    pub id: String,
    pub label: String,
    pub vault: String,
    /// What members compare before approving the kit's join.
    pub verification_code: String,
    /// Milliseconds since the epoch.
    pub created_at: f64,
    /// The 24 words, separated by single spaces.
    pub words: String,
    /// The card's text (`meta-secret-kit/1`, vault, words): what the QR code holds.
    pub card_text: String,
    /// The QR code of `cardText`, as an SVG document.
    pub qr_svg: String,
}

impl Drop for NewRecoveryKit {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.words.zeroize();
        self.card_text.zeroize();
        self.qr_svg.zeroize();
    }
}

/// Options of `MetaSecret.openRecoveryKit`.
#[derive(Tsify, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenKitOptions {
    pub server_url: String,
    /// The 24 words as typed (any case or spacing), or the card text a QR code holds.
    pub words: String,
    /// The vault; optional when `words` is card text, which names it.
    #[tsify(optional)]
    pub vault: Option<String>,
    /// The kit's name on this session's events; defaults to "Recovery kit".
    #[tsify(optional)]
    pub label: Option<String>,
}

impl OpenKitOptions {
    const KEYS: &'static [&'static str] = &["serverUrl", "words", "vault", "label"];
}

/// What `checkRecoveryWords` finds, for feedback while a person types.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryWordsCheck {
    pub ok: bool,
    pub word_count: u32,
    /// The vault a pasted card names.
    #[tsify(optional)]
    pub vault: Option<String>,
    #[tsify(optional, type = "\"WORD_COUNT\" | \"UNKNOWN_WORD\" | \"CHECKSUM\" | \"CARD_VERSION\" | \"CARD_VAULT\"")]
    pub problem: Option<&'static str>,
    /// The 1-based position of the word at fault.
    #[tsify(optional)]
    pub position: Option<u32>,
    #[tsify(optional)]
    pub message: Option<String>,
}

fn problem(error: &KitError) -> &'static str {
    match error {
        KitError::WordCount(_) => "WORD_COUNT",
        KitError::UnknownWord(_) => "UNKNOWN_WORD",
        KitError::Checksum => "CHECKSUM",
        KitError::CardVersion => "CARD_VERSION",
        KitError::CardVault(_) => "CARD_VAULT",
    }
}

/// Medium error correction: a printed page may be creased or smudged.
fn qr_code(text: &str) -> Result<QrCode, qrcode::types::QrError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
}

fn qr_svg(text: &str) -> Result<String, JsValue> {
    let code = qr_code(text).map_err(|e| invalid_input(format!("the kit card does not fit a QR code: {e}")))?;
    Ok(code.render::<svg::Color<'_>>().min_dimensions(256, 256).quiet_zone(true).build())
}

/// Checks words (or card text) as typed, without using them: never throws.
#[wasm_bindgen(js_name = checkRecoveryWords, unchecked_return_type = "RecoveryWordsCheck")]
pub fn check_recovery_words(#[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> JsValue {
    let text = Zeroizing::new(text.as_string().unwrap_or_default());
    let word_count =
        text.lines().filter(|l| !l.starts_with(paper::CARD_PREFIX)).flat_map(str::split_whitespace).count();
    let check = match KitCard::parse(&text) {
        Ok(card) => RecoveryWordsCheck {
            ok: true,
            word_count: paper::KIT_WORDS as u32,
            vault: card.vault,
            problem: None,
            position: None,
            message: None,
        },
        Err(error) => RecoveryWordsCheck {
            ok: false,
            word_count: word_count as u32,
            vault: None,
            problem: Some(problem(&error)),
            position: error.position().map(|p| p as u32),
            message: Some(error.to_string()),
        },
    };
    to_js(&check).unwrap_or(JsValue::NULL)
}

/// The kit words starting with `prefix`, for autocomplete (empty for anything but a string).
#[wasm_bindgen(js_name = recoveryWordCompletions, unchecked_return_type = "string[]")]
pub fn recovery_word_completions(#[wasm_bindgen(unchecked_param_type = "string")] prefix: JsValue) -> JsValue {
    let words = paper::words_starting_with(&prefix.as_string().unwrap_or_default());
    to_js(&words).unwrap_or(JsValue::NULL)
}

#[wasm_bindgen]
impl MetaSecret {
    /// Makes a recovery kit for this device's vault; the kit asks to join. Show the result once
    /// (print it) and drop it: the words are never stored. Once they are kept safe, approve the
    /// kit with `accept(kit.id)` (or `decline(kit.id)` to discard it); the other members approve
    /// it like any join (compare `verificationCode`). A kit session cannot make kits.
    #[wasm_bindgen(js_name = addRecoveryKit, unchecked_return_type = "Promise<NewRecoveryKit>")]
    pub fn add_recovery_kit(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] label: JsValue,
    ) -> js_sys::Promise {
        let server_url = self.inner.server_url.clone();
        self.run(move |client| async move {
            let label = if label.is_undefined() { DEFAULT_LABEL.to_string() } else { text_arg(&label, "label")? };
            if client.device().kind == DeviceKind::Paper {
                return Err(invalid_input("a recovery kit cannot make recovery kits; use a device"));
            }
            let transport = FetchTransport::new(&server_url);
            let kit_store = DeviceStore::Memory(MemoryStore::new());
            let kit =
                client.add_recovery_kit(&label, kit_store, transport, Box::new(JsClock)).await.map_err(client_error)?;
            let words = kit.seed.words();
            let card_text = KitCard::text(&kit.vault, &kit.seed);
            to_js(&NewRecoveryKit {
                id: kit.member.id.to_string(),
                label: kit.member.name.clone(),
                vault: kit.vault.clone(),
                verification_code: kit.verification_code.clone(),
                created_at: js_sys::Date::now(),
                qr_svg: qr_svg(&card_text)?,
                words: words.to_string(),
                card_text: card_text.to_string(),
            })
        })
    }

    /// Opens a recovery kit for one session on this browser, from its words or card text: it acts
    /// as that member (approve joins and claims, deal its shares). Nothing is written to the
    /// browser; `close()` forgets the kit. A revoked kit, or one of another vault, is refused with
    /// `NOT_MEMBER`; wrong words with `INVALID_INPUT` naming the word's position.
    #[wasm_bindgen(js_name = openRecoveryKit)]
    pub async fn open_recovery_kit(options: Ts<OpenKitOptions>) -> Result<MetaSecret, JsValue> {
        console_error_panic_hook::set_once();
        crate::api::refuse_unknown_keys(&options.js_value(), OpenKitOptions::KEYS, "openRecoveryKit options")?;
        let options = options.to_rust().map_err(|e| invalid_input(format!("openRecoveryKit options: {e}")))?;
        let words = Zeroizing::new(options.words);
        let card = KitCard::parse(&words).map_err(|e| invalid_input(format!("recovery kit: {e}")))?;
        let vault = match (card.vault, options.vault) {
            (Some(card), Some(given)) if !card.eq_ignore_ascii_case(&given) => {
                return Err(invalid_input(format!("the kit card is for vault {card}, not {given}")));
            }
            (Some(vault), _) | (None, Some(vault)) => vault,
            (None, None) => return Err(invalid_input("name the vault this kit belongs to")),
        };
        if options.server_url.is_empty() {
            return Err(invalid_input("serverUrl must not be empty"));
        }
        let label = options.label.unwrap_or_else(|| DEFAULT_LABEL.to_string());
        let keys = card.seed.device_keys(&label).map_err(|e| client_error(e.into()))?;
        drop(card.seed);
        let store = DeviceStore::Memory(MemoryStore::new());
        let transport = FetchTransport::new(&options.server_url);
        let client =
            VaultClient::open_with_keys(store, transport, Box::new(JsClock), keys).await.map_err(client_error)?;
        client.attach(&vault).await.map_err(client_error)?;
        Ok(MetaSecret { inner: Rc::new(Inner::new(client, options.server_url)) })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use meta_secret_core::paper::KitSeed;
    use qrcode::Color;

    /// Reads a QR code's modules back with rqrr, a decoder written apart from the `qrcode` crate.
    fn decode(code: &QrCode) -> String {
        let (width, quiet, scale) = (code.width(), 4, 4);
        let colors = code.to_colors();
        let size = (width + 2 * quiet) * scale;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| {
            let (column, row) = (x / scale, y / scale);
            let inside = (quiet..width + quiet).contains(&column) && (quiet..width + quiet).contains(&row);
            match inside && colors[(row - quiet) * width + column - quiet] == Color::Dark {
                true => 0,
                false => 255,
            }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one code found");
        grids[0].decode().expect("the code decodes").1
    }

    #[test]
    fn the_qr_code_reads_back_as_the_card_text_in_an_independent_decoder() {
        for vault in ["family", &"v".repeat(64)] {
            let seed = KitSeed::generate();
            let text = KitCard::text(vault, &seed);
            let read = decode(&qr_code(&text).expect("a card fits a QR code"));
            assert_eq!(read, text.as_str());
            let card = KitCard::parse(&read).expect("the scanned text is a card");
            assert_eq!((card.vault.as_deref(), card.seed.words()), (Some(vault), seed.words()));
            let svg = qr_svg(&text).expect("svg");
            assert!(svg.contains("<svg") && svg.contains("<path"), "an SVG drawing of the modules");
        }
    }
}
