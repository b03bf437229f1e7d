// Compiles a Solidity standard JSON input with solc-js. Reads a request
// {"solc": <solc package folder>, "roots": [<folder>...], "input": <standard
// JSON input>} on standard input and writes {"version", "output"} to
// standard output. Imports that are not in the input's sources are read
// from the first root that holds them (a source unit name is a path
// relative to a root); nothing outside the roots is read.
'use strict';

const fs = require('fs');
const path = require('path');

const req = JSON.parse(fs.readFileSync(0, 'utf8'));
const solc = require(req.solc);

function findImports(name) {
  for (const root of req.roots) {
    const base = path.resolve(root);
    const file = path.resolve(base, name);
    if (!file.startsWith(base + path.sep)) continue;
    if (fs.existsSync(file)) return { contents: fs.readFileSync(file, 'utf8') };
  }
  return { error: 'not found in ' + req.roots.join(', ') + ': ' + name };
}

const output = JSON.parse(solc.compile(JSON.stringify(req.input), { import: findImports }));
process.stdout.write(JSON.stringify({ version: solc.version(), output }));
