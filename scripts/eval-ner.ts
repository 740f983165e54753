/**
 * Scores entente's named-entity recogniser on a CoNLL-format file, like conlleval:
 *
 *   npm run eval:ner -- FILE [--model MODEL]
 *
 * FILE has one token per line, the token in the first column and the gold tag
 * (IOB1, IOB2, IOBES or BILOU) in the last, sentences separated by blank lines.
 * Prints precision, recall and F1 per entity type and overall (exact span and type).
 */
import { parseArgs } from 'node:util';
import { chunksFromTags, readConllFile } from '../src/ingest/ner/conll.js';
import { ChunkScorer, formatReport } from '../src/ingest/ner/conll-eval.js';
import { DEFAULT_MODEL_PATH, loadRecogniser } from '../src/ingest/ner/recogniser.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { model: { type: 'string', default: DEFAULT_MODEL_PATH } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: npm run eval:ner -- FILE [--model MODEL]\n');
  process.exit(2);
}
const loadStarted = process.cpuUsage();
const recogniser = loadRecogniser(values.model);
const loadUsed = process.cpuUsage(loadStarted);
const loadMs = (loadUsed.user + loadUsed.system) / 1000;
const sentences = readConllFile(positionals[0] as string);
// CPU time rather than wall time: tokens per CPU-second is the throughput of one
// core, whatever else the machine is running.
const started = process.cpuUsage();
const found = sentences.map(({ tokens }) => recogniser.recognise(tokens));
const used = process.cpuUsage(started);
const seconds = (used.user + used.system) / 1e6;
const scorer = new ChunkScorer();
sentences.forEach(({ tokens, tags }, i) => scorer.add(tokens.length, chunksFromTags(tags), found[i] ?? []));
const report = scorer.report();
console.log(formatReport(report));
process.stderr.write(
  `model loaded in ${loadMs.toFixed(0)} ms of CPU; recognised ${report.tokens} tokens in ${seconds.toFixed(2)} s of CPU ` +
    `(${Math.round(report.tokens / seconds)} tokens/s on one core)\n`,
);
