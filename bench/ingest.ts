/**
 * Ingest throughput, start-up and memory, in a fresh process on one core:
 *
 *   npm run build && node bench/ingest.ts            (compiled, as `entente ingest` runs)
 *   node --import tsx bench/ingest.ts [--seconds 10] [--dir DIR]
 *
 * Start-up: from process start to the first report ingested (module load,
 * tagger, NER model and gazetteers included). Throughput: reports of the
 * corpus (the seed article and the dev articles beside the repository, or any
 * folder of .txt files) ingested back to back for a fixed time, reported as
 * reports per second and normalised to 600-word reports. Peak RSS from the
 * kernel's high-water mark.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const started = performance.now();
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

function corpus(): { text: string; metadata: Record<string, string>; words: number }[] {
  const dir = resolve(option('--dir', join(ROOT, '../shared/data/dev-articles/articles')));
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).map((f) => join(dir, f));
  files.push(join(ROOT, '../shared/seed/chechnya-attack-le-pen-moscow.txt'));
  return files.map((file) => {
    const raw = readFileSync(file, 'utf8');
    const header = /^((?:\w+: [^\n]*\n)+)\n/u.exec(raw);
    const metadata: Record<string, string> = {};
    for (const line of header?.[1]?.split('\n') ?? []) {
      const [key, ...value] = line.split(': ');
      if (key && value.length > 0) metadata[key] = value.join(': ');
    }
    const text = header ? raw.slice(header[0].length) : raw;
    // Counted once here, so that the timed loop measures ingestion only.
    return { text, metadata, words: text.split(/\s+/u).length };
  }).filter((report) => report.metadata.language === undefined || report.metadata.language === 'en');
}

// Imported here, after the clock started, so that start-up includes loading the modules.
const { ingestText, warmUpIngest } = await import('../src/ingest/index.js');
warmUpIngest();
const loadedMs = performance.now() - started;
const cpuSecondsSoFar = (): number => (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
const loadedCpu = cpuSecondsSoFar();
const reports = corpus();
const first = reports[0];
if (first === undefined) throw new Error('no reports to ingest');
ingestText(first.text, first.metadata);
const startupMs = performance.now() - started;
const startupCpu = cpuSecondsSoFar();

// One pass with every name new to the look-up caches, as for a stream of unseen reports.
const coldCpu = process.cpuUsage();
let coldWords = 0;
for (const report of reports.slice(1)) {
  ingestText(report.text, report.metadata);
  coldWords += report.words;
}
const coldUsage = process.cpuUsage(coldCpu);
const coldRate = coldWords / 600 / ((coldUsage.user + coldUsage.system) / 1e6);

const seconds = Number(option('--seconds', '10'));
const words = reports.reduce((n, r) => n + r.words, 0) / reports.length;
let done = 0;
let wordsDone = 0;
const cpuBefore = process.cpuUsage();
const loopStart = performance.now();
while (performance.now() - loopStart < seconds * 1000) {
  for (const report of reports) {
    ingestText(report.text, report.metadata);
    done += 1;
    wordsDone += report.words;
  }
}
const elapsed = (performance.now() - loopStart) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const rssMb = process.resourceUsage().maxRSS / 1024;

console.log('| measure | value |\n|---|---:|');
console.log(`| corpus | ${reports.length} English reports, ${words.toFixed(0)} words on average |`);
console.log(`| loading modules, tagger, NER model and gazetteers | ${(loadedMs / 1000).toFixed(2)} s wall, ${loadedCpu.toFixed(2)} s CPU |`);
console.log(`| start-up to first report ingested | ${(startupMs / 1000).toFixed(2)} s wall, ${startupCpu.toFixed(2)} s CPU |`);
console.log(`| reports per second (this corpus) | ${(done / elapsed).toFixed(1)} |`);
console.log(`| 600-word reports per second (by words) | ${(wordsDone / 600 / elapsed).toFixed(1)} |`);
// On a shared machine the process gets only part of a core; per CPU-second is what one core would do.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(`| 600-word reports per CPU-second (one core) | ${(wordsDone / 600 / cpuSeconds).toFixed(1)} |`);
console.log(`| 600-word reports per CPU-second, first pass (cold caches) | ${coldRate.toFixed(1)} |`);
console.log(`| CPU use during the loop | ${(((cpu.user + cpu.system) / 1e6 / elapsed) * 100).toFixed(0)} % of one core |`);
console.log(`| peak RSS | ${rssMb.toFixed(0)} MB |`);
