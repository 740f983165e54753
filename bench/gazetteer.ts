/**
 * Gazetteer and group-table costs, in a fresh process:
 *
 *   node --import tsx bench/gazetteer.ts
 *
 * Load: wall and CPU time to first answer of each table, heap growth.
 * Look-ups: places per second, group-mention scanning in characters per second.
 */
import { lookupPlace, warmUpGazetteer } from '../src/ingest/gazetteer/places.js';
import { resolvePerson } from '../src/ingest/gazetteer/persons.js';
import { findGroupMentions, listGroups } from '../src/ingest/groups/groups.js';

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function timed<T>(label: string, work: () => T): T {
  const wall = performance.now();
  const cpu = cpuMs();
  const value = work();
  console.log(`| ${label} | ${(performance.now() - wall).toFixed(0)} ms | ${(cpuMs() - cpu).toFixed(0)} ms |`);
  return value;
}

const heapBefore = process.memoryUsage().heapUsed;
console.log('| load | wall | CPU |\n|---|---:|---:|');
const cities = timed('places (countries, regions, cities)', () => warmUpGazetteer());
timed('groups', () => listGroups().length);
timed('persons', () => resolvePerson('Ramzan Kadyrov'));
const heapAfter = process.memoryUsage().heapUsed;
console.log(`\n${cities} cities; heap growth ${((heapAfter - heapBefore) / 1e6).toFixed(0)} MB (rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB)\n`);

const names = ['Chechnya', 'Grozny', 'Paris', 'Moscow', 'Colombo', 'Punjab', 'Kashmir', 'Sousse', 'Mogadishu', 'Springfield'];
const lookups = 100_000;
let started = performance.now();
for (let i = 0; i < lookups; i++) lookupPlace(names[i % names.length] ?? '', { countryHint: 'RU' });
console.log(`lookupPlace: ${((lookups / (performance.now() - started)) * 1000).toFixed(0)} per second`);

const paragraph = 'The Islamic State claimed the attack through its Amaq agency, while officials blamed al-Shabab and the Pakistani Taliban; ISIS and AQAP were also named. ';
const text = paragraph.repeat(2_000);
started = performance.now();
const rounds = 5;
for (let i = 0; i < rounds; i++) findGroupMentions(text);
console.log(`findGroupMentions: ${((text.length * rounds) / ((performance.now() - started) / 1000) / 1e6).toFixed(1)} M characters per second`);
