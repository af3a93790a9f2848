import type { Llm } from "@lumina/llm";
import { sentences } from "@lumina/text";
import type { Redis } from "ioredis";
import type { PastTurn } from "./domain/prompt.ts";
import { scanKeys } from "./memory.ts";

/** A summary is at most this long (characters): the oldest of an extractive one falls off. */
const MAX_CHARS = 1500;
const SUMMARY_TOKENS = 200;
const INSTRUCTIONS =
  "Summarise this conversation in at most 120 words: who the user is, what they asked and what was " +
  "answered, what matters to them. Plain prose, third person, no lists. Keep what the earlier summary says " +
  "unless it changed.";

const summaryKey = (scope: string) => `chat:summary:${scope}`;
const pendingKey = (scope: string) => `chat:unsummarised:${scope}`;

/**
 * The rolling summary of a session (the design's "a summary every 20 messages"): every `everyTurns`
 * turns, the earlier summary and those turns are folded into a new one — written by the model at
 * background priority when there is one, else extractive (each turn's first sentences). It stands in
 * the prompt for the history that no longer fits. Written off the request path.
 */
export class RollingSummary {
  #folding = Promise.resolve();

  constructor(
    private readonly deps: {
      redis: Redis;
      llm: Llm | undefined;
      /** 0: no rolling summary. */
      everyTurns: number;
      onError: (err: unknown) => void;
    },
  ) {}

  /** Deletes the summaries of every session of `user` and their turns waiting to be folded. */
  async forgetUser(user: string): Promise<number> {
    await this.#folding;
    const keys = [
      ...(await scanKeys(this.deps.redis, `${summaryKey(`${user}::`)}*`)),
      ...(await scanKeys(this.deps.redis, `${pendingKey(`${user}::`)}*`)),
    ];
    if (keys.length > 0) await this.deps.redis.del(...keys);
    return keys.length;
  }

  async read(scope: string): Promise<string | undefined> {
    if (this.deps.everyTurns === 0) return undefined;
    return (await this.deps.redis.get(summaryKey(scope))) ?? undefined;
  }

  /** Notes a turn; the turn that completes a batch starts folding it in (not awaited by the caller). */
  async add(scope: string, turn: PastTurn): Promise<void> {
    const { redis, everyTurns } = this.deps;
    if (everyTurns === 0) return;
    if ((await redis.rpush(pendingKey(scope), JSON.stringify(turn))) < everyTurns) return;
    this.#folding = this.#folding.then(() => this.#fold(scope)).catch(this.deps.onError);
  }

  /** Resolves when the folds started so far are done (tests, stop). */
  settled(): Promise<void> {
    return this.#folding;
  }

  async #fold(scope: string): Promise<void> {
    const { redis } = this.deps;
    const raw = await redis.lrange(pendingKey(scope), 0, -1);
    if (raw.length < this.deps.everyTurns) return; // folded by an earlier call
    const turns = raw.map((r) => JSON.parse(r) as PastTurn);
    const before = (await redis.get(summaryKey(scope))) ?? "";
    const text = this.deps.llm ? await this.#written(before, turns) : extractive(before, turns);
    // Only the turns folded leave the list: one that arrived meanwhile waits for the next batch.
    await redis.multi().set(summaryKey(scope), text).ltrim(pendingKey(scope), raw.length, -1).exec();
  }

  async #written(before: string, turns: PastTurn[]): Promise<string> {
    const llm = this.deps.llm as Llm;
    const transcript = turns.map((t) => `User: ${t.user}\nAssistant: ${t.assistant}`).join("\n");
    const out = await llm.generate({
      messages: [
        { role: "system", content: INSTRUCTIONS },
        { role: "user", content: `${before ? `Earlier summary: ${before}\n\n` : ""}${transcript}` },
      ],
      maxTokens: SUMMARY_TOKENS,
      priority: "background",
    });
    return out.text.trim().slice(0, MAX_CHARS) || extractive(before, turns);
  }
}

/** The earlier summary and each turn's first sentences, the oldest cut off past MAX_CHARS. */
export function extractive(before: string, turns: PastTurn[]): string {
  const lines = turns.map(
    (t) =>
      `Asked: ${sentences(t.user)[0] ?? t.user.slice(0, 200)} Answered: ${sentences(t.assistant)[0] ?? ""}`,
  );
  const text = [before, ...lines].filter(Boolean).join(" ");
  return text.length <= MAX_CHARS ? text : `…${text.slice(text.length - MAX_CHARS + 1)}`;
}
