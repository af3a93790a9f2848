import type { Logger } from "@lumina/observability";

/**
 * Runs `task` now and then again `intervalMs` after each run ends: never two runs at once, a failed run
 * logged and retried on the next tick. stop() cancels the next tick and waits for the running one.
 */
export class Periodic {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly opts: { intervalMs: number; logger: Logger; what: string },
  ) {}

  start(): void {
    const tick = () => {
      this.#running = this.task()
        .then(() => undefined)
        .catch((err) => this.opts.logger.error({ err }, `${this.opts.what} failed; the next run retries`))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.opts.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
