#!/usr/bin/env node
// forge-solc.js with solc-js 0.8.30 (package "solc-0.8.30", an npm alias of
// solc@0.8.30 pinned in package-lock.json): the compiler Rocket Pool's
// contracts pin (pragma solidity 0.8.30), for testdata/foundry's rocketpool
// profile (`forge --use <path to this file>`). Same calls as forge-solc.js.
'use strict';

require('./forge-solc.js').main('solc-0.8.30');
