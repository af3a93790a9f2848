export { isStopword, sentences, terms } from "./text.ts";
