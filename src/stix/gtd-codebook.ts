/**
 * Category names of the Global Terrorism Database codebook (START, University of
 * Maryland), spelled exactly as the GTD's `attacktype1_txt`, `targtype1_txt` and
 * `weaptype1_txt` columns, in code order (code = index + 1). The entente-incident
 * extension codes incidents with these names so that they line up with GTD data.
 */

export const GTD_ATTACK_TYPES = [
  'Assassination',
  'Armed Assault',
  'Bombing/Explosion',
  'Hijacking',
  'Hostage Taking (Barricade Incident)',
  'Hostage Taking (Kidnapping)',
  'Facility/Infrastructure Attack',
  'Unarmed Assault',
  'Unknown',
] as const;

export const GTD_TARGET_TYPES = [
  'Business',
  'Government (General)',
  'Police',
  'Military',
  'Abortion Related',
  'Airports & Aircraft',
  'Government (Diplomatic)',
  'Educational Institution',
  'Food or Water Supply',
  'Journalists & Media',
  'Maritime',
  'NGO',
  'Other',
  'Private Citizens & Property',
  'Religious Figures/Institutions',
  'Telecommunication',
  'Terrorists/Non-State Militia',
  'Tourists',
  'Transportation',
  'Unknown',
  'Utilities',
  'Violent Political Party',
] as const;

export const GTD_WEAPON_TYPES = [
  'Biological',
  'Chemical',
  'Radiological',
  'Nuclear',
  'Firearms',
  'Explosives',
  'Fake Weapons',
  'Incendiary',
  'Melee',
  'Vehicle (not to include vehicle-borne explosives, i.e., car or truck bombs)',
  'Sabotage Equipment',
  'Other',
  'Unknown',
] as const;

export type GtdAttackType = (typeof GTD_ATTACK_TYPES)[number];
export type GtdTargetType = (typeof GTD_TARGET_TYPES)[number];
export type GtdWeaponType = (typeof GTD_WEAPON_TYPES)[number];

/** The GTD numeric code of a category name (1-based), or undefined when unknown. */
export function gtdCode(list: readonly string[], name: string): number | undefined {
  const index = list.indexOf(name);
  return index < 0 ? undefined : index + 1;
}

const ATTACK_SET: ReadonlySet<string> = new Set(GTD_ATTACK_TYPES);
const TARGET_SET: ReadonlySet<string> = new Set(GTD_TARGET_TYPES);
const WEAPON_SET: ReadonlySet<string> = new Set(GTD_WEAPON_TYPES);

export function isGtdAttackType(name: string): name is GtdAttackType {
  return ATTACK_SET.has(name);
}

export function isGtdTargetType(name: string): name is GtdTargetType {
  return TARGET_SET.has(name);
}

export function isGtdWeaponType(name: string): name is GtdWeaponType {
  return WEAPON_SET.has(name);
}
