import type { Language } from "./language.ts";

/**
 * One pattern for something people say about themselves. `value` is the capture group holding the
 * value; `key` may use `$1`-style groups (a relation, an animal); `proper` asks that the value start
 * with a capital letter (a name, a place), which keeps "voy a comer" from being a trip.
 */
export interface FactRule {
  category: string;
  key: string;
  pattern: RegExp;
  value: number;
  proper?: boolean;
  confidence: number;
}

// A value: up to six words, stopping at punctuation or a joining word.
const V = String.raw`([\p{L}\p{N}][\p{L}\p{N}'’. -]{0,60}?)`;
const END_EN = String.raw`(?=\s*(?:[,.;:!?)]|\band\b|\bbut\b|\bbecause\b|\bnext\b|\bwith\b|\bfor\b|\bthis\b|\btomorrow\b|\bin \d|$))`;
const END_ES = String.raw`(?=\s*(?:[,.;:!?)]|\by\b|\bpero\b|\bcon\b|\bpara\b|\bporque\b|\bel próximo\b|\bla próxima\b|\bmañana\b|\beste\b|\besta\b|$))`;
const rx = (body: string) => new RegExp(body, "iu");

const RELATIONS_EN =
  "wife|husband|partner|girlfriend|boyfriend|sister|brother|mother|father|mom|mum|dad|son|daughter|friend|boss";
const RELATIONS_ES =
  "esposa|esposo|mujer|marido|pareja|novia|novio|hermana|hermano|madre|padre|mamá|papá|hijo|hija|amiga|amigo|jefe|jefa";
const PETS_EN = "dog|cat|puppy|kitten|rabbit|parrot|horse|hamster";
const PETS_ES = "perro|perra|gato|gata|conejo|loro|caballo|hámster";

export const RULES: Record<Language, FactRule[]> = {
  en: [
    {
      category: "personal_info",
      key: "name",
      pattern: rx(String.raw`\bmy name is ${V}${END_EN}`),
      value: 1,
      proper: true,
      confidence: 0.95,
    },
    {
      category: "personal_info",
      key: "name",
      pattern: rx(String.raw`\b(?:call me|i'm called|i am called)\s+${V}${END_EN}`),
      value: 1,
      proper: true,
      confidence: 0.9,
    },
    {
      category: "personal_info",
      key: "age",
      pattern: rx(String.raw`\bi(?:'m| am)\s+(\d{1,3})(?:\s+years?\s+old)?\b`),
      value: 1,
      confidence: 0.9,
    },
    {
      category: "personal_info",
      key: "location",
      pattern: rx(String.raw`\bi (?:live|am living|'m living) in\s+${V}${END_EN}`),
      value: 1,
      proper: true,
      confidence: 0.9,
    },
    {
      category: "personal_info",
      key: "location",
      pattern: rx(String.raw`\bi (?:moved|have moved|'ve moved) to\s+${V}${END_EN}`),
      value: 1,
      proper: true,
      confidence: 0.85,
    },
    {
      category: "personal_info",
      key: "hometown",
      pattern: rx(String.raw`\bi(?:'m| am) (?:originally )?from\s+${V}${END_EN}`),
      value: 1,
      proper: true,
      confidence: 0.85,
    },
    {
      category: "personal_info",
      key: "birthday",
      pattern: rx(String.raw`\bmy birthday is (?:on )?${V}${END_EN}`),
      value: 1,
      confidence: 0.9,
    },
    {
      category: "work",
      key: "occupation",
      pattern: rx(String.raw`\bi work as (?:an? )?${V}${END_EN}`),
      value: 1,
      confidence: 0.9,
    },
    {
      category: "work",
      key: "occupation",
      pattern: rx(String.raw`\bmy job is (?:an? )?${V}${END_EN}`),
      value: 1,
      confidence: 0.85,
    },
    {
      category: "work",
      key: "employer",
      pattern: rx(String.raw`\bi work (?:at|for)\s+${V}${END_EN}`),
      value: 1,
      proper: true,
      confidence: 0.85,
    },
    {
      category: "relationships",
      key: "$1_name",
      pattern: rx(String.raw`\bmy (${RELATIONS_EN})(?:'s name is| is called| is named|, )\s*${V}${END_EN}`),
      value: 2,
      proper: true,
      confidence: 0.9,
    },
    {
      category: "pets",
      key: "$1_name",
      pattern: rx(String.raw`\bmy (${PETS_EN})(?:'s name is| is called| is named)\s+${V}${END_EN}`),
      value: 2,
      proper: true,
      confidence: 0.9,
    },
    {
      category: "pets",
      key: "pet",
      pattern: rx(String.raw`\bi have an? (${PETS_EN})\b`),
      value: 1,
      confidence: 0.8,
    },
    {
      category: "preferences",
      key: "favorite_$1",
      pattern: rx(String.raw`\bmy favou?rite (\p{L}+) is\s+${V}${END_EN}`),
      value: 2,
      confidence: 0.9,
    },
    {
      category: "preferences",
      key: "likes",
      pattern: rx(String.raw`\bi (?:really )?(?:love|like|enjoy|adore)\s+${V}${END_EN}`),
      value: 1,
      confidence: 0.75,
    },
    {
      category: "preferences",
      key: "dislikes",
      pattern: rx(
        String.raw`\bi (?:really )?(?:hate|dislike|can't stand|do not like|don't like)\s+${V}${END_EN}`,
      ),
      value: 1,
      confidence: 0.75,
    },
    {
      category: "plans",
      key: "travel_destination",
      pattern: rx(
        String.raw`\bi(?:'m| am| will be) (?:going|travel+ing|flying|heading|off) (?:to|for)\s+(?:the\s+)?${V}${END_EN}`,
      ),
      value: 1,
      proper: true,
      confidence: 0.85,
    },
    {
      category: "plans",
      key: "travel_destination",
      pattern: rx(
        String.raw`\bi (?:will|'ll|plan to|want to) (?:go|travel|fly) to\s+(?:the\s+)?${V}${END_EN}`,
      ),
      value: 1,
      proper: true,
      confidence: 0.8,
    },
  ],
  es: [
    {
      category: "personal_info",
      key: "name",
      pattern: rx(String.raw`\bme llamo\s+${V}${END_ES}`),
      value: 1,
      proper: true,
      confidence: 0.95,
    },
    {
      category: "personal_info",
      key: "name",
      pattern: rx(String.raw`\bmi nombre es\s+${V}${END_ES}`),
      value: 1,
      proper: true,
      confidence: 0.95,
    },
    {
      category: "personal_info",
      key: "age",
      pattern: rx(String.raw`\btengo\s+(\d{1,3})\s+años\b`),
      value: 1,
      confidence: 0.9,
    },
    {
      category: "personal_info",
      key: "location",
      pattern: rx(String.raw`\bvivo en\s+${V}${END_ES}`),
      value: 1,
      proper: true,
      confidence: 0.9,
    },
    {
      category: "personal_info",
      key: "location",
      pattern: rx(String.raw`\bme (?:he )?mudado a\s+${V}${END_ES}`),
      value: 1,
      proper: true,
      confidence: 0.85,
    },
    {
      category: "personal_info",
      key: "hometown",
      pattern: rx(String.raw`\bsoy de\s+${V}${END_ES}`),
      value: 1,
      proper: true,
      confidence: 0.85,
    },
    {
      category: "personal_info",
      key: "birthday",
      pattern: rx(String.raw`\bmi cumpleaños es (?:el )?${V}${END_ES}`),
      value: 1,
      confidence: 0.9,
    },
    {
      category: "work",
      key: "occupation",
      pattern: rx(String.raw`\btrabajo (?:como|de)\s+${V}${END_ES}`),
      value: 1,
      confidence: 0.9,
    },
    {
      category: "work",
      key: "employer",
      pattern: rx(String.raw`\btrabajo en\s+${V}${END_ES}`),
      value: 1,
      proper: true,
      confidence: 0.85,
    },
    {
      category: "relationships",
      key: "$1_name",
      pattern: rx(String.raw`\bmi (${RELATIONS_ES}) se llama\s+${V}${END_ES}`),
      value: 2,
      proper: true,
      confidence: 0.9,
    },
    {
      category: "pets",
      key: "$1_name",
      pattern: rx(String.raw`\bmi (${PETS_ES}) se llama\s+${V}${END_ES}`),
      value: 2,
      proper: true,
      confidence: 0.9,
    },
    {
      category: "pets",
      key: "pet",
      pattern: rx(String.raw`\btengo una? (${PETS_ES})\b`),
      value: 1,
      confidence: 0.8,
    },
    {
      category: "preferences",
      key: "favorite_$1",
      pattern: rx(String.raw`\bmi (\p{L}+) favorit[oa] es\s+${V}${END_ES}`),
      value: 2,
      confidence: 0.9,
    },
    {
      category: "preferences",
      key: "dislikes",
      pattern: rx(
        String.raw`\b(?:odio|detesto|no me gusta|no me gustan)\s+(?:(?:el|la|los|las)\s+)?${V}${END_ES}`,
      ),
      value: 1,
      confidence: 0.75,
    },
    {
      category: "preferences",
      key: "likes",
      pattern: rx(
        String.raw`(?<!no )\bme (?:encanta|encantan|gusta|gustan|chifla)\s+(?:mucho\s+)?(?:(?:el|la|los|las)\s+)?${V}${END_ES}`,
      ),
      value: 1,
      confidence: 0.75,
    },
    {
      category: "plans",
      key: "travel_destination",
      pattern: rx(
        String.raw`\b(?:me )?(?:voy|vamos|viajo|viajamos|vuelo) (?:a|al|hacia)\s+(?:la\s+|el\s+)?${V}${END_ES}`,
      ),
      value: 1,
      proper: true,
      confidence: 0.85,
    },
    {
      category: "plans",
      key: "travel_destination",
      pattern: rx(String.raw`\b(?:voy|vamos) a (?:viajar|ir|volar) (?:a|al)\s+(?:la\s+|el\s+)?${V}${END_ES}`),
      value: 1,
      proper: true,
      confidence: 0.85,
    },
  ],
};
