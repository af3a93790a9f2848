export { isStopword, type SentenceSpan, sentenceSpans, sentences, terms } from "./text.ts";
