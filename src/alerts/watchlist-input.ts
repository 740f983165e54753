import { z } from 'zod';
import { GTD_ATTACK_TYPES } from '../stix/gtd-codebook.js';
import { deterministicId, isIdOfType, normaliseName } from '../stix/identifier.js';
import { ringProblem, type Polygon } from './geo.js';

/**
 * What a user may follow (REST.md "Alerts"), validated once with zod so that
 * bad input answers 400 naming the field, and resolved into WatchTerms for
 * the matcher. Limits (README "Alerts"): each list at most MAX_TERMS entries
 * of at most MAX_TERM_LENGTH characters; an area at most MAX_AREA_POSITIONS
 * positions.
 */
export const MAX_TERMS = 100;
export const MAX_TERM_LENGTH = 200;
export const MAX_AREA_POSITIONS = 1000;
export const MAX_WEBHOOK_URL_LENGTH = 2000;
export const MIN_WEBHOOK_SECRET_LENGTH = 16;
export const MAX_WEBHOOK_SECRET_LENGTH = 256;

const term = z.string().trim().min(1, 'must not be empty').max(MAX_TERM_LENGTH, `must have at most ${MAX_TERM_LENGTH} characters`);
const terms = z.array(term).min(1, 'give at least one value or leave the field out').max(MAX_TERMS, `at most ${MAX_TERMS} values`);

const longitude = z.number().min(-180).max(180);
const latitude = z.number().min(-90).max(90);
const position = z.tuple([longitude, latitude]).rest(z.number());
const ring = z
  .array(position)
  .superRefine((positions, ctx) => {
    const problem = ringProblem(positions.map((p) => [p[0], p[1]] as const));
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
const area = z
  .object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1, 'a polygon needs its outline ring') })
  .strict()
  .refine((polygon) => polygon.coordinates.reduce((n, r) => n + r.length, 0) <= MAX_AREA_POSITIONS, {
    message: `an area may have at most ${MAX_AREA_POSITIONS} positions`,
  });

const ATTACK_TYPE_BY_KEY = new Map(GTD_ATTACK_TYPES.map((name) => [name.toLowerCase(), name]));

export const watchlistInputSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(MAX_TERM_LENGTH, `must have at most ${MAX_TERM_LENGTH} characters`),
    match: z
      .object({
        groups: terms.optional(),
        persons: terms.optional(),
        countries: z
          .array(z.string().regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as RU'))
          .min(1, 'give at least one value or leave the field out')
          .max(MAX_TERMS)
          .optional(),
        regions: terms.optional(),
        area: area.optional(),
        attackTypes: z
          .array(
            z.string().refine((value) => ATTACK_TYPE_BY_KEY.has(value.trim().toLowerCase()), {
              message: `must be a GTD attack type: ${GTD_ATTACK_TYPES.join(', ')}`,
            }),
          )
          .min(1, 'give at least one value or leave the field out')
          .max(MAX_TERMS)
          .optional(),
      })
      .strict()
      .refine((match) => Object.values(match).some((value) => value !== undefined), {
        message: 'follow at least one of groups, persons, countries, regions, area or attackTypes',
      }),
    webhook: z
      .object({
        url: z
          .string()
          .max(MAX_WEBHOOK_URL_LENGTH)
          .refine(isWebhookUrl, 'must be an http:// or https:// URL without user name or password'),
        secret: z
          .string()
          .min(MIN_WEBHOOK_SECRET_LENGTH, `must have at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`)
          .max(MAX_WEBHOOK_SECRET_LENGTH, `must have at most ${MAX_WEBHOOK_SECRET_LENGTH} characters`),
      })
      .strict()
      .optional(),
  })
  .strict();

export type WatchlistInput = z.infer<typeof watchlistInputSchema>;
export type WatchMatch = WatchlistInput['match'];

function isWebhookUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
}

/** A followed group or person: the ids that denote it and the normalised names it goes by. */
export interface NamedTerm {
  readonly ids: readonly string[];
  readonly names: readonly string[];
  /** How the user wrote it, for the alert's reasons. */
  readonly label: string;
}

/** A watchlist resolved for the matcher. Dimensions given must all match; any value within one does. */
export interface WatchTerms {
  readonly groups?: readonly NamedTerm[];
  readonly persons?: readonly NamedTerm[];
  readonly places?: {
    readonly countries: readonly string[];
    /** Normalised with placeKey. */
    readonly regions: readonly string[];
    readonly area?: Polygon;
  };
  readonly attackTypes?: readonly string[];
}

/**
 * What a group name denotes, from a table of groups and their aliases (the
 * ingest group table, injected by the HTTP layer: alerts may not import
 * ingest). Undefined when the name is not a known group.
 */
export type GroupResolver = (name: string) => { readonly canonical: string; readonly aliases: readonly string[] } | undefined;

const GROUP_ID_TYPES = ['intrusion-set', 'threat-actor'];

/** Resolves a validated match into terms: names to the deterministic ids and aliases they go by. */
export function resolveTerms(match: WatchMatch, resolveGroup: GroupResolver | undefined): WatchTerms {
  const places =
    match.countries !== undefined || match.regions !== undefined || match.area !== undefined
      ? {
          countries: (match.countries ?? []).map((code) => code.toUpperCase()),
          regions: (match.regions ?? []).map(placeKey),
          ...(match.area !== undefined ? { area: toPolygon(match.area) } : {}),
        }
      : undefined;
  return {
    ...(match.groups !== undefined ? { groups: match.groups.map((value) => groupTerm(value, resolveGroup)) } : {}),
    ...(match.persons !== undefined ? { persons: match.persons.map(personTerm) } : {}),
    ...(places !== undefined ? { places } : {}),
    ...(match.attackTypes !== undefined
      ? { attackTypes: match.attackTypes.map((value) => ATTACK_TYPE_BY_KEY.get(value.trim().toLowerCase()) ?? value) }
      : {}),
  };
}

function groupTerm(value: string, resolveGroup: GroupResolver | undefined): NamedTerm {
  if (isIdOfType(value, GROUP_ID_TYPES)) return { ids: [value], names: [], label: value };
  const known = resolveGroup?.(value);
  const canonical = known?.canonical ?? value;
  const names = new Set([canonical, ...(known?.aliases ?? []), value].map(normaliseName));
  return { ids: [deterministicId('intrusion-set', { name: canonical })], names: [...names], label: canonical };
}

function personTerm(value: string): NamedTerm {
  if (isIdOfType(value, ['identity'])) return { ids: [value], names: [], label: value };
  return {
    ids: [deterministicId('identity', { name: value, identity_class: 'individual' })],
    names: [normaliseName(value)],
    label: value,
  };
}

function toPolygon(input: NonNullable<WatchMatch['area']>): Polygon {
  return { type: 'Polygon', coordinates: input.coordinates.map((r) => r.map((p) => [p[0], p[1]] as const)) };
}

/** Region and area names compared without case, hyphens or underscores ("eastern-europe" = "Eastern Europe"). */
export function placeKey(value: string): string {
  return normaliseName(value.replace(/[-_]+/gu, ' '));
}
