//! `candour-bindgen INPUT.wasm OUT_DIR NAME`: writes `OUT_DIR/NAME.js` (an ES module for the
//! browser, wasm-bindgen's `--target web`) and `OUT_DIR/NAME_bg.wasm`, with no TypeScript
//! declarations.
//!
//! It does what `wasm-bindgen --target web --no-typescript` does, with the library that CLI
//! is built on, `wasm-bindgen-cli-support`, at the version in `Cargo.lock`: so its version
//! always matches the `wasm-bindgen` crate, and a first build compiles none of the CLI's
//! test runner (a web server, an HTTP client and TLS), minutes on two cores.

use anyhow::{bail, Context};
use wasm_bindgen_cli_support::Bindgen;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, name] = args.as_slice() else {
        bail!("usage: candour-bindgen INPUT.wasm OUT_DIR NAME");
    };
    Bindgen::new()
        .input_path(input)
        .web(true)?
        .typescript(false)
        .out_name(name)
        .generate(out_dir)
        .with_context(|| format!("generating the JavaScript glue for {input}"))
}
