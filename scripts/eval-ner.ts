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
import { readConllFile } from '../src/ingest/ner/conll.js';
import { formatReport } from '../src/ingest/ner/conll-eval.js';
import { evaluateTagged } from '../src/ingest/ner/evaluation.js';
import { DEFAULT_MODEL_PATH, loadRecogniser } from '../src/ingest/ner/recogniser.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { model: { type: 'string', default: DEFAULT_MODEL_PATH } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: npm run eval:ner -- FILE [--model MODEL]\n');
  process.exit(2);
}
const loadStarted = performance.now();
const recogniser = loadRecogniser(values.model);
const loadMs = performance.now() - loadStarted;
const sentences = readConllFile(positionals[0] as string);
const started = performance.now();
const report = evaluateTagged(recogniser, sentences);
const seconds = (performance.now() - started) / 1000;
console.log(formatReport(report));
process.stderr.write(
  `model loaded in ${loadMs.toFixed(0)} ms; tagged ${report.tokens} tokens in ${seconds.toFixed(2)} s ` +
    `(${Math.round(report.tokens / seconds)} tokens/s, scoring included)\n`,
);
