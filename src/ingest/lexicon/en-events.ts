import type { GtdAttackType, GtdTargetType, GtdWeaponType } from '../../stix/gtd-codebook.js';

/**
 * English lemma tables for incidents, mapped to Global Terrorism Database
 * codebook categories (START, GTD Codebook, 2021, §2 attack, weapon and target
 * types). Matched on lemmas from the tagger, so inflections come for free.
 */

export interface TriggerSense {
  readonly attack?: GtdAttackType;
  readonly weapon?: GtdWeaponType;
}

const BOMB: TriggerSense = { attack: 'Bombing/Explosion', weapon: 'Explosives' };
const SHOOT: TriggerSense = { attack: 'Armed Assault', weapon: 'Firearms' };
const MELEE: TriggerSense = { attack: 'Armed Assault', weapon: 'Melee' };
const BARRICADE: TriggerSense = { attack: 'Hostage Taking (Barricade Incident)' };
const KIDNAP: TriggerSense = { attack: 'Hostage Taking (Kidnapping)' };
export const VEHICLE: GtdWeaponType = 'Vehicle (not to include vehicle-borne explosives, i.e., car or truck bombs)';

/** Nouns that name an attack (by lemma). */
export const ATTACK_NOUNS: ReadonlyMap<string, TriggerSense> = new Map<string, TriggerSense>([
  ['attack', {}], ['assault', { attack: 'Armed Assault' }], ['bombing', BOMB], ['bomb', BOMB], ['blast', BOMB], ['explosion', BOMB],
  ['shooting', SHOOT], ['gunfire', SHOOT], ['massacre', {}], ['rampage', {}], ['siege', BARRICADE], ['hostage-taking', BARRICADE],
  ['kidnapping', KIDNAP], ['abduction', KIDNAP], ['hijacking', { attack: 'Hijacking' }], ['stabbing', MELEE],
  ['assassination', { attack: 'Assassination' }], ['ambush', { attack: 'Armed Assault' }], ['raid', {}], ['atrocity', {}],
  ['carnage', {}], ['bloodshed', {}], ['killing', {}], ['murder', {}], ['arson', { attack: 'Facility/Infrastructure Attack', weapon: 'Incendiary' }],
  ['suicide-bombing', BOMB], ['car-bomb', BOMB], ['detonation', BOMB],
]);

/** Verbs that report an attack (by lemma). */
export const ATTACK_VERBS: ReadonlyMap<string, TriggerSense> = new Map<string, TriggerSense>([
  ['attack', {}], ['bomb', BOMB], ['explode', BOMB], ['detonate', BOMB], ['shoot', SHOOT], ['stab', MELEE], ['storm', { attack: 'Armed Assault' }],
  ['kidnap', KIDNAP], ['abduct', KIDNAP], ['hijack', { attack: 'Hijacking' }], ['assassinate', { attack: 'Assassination' }],
  ['behead', MELEE], ['massacre', {}], ['ram', { attack: 'Unarmed Assault', weapon: VEHICLE }], ['plough', { attack: 'Unarmed Assault', weapon: VEHICLE }],
  ['plow', { attack: 'Unarmed Assault', weapon: VEHICLE }], ['mow', { attack: 'Unarmed Assault', weapon: VEHICLE }], ['ambush', { attack: 'Armed Assault' }],
]);

/** Words elsewhere in the clause that add weapon or attack detail. */
export const WEAPON_WORDS: ReadonlyMap<string, TriggerSense> = new Map<string, TriggerSense>([
  ['gun', SHOOT], ['rifle', SHOOT], ['kalashnikov', SHOOT], ['ak-47', SHOOT], ['gunman', SHOOT], ['gunmen', SHOOT], ['gunfire', SHOOT],
  ['pistol', SHOOT], ['firearm', SHOOT], ['machine-gun', SHOOT], ['bullet', SHOOT],
  ['explosive', BOMB], ['explosives', BOMB], ['grenade', BOMB], ['ied', BOMB], ['vest', BOMB], ['suicide-bomber', BOMB], ['bomber', BOMB], ['dynamite', BOMB],
  ['knife', MELEE], ['knives', MELEE], ['machete', MELEE], ['axe', MELEE], ['sword', MELEE],
  ['hostage', BARRICADE], ['hostages', BARRICADE],
  ['petrol', { weapon: 'Incendiary' }], ['molotov', { weapon: 'Incendiary' }], ['incendiary', { weapon: 'Incendiary' }],
  ['arson', { weapon: 'Incendiary' }], ['firebomb', { weapon: 'Incendiary' }], ['grenades', BOMB],
]);

/** Verbs of driving a vehicle into people (a ramming attack) and the vehicles and victims they take. */
export const RAMMING_VERBS: ReadonlySet<string> = new Set(['drive', 'plough', 'plow', 'ram', 'mow', 'crash', 'smash', 'speed', 'career', 'slam', 'plunge', 'steer']);
export const VEHICLE_NOUNS: ReadonlySet<string> = new Set(['car', 'van', 'suv', 'truck', 'lorry', 'vehicle', 'bus', 'jeep', '4x4', 'minivan', 'pickup', 'tractor']);
export const CROWD_NOUNS: ReadonlySet<string> = new Set(['pedestrian', 'pedestrians', 'people', 'crowd', 'crowds', 'worshippers', 'shoppers', 'passers-by', 'revellers', 'tourists', 'spectators', 'cyclists']);

/** Victim and site nouns (by lemma) → GTD target type. */
export const TARGET_WORDS: ReadonlyMap<string, GtdTargetType> = new Map<string, GtdTargetType>([
  ['soldier', 'Military'], ['serviceman', 'Military'], ['servicemen', 'Military'], ['troop', 'Military'], ['troops', 'Military'], ['base', 'Military'],
  ['army', 'Military'], ['military', 'Military'], ['guard', 'Military'], ['barracks', 'Military'], ['convoy', 'Military'],
  ['police', 'Police'], ['policeman', 'Police'], ['policemen', 'Police'], ['policewoman', 'Police'], ['officer', 'Police'], ['checkpoint', 'Police'], ['gendarme', 'Police'],
  ['tourist', 'Tourists'], ['holidaymaker', 'Tourists'], ['sunbather', 'Tourists'], ['visitor', 'Tourists'], ['foreigner', 'Tourists'],
  ['hotel', 'Business'], ['restaurant', 'Business'], ['café', 'Business'], ['cafe', 'Business'], ['bar', 'Business'], ['market', 'Business'], ['shop', 'Business'],
  ['mall', 'Business'], ['bakery', 'Business'], ['nightclub', 'Business'], ['club', 'Business'], ['supermarket', 'Business'], ['bank', 'Business'],
  ['mosque', 'Religious Figures/Institutions'], ['church', 'Religious Figures/Institutions'], ['synagogue', 'Religious Figures/Institutions'],
  ['temple', 'Religious Figures/Institutions'], ['worshipper', 'Religious Figures/Institutions'], ['congregation', 'Religious Figures/Institutions'],
  ['priest', 'Religious Figures/Institutions'], ['shrine', 'Religious Figures/Institutions'],
  ['school', 'Educational Institution'], ['university', 'Educational Institution'], ['student', 'Educational Institution'], ['pupil', 'Educational Institution'],
  ['airport', 'Airports & Aircraft'], ['flight', 'Airports & Aircraft'], ['plane', 'Airports & Aircraft'], ['airliner', 'Airports & Aircraft'], ['aircraft', 'Airports & Aircraft'],
  ['train', 'Transportation'], ['metro', 'Transportation'], ['subway', 'Transportation'], ['bus', 'Transportation'], ['station', 'Transportation'], ['trolleybus', 'Transportation'],
  ['parliament', 'Government (General)'], ['ministry', 'Government (General)'], ['official', 'Government (General)'], ['politician', 'Government (General)'],
  ['embassy', 'Government (Diplomatic)'], ['diplomat', 'Government (Diplomatic)'], ['consulate', 'Government (Diplomatic)'],
  ['journalist', 'Journalists & Media'], ['newspaper', 'Journalists & Media'], ['reporter', 'Journalists & Media'],
  ['civilian', 'Private Citizens & Property'], ['people', 'Private Citizens & Property'], ['pedestrian', 'Private Citizens & Property'],
  ['crowd', 'Private Citizens & Property'], ['passer-by', 'Private Citizens & Property'], ['concert', 'Private Citizens & Property'],
  ['stadium', 'Private Citizens & Property'], ['spectator', 'Private Citizens & Property'], ['resident', 'Private Citizens & Property'],
  ['family', 'Private Citizens & Property'], ['child', 'Private Citizens & Property'], ['shopper', 'Private Citizens & Property'],
]);

/** Nouns for attackers (by lower-cased word). */
export const PERPETRATOR_NOUNS: ReadonlySet<string> = new Set([
  'attacker', 'attackers', 'gunman', 'gunmen', 'militant', 'militants', 'terrorist', 'terrorists', 'assailant', 'assailants',
  'bomber', 'bombers', 'insurgent', 'insurgents', 'jihadist', 'jihadists', 'perpetrator', 'perpetrators', 'raider', 'raiders',
  'hostage-taker', 'hostage-takers', 'fighter', 'fighters', 'extremist', 'extremists', 'suspect', 'suspects', 'kidnapper', 'kidnappers',
  'he', 'himself', 'themselves', 'party',
]);

/** Casualty predicates (lemma or lower-cased word) → what they count. */
export const CASUALTY_WORDS: ReadonlyMap<string, 'killed' | 'wounded' | 'hostages'> = new Map([
  ['kill', 'killed'], ['killed', 'killed'], ['die', 'killed'], ['dead', 'killed'], ['death', 'killed'], ['deaths', 'killed'], ['fatality', 'killed'],
  ['fatalities', 'killed'], ['murder', 'killed'], ['slaughter', 'killed'], ['massacre', 'killed'], ['neutralise', 'killed'], ['neutralize', 'killed'],
  ['toll', 'killed'], ['life', 'killed'], ['lives', 'killed'], ['victim', 'killed'], ['body', 'killed'], ['bodies', 'killed'],
  ['wound', 'wounded'], ['wounded', 'wounded'], ['injure', 'wounded'], ['injured', 'wounded'], ['hurt', 'wounded'], ['injury', 'wounded'], ['injuries', 'wounded'],
  ['hostage', 'hostages'], ['hostages', 'hostages'], ['captive', 'hostages'], ['kidnap', 'hostages'], ['abduct', 'hostages'],
]);

/** Words that make a sentence about an earlier incident (trials, anniversaries, comparisons). */
export const BACKGROUND_CUES: ReadonlySet<string> = new Set([
  'anniversary', 'anniversaries', 'commemorate', 'commemoration', 'memorial', 'remember', 'sentence', 'sentenced', 'trial', 'convict',
  'convicted', 'verdict', 'tribunal', 'court', 'previous', 'previously', 'recall', 'mark', 'marked', 'commemorated', 'commemorating',
]);

/** Words that make an attack word hypothetical or generic rather than a report of one. */
export const IRREALIS_CUES: ReadonlySet<string> = new Set([
  'plan', 'planned', 'planning', 'plot', 'plotting', 'threat', 'threaten', 'prevent', 'preventing', 'foil', 'foiled', 'thwart', 'thwarted',
  'would', 'could', 'might', 'may', 'fear', 'risk', 'against', 'combat', 'fight', 'fighting', 'counter', 'counter-terrorism', 'future', 'possible',
  'potential', 'if', 'any', 'every', 'prevention', 'avert', 'averted', 'warn', 'warning',
]);

/** Number words, including vague quantities (those become ranges). */
export const NUMBER_WORDS: ReadonlyMap<string, { low: number; high: number | null; vague?: boolean }> = new Map([
  ['one', { low: 1, high: 1 }], ['two', { low: 2, high: 2 }], ['three', { low: 3, high: 3 }], ['four', { low: 4, high: 4 }], ['five', { low: 5, high: 5 }],
  ['six', { low: 6, high: 6 }], ['seven', { low: 7, high: 7 }], ['eight', { low: 8, high: 8 }], ['nine', { low: 9, high: 9 }], ['ten', { low: 10, high: 10 }],
  ['eleven', { low: 11, high: 11 }], ['twelve', { low: 12, high: 12 }], ['thirteen', { low: 13, high: 13 }], ['fourteen', { low: 14, high: 14 }],
  ['fifteen', { low: 15, high: 15 }], ['sixteen', { low: 16, high: 16 }], ['seventeen', { low: 17, high: 17 }], ['eighteen', { low: 18, high: 18 }],
  ['nineteen', { low: 19, high: 19 }], ['twenty', { low: 20, high: 20 }], ['thirty', { low: 30, high: 30 }], ['forty', { low: 40, high: 40 }],
  ['fifty', { low: 50, high: 50 }], ['sixty', { low: 60, high: 60 }], ['seventy', { low: 70, high: 70 }], ['eighty', { low: 80, high: 80 }],
  ['ninety', { low: 90, high: 90 }], ['hundred', { low: 100, high: 100 }], ['dozen', { low: 12, high: 12 }],
  ['dozens', { low: 24, high: 99, vague: true }], ['scores', { low: 40, high: 99, vague: true }], ['hundreds', { low: 200, high: 999, vague: true }],
  ['thousands', { low: 2000, high: 9999, vague: true }], ['several', { low: 3, high: 9, vague: true }], ['a few', { low: 2, high: 5, vague: true }],
]);

/** Words before a number that qualify it. */
export const QUANTITY_QUALIFIERS: readonly (readonly [string, 'at-least' | 'more-than' | 'at-most' | 'approximately'])[] = [
  ['at least', 'at-least'], ['no fewer than', 'at-least'], ['as many as', 'at-most'], ['up to', 'at-most'], ['at most', 'at-most'],
  ['more than', 'more-than'], ['over', 'more-than'], ['upwards of', 'more-than'], ['in excess of', 'more-than'],
  ['fewer than', 'at-most'], ['less than', 'at-most'], ['under', 'at-most'], ['nearly', 'approximately'], ['almost', 'approximately'],
  ['about', 'approximately'], ['around', 'approximately'], ['some', 'approximately'], ['roughly', 'approximately'],
  ['approximately', 'approximately'], ['an estimated', 'approximately'], ['estimated', 'approximately'], ['close to', 'approximately'],
];

/** Nouns for the place attacked, kept as the incident's site ("a National Guard base", "a beachside hotel"). */
export const SITE_NOUNS: ReadonlySet<string> = new Set([
  'base', 'barracks', 'checkpoint', 'post', 'outpost', 'camp', 'hotel', 'restaurant', 'café', 'cafe', 'bar', 'market', 'shop', 'mall',
  'bakery', 'nightclub', 'club', 'supermarket', 'bank', 'mosque', 'church', 'synagogue', 'temple', 'shrine', 'school', 'university',
  'college', 'airport', 'station', 'embassy', 'consulate', 'parliament', 'ministry', 'stadium', 'museum', 'hall', 'theatre', 'theater',
  'complex', 'hospital', 'office', 'headquarters', 'compound', 'beach', 'bridge', 'square', 'promenade', 'festival', 'concert',
  'flight', 'plane', 'train', 'bus', 'convoy', 'prison', 'court', 'courthouse',
]);
