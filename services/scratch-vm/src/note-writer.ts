import { type Llm, LlmUnavailableError } from "@lumina/llm";
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
 * (LlmBusyError) is thrown to the consume loop, which retries later; an unreachable one gives an
 * extractive note instead, logged, so that reflection never stops with the model.
 */
export class LlmNoteWriter implements NoteWriter {
  readonly kind = "llm";
  readonly #fallback = new ExtractiveNoteWriter();

  constructor(
    private readonly llm: Llm,
    private readonly opts: { maxTokens: number; logger: Logger },
  ) {}

  async write(round: number, ctx: ReflectionContext, previous: string[]) {
    try {
      const out = await this.llm.generate({
        messages: reflectionMessages(round, ctx, previous),
        maxTokens: this.opts.maxTokens,
        priority: "background",
      });
      const note = out.text.trim();
      if (note.length > 0) return { note, writer: this.kind };
      this.opts.logger.warn(
        { title: ctx.title, round },
        "the model wrote an empty note; writing an extractive one",
      );
    } catch (err) {
      if (!(err instanceof LlmUnavailableError)) throw err;
      this.opts.logger.warn({ err: err.message }, "reflection model unreachable; writing an extractive note");
    }
    return this.#fallback.write(round, ctx);
  }
}
