/** The REST contract (notes REST.md, /rest/v1) as the console reads it. */

export type Marking = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red' | 'none' | 'unknown';
export type PublishMarking = Exclude<Marking, 'none' | 'unknown'>;
export const PUBLISH_MARKINGS: readonly PublishMarking[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

export interface SessionUser {
  id: string;
  username: string;
  role: string;
  org: { id: string; name: string };
}
export interface Session {
  user: SessionUser;
  csrfToken: string;
}

export interface Page<T> {
  items: T[];
  next?: string;
}

export interface IncidentDate {
  value: string;
  precision: 'day' | 'month' | 'year';
  approximate: boolean;
}
export interface Place {
  name?: string;
  country?: string;
  countryName?: string;
  region?: string;
  city?: string;
  lat?: number;
  lon?: number;
}

export interface IncidentSummary {
  id: string;
  name: string;
  date: IncidentDate;
  place: Place;
  attackTypes: string[];
  targetTypes: string[];
  killed?: number;
  wounded?: number;
  perpetrators: { id: string; name: string; claimed: boolean }[];
  marking: Marking;
  sources: { name: string }[];
  reports: number;
  canonical: boolean;
  collection: string;
  partner?: string;
}

export interface MapPoint {
  id: string;
  lat: number;
  lon: number;
  killed?: number;
  wounded?: number;
  attackType?: string;
  name: string;
  date?: string;
}
export interface MapCluster {
  lat: number;
  lon: number;
  count: number;
  killed?: number;
}
export interface MapAnswer {
  points: MapPoint[];
  clusters: MapCluster[];
}

export interface TimelineBucket {
  start: string;
  incidents: number;
  reports: number;
  killed: number;
}

export interface Evidence {
  reportId: string;
  start: number;
  end: number;
  text: string;
}
/** What an analyst corrected before publishing (REST `GET /incidents/{id}`, from the correction notes the viewer may read). */
export interface Correction {
  by: string;
  at: string;
  extracted: unknown;
  noteId: string;
}
export interface FieldCorrection extends Correction {
  field: string;
}
export interface FieldValue {
  value: unknown;
  source: { id?: string; name: string; reliability?: string };
  report: { id: string; title?: string; published?: string };
  credibility?: number;
  confidence?: number;
  evidence?: Evidence;
  /** Set when this report's value is the analyst's, not the source's. */
  corrected?: Correction;
}
export interface IncidentField {
  field: string;
  chosen: { value: unknown; rule?: string };
  conflict: boolean;
  values: FieldValue[];
}
export interface ReportRef {
  id: string;
  title?: string;
  outlet?: string;
  url?: string;
  published?: string;
}
export interface IncidentDetail extends Omit<IncidentSummary, 'reports'> {
  description?: string;
  fields: IncidentField[];
  claims: { group: { id: string; name: string }; channel?: string; reportedBy?: string; evidence?: Evidence }[];
  quotes: { speaker: { id?: string; name: string; role?: string }; text: string; reportId: string; start: number; end: number }[];
  reports: ReportRef[];
  related: { id: string; name: string; relation: string }[];
  sharingGroup?: { id: string; name: string };
  reachedPartners: string[];
  stix?: { id: string; version: string };
  corrections: FieldCorrection[];
}

export type AnnotationKind = 'incident' | 'entity' | 'quote' | 'source' | 'date' | 'casualty' | 'place';
export interface Annotation {
  kind: AnnotationKind;
  start: number;
  end: number;
  label: string;
  objectId?: string;
}
export interface Report extends ReportRef {
  language?: string;
  text: string;
  annotations: Annotation[];
}

/** The report an alias came from: title, outlet and partner only when the viewer may read that report. */
export interface AliasSource {
  report?: string;
  name?: string;
  outlet?: string;
  partner?: string;
  incident?: string;
}

export interface Actor {
  id: string;
  type: string;
  name: string;
  aliases: { alias: string; source?: string | AliasSource }[];
  roles: string[];
  incidents: { id: string; name: string; date: string | IncidentDate; claimed: boolean }[];
  graph: { nodes: { id: string; label: string; type: string }[]; edges: { source: string; target: string; label?: string }[] };
}

export interface SearchHit {
  kind: 'incident' | 'actor' | 'report';
  id: string;
  label: string;
  snippet?: string;
}

export interface PreviewIncident {
  id: string;
  name?: string;
  date?: IncidentDate | string;
  place?: Place;
  killed?: number;
  wounded?: number;
  attackTypes?: string[];
  targetTypes?: string[];
  perpetrators?: { id: string; name: string; claimed: boolean }[];
  sources?: { name: string }[];
}
/** The only values the preview's coded fields may take, as the server offers them. */
export interface PreviewChoices {
  attackTypes: string[];
  targetTypes: string[];
  weaponTypes: string[];
  datePrecisions: string[];
  entityTypes: string[];
}
export interface PreviewAnswer {
  report: Report;
  bundle: { type: 'bundle'; id: string; objects: unknown[] };
  incidents: PreviewIncident[];
  choices: PreviewChoices;
}
export interface PublishAnswer {
  published: number;
  rejected: { id: string; reason: string }[];
  incidentIds: string[];
}

export interface Collection {
  id: string;
  title: string;
  description?: string;
  alias?: string;
  canRead: boolean;
  canWrite: boolean;
}
export interface SharingGroup {
  id: string;
  name: string;
  owner?: string | { id: string; name: string };
  members?: { org: string | { id: string; name: string }; canExtend?: boolean }[];
}
export interface Org {
  id: string;
  name: string;
  defaultMarking?: string;
}
export interface User {
  id: string;
  username: string;
  role: string;
  org: string | { id: string; name: string };
  disabled?: boolean;
}
export interface Token {
  id: string;
  scope: string;
  label?: string;
  expiresAt?: string;
  createdAt?: string;
  revoked?: boolean;
}
export interface Partner {
  id?: string;
  name: string;
  url: string;
  orgs?: { id: string; name: string }[];
  every?: number;
  pull?: { remote: string; local: string }[];
  push?: { local: string; remote: string }[];
  health: {
    state: 'never-run' | 'ok' | 'failing' | 'unhealthy' | string;
    lastRunAt?: string;
    lastSuccessAt?: string;
    consecutiveFailures?: number;
    lastError?: string;
    unhealthyUntil?: string;
    /** The partner's date_added the pull rules have reached. */
    lastPulled?: string;
    /** The local date_added the push rules have sent up to. */
    lastPushed?: string;
  };
}
export interface Source {
  id: string;
  name: string;
  kind: string;
  reliability: string;
}
export interface AuditEntry {
  seq: number;
  at: string;
  actor: { user?: string | null; org?: string | null; username?: string; orgName?: string };
  action: string;
  object?: string;
  address?: string;
  path?: string;
  details?: unknown;
}

export interface WatchMatch {
  groups?: string[];
  persons?: string[];
  countries?: string[];
  regions?: string[];
  attackTypes?: string[];
  area?: { type: 'Polygon'; coordinates: number[][][] };
}
export interface Watchlist {
  id: string;
  name: string;
  match: WatchMatch;
  createdAt?: string;
  webhook?: { url: string; deliveries?: { pending: number; delivered: number; failed: number }; lastDeliveredAt?: string; lastError?: string };
}
export interface Alert {
  id: string;
  watchlistId: string;
  watchlistName: string;
  objectId: string;
  incidentId?: string;
  title: string;
  at: string;
  collection: string;
  partner?: string;
}
