/** A question to the assistant about itself ("what is your name?", "¿cómo te llamas?", "who are you?"). */
const ABOUT_YOU =
  /\b(what(?:'s| is) your name|who are you|what (?:should|do|can) i call you|introduce yourself|tell me about yourself)\b|c[oó]mo te llamas|cu[aá]l es tu nombre|qui[eé]n eres|c[oó]mo te llamo|pres[eé]ntate/iu;

export const asksWhoYouAre = (question: string): boolean => ABOUT_YOU.test(question);
