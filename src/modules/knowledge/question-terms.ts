import model from "wink-eng-lite-web-model";
import winkNLP, { type ItsFunction } from "wink-nlp";

/**
 * The words a ticket is about, by wink-nlp's English model: its tokenizer, stop words and lemmas
 * ("charged" and "charges" → "charge"), so paraphrases of one question share terms. Only the
 * part-of-speech step runs (lemmas need it); sentence and entity detection would double the cost
 * for nothing here, and 50k tickets must be read within the job's minute.
 */

const nlp = winkNLP(model, ["pos"]);
/** Shared with the BM25 vectorizer, whose outputs are read through the same `its` helpers. */
export const its = nlp.its;
// wink-nlp's typings declare `its.lemma` with the raw-document signature; at run time it is a token
// function like `its.normal`, which is how its documentation uses it.
const lemma = its.lemma as unknown as ItsFunction<string>;

/** A first message past this says little more about the question, and tokenizing it costs time. */
export const questionTextLimit = 600;

export function questionTerms(subject: string, firstMessage: string): string[] {
  const text = `${subject}\n${firstMessage.slice(0, questionTextLimit)}`;
  return nlp
    .readDoc(text)
    .tokens()
    .filter((token) => token.out(its.type) === "word" && !token.out(its.stopWordFlag))
    .out(lemma)
    .map((term) => term.toLowerCase())
    .filter((term) => term.length > 1);
}
