import { createRequire } from "node:module";
import type winkNLP from "wink-nlp";
import type { ItsFunction, Model, WinkMethods } from "wink-nlp";

/**
 * The words a ticket is about, by wink-nlp's English model: its tokenizer, stop words and lemmas
 * ("charged" and "charges" → "charge"), so paraphrases of one question share terms. Only the
 * part-of-speech step runs (lemmas need it); sentence and entity detection would double the cost
 * for nothing here, and 50k tickets must be read within the job's minute.
 */

const requirePackage = createRequire(import.meta.url);
let english: WinkMethods | undefined;

/**
 * wink-nlp and its English model (about 16 MB in memory) are loaded when the frequent-question job
 * first reads a ticket, in its own thread, not by every process that imports this module for
 * `questionTextLimit`. Its `its` helpers also read the BM25 vectorizer's outputs.
 */
export function englishNlp(): WinkMethods {
  english ??= (requirePackage("wink-nlp") as typeof winkNLP)(
    requirePackage("wink-eng-lite-web-model") as Model,
    ["pos"],
  );
  return english;
}

/** A first message past this says little more about the question, and tokenizing it costs time. */
export const questionTextLimit = 600;

export function questionTerms(subject: string, firstMessage: string): string[] {
  const text = `${subject}\n${firstMessage.slice(0, questionTextLimit)}`;
  const nlp = englishNlp();
  const its = nlp.its;
  // wink-nlp's typings declare `its.lemma` with the raw-document signature; at run time it is a token
  // function like `its.normal`, which is how its documentation uses it.
  const lemma = its.lemma as unknown as ItsFunction<string>;
  return nlp
    .readDoc(text)
    .tokens()
    .filter((token) => token.out(its.type) === "word" && !token.out(its.stopWordFlag))
    .out(lemma)
    .map((term) => term.toLowerCase())
    .filter((term) => term.length > 1);
}
