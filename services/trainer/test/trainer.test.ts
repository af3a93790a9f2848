import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { StreamPublisher } from "@lumina/bus";
import { QaTurn } from "@lumina/events";
import type { RunningService } from "@lumina/runtime";
import { scrapeMetric, startStack, type TestStack, waitFor } from "@lumina/testing";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { start } from "../src/main.ts";

let stack: TestStack;
let redis: Redis;
let dataDir: string;
const running: RunningService[] = [];

const env = (own: Record<string, string>) =>
  stack.env({ TRAIN_BATCH: "2", TRAIN_CHECK_S: "0.1", TRAIN_BASE_MODEL: "/models/base.gguf", ...own });
let n = 0;
const turn = (confidence: number, ts = new Date()) => ({
  turn_id: `01J00000000000000000000${String(n++).padStart(3, "0")}`,
  session: "s",
  query: `question ${n}`,
  answer: `answer ${n}`,
  confidence,
  cite_ids: [],
  ts: ts.toISOString(),
});
const announced = () => redis.xrange("adapter:updated", "-", "+");

beforeAll(async () => {
  stack = await startStack("lumina-trainer-");
  ({ redis, dataDir } = stack);
});
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  await stack.reset();
});
afterAll(() => stack?.stop());

describe("trainer (real Redis, real TRAIN_CMD processes)", () => {
  it("pools only low-confidence, recent turns; a full batch becomes a dataset, a run and adapter:updated", async () => {
    // The command sees every placeholder filled in, and the same values in its environment.
    const cmd =
      'test "$LUMINA_TRAIN_LR" = 0.001 && test {epochs} = 3 && test {base_model} = /models/base.gguf && ' +
      "wc -l < {dataset} > {output}";
    const trainer = await start(env({ TRAIN_CMD: cmd, LR: "0.001", EPOCHS: "3" }));
    running.push(trainer);
    const pub = new StreamPublisher({ redis });
    await pub.publish(QaTurn, turn(0.9)); // confident: not a sample
    await pub.publish(QaTurn, turn(0.1, new Date(Date.now() - 40 * 86_400_000))); // too old
    const a = turn(0.2);
    await pub.publish(QaTurn, a);
    await pub.publish(QaTurn, a); // the same turn again: one sample
    await new Promise((r) => setTimeout(r, 300));
    expect(await announced()).toEqual([]);
    await pub.publish(QaTurn, turn(0.3));

    await waitFor("adapter:updated", async () => (await announced()).length === 1);
    const [[, fields]] = (await announced()) as [[string, string[]]];
    const event = Object.fromEntries(fields.flatMap((v, i) => (i % 2 === 0 ? [[v, fields[i + 1]]] : [])));
    expect(event).toMatchObject({ version: "1", samples: "2", base_model: "/models/base.gguf" });
    expect(event.path).toBe(join(dataDir, "adapters", "lora-v1.gguf"));
    expect((await readFile(event.path as string, "utf8")).trim()).toBe("2");
    const dataset = (await readFile(join(dataDir, "adapters", "datasets", "v1.jsonl"), "utf8"))
      .trim()
      .split("\n");
    expect(dataset.map((l) => JSON.parse(l).lumina.turn_id)).toEqual([a.turn_id, expect.any(String)]);
    expect(await readFile(join(dataDir, "adapters", "logs", "v1.log"), "utf8")).toContain("# exit 0");
    const m = trainer.urls.metrics as string;
    expect(await scrapeMetric(m, "chat_lora_samples_total")).toBe(2);
    expect(await scrapeMetric(m, "training_samples_total")).toBe(2);
    expect(await scrapeMetric(m, "chat_lora_train_events_total", { result: "ok" })).toBe(1);
    expect(await scrapeMetric(m, "adapter_version", { service: "trainer" })).toBe(1);
    expect(await redis.zcard("train:pool:ts")).toBe(0);
  });

  it("keeps the samples when TRAIN_CMD fails or times out, and says so in the log", async () => {
    const trainer = await start(env({ TRAIN_CMD: "echo boom >&2; exit 3", TRAIN_RETRY_S: "3600" }));
    running.push(trainer);
    const pub = new StreamPublisher({ redis });
    await pub.publish(QaTurn, turn(0.1));
    await pub.publish(QaTurn, turn(0.1));
    const m = trainer.urls.metrics as string;
    await waitFor(
      "failed run",
      async () => (await scrapeMetric(m, "chat_lora_train_events_total", { result: "failed" })) === 1,
    );
    expect(await announced()).toEqual([]);
    expect(await redis.zcard("train:pool:ts")).toBe(2);
    expect(await readFile(join(dataDir, "adapters", "logs", "v1.log"), "utf8")).toMatch(
      /boom[\s\S]*# exit 3/,
    );
    await new Promise((r) => setTimeout(r, 300)); // retry backoff: no second run yet
    expect(await scrapeMetric(m, "chat_lora_train_events_total", { result: "failed" })).toBe(1);

    await trainer.stop();
    running.pop();
    const slow = await start(env({ TRAIN_CMD: "sleep 30; touch {output}", TRAIN_TIMEOUT_S: "1" }));
    running.push(slow);
    await waitFor(
      "timeout",
      async () =>
        (await scrapeMetric(slow.urls.metrics as string, "chat_lora_train_events_total", {
          result: "timeout",
        })) === 1,
    );
    expect(await announced()).toEqual([]);
    expect(await redis.zcard("train:pool:ts")).toBe(2);
  });

  it("without TRAIN_CMD writes datasets only, and says training is off", async () => {
    const trainer = await start(env({}));
    running.push(trainer);
    const ready = (await fetch(`${trainer.urls.metrics}/readyz`).then((r) => r.json())) as {
      fallbacks: string[];
    };
    expect(ready.fallbacks.join()).toContain("training is off");
    const pub = new StreamPublisher({ redis });
    for (let i = 0; i < 4; i++) await pub.publish(QaTurn, turn(0.1));
    await waitFor(
      "two datasets",
      async () => (await readdir(join(dataDir, "adapters", "datasets")).catch(() => [])).length === 2,
    );
    expect(await announced()).toEqual([]);
    expect(
      await scrapeMetric(trainer.urls.metrics as string, "chat_lora_train_events_total", {
        result: "skipped",
      }),
    ).toBe(2);
  });
});
