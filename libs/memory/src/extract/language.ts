/** The languages whose patterns and lexicon Lumina has for the memory of users. */
export type Language = "en" | "es";

const SPANISH = new Set(
  "me mi mis yo soy estoy tengo vivo voy llamo llamas nombre años el la los las un una y que de del al es en con para por pero muy también cómo qué dónde cuándo sabes eres hola gracias mañana semana hermana hermano madre padre trabajo".split(
    " ",
  ),
);
const ENGLISH = new Set(
  "i me my mine am is are was the a an and to of in on at with for but very also how what where when do does you your hello thanks tomorrow week sister brother mother father work name i'm i've".split(
    " ",
  ),
);

/** Spanish or English, by marks (¿ ¡ ñ, accents) and common words; English when unsure. */
export function detectLanguage(text: string): Language {
  let es = /[¿¡ñ]/i.test(text) ? 3 : 0;
  if (/[áéíóú]/i.test(text)) es += 1;
  let en = 0;
  for (const word of text.toLowerCase().match(/[\p{L}']+/gu) ?? []) {
    if (SPANISH.has(word)) es++;
    if (ENGLISH.has(word)) en++;
  }
  return es > en ? "es" : "en";
}
