import bm25Vectorizer from "wink-nlp/utilities/bm25-vectorizer.js";
import { englishNlp } from "./question-terms.js";

/**
 * Pure: groups tickets that ask the same question. Each ticket's terms (`question-terms.ts`) are
 * weighted with wink-nlp's BM25 vectorizer (TF-IDF family: a term every ticket uses weighs nothing),
 * cut to its strongest terms, and each ticket joins the group whose centroid is nearest, when the
 * cosine reaches the threshold, or starts a group of its own (centroid, not single-link, clustering:
 * single link chains "export fails" to "export slow" to "login slow" until a desk whose questions
 * share words is one group). Comparing every ticket with every group would be quadratic, so
 * candidates come from an inverted index from each group's telling terms to the group, each posting
 * list read only over its latest `candidateWindow` entries.
 */

export interface QuestionDocument {
  id: string;
  terms: string[];
}

export interface GroupingOptions {
  /** Cosine of two tickets' weighted term vectors from which they ask the same question. */
  threshold: number;
  /** The strongest terms kept per ticket: the rest are noise for similarity and cost time. */
  termsPerTicket: number;
  /** The strongest terms a ticket is indexed under and looks candidates up by. */
  indexedTermsPerTicket: number;
  candidateWindow: number;
  minGroupSize: number;
}

export const defaultGroupingOptions: GroupingOptions = {
  threshold: 0.4,
  termsPerTicket: 12,
  indexedTermsPerTicket: 5,
  candidateWindow: 120,
  minGroupSize: 3,
};

export interface QuestionGroup {
  /** Ticket ids, the most typical first (nearest the group's centroid). */
  memberIds: string[];
  /** The terms carrying most weight over the group, strongest first. */
  topTerms: string[];
}

/** A sparse unit vector: term numbers ascending, with their weights, and the terms strongest first. */
interface TermVector {
  terms: Int32Array;
  weights: Float64Array;
  strongestFirst: number[];
}

/**
 * A group as it grows: the sum of its members' unit vectors (its centroid, unnormalised) and that
 * sum's squared length, kept in step so a cosine against it costs one pass over the ticket's terms.
 */
class GrowingGroup {
  readonly sum = new Map<number, number>();
  squaredLength = 0;
  readonly indexedTerms = new Set<number>();
  readonly members: number[] = [];

  cosineWith(vector: TermVector): number {
    let dot = 0;
    vector.terms.forEach((term, k) => {
      dot += (vector.weights[k] as number) * (this.sum.get(term) ?? 0);
    });
    return dot / Math.sqrt(this.squaredLength);
  }

  cosineWithGroup(other: GrowingGroup): number {
    let dot = 0;
    for (const [term, weight] of this.sum) dot += weight * (other.sum.get(term) ?? 0);
    return dot / Math.sqrt(this.squaredLength * other.squaredLength);
  }

  absorb(other: GrowingGroup): void {
    for (const [term, weight] of other.sum) {
      const before = this.sum.get(term) ?? 0;
      this.sum.set(term, before + weight);
    }
    let squared = 0;
    for (const weight of this.sum.values()) squared += weight * weight;
    this.squaredLength = squared;
    this.members.push(...other.members);
    other.members.length = 0;
  }

  add(index: number, vector: TermVector): void {
    vector.terms.forEach((term, k) => {
      const weight = vector.weights[k] as number;
      const before = this.sum.get(term) ?? 0;
      this.squaredLength += 2 * before * weight + weight * weight;
      this.sum.set(term, before + weight);
    });
    this.members.push(index);
  }
}

/** Each ticket's strongest BM25-weighted terms as a unit vector, terms numbered in a shared dictionary. */
function weightedVectors(documents: QuestionDocument[], termsPerTicket: number) {
  const vectorizer = bm25Vectorizer({ k: 1, k1: 1.2, b: 0.75, norm: "l2" });
  const { its } = englishNlp();
  // A term only one ticket uses cannot make two tickets alike: dropped before the strongest are kept,
  // or rare words (names, order numbers, typos) would push out the words a question shares.
  const ticketsUsing = new Map<string, number>();
  for (const document of documents) {
    vectorizer.learn(document.terms);
    for (const term of new Set(document.terms)) ticketsUsing.set(term, (ticketsUsing.get(term) ?? 0) + 1);
  }
  const dictionary = new Map<string, number>();
  const words: string[] = [];
  const vectors: TermVector[] = documents.map((document, index) => {
    const bow = document.terms.length === 0 ? {} : vectorizer.doc(index).out(its.bow);
    const strongest = Object.entries(bow)
      .filter(([term, weight]) => weight > 0 && (ticketsUsing.get(term) ?? 0) > 1)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, termsPerTicket);
    const norm = Math.hypot(...strongest.map(([, weight]) => weight)) || 1;
    const numbered = strongest.map(([word, weight]) => {
      let number = dictionary.get(word);
      if (number === undefined) {
        number = words.length;
        dictionary.set(word, number);
        words.push(word);
      }
      return [number, weight / norm] as const;
    });
    const byNumber = [...numbered].sort((a, b) => a[0] - b[0]);
    return {
      terms: Int32Array.from(byNumber, ([number]) => number),
      weights: Float64Array.from(byNumber, ([, weight]) => weight),
      strongestFirst: numbered.map(([number]) => number),
    };
  });
  return { vectors, words };
}

/**
 * The first pass decides each ticket on the groups seen so far, so one question asked two ways
 * early on starts two groups that each grow. Groups whose centroids are as close as a ticket must
 * be to join are merged, largest first, reading candidates from the same term index.
 */
function mergeNearGroups(growing: GrowingGroup[], postings: Map<number, number[]>, options: GroupingOptions) {
  const order = growing
    .map((_, number) => number)
    .sort(
      (a, b) => (growing[b] as GrowingGroup).members.length - (growing[a] as GrowingGroup).members.length,
    );
  for (const number of order) {
    const group = growing[number] as GrowingGroup;
    if (group.members.length < 2) continue;
    for (const term of group.indexedTerms) {
      for (const candidate of postings.get(term) ?? []) {
        const other = growing[candidate] as GrowingGroup;
        if (candidate === number || other.members.length === 0) continue;
        if (other.members.length > group.members.length) continue;
        if (group.cosineWithGroup(other) >= options.threshold) group.absorb(other);
      }
    }
  }
}

export function groupQuestions(
  documents: QuestionDocument[],
  options: GroupingOptions = defaultGroupingOptions,
): QuestionGroup[] {
  if (documents.length === 0) return [];
  const { vectors, words } = weightedVectors(documents, options.termsPerTicket);
  const growing: GrowingGroup[] = [];
  const postings = new Map<number, number[]>();
  for (let index = 0; index < vectors.length; index += 1) {
    const vector = vectors[index] as TermVector;
    if (vector.terms.length === 0) continue;
    const indexed = vector.strongestFirst.slice(0, options.indexedTermsPerTicket);
    let best: GrowingGroup | undefined;
    let bestCosine = options.threshold;
    const seen = new Set<number>();
    for (const term of indexed) {
      const posting = postings.get(term) ?? [];
      for (let k = Math.max(0, posting.length - options.candidateWindow); k < posting.length; k += 1) {
        const candidate = posting[k] as number;
        if (seen.has(candidate)) continue;
        seen.add(candidate);
        const group = growing[candidate] as GrowingGroup;
        const similarity = group.cosineWith(vector);
        if (similarity >= bestCosine) {
          best = group;
          bestCosine = similarity;
        }
      }
    }
    let groupNumber: number;
    if (best) groupNumber = growing.indexOf(best);
    else {
      groupNumber = growing.length;
      best = new GrowingGroup();
      growing.push(best);
    }
    best.add(index, vector);
    for (const term of indexed) {
      if (best.indexedTerms.has(term)) continue;
      best.indexedTerms.add(term);
      const posting = postings.get(term) ?? [];
      posting.push(groupNumber);
      postings.set(term, posting);
    }
  }

  mergeNearGroups(growing, postings, options);
  const members = new Map<number, number[]>(growing.map((group, number) => [number, group.members]));
  const groups: QuestionGroup[] = [];
  for (const indexes of members.values()) {
    if (indexes.length < options.minGroupSize) continue;
    const centroid = new Map<number, number>();
    for (const index of indexes) {
      const vector = vectors[index] as TermVector;
      vector.terms.forEach((term, k) => {
        centroid.set(term, (centroid.get(term) ?? 0) + (vector.weights[k] as number));
      });
    }
    const typicality = (index: number) => {
      const vector = vectors[index] as TermVector;
      let sum = 0;
      vector.terms.forEach((term, k) => {
        sum += (vector.weights[k] as number) * (centroid.get(term) ?? 0);
      });
      return sum;
    };
    const scored = indexes.map((index) => ({ index, score: typicality(index) }));
    scored.sort((a, b) => b.score - a.score || a.index - b.index);
    groups.push({
      memberIds: scored.map(({ index }) => (documents[index] as QuestionDocument).id),
      topTerms: [...centroid]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 5)
        .map(([term]) => words[term] as string),
    });
  }
  return groups.sort(
    (a, b) =>
      b.memberIds.length - a.memberIds.length ||
      (a.memberIds[0] as string).localeCompare(b.memberIds[0] as string),
  );
}
