/**
 * First-order Viterbi decoding (Rabiner 1989, §III-B) over a linear-chain model with
 * `labelCount` labels. `emissions` is row-major n × labelCount; `transitions` is
 * (labelCount + 1) × labelCount, its last row scoring the first label of a sentence;
 * `finals[y]` scores ending on label y. Forbidden moves carry -Infinity.
 */
export function viterbi(
  emissions: Float32Array,
  n: number,
  labelCount: number,
  transitions: Float32Array,
  finals: Float32Array,
): Int32Array {
  const path = new Int32Array(n);
  if (n === 0) return path;
  const L = labelCount;
  let scores = new Float64Array(L);
  let nextScores = new Float64Array(L);
  if (backPointers.length < n * L) backPointers = new Int32Array(n * L * 2);
  const back = backPointers;
  // Only the moves the transitions allow can win; BILOU forbids most, so skipping them saves most of the work.
  const allowed = allowedPrevious(transitions, L);
  for (let y = 0; y < L; y += 1) scores[y] = (transitions[L * L + y] ?? 0) + (emissions[y] ?? 0);
  for (let t = 1; t < n; t += 1) {
    for (let y = 0; y < L; y += 1) {
      let best = -Infinity;
      let bestPrev = 0;
      const from = allowed[y] as Int32Array;
      for (let k = 0; k < from.length; k += 1) {
        const p = from[k] as number;
        const score = (scores[p] as number) + (transitions[p * L + y] as number);
        if (score > best) {
          best = score;
          bestPrev = p;
        }
      }
      nextScores[y] = best + (emissions[t * L + y] as number);
      back[t * L + y] = bestPrev;
    }
    [scores, nextScores] = [nextScores, scores];
  }
  let best = -Infinity;
  let last = 0;
  for (let y = 0; y < L; y += 1) {
    const score = (scores[y] as number) + (finals[y] as number);
    if (score > best) {
      best = score;
      last = y;
    }
  }
  path[n - 1] = last;
  for (let t = n - 1; t > 0; t -= 1) path[t - 1] = back[t * L + (path[t] as number)] as number;
  return path;
}

// Reused from sentence to sentence (each cell is written before it is read), so that decoding allocates little.
let backPointers = new Int32Array(0);

// A tagger decodes every sentence with the same transitions: work out their allowed moves once.
const ALLOWED = new WeakMap<Float32Array, Int32Array[]>();

/** For each label, the labels before it whose transition is not forbidden (-Infinity), in order. */
function allowedPrevious(transitions: Float32Array, L: number): Int32Array[] {
  const known = ALLOWED.get(transitions);
  if (known !== undefined && known.length === L) return known;
  const allowed: Int32Array[] = [];
  for (let y = 0; y < L; y += 1) {
    const from: number[] = [];
    for (let p = 0; p < L; p += 1) if ((transitions[p * L + y] as number) !== -Infinity) from.push(p);
    allowed.push(Int32Array.from(from));
  }
  ALLOWED.set(transitions, allowed);
  return allowed;
}

/**
 * The moves BILOU allows (0) or forbids (-Infinity), as transitions and finals for
 * {@link viterbi}: after B or I of a type only I or L of the same type; elsewhere
 * (including the sentence start) only O, B or U; a sentence ends on O, L or U.
 */
export function bilouConstraints(labels: readonly string[]): { transitions: Float32Array; finals: Float32Array } {
  const L = labels.length;
  const transitions = new Float32Array((L + 1) * L);
  const finals = new Float32Array(L);
  const open = (label: string): boolean => label.startsWith('B-') || label.startsWith('I-');
  for (let p = 0; p <= L; p += 1) {
    const prev = p < L ? (labels[p] as string) : 'O';
    for (let y = 0; y < L; y += 1) {
      const next = labels[y] as string;
      const continues = next.startsWith('I-') || next.startsWith('L-');
      const allowed = open(prev) ? continues && prev.slice(2) === next.slice(2) : !continues;
      transitions[p * L + y] = allowed ? 0 : -Infinity;
    }
  }
  labels.forEach((label, y) => {
    finals[y] = open(label) ? -Infinity : 0;
  });
  return { transitions, finals };
}
