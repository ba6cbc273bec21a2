#!/usr/bin/env bash
# First run: the time from a fresh clone to the first page served by `scripts/run`, as on a
# machine that has only the Rust toolchain, Node.js and Python: a fresh cargo home (no
# registry cache, no wasm-bindgen CLI), a fresh npm cache and an empty target folder. The
# toolchain itself (rustup's proxies and toolchains, the wasm32 target) is reused.
# Goal (issue 18): at most 12 minutes on the 2-core machine.
# Usage, from the repository root: bench/first_run.sh   (takes a quarter of an hour or more)
set -euo pipefail
root=$(pwd)
export CANDOUR_ADDR=127.0.0.1:3399
# Anything already answering there (a server left from an earlier run, say) would be timed
# as this run's first page.
if curl -s -o /dev/null "http://$CANDOUR_ADDR/"; then
  echo "something already answers at $CANDOUR_ADDR: stop it first" >&2
  exit 1
fi
work=$(mktemp -d /tmp/candour-first-run.XXXXXX)
mkdir -p "$work/cargo/bin"
# rustup's proxies (cargo, rustc, ...), but no tool a previous build installed.
for tool in cargo rustc rustup rustdoc rustfmt cargo-fmt cargo-clippy clippy-driver; do
  [ -e "$HOME/.cargo/bin/$tool" ] && cp "$HOME/.cargo/bin/$tool" "$work/cargo/bin/"
done
git clone -q "$root" "$work/clone"
cd "$work/clone"
export CARGO_HOME="$work/cargo" npm_config_cache="$work/npm"
export PATH="$work/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
started=$(date +%s)
# In a session of its own, so that the whole run (its builds, then the server that
# scripts/run becomes) is stopped at the end as one process group.
setsid scripts/run > "$work/run.log" 2>&1 &
run=$!
trap 'kill -- -"$run" 2>/dev/null || true' EXIT
until curl -sf -o /dev/null http://127.0.0.1:3399/; do
  sleep 2
  kill -0 "$run" 2>/dev/null || { echo "scripts/run stopped; see $work/run.log" >&2; exit 1; }
done
seconds=$(( $(date +%s) - started ))
echo "first page after ${seconds} s ($((seconds / 60)) min $((seconds % 60)) s); log: $work/run.log"
grep -E "Finished|Installed|^build:|^run:" "$work/run.log" || true
