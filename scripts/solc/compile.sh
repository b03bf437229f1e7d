#!/usr/bin/env bash
# Compiles testdata/solidity/*.sol with the solc-js version pinned in
# package-lock.json and rewrites testdata/solidity/<Contract>.json.
# Needs node and npm (the npm registry). Commit the .json files it writes:
# `go test ./internal/e2e/` checks that they match the sources.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
node compile.js
