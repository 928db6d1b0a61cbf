#!/usr/bin/env node
'use strict';
/**
 * Summarises a V8 .cpuprofile (e.g. from `npm run bench -- --cpu-prof`): self time by package or
 * area, and the top functions by self time.  Usage: node bench/profile-summary.js <file> [topN]
 */
const fs = require('node:fs');

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/profile-summary.js <file.cpuprofile> [topN]');
  process.exit(2);
}
const top = Number(process.argv[3] || 25);
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i];
  self.set(id, (self.get(id) || 0) + (prof.timeDeltas[i] || 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

function area(cf) {
  const url = cf.url || '';
  if (!url) return cf.functionName.startsWith('(') ? cf.functionName : '(native/builtin)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node core';
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `app: ${url.slice(dist + 6).split('/')[0]}`;
  return url;
}

const areas = new Map();
const fns = new Map();
for (const [id, us] of self) {
  const cf = byId.get(id).callFrame;
  const a = area(cf);
  areas.set(a, (areas.get(a) || 0) + us);
  const short = (cf.url || '').replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
  const key = `${cf.functionName || '(anonymous)'}  ${short}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
  fns.set(key, (fns.get(key) || 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n\nself time by area:`);
for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(us)}  ${a}`);
console.log('\ntop functions by self time:');
for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(us)}  ${f}`);
