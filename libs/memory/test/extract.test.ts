import { describe, expect, it } from "vitest";
import {
  analyseMessage,
  describeFact,
  detectEmotion,
  detectLanguage,
  sentimentOf,
  userQuestion,
} from "../src/index.ts";

const facts = (text: string) => analyseMessage(text).facts.map((f) => [f.category, f.key, f.value]);

describe("rule-based extraction", () => {
  it("reads the design's Spanish scenario: a name and a trip", () => {
    const a = analyseMessage("Me llamo Carlos, voy al Himalaya");
    expect(a.language).toBe("es");
    expect(facts("Me llamo Carlos, voy al Himalaya")).toEqual([
      ["personal_info", "name", "Carlos"],
      ["plans", "travel_destination", "Himalaya"],
    ]);
    expect(a.episodes.map((e) => e.type)).toEqual(["plan"]);
  });

  it("reads English statements about oneself", () => {
    expect(facts("Hi! My name is Dana Scully and I live in Washington.")).toEqual([
      ["personal_info", "name", "Dana Scully"],
      ["personal_info", "location", "Washington"],
    ]);
    expect(facts("I'm 34 years old, I work as a nurse and my sister's name is Ana.")).toEqual([
      ["personal_info", "age", 34],
      ["work", "occupation", "nurse"],
      ["relationships", "sister_name", "Ana"],
    ]);
    expect(facts("I love hiking but I hate crowds.")).toEqual([
      ["preferences", "likes:hiking", "hiking"],
      ["preferences", "dislikes:crowds", "crowds"],
    ]);
    expect(facts("Next month I'm flying to Lisbon with my dog")).toEqual([
      ["plans", "travel_destination", "Lisbon"],
    ]);
  });

  it("reads Spanish ones, and does not take an activity for a trip", () => {
    expect(facts("Tengo 40 años y vivo en Sevilla")).toEqual([
      ["personal_info", "age", 40],
      ["personal_info", "location", "Sevilla"],
    ]);
    expect(facts("Mi perro se llama Toby")).toEqual([["pets", "perro_name", "Toby"]]);
    expect(facts("Voy a comer ahora")).toEqual([]);
    expect(facts("No me gusta el fútbol")).toEqual([["preferences", "dislikes:fútbol", "fútbol"]]);
  });

  it("draws no facts from a question", () => {
    expect(facts("Is my name Carlos?")).toEqual([]);
    expect(analyseMessage("¿Cómo me llamo?").question).toBe(true);
  });

  it("scores sentiment with negation, in both languages, and weighs importance", () => {
    expect(sentimentOf("I am so happy today", "en").label).toBe("positive");
    expect(sentimentOf("I am not happy", "en").score).toBeLessThan(0);
    expect(sentimentOf("Estoy muy triste, mi perro murió", "es").score).toBeLessThan(0);
    const sad = analyseMessage("My dog died yesterday and I feel awful, so sad and lonely!");
    expect(sad.sentiment).toBe("very_negative");
    expect(sad.episodes.map((e) => e.type)).toContain("emotional_moment");
    expect(sad.importance).toBeGreaterThan(analyseMessage("The sky is blue").importance);
    expect(analyseMessage("I graduated today!").episodes.map((e) => e.type)).toContain("milestone");
  });

  it("tells Spanish from English", () => {
    expect(detectLanguage("¿Qué tal?")).toBe("es");
    expect(detectLanguage("vivo en Madrid con mi hermana")).toBe("es");
    expect(detectLanguage("where do I live")).toBe("en");
  });
});

describe("questions about the user", () => {
  it("knows which facts answer them", () => {
    const name = { category: "personal_info", key: "name" };
    const trip = { category: "plans", key: "travel_destination" };
    expect(userQuestion("¿Cómo me llamo?")?.matches(name)).toBe(true);
    expect(userQuestion("What is my name?")?.matches(trip)).toBe(false);
    expect(userQuestion("Where am I going?")?.matches(trip)).toBe(true);
    expect(userQuestion("¿A dónde voy?")?.matches(trip)).toBe(true);
    expect(
      userQuestion("What's my sister's name?")?.matches({ category: "relationships", key: "sister_name" }),
    ).toBe(true);
    expect(userQuestion("What is Bodmin?")).toBeUndefined();
  });

  it("says a fact in the user's language", () => {
    expect(describeFact({ key: "name", value: "Carlos" }, "es")).toBe("te llamas Carlos");
    expect(describeFact({ key: "travel_destination", value: "Himalaya" }, "en")).toBe(
      "you are going to Himalaya",
    );
    expect(describeFact({ key: "favorite_colour", value: "blue" }, "en")).toBe(
      "your favorite colour is blue",
    );
  });
});

describe("emotion of a message (English and Spanish)", () => {
  const read = (text: string) => detectEmotion(text);
  it("names the feeling the words carry, with a confidence", () => {
    expect(read("I feel so sad and lonely since my dog died")).toMatchObject({ emotion: "sadness" });
    expect(read("I feel so sad and lonely since my dog died").confidence).toBeGreaterThanOrEqual(0.8);
    expect(read("Estoy muy triste, mi abuela murió la semana pasada")).toMatchObject({
      emotion: "sadness",
      language: "es",
    });
    expect(read("I am so happy, I passed my exam!").emotion).toBe("joy");
    expect(read("¡Qué alegría, estoy feliz!").emotion).toBe("joy");
    expect(read("I am furious, this is so unfair").emotion).toBe("anger");
    expect(read("Tengo miedo de la operación de mañana").emotion).toBe("fear");
    expect(read("I'm worried and anxious about tomorrow").emotion).toBe("fear");
  });
  it("reads a negated feeling and a plain question as no feeling", () => {
    expect(read("I am not sad at all")).toMatchObject({ emotion: "neutral", confidence: 0 });
    expect(read("What is the capital of Malta?")).toMatchObject({ emotion: "neutral", confidence: 0 });
    expect(read("Where was this made?").emotion).toBe("neutral"); // "mad" is a whole word, not a prefix
  });
  it("is less sure of one mild word than of several strong ones", () => {
    expect(read("a bit sad").confidence).toBeLessThan(read("sad, heartbroken, crying all day").confidence);
  });
});
