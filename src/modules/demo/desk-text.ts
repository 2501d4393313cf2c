import { type Random, zipfSampler } from "./random.js";

/**
 * Ticket prose for the seed. Words follow Zipf's law over ~2,000 made-up words, so a search can pick
 * a word found in half the tickets or in a handful. Made-up words end in a vowel and one of a few
 * consonants that no English stemmer strips, so SQLite's porter and PostgreSQL's english configuration
 * index each word as itself and the frequencies counted here are the ones the index sees.
 */
const onsets = "b d f g k l m n p r s t v z br dr kl pr st tr".split(" ");
const vowels = ["a", "e", "i", "o", "u"];
const finalVowels = ["a", "i", "o", "u"];
const finalConsonants = ["b", "d", "g", "k", "m", "p", "v", "z"];

// Real product words give subjects a help desk's texture; they sit mid-frequency in the index.
const productTerms = (
  "invoice webhook sso saml login password timeout latency database backup restore dashboard " +
  "export import api token outage billing upgrade migration certificate dns domain email " +
  "notification integration slack permission audit report cluster replica storage quota region " +
  "deploy rollback kubernetes postgres redis cache cdn firewall vpn mfa sandbox staging production " +
  "crash refund subscription seat license onboarding provisioning availability"
).split(" ");

const vocabularySize = 2000;
// Order and host references ("ref40172") are what people paste when they look for one ticket.
const referenceCount = 50_000;
const productTermShare = 0.06;

export interface DeskText {
  subject(): string;
  body(): string;
}

function madeUpWords(random: Random, count: number): string[] {
  const words = new Set<string>();
  while (words.size < count) {
    let word = "";
    for (let syllable = random.int(1, 2); syllable > 0; syllable -= 1) {
      word += random.pick(onsets) + random.pick(vowels);
    }
    word += random.pick(onsets) + random.pick(finalVowels) + random.pick(finalConsonants);
    words.add(word);
  }
  return [...words];
}

export function deskText(random: Random): DeskText {
  const vocabulary = madeUpWords(random, vocabularySize);
  const commonWord = zipfSampler(random, vocabulary, 1.1);
  const word = () => (random.chance(productTermShare) ? random.pick(productTerms) : commonWord());
  const words = (min: number, max: number) => Array.from({ length: random.int(min, max) }, word);
  const reference = () => `ref${random.int(10_000, 10_000 + referenceCount - 1)}`;
  return {
    subject: () => {
      const [first = "", ...rest] = words(4, 9);
      return [first.charAt(0).toUpperCase() + first.slice(1), ...rest].join(" ");
    },
    body: () => {
      const sentences = Array.from({ length: random.int(2, 6) }, () => `${words(5, 14).join(" ")}.`);
      if (random.chance(0.3)) sentences.push(`See ${reference()}.`);
      return sentences.join(" ");
    },
  };
}
