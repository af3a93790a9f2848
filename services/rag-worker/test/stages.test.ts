import { describe, expect, it } from "vitest";
import { Stages } from "../src/stages.ts";

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end); // synchronous work before the first await, as in #gather
};

describe("Stages (Server-Timing)", () => {
  it("starts a stage given as a function before the stages it starts, so it never measures shorter", async () => {
    const stages = new Stages();
    await stages.time("outer", async () => {
      const inner = stages.time("inner", new Promise((r) => setTimeout(r, 5)));
      busy(20); // the outer stage's own synchronous work, after it started the inner one
      await inner;
    });
    const ms = new Map([...stages.header().matchAll(/(\w+);dur=([\d.]+)/g)].map((m) => [m[1], Number(m[2])]));
    expect(ms.get("outer")).toBeGreaterThanOrEqual(ms.get("inner") as number);
    expect(ms.get("inner")).toBeGreaterThanOrEqual(20); // it was running during the busy part
  });
});
