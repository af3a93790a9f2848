import { messageOf } from "@lumina/errors";
/** One dependency's state in /readyz. */
export interface Check {
  ok: boolean;
  detail?: string;
  latency_ms?: number;
}

/**
 * The /readyz body: whether the service can do its work now, each dependency's state, which adapter
 * fills each port, and the offline fallbacks in use (said loudly, never hidden).
 */
export interface ReadyReport {
  ready: boolean;
  service: string;
  checks: Record<string, Check>;
  adapters: Record<string, string>;
  fallbacks: string[];
  /** What this service does in this build: the streams it consumes and the endpoints it serves. */
  capabilities: string[];
}

export type ReadinessProbe = () => Promise<ReadyReport>;

/** Times `probe` and turns a throw or a timeout into a failed check. */
export async function timedCheck(probe: () => Promise<unknown>, timeoutMs = 2_000): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, latency_ms: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    return { ok: false, detail: messageOf(err) };
  } finally {
    clearTimeout(timer);
  }
}
