// wink-nlp declares its BM25 vectorizer under the extensionless specifier, which Node's ESM loader
// cannot resolve at run time (the package has no exports map): the code imports the file with its
// `.js`, and this gives that specifier the package's own types.
declare module "wink-nlp/utilities/bm25-vectorizer.js" {
  import bm25Vectorizer from "wink-nlp/utilities/bm25-vectorizer";
  export default bm25Vectorizer;
}
