// How much two people's names are alike, as a bursar would judge it: accents and case do not matter (Stripe's
// "Jose Alvarez" is the ledger's "José Álvarez"), a typo costs a little ("Jsoe"), word order not at all, and a
// shared surname alone is a weak sign (siblings share it). Names in scripts without spaces (山田 花子) compare
// word by word like any other.

/** Letters that NFD does not split into a base letter and an accent. */
const LETTERS: Readonly<Record<string, string>> = {
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ı: 'i',
};

/** Lower case, accents removed, punctuation to spaces, spaces collapsed. */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[øłđðþßæœı]/g, (letter) => LETTERS[letter] ?? letter)
    .replace(/[^\p{L}\p{N}@.]+/gu, ' ')
    .trim();
}

/** The words of a name, folded; initials and one-letter words are kept (they still tell people apart). */
export function nameWords(text: string): string[] {
  return foldText(text)
    .split(' ')
    .map((word) => word.replace(/\./g, ''))
    .filter(Boolean);
}

export interface NameLikeness {
  /** 0 (nothing alike) to 1 (the same words). */
  score: number;
  /** Words of the shorter name found in the other, exactly or with a typo. */
  matched: number;
  /** Of those, matched only with a typo. */
  typos: number;
  /** The words compared (the shorter name's count). */
  of: number;
}

/**
 * Each word of the shorter name is paired with its most alike word of the other; a pair counts when the words are
 * equal, or a typo apart (an edit, or a swap of neighbours). The score is the share of the longer name explained,
 * so "Nørgaard" alone against "Søren Nørgaard" is 0.5.
 */
export function nameLikeness(a: string, b: string): NameLikeness {
  const left = nameWords(a);
  const right = nameWords(b);
  if (left.length === 0 || right.length === 0) return { score: 0, matched: 0, typos: 0, of: 0 };
  const [short, long] = left.length <= right.length ? [left, right] : [right, left];
  const free = [...long];
  let weight = 0;
  let matched = 0;
  let typos = 0;
  for (const word of short) {
    let best = -1;
    let bestWeight = 0;
    free.forEach((other, i) => {
      const w = wordLikeness(word, other);
      if (w > bestWeight) {
        best = i;
        bestWeight = w;
      }
    });
    if (best < 0) continue;
    free.splice(best, 1);
    weight += bestWeight;
    matched += 1;
    if (bestWeight < 1) typos += 1;
  }
  return { score: weight / long.length, matched, typos, of: short.length };
}

/** 1 for the same word, 0.8 for an initial of it or a word a typo away (one in 4–7 letters, two from 8), else 0. */
function wordLikeness(a: string, b: string): number {
  if (a === b) return 1;
  if ((a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b))) return 0.8;
  const shorter = Math.min(a.length, b.length);
  const allowed = shorter < 4 ? 0 : shorter < 8 ? 1 : 2;
  if (allowed === 0 || Math.abs(a.length - b.length) > allowed) return 0;
  return editDistance(a, b, allowed) <= allowed ? 0.8 : 0;
}

/** Damerau–Levenshtein (optimal string alignment), giving up past `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const x = [...a];
  const y = [...b];
  let before: number[] = [];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    let smallest = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        value = Math.min(value, (before[j - 2] ?? 0) + 1);
      current.push(value);
      smallest = Math.min(smallest, value);
    }
    if (smallest > limit) return smallest;
    before = previous;
    previous = current;
  }
  return previous[y.length] ?? 0;
}
