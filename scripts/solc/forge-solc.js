#!/usr/bin/env node
// A native-solc-shaped front end to the solc-js pinned in package-lock.json,
// for tools that run a solc binary, such as Foundry (foundry.toml
// `solc = "<path to this file>"`, or `forge --use <path>`), where no
// compiler can be downloaded. It answers the two calls those tools make:
//
//   forge-solc.js --version
//       prints the version the way native solc does ("Version: 0.8.37+...").
//   forge-solc.js [--base-path DIR] [--include-path DIR]... [--allow-paths P] --standard-json
//       compiles the standard JSON input read from standard input and
//       writes the standard JSON output to standard output. Imports that
//       the input does not carry are read from the base path and the
//       include paths.
//
// Anything else exits 2 with a message. Run `npm ci` in scripts/solc first
// (compile.sh and scripts/foundry.sh do).
//
// This file runs the solc-js of package "solc" (0.8.37); forge-solc-0.8.30.js
// runs it with package "solc-0.8.30" (an npm alias of solc@0.8.30, the
// version Rocket Pool's contracts pin) through main below.
'use strict';

const fs = require('fs');
const path = require('path');

// main answers the call in process.argv with the solc-js of the npm
// package pkg.
function main(pkg) {
  let solc;
  try {
    solc = require(pkg);
  } catch (e) {
    process.stderr.write('forge-solc: solc-js (' + pkg + ') is not installed: run npm ci in ' + __dirname + ' (' + e.message + ')\n');
    process.exit(2);
  }
  const roots = parseArgs(process.argv.slice(2), solc);
  compileStdin(solc, roots);
}

function usage(msg) {
  process.stderr.write('forge-solc: ' + msg + '\nusage: forge-solc.js --version | [--base-path DIR] [--include-path DIR] [--allow-paths P] --standard-json\n');
  process.exit(2);
}

// parseArgs reads the arguments: --version is answered here; else the
// import roots of a --standard-json call are returned.
function parseArgs(args, solc) {
  if (args.includes('--version') || args.includes('-v')) {
    process.stdout.write('solc, the solidity compiler commandline interface\nVersion: ' + solc.version() + '\n');
    process.exit(0);
  }

  let standardJSON = false;
  const roots = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    switch (a) {
      case '--standard-json':
        standardJSON = true;
        break;
      case '--base-path':
      case '--include-path':
        if (i + 1 >= args.length) usage(a + ' needs a directory');
        roots.push(args[++i]);
        break;
      case '--allow-paths':
        if (i + 1 >= args.length) usage(a + ' needs a path list');
        i++; // solc-js reads only what the import callback allows
        break;
      default:
        if (a.startsWith('--base-path=') || a.startsWith('--include-path=')) {
          roots.push(a.slice(a.indexOf('=') + 1));
        } else if (!a.startsWith('--allow-paths=')) {
          usage('unsupported argument ' + JSON.stringify(a));
        }
    }
  }
  if (!standardJSON) usage('only --version and --standard-json are supported');
  if (roots.length === 0) roots.push(process.cwd());
  return roots;
}

// findImports reads an import the input does not carry, from the base and
// include paths, refusing paths that leave them.
function findImports(roots, name) {
  for (const root of roots) {
    const base = path.resolve(root);
    const file = path.resolve(base, name);
    if (file !== base && !file.startsWith(base + path.sep)) continue;
    try {
      return { contents: fs.readFileSync(file, 'utf8') };
    } catch (e) {
      // try the next root
    }
  }
  return { error: 'File not found: ' + name };
}

// compileStdin compiles the standard JSON input on standard input.
function compileStdin(solc, roots) {
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('error', (e) => {
    process.stderr.write('forge-solc: reading standard input: ' + e.message + '\n');
    process.exit(1);
  });
  process.stdin.on('end', () => {
    const input = Buffer.concat(chunks).toString('utf8');
    let out;
    try {
      out = solc.compile(input, { import: (name) => findImports(roots, name) });
    } catch (e) {
      process.stderr.write('forge-solc: ' + e.message + '\n');
      process.exit(1);
    }
    process.stdout.write(out);
  });
}

module.exports = { main };

if (require.main === module) main('solc');
