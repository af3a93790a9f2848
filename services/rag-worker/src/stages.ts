/**
 * How long each stage of one chat turn took, in milliseconds, for the `Server-Timing` response
 * header (browsers' developer tools show it; bench/live adds it up per phase). Stages may overlap:
 * retrieval's queries run while the question is embedded, so the durations do not sum to the total.
 */
export class Stages {
  readonly #ms = new Map<string, number>();

  /**
   * Times `work` from now until it settles, under `name`. A function is called after the clock starts:
   * a stage that starts others (gather starts embed) then never measures shorter than they do.
   */
  time<T>(name: string, work: Promise<T> | (() => Promise<T>)): Promise<T> {
    const started = performance.now();
    const running = typeof work === "function" ? work() : work;
    return running.finally(() => this.#ms.set(name, performance.now() - started));
  }

  /** Records a stage measured elsewhere (e.g. a synchronous step). */
  set(name: string, ms: number): void {
    this.#ms.set(name, ms);
  }

  /** `name;dur=ms` for every stage, in the order they finished (the W3C Server Timing header). */
  header(): string {
    return [...this.#ms].map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(", ");
  }
}

/** `work`, timed under `name` when there are stages to record it in. */
export const timed = <T>(
  stages: Stages | undefined,
  name: string,
  work: Promise<T> | (() => Promise<T>),
): Promise<T> => (stages ? stages.time(name, work) : typeof work === "function" ? work() : work);
