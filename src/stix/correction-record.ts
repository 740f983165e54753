import {
  CORRECTION_EXTENSION_ID,
  INCIDENT_CORRECTION_FIELDS,
  type CorrectedValue,
  type CorrectionExtension,
  type IncidentCorrection,
  type IncidentCorrectionField,
} from './extensions.js';
import type { StixObject } from './stix-object.js';

/**
 * The analyst's corrections of incident fields as structured data on the
 * correction note (`entente-correction`): the one writer (ingest corrections)
 * and the one reader (the incident page) share these field names, so the
 * note's human-readable `content` can be worded freely.
 */

/** The `extensions` entry recording `corrections`, or undefined when there are none (the list is never empty). */
export function correctionRecord(corrections: readonly IncidentCorrection[]): Record<typeof CORRECTION_EXTENSION_ID, CorrectionExtension> | undefined {
  if (corrections.length === 0) return undefined;
  return { [CORRECTION_EXTENSION_ID]: { extension_type: 'property-extension', incident_corrections: [...corrections] } };
}

/**
 * One recorded correction: the value absent when there was none (a figure the
 * extraction did not give, or one the analyst removed), since the extension
 * admits no null or empty list.
 */
export function incidentCorrection(incidentId: string, field: IncidentCorrectionField, extracted: unknown, corrected: unknown): IncidentCorrection {
  const extractedValue = asCorrectedValue(extracted);
  const correctedValue = asCorrectedValue(corrected);
  return {
    incident_ref: incidentId,
    field,
    ...(extractedValue !== undefined ? { extracted_value: extractedValue } : {}),
    ...(correctedValue !== undefined ? { corrected_value: correctedValue } : {}),
  };
}

/**
 * The corrections of `incidentId` that `note` records, in the order made.
 * Entries that do not have the extension's shape (a partner's note the store
 * kept as received) are skipped rather than trusted.
 */
export function recordedCorrectionsOf(note: StixObject, incidentId: string): IncidentCorrection[] {
  const extensions = note.extensions;
  if (note.type !== 'note' || typeof extensions !== 'object' || extensions === null) return [];
  const payload = (extensions as Record<string, unknown>)[CORRECTION_EXTENSION_ID];
  const entries = typeof payload === 'object' && payload !== null ? (payload as { incident_corrections?: unknown }).incident_corrections : undefined;
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { incident_ref: ref, field, extracted_value: extracted, corrected_value: corrected } = entry as Record<string, unknown>;
    if (ref !== incidentId || !(INCIDENT_CORRECTION_FIELDS as readonly unknown[]).includes(field)) return [];
    return [incidentCorrection(ref, field as IncidentCorrectionField, extracted, corrected)];
  });
}

function asCorrectedValue(value: unknown): CorrectedValue | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    const texts = value.filter((item): item is string => typeof item === 'string');
    return texts.length > 0 ? texts : undefined;
  }
  return undefined;
}
