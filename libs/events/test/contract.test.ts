import { Type } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { NumberField } from "../src/fields.ts";
import { CrawlRequest, decodeEvent, defineStream, encodeEvent, GraphAdd, QaTurn } from "../src/index.ts";

describe("stream contracts", () => {
  it("accepts the flat fields a person types with redis-cli", () => {
    // XADD crawl:req '*' url Artificial_intelligence prio 1
    const r = decodeEvent(CrawlRequest, { url: "Artificial_intelligence", prio: "1" });
    expect(r).toEqual({ ok: true, version: 1, event: { url: "Artificial_intelligence", prio: 1 } });
  });

  it("names the field and the problem for a wrong type", () => {
    const r = decodeEvent(CrawlRequest, { url: "X", prio: "high" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/prio: expected a decimal number \(got "high"\)/);
  });

  it("reports a missing required field", () => {
    const r = decodeEvent(CrawlRequest, { prio: "1" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/url: .*\(missing\)/);
  });

  it("rejects out-of-range numbers and broken JSON fields", () => {
    const far = decodeEvent(CrawlRequest, { url: "X", prio: "5000" });
    expect(far.ok === false && far.reason).toMatch(/must be <= 1000/);
    const turn = decodeEvent(QaTurn, {
      turn_id: "01J",
      session: "s",
      query: "q",
      answer: "a",
      confidence: "0.2",
      cite_ids: "[oops",
      ts: new Date().toISOString(),
    });
    expect(turn.ok === false && turn.reason).toMatch(/cite_ids: .*not valid JSON/);
  });

  it("round-trips a nested event through its wire form", () => {
    const event = {
      title: "Bodmin",
      page_id: 123,
      revision: 456,
      url: "https://en.wikipedia.org/wiki/Bodmin",
      summary: "Bodmin is a town in Cornwall.",
      fingerprint: "abc",
      links: ["Cornwall", "Bodmin Moor"],
      categories: ["Towns in Cornwall"],
      sections: [{ heading: "History", level: 2, text: "Old." }],
      fetched_at: "2026-11-23T00:00:00.000Z",
    };
    const wire = encodeEvent(GraphAdd, event);
    expect(typeof wire.links).toBe("string");
    expect(wire.page_id).toBe("123");
    const back = decodeEvent(GraphAdd, wire);
    expect(back).toEqual({ ok: true, version: 1, event });
  });

  it("refuses to publish an invalid event", () => {
    expect(() => encodeEvent(CrawlRequest, { url: "" })).toThrow(/refusing to publish an invalid crawl:req/);
  });

  it("accepts known versions and rejects unknown ones", () => {
    const v2 = defineStream({
      name: "t",
      description: "t",
      version: 2,
      schema: Type.Object({ n: NumberField() }),
    });
    expect(encodeEvent(v2, { n: 1 })).toEqual({ n: "1", v: "2" });
    expect(decodeEvent(v2, { n: "1" }).ok).toBe(true);
    expect(decodeEvent(v2, { n: "1", v: "2" }).ok).toBe(true);
    const r = decodeEvent(v2, { n: "1", v: "3" });
    expect(r.ok === false && r.reason).toMatch(/unsupported schema version v=3 .*accepts 1, 2/);
  });
});
