#!/usr/bin/env node
// The `bulkhead` command of the installed package: the compiled CLI (build/ ships in the package).
'use strict';
require('../build/lib/cli/main.js').main();
