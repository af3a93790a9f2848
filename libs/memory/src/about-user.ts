import type { Fact } from "./records.ts";
import { detectLanguage, type Language } from "./extract/language.ts";

/** A question about the user themselves, and which of their facts answer it. */
export interface UserQuestion {
  language: Language;
  /** Whether a fact answers it (by category and key). */
  matches: (fact: Pick<Fact, "category" | "key">) => boolean;
}

const key = (k: string) => (f: Pick<Fact, "key">) => f.key === k;
const prefix = (p: string) => (f: Pick<Fact, "key">) => f.key.startsWith(p);

/** Questions people ask about themselves, English and Spanish, and the facts each asks for. */
const ASKS: [RegExp, UserQuestion["matches"]][] = [
  [
    /\b(what(?:'s| is) my name|do you (?:know|remember) my name|who am i)\b|c[oó]mo me llamo|cu[aá]l es mi nombre|sabes mi nombre/iu,
    key("name"),
  ],
  [/\bhow old am i\b|cu[aá]ntos años tengo|qu[eé] edad tengo/iu, key("age")],
  [/\bwhere do i live\b|d[oó]nde vivo/iu, key("location")],
  [/\bwhere am i from\b|de d[oó]nde soy/iu, key("hometown")],
  [
    /\bwhere am i (?:going|travel+ing|flying|headed|heading)\b|\bwhere (?:is|was) my trip\b|a ?d[oó]nde (?:voy|viajo|me voy)|d[oó]nde voy/iu,
    key("travel_destination"),
  ],
  [
    /\bwhat do i do for a living\b|\bwhat(?:'s| is) my (?:job|occupation)\b|\bwhere do i work\b|en qu[eé] trabajo|d[oó]nde trabajo/iu,
    (f) => f.category === "work",
  ],
  [/\bwhen is my birthday\b|cu[aá]ndo es mi cumpleaños/iu, key("birthday")],
  [/\bwhat do i (?:like|love|enjoy)\b|qu[eé] me gusta/iu, prefix("likes:")],
  [/\bwhat do i (?:hate|dislike)\b|qu[eé] (?:odio|no me gusta)/iu, prefix("dislikes:")],
  [/\bwhat do you know about me\b|qu[eé] sabes (?:de|sobre) m[ií]/iu, () => true],
];
const RELATION = /\bwhat(?:'s| is) my (\p{L}+)'s name\b|c[oó]mo se llama mi (\p{L}+)/iu;

/** The question as one about the user, or undefined when it is about something else. */
export function userQuestion(question: string): UserQuestion | undefined {
  const language = detectLanguage(question);
  const relation = RELATION.exec(question);
  if (relation) {
    const who = (relation[1] ?? relation[2] ?? "").toLowerCase();
    return { language, matches: (f) => f.key === `${who}_name` };
  }
  const hit = ASKS.find(([pattern]) => pattern.test(question));
  return hit ? { language, matches: hit[1] } : undefined;
}

const valueText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** How a fact is said to the user, in their language ("your name is Carlos", "te llamas Carlos"). */
export function describeFact(fact: Pick<Fact, "key" | "value">, language: Language): string {
  const v = valueText(fact.value);
  const [kind, item] = fact.key.split(":");
  const en: Record<string, string> = {
    name: `your name is ${v}`,
    age: `you are ${v}`,
    location: `you live in ${v}`,
    hometown: `you are from ${v}`,
    travel_destination: `you are going to ${v}`,
    occupation: `you work as ${v}`,
    employer: `you work at ${v}`,
    birthday: `your birthday is ${v}`,
    likes: `you like ${item ?? v}`,
    dislikes: `you do not like ${item ?? v}`,
    pet: `you have a ${v}`,
  };
  const es: Record<string, string> = {
    name: `te llamas ${v}`,
    age: `tienes ${v} años`,
    location: `vives en ${v}`,
    hometown: `eres de ${v}`,
    travel_destination: `vas a ${v}`,
    occupation: `trabajas como ${v}`,
    employer: `trabajas en ${v}`,
    birthday: `tu cumpleaños es ${v}`,
    likes: `te gusta ${item ?? v}`,
    dislikes: `no te gusta ${item ?? v}`,
    pet: `tienes un ${v}`,
  };
  const known = (language === "es" ? es : en)[kind ?? ""];
  if (known) return known;
  const words = fact.key.replace(/_/g, " ");
  return language === "es" ? `tu ${words}: ${v}` : `your ${words} is ${v}`;
}

/** A fact as one line of text: what search ranks and a prompt shows ("name: Carlos"). */
export const factText = (fact: Pick<Fact, "key" | "value">): string =>
  `${(fact.key.split(":")[0] ?? fact.key).replace(/_/g, " ")}: ${valueText(fact.value)}`;
