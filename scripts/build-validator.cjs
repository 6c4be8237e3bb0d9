#!/usr/bin/env node
// Part of `npm run build`, after tsc: compiles the intents' JSON Schema validator to JavaScript once
// (build/lib/intent/platform-schema-validator.js), so that no synth pays for compiling it (see
// lib/intent/schema-compile.ts).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const build = path.resolve(__dirname, '..', 'build', 'lib', 'intent');
const { standaloneValidatorSource } = require(path.join(build, 'schema-compile.js'));
const { PRECOMPILED_VALIDATOR } = require(path.join(build, 'schema.js'));
fs.writeFileSync(path.join(build, PRECOMPILED_VALIDATOR), standaloneValidatorSource());
