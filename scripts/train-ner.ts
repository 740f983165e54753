/**
 * Trains entente's named-entity recogniser and writes the model file.
 *
 *   npm run train:ner -- [--data DIR] [--out FILE] [--epochs N] [--seed N]
 *                        [--gmb | --gmb-gazetteer] [--clusters] [--no-reference-lists]
 *                        [--min-city-population N] [--prune W] [--folds K] [--min-count N]
 *
 * DIR holds conll2003/eng.train, conll2003/eng.testa and gmb/*.conll (see
 * ../shared/data/ner/README.md); it defaults to $ENTENTE_NER_DATA, then to
 * ../shared/data/ner relative to the repository. Progress (epoch, training
 * accuracy, F1 on eng.testa) goes to stderr. Training is deterministic for a seed.
 *
 * The defaults reproduce the shipped model. The other options were tried and did
 * not improve eng.testa (within ±0.1 F1): GMB as extra training data (--gmb, its
 * features get a private domain copy) or as gazetteer entries only
 * (--gmb-gazetteer), and word clusters derived from the training text
 * (--clusters), which also mislabelled some first names as MISC.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatReport } from '../src/ingest/ner/conll-eval.js';
import { writeModelFile } from '../src/ingest/ner/model-file.js';
import { addCityList, addCountryLists } from '../src/ingest/ner/reference-lists.js';
import { trainModel } from '../src/ingest/ner/train.js';
import { deriveWordClusters } from '../src/ingest/ner/word-clusters.js';
import { readConllSentences, readGmbSentences, titleWords } from '../src/ingest/ner/training-data.js';

const GMB_FILE = 'gmb/gmb_prefix_8300.conll';
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.ENTENTE_NER_DATA ?? resolve(repo, '../shared/data/ner') },
    out: { type: 'string', default: join(repo, 'models/ner-en.bin.gz') },
    epochs: { type: 'string', default: '12' },
    folds: { type: 'string', default: '10' },
    'min-count': { type: 'string', default: '1' },
    prune: { type: 'string', default: '0.5' },
    seed: { type: 'string', default: '1' },
    gmb: { type: 'boolean', default: false },
    'gmb-gazetteer': { type: 'boolean', default: false },
    clusters: { type: 'boolean', default: false },
    'no-reference-lists': { type: 'boolean', default: false },
    'min-city-population': { type: 'string', default: '50000' },
  },
});

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const data = resolve(values.data);
const started = Date.now();
let train = readConllSentences(join(data, 'conll2003/eng.train'));
const dev = readConllSentences(join(data, 'conll2003/eng.testa'));
log(`CoNLL-2003: ${train.length} training sentences, ${dev.length} development sentences`);
const gmb = values.gmb || values['gmb-gazetteer'] || values.clusters ? readGmbSentences(join(data, GMB_FILE), titleWords(train)) : [];
if (values.gmb) {
  log(`GMB: ${gmb.length} sentences added to the training data`);
  train = [...train, ...gmb];
} else if (values['gmb-gazetteer']) {
  log(`GMB: entities of ${gmb.length} sentences added to the gazetteer`);
}
let clusters: Map<string, string> | undefined;
if (values.clusters) {
  const text = [...train, ...(values.gmb ? [] : gmb)].map((sentence) => sentence.tokens);
  clusters = deriveWordClusters(text);
  log(`word clusters: ${clusters.size} words from ${text.length} sentences`);
}
const minPopulation = Number(values['min-city-population']);
const useReferenceLists = !values['no-reference-lists'];
const result = trainModel(train, {
  epochs: Number(values.epochs),
  folds: Number(values.folds),
  minFeatureCount: Number(values['min-count']),
  pruneBelow: Number(values.prune),
  seed: Number(values.seed),
  addReferenceLists: useReferenceLists
    ? (builder): void => {
        addCountryLists(builder);
        addCityList(builder, minPopulation);
      }
    : undefined,
  clusters,
  gazetteerSentences: values['gmb-gazetteer'] && !values.gmb ? gmb : [],
  dev,
  log,
});
writeModelFile(values.out, result.model);
if (result.dev) log(`development (eng.testa), final model:\n${formatReport(result.dev)}`);
log(
  `wrote ${values.out} (${(statSync(values.out).size / 1e6).toFixed(1)} MB) in ${((Date.now() - started) / 1000).toFixed(0)}s`,
);
