import { type Llm, LlmBusyError, LlmUnavailableError } from "@lumina/llm";
import type { Logger } from "@lumina/observability";
import { extractiveNote, type ReflectionContext, reflectionMessages } from "./domain/reflection.ts";

/** Writes the note of one reflection round. */
export interface NoteWriter {
  readonly kind: string;
  write(round: number, ctx: ReflectionContext, previous: string[]): Promise<{ note: string; writer: string }>;
}

export class ExtractiveNoteWriter implements NoteWriter {
  readonly kind = "extractive";
  async write(round: number, ctx: ReflectionContext) {
    return { note: extractiveNote(round, ctx), writer: this.kind };
  }
}

/**
 * Notes written by a model at background priority, so that chat requests go first. A busy model
 * (LlmBusyError: every slot taken, people chatting, or the note stopped for a waiting chat request) is
 * asked again after 0.5, 1, 2 and 4 s, each time once the conversation pauses; still busy, or unreachable, or an empty note, gives an extractive note for
 * that round instead (logged), so that reflection never stalls the stream or dead-letters an article.
 */
export class LlmNoteWriter implements NoteWriter {
  readonly kind = "llm";
  readonly #fallback = new ExtractiveNoteWriter();

  constructor(
    private readonly llm: Llm,
    private readonly opts: {
      maxTokens: number;
      maxPromptChars: number;
      logger: Logger;
      /** waits while people are chatting (at most THINK_YIELD_MS) */
      waitForQuiet: () => Promise<unknown>;
    },
  ) {}

  async write(round: number, ctx: ReflectionContext, previous: string[]) {
    const messages = reflectionMessages(round, ctx, previous, this.opts.maxPromptChars);
    for (const waitMs of [500, 1_000, 2_000, 4_000, undefined]) {
      try {
        const out = await this.llm.generate({
          messages,
          maxTokens: this.opts.maxTokens,
          priority: "background",
        });
        const note = out.text.trim();
        if (note.length > 0) return { note, writer: this.kind };
        this.opts.logger.warn(
          { title: ctx.title, round },
          "the model wrote an empty note; writing an extractive one",
        );
        break;
      } catch (err) {
        if (err instanceof LlmBusyError && waitMs !== undefined) {
          await new Promise((r) => setTimeout(r, waitMs));
          await this.opts.waitForQuiet();
          continue;
        }
        if (!(err instanceof LlmBusyError || err instanceof LlmUnavailableError)) throw err;
        this.opts.logger.warn(
          { err: err.message, round },
          "reflection model busy or unreachable; writing an extractive note",
        );
        break;
      }
    }
    return this.#fallback.write(round, ctx);
  }
}
