// Names compared as a bursar compares them: accents, case and order aside; a typo costs a little; a shared surname
// alone is weak.

import { describe, expect, it } from 'vitest';
import { editDistance, foldText, nameLikeness } from '../../../src/core/review/names';

describe('foldText', () => {
  it('drops accents and case, including letters NFD does not split', () => {
    expect(foldText('Søren NØRGAARD')).toBe('soren norgaard');
    expect(foldText('Łukasz Wiśniewski')).toBe('lukasz wisniewski');
    expect(foldText('José Álvarez-Núñez')).toBe('jose alvarez nunez');
    expect(foldText('Straße')).toBe('strasse');
    expect(foldText('山田 花子')).toBe('山田 花子');
  });
});

describe('nameLikeness', () => {
  it('is 1 for the same name with or without accents, in any order', () => {
    expect(nameLikeness('Jose Alvarez', 'José Álvarez').score).toBe(1);
    expect(nameLikeness('Alvarez, José', 'José Álvarez').score).toBe(1);
    expect(nameLikeness('山田 花子', '山田 花子').score).toBe(1);
  });

  it('forgives a typo per word of four to seven letters, not two', () => {
    expect(nameLikeness('Jsoe Alvarez', 'José Álvarez')).toMatchObject({ matched: 2, typos: 1, score: 0.9 });
    expect(nameLikeness('Ngozi Okafro', 'Ngozi Okafor').score).toBe(0.9);
    expect(nameLikeness('Karen Norgaard', 'Søren Nørgaard')).toMatchObject({ matched: 1, score: 0.5 });
  });

  it('gives half for a shared surname alone, as siblings have', () => {
    expect(nameLikeness('Mette Nørgaard', 'Søren Nørgaard').score).toBe(0.5);
    expect(nameLikeness('Nørgaard', 'Søren Nørgaard').score).toBe(0.5);
  });

  it('is 0 for different people, and for a blank name', () => {
    expect(nameLikeness('Ngozi Okafor', 'Zoë Ashford').score).toBe(0);
    expect(nameLikeness('', 'Zoë Ashford').score).toBe(0);
  });
});

describe('editDistance', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('jose', 'jsoe')).toBe(1);
    expect(editDistance('okafor', 'okafro')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
