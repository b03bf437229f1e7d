#!/usr/bin/env bash
# Runs the fixture sets that `beaconproof fixtures` writes through a real
# Foundry run (testdata/foundry):
#   1. installs forge, pinned below, from npm (@foundry-rs/forge brings the
#      platform's binary) into .foundry/ (git-ignored), unless there already;
#   2. installs the solc-js pinned in scripts/solc, which forge compiles with
#      through scripts/solc/forge-solc.js (no compiler download: offline);
#   3. runs internal/e2e's TestFoundryFixtures, which builds the CLI, writes the
#      fixture sets with `beaconproof fixtures` into a temporary directory
#      and runs `forge test` on a copy of testdata/foundry with them.
# Needs go, node and npm (the npm registry, for steps 1 and 2).
set -euo pipefail
cd "$(dirname "$0")/.."

FORGE_VERSION=1.7.1
dir=.foundry
forge="$PWD/$dir/node_modules/.bin/forge"
start=$(date +%s)

if ! { [ -x "$forge" ] && "$forge" --version 2>/dev/null | grep -q "Version: $FORGE_VERSION"; }; then
  echo "== installing forge $FORGE_VERSION from npm into $dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "@foundry-rs/forge@$FORGE_VERSION"
fi
"$forge" --version | head -n 1

if [ ! -f scripts/solc/node_modules/solc/package.json ]; then
  echo "== installing solc-js (scripts/solc)"
  (cd scripts/solc && npm ci --no-audit --no-fund --loglevel=error)
fi

BEACONPROOF_FORGE="$forge" BEACONPROOF_FOUNDRY=1 go test -count=1 -run '^TestFoundryFixtures$' -v ./internal/e2e/
echo "== foundry: $(($(date +%s) - start))s"
