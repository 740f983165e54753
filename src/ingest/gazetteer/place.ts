/** A place the gazetteer knows: what it is, where it is and how precisely. */
export type PlaceKind = 'country' | 'region' | 'city' | 'district' | 'site';

/** How precisely the coordinates locate the place (STIX `location` precision is derived from it). */
export type PlacePrecision = 'exact' | 'city' | 'region' | 'country';

export interface Place {
  kind: PlaceKind;
  /** Canonical English name. */
  name: string;
  /** ISO 3166-1 alpha-2. */
  countryCode: string;
  /** First-level administrative division, by name. */
  region?: string;
  /** ISO 3166-2 code of the first-level division where known (e.g. RU-CE). */
  regionCode?: string;
  latitude?: number;
  longitude?: number;
  precision: PlacePrecision;
  population?: number;
  geonameId?: number;
}

export interface LookupContext {
  /** ISO 3166-1 alpha-2 of the country the text is about; breaks ties between homonyms. */
  countryHint?: string;
}
