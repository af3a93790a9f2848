export { isStopword, type SentenceSpan, sentenceSpans, sentences, stems, terms } from "./text.ts";
