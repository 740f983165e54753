import { describe, expect, it } from 'vitest';
import {
  GTD_ATTACK_TYPES,
  GTD_TARGET_TYPES,
  GTD_WEAPON_TYPES,
  gtdCode,
  isGtdAttackType,
  isGtdTargetType,
  isGtdWeaponType,
} from './gtd-codebook.js';

describe('GTD codebook categories', () => {
  it('have the codebook sizes and codes', () => {
    expect(GTD_ATTACK_TYPES).toHaveLength(9);
    expect(GTD_TARGET_TYPES).toHaveLength(22);
    expect(GTD_WEAPON_TYPES).toHaveLength(13);
    expect(gtdCode(GTD_ATTACK_TYPES, 'Bombing/Explosion')).toBe(3);
    expect(gtdCode(GTD_ATTACK_TYPES, 'Unknown')).toBe(9);
    expect(gtdCode(GTD_TARGET_TYPES, 'Military')).toBe(4);
    expect(gtdCode(GTD_TARGET_TYPES, 'Terrorists/Non-State Militia')).toBe(17);
    expect(gtdCode(GTD_TARGET_TYPES, 'Violent Political Party')).toBe(22);
    expect(gtdCode(GTD_WEAPON_TYPES, 'Firearms')).toBe(5);
    expect(gtdCode(GTD_WEAPON_TYPES, 'Explosives')).toBe(6);
    expect(gtdCode(GTD_WEAPON_TYPES, 'Unknown')).toBe(13);
    expect(gtdCode(GTD_WEAPON_TYPES, 'Guns')).toBeUndefined();
  });

  it('recognise exact spellings only', () => {
    expect(isGtdAttackType('Hostage Taking (Kidnapping)')).toBe(true);
    expect(isGtdAttackType('hostage taking (kidnapping)')).toBe(false);
    expect(isGtdTargetType('Private Citizens & Property')).toBe(true);
    expect(isGtdTargetType('Private Citizens and Property')).toBe(false);
    expect(isGtdWeaponType('Vehicle (not to include vehicle-borne explosives, i.e., car or truck bombs)')).toBe(true);
    expect(isGtdWeaponType('Vehicle')).toBe(false);
  });
});
