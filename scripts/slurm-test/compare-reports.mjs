#!/usr/bin/env node
// Compares the numbers of two experiment reports (report.json) leaf by leaf: every number that is not a wall
// time must be equal. Wall times (training seconds, latency, the report's own seconds) and provenance differ
// from run to run and are listed apart. Exit status 1 if any other number differs.
// Usage: node compare-reports.mjs A/report.json B/report.json
import { readFileSync } from 'node:fs';

const [a, b] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')));
const TIMING = /(^|\.)(seconds|secondsPerEpoch|secondsPerEpochStd|epochSeconds|trainSeconds|latencyMs|latencyMsStd|trainTimeVsFloat|medianMs|minMs|maxMs|latency|createdAt|provenance|backend)(\.|\[|$)/;

function leaves(v, path, out) {
  if (typeof v === 'number') out.set(path, v);
  else if (Array.isArray(v)) v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) leaves(x, path ? `${path}.${k}` : k, out);
  return out;
}
const la = leaves(a, '', new Map());
const lb = leaves(b, '', new Map());
let same = 0;
let timing = 0;
const diff = [];
for (const k of new Set([...la.keys(), ...lb.keys()])) {
  const x = la.get(k);
  const y = lb.get(k);
  if (Object.is(x, y)) same++;
  else if (TIMING.test(k)) timing++;
  else diff.push(`${k}: ${x} vs ${y}`);
}
const accuracy = [...la.keys()].filter((k) => /\.(ca|ra|caStd|raStd)$/.test(k)).length;
console.log(JSON.stringify({ numbers: la.size, equal: same, accuracyCells: accuracy, timingDiffer: timing, otherDiffer: diff.length }));
for (const d of diff.slice(0, 40)) console.log(`differs: ${d}`);
process.exit(diff.length ? 1 : 0);
