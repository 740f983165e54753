/**
 * Validation throughput: 100,000 typical objects (indicator, identity, incident
 * with the entente-incident extension, attributed-to relationship), validated
 * as parsed objects and from JSON text (parse + validate, as an import does).
 * Run: npx tsx bench/stix-validate.ts
 */
import { randomId } from '../src/stix/identifier.js';
import { sampleAttribution, sampleIdentity, sampleIncident, sampleIndicator } from '../src/stix/sample-objects.js';
import { validateObject } from '../src/stix/validate.js';

const COUNT = 100_000;

function typicalObjects(count: number): unknown[] {
  const objects: unknown[] = [];
  for (let i = 0; i < count; i++) {
    switch (i % 4) {
      case 0: objects.push(sampleIndicator()); break;
      case 1: objects.push(sampleIdentity()); break;
      case 2: objects.push(sampleIncident()); break;
      default: objects.push(sampleAttribution(randomId('incident'))); break;
    }
  }
  return objects;
}

const ROUNDS = 5;

const fmt = (n: number): string => Math.round(n).toLocaleString('en');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * Median of several rounds, by wall-clock time and by this process's CPU time:
 * the machine is shared, and the CPU-time rate is what one core achieves
 * regardless of other load.
 */
function measure(label: string, run: () => number): void {
  const wall: number[] = [];
  const cpu: number[] = [];
  let invalid = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    invalid = run();
    const used = process.cpuUsage(cpuStart);
    wall.push(COUNT / (Number(process.hrtime.bigint() - start) / 1e9));
    cpu.push(COUNT / ((used.user + used.system) / 1e6));
  }
  console.log(`${label}: ${fmt(median(wall))} objects/s wall, ${fmt(median(cpu))} objects/s per CPU-second `
    + `(median of ${ROUNDS}; ${invalid} invalid)`);
}

const objects = typicalObjects(COUNT);
const lines = objects.map((o) => JSON.stringify(o));

// Warm up the JIT on a slice first so the figure reflects steady state.
for (let i = 0; i < 10_000; i++) validateObject(objects[i]);

measure('validateObject', () => {
  let invalid = 0;
  for (const object of objects) if (validateObject(object).length > 0) invalid++;
  return invalid;
});
measure('JSON.parse + validateObject', () => {
  let invalid = 0;
  for (const line of lines) if (validateObject(JSON.parse(line)).length > 0) invalid++;
  return invalid;
});
