// Compiles every testdata/solidity/*.sol with the pinned solc-js and writes
// testdata/solidity/<Contract>.json for each contract: ABI, creation and
// runtime bytecode, the compiler version and settings, and the sha256 of
// the sources. The Go test internal/e2e TestVerifierArtifactUpToDate recomputes
// that hash from the .sol files, so a source change without a recompile
// fails the tests even where node is not installed.
//
// sourceHash = sha256 over the .sol files sorted by name, each as
// name, a NUL byte, the file's bytes, a NUL byte.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const dir = path.resolve(__dirname, '..', '..', 'testdata', 'solidity');
const names = fs.readdirSync(dir).filter((n) => n.endsWith('.sol')).sort();
if (names.length === 0) {
  console.error('no .sol files in ' + dir);
  process.exit(1);
}

const hash = crypto.createHash('sha256');
const sources = {};
for (const name of names) {
  const content = fs.readFileSync(path.join(dir, name));
  hash.update(name, 'utf8');
  hash.update(Buffer.from([0]));
  hash.update(content);
  hash.update(Buffer.from([0]));
  sources[name] = { content: content.toString('utf8') };
}
const sourceHash = hash.digest('hex');

const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};
const input = { language: 'Solidity', sources, settings };
const output = JSON.parse(solc.compile(JSON.stringify(input)));

let failed = false;
for (const e of output.errors || []) {
  console.error(e.formattedMessage || e.message);
  if (e.severity === 'error') failed = true;
}
if (failed) process.exit(1);

const version = solc.version();
for (const name of names) {
  for (const [contract, out] of Object.entries(output.contracts[name] || {})) {
    const artifact = {
      contractName: contract,
      sourceFile: name,
      compiler: { name: 'solc-js', version, settings: { optimizer: settings.optimizer, evmVersion: settings.evmVersion } },
      sourceHash,
      sources: names,
      abi: out.abi,
      bytecode: '0x' + out.evm.bytecode.object,
      deployedBytecode: '0x' + out.evm.deployedBytecode.object,
    };
    const file = path.join(dir, contract + '.json');
    fs.writeFileSync(file, JSON.stringify(artifact, null, 2) + '\n');
    console.log('wrote ' + path.relative(process.cwd(), file) + ' (solc ' + version + ')');
  }
}
