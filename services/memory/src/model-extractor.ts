import type { ExtractedEpisode, ExtractedFact, Language } from "@lumina/memory";
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";

/**
 * The model writer of extraction: an OpenAI-compatible server (MEMORY_LLM_BASE_URL: llama.cpp's
 * server, vLLM, Ollama, OpenAI…) asked for the facts and episodes of one message as JSON constrained by
 * a JSON schema (`response_format: json_schema`, strict). Its answer is validated against the same
 * schema; anything else — no server, a timeout, invalid JSON — leaves the message to the rules.
 */
export const ModelExtraction = Type.Object(
  {
    facts: Type.Array(
      Type.Object(
        {
          category: Type.Union(
            ["personal_info", "work", "relationships", "pets", "preferences", "plans"].map((c) =>
              Type.Literal(c),
            ),
          ),
          key: Type.String({ minLength: 1, maxLength: 64, pattern: "^[a-z][a-z0-9_:]*$" }),
          value: Type.String({ minLength: 1, maxLength: 200 }),
          confidence: Type.Number({ minimum: 0, maximum: 1 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 20 },
    ),
    episodes: Type.Array(
      Type.Object(
        {
          type: Type.Union([
            Type.Literal("emotional_moment"),
            Type.Literal("milestone"),
            Type.Literal("plan"),
          ]),
          title: Type.String({ minLength: 1, maxLength: 80 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 5 },
    ),
  },
  { additionalProperties: false },
);
type Extraction = Static<typeof ModelExtraction>;

const HALF_LIFE_DAYS = { emotional_moment: 30, milestone: 365, plan: 60 } as const;

const INSTRUCTIONS = `You extract what a user states about themselves from one chat message.
Return JSON only, matching the schema. facts: the user's own personal facts (name, age, location,
hometown, birthday, occupation, employer, relatives' names as <relation>_name, pets, favourites as
favorite_<thing>, likes as likes:<item>, dislikes as dislikes:<item>, travel_destination), keys in
snake_case, values as the user said them, confidence 0-1. episodes: the message as an emotional_moment
(strong feeling), a milestone (graduation, wedding, new job…) or a plan, with a short title. Nothing
stated: empty lists. Never invent.`;

export interface ModelExtractorOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

export class ModelExtractor {
  constructor(private readonly o: ModelExtractorOptions) {}

  get describe(): string {
    return `${this.o.model} at ${this.o.baseUrl}`;
  }

  /** The facts and episodes the model finds, or undefined when it gave nothing valid (use the rules). */
  async extract(
    text: string,
    language: Language,
  ): Promise<{ facts: ExtractedFact[]; episodes: ExtractedEpisode[] } | undefined> {
    const parsed = await this.#ask(text, language);
    if (!parsed || !Value.Check(ModelExtraction, parsed)) return undefined;
    return toRecords(parsed, text);
  }

  async #ask(text: string, language: Language): Promise<unknown> {
    const res = await fetch(`${this.o.baseUrl.replace(/\/$/, "")}/chat/completions`, {
      method: "POST",
      signal: AbortSignal.timeout(this.o.timeoutMs),
      headers: {
        "content-type": "application/json",
        ...(this.o.apiKey ? { authorization: `Bearer ${this.o.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: this.o.model,
        temperature: 0,
        messages: [
          { role: "system", content: INSTRUCTIONS },
          { role: "user", content: `Message (${language === "es" ? "Spanish" : "English"}): ${text}` },
        ],
        response_format: {
          type: "json_schema",
          json_schema: { name: "memory_extraction", strict: true, schema: ModelExtraction },
        },
      }),
    });
    if (!res.ok) throw new Error(`the extraction model answered ${res.status}`);
    const body = (await res.json()) as { choices?: { message?: { content?: string } }[] };
    try {
      return JSON.parse(body.choices?.[0]?.message?.content ?? "");
    } catch {
      return undefined;
    }
  }
}

function toRecords(x: Extraction, text: string): { facts: ExtractedFact[]; episodes: ExtractedEpisode[] } {
  return {
    facts: x.facts.map((f) => ({
      category: f.category,
      key: f.key,
      value: f.key === "age" && /^\d+$/.test(f.value) ? Number(f.value) : f.value,
      confidence: f.confidence,
      context: text.slice(0, 2000),
    })),
    episodes: x.episodes.map((e) => ({
      type: e.type,
      title: e.title,
      temporal_decay: HALF_LIFE_DAYS[e.type],
    })),
  };
}
