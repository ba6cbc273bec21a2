//! Hydrates the interactive islands of a server-rendered Candour page.

// Links the app crate so that its `#[island]` components are compiled into this wasm:
// without it `hydrate_islands` finds no island functions.
use app as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
