#!/usr/bin/env bash
# Runs the fixture sets that `beaconproof fixtures` writes through a real
# Foundry run (testdata/foundry):
#   1. installs forge, pinned below, from npm (@foundry-rs/forge brings the
#      platform's binary) into .foundry/ (git-ignored), unless there already;
#   2. installs the solc-js versions pinned in scripts/solc, which forge
#      compiles with through scripts/solc/forge-solc.js (0.8.37) and
#      forge-solc-0.8.30.js (Rocket Pool's): no compiler download, offline;
#   3. runs internal/e2e's TestFoundryFixtures, which builds the CLI, writes the
#      fixture sets with `beaconproof fixtures` into a temporary directory
#      and runs `forge test` on a copy of testdata/foundry with them, twice:
#      through the reference verifier, and through Rocket Pool's
#      BeaconStateVerifier compiled in place from $BEACONPROOF_CONTRACTS
#      (default ../shared/contracts; the test skips without it, or fails
#      under CI=true).
# Needs go, node and npm (the npm registry, for steps 1 and 2).
set -euo pipefail
cd "$(dirname "$0")/.."

FORGE_VERSION=1.7.1
dir=.foundry
# The platform's binary that the npm package's bin.mjs wrapper runs: the
# wrapper exits 0 whatever forge's exit status.
forge_bin() { ls "$PWD/$dir"/node_modules/@foundry-rs/forge-*/bin/forge 2>/dev/null | head -n 1 || true; }
forge=$(forge_bin)
start=$(date +%s)

if ! { [ -n "$forge" ] && [ -x "$forge" ] && "$forge" --version 2>/dev/null | grep -q "Version: $FORGE_VERSION"; }; then
  echo "== installing forge $FORGE_VERSION from npm into $dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "@foundry-rs/forge@$FORGE_VERSION"
  forge=$(forge_bin)
  [ -n "$forge" ] || { echo "no forge binary for this platform in $dir/node_modules/@foundry-rs" >&2; exit 1; }
fi
"$forge" --version | head -n 1

if [ ! -f scripts/solc/node_modules/solc/package.json ] || [ ! -f scripts/solc/node_modules/solc-0.8.30/package.json ]; then
  echo "== installing solc-js (scripts/solc)"
  (cd scripts/solc && npm ci --no-audit --no-fund --loglevel=error)
fi

BEACONPROOF_FORGE="$forge" BEACONPROOF_FOUNDRY=1 go test -count=1 -run '^TestFoundryFixtures$' -v ./internal/e2e/
echo "== foundry: $(($(date +%s) - start))s"
