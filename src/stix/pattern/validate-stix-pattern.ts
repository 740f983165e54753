import { parsePattern, PatternSyntaxError } from './parse-pattern.js';
import { checkPattern, type PatternProblem } from './pattern-checks.js';

/**
 * Whether `pattern` is a valid STIX pattern (STIX 2.1 §9): in the language of
 * the STIXPattern grammar, and free of the errors the OASIS stix2-validator
 * reports beyond it (object type and property names, hash values, repeated
 * qualifiers, a comment before the first '['). `patternVersion` is the
 * indicator's pattern_version; with any other value than "2.1" the pattern must
 * also be valid STIX 2.0, as the OASIS validator then requires. Answers
 * undefined when it is valid, else the first problem with its offset (UTF-16
 * code units from 0). Never throws; linear in the pattern's length.
 */
export function validateStixPattern(pattern: string, patternVersion = '2.1'): PatternProblem | undefined {
  try {
    return checkPattern(pattern, parsePattern(pattern), patternVersion);
  } catch (error) {
    if (error instanceof PatternSyntaxError) return { position: error.position, message: error.message };
    throw error;
  }
}
