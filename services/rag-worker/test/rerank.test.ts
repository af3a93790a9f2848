import { readFile } from "node:fs/promises";
import { fixture } from "@lumina/testing";
import { sentences, stems } from "@lumina/text";
import { describe, expect, it } from "vitest";
import {
  type Candidate,
  FEATURES,
  RERANK_WEIGHTS,
  rerank,
  rerankFeatures,
  type Weights,
} from "../src/domain/index.ts";

// Two paragraphs of the Normans article (SQuAD v2 sample, fixtures/qa): the first shares more words
// with the question overall and is ahead after fusion; the second holds the answer in one sentence.
const around: Candidate = {
  id: "around",
  title: "Normans",
  section: "",
  text:
    "The Normans were in contact with England from an early date. Not only were their original Viking " +
    "brethren still ravaging the English coasts, they occupied most of the important ports opposite " +
    "England across the English Channel. This relationship eventually produced closer ties of blood " +
    "through the marriage of Emma, sister of Duke Richard II of Normandy, and King Ethelred II of England.",
  dense: 0.52,
  sparse: 9.1,
  fused: 1,
};
const answer: Candidate = {
  id: "answer",
  title: "Normans",
  section: "",
  text:
    "In 1066, Duke William II of Normandy conquered England killing King Harold II at the Battle of " +
    "Hastings. The invading Normans and their descendants replaced the Anglo-Saxons as the ruling class " +
    "of England.",
  dense: 0.47,
  sparse: 7.8,
  fused: 0.86,
};
const question = "Who did Duke William II of Normandy kill at the Battle of Hastings?";

describe("second stage (domain/rerank.ts)", () => {
  it("puts the paragraph whose sentence answers the question first, ahead of the fused order", () => {
    expect(rerank(question, [around, answer]).map((r) => r.id)).toEqual(["answer", "around"]);
  });

  it("reads every feature on a 0–1 scale, the first stage's scores relative to the best candidate", () => {
    const [a, b] = rerankFeatures(question, [around, answer]) as [number[], number[]];
    for (const x of [...a, ...b]) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
    const at = (f: (typeof FEATURES)[number]) => FEATURES.indexOf(f);
    expect(a[at("fused")]).toBe(1);
    expect(b[at("fused")]).toBeCloseTo(0.86);
    expect(b[at("bigram")]).toBeGreaterThan(a[at("bigram")] as number); // "battle hasting", "william ii"
    expect(b[at("exact")]).toBe(1); // Duke, William, II, Normandy, Battle, Hastings all there verbatim
    expect(a[at("exact")]).toBeLessThan(1);
  });

  it("with only the fused score weighted, keeps the first stage's order", () => {
    const fusedOnly = Object.fromEntries(FEATURES.map((f) => [f, f === "fused" ? 1 : 0])) as Weights;
    expect(rerank(question, [around, answer], fusedOnly).map((r) => r.id)).toEqual(["around", "answer"]);
  });

  it("ships weights for every feature, fitted (not the identity)", () => {
    expect(Object.keys(RERANK_WEIGHTS).sort()).toEqual([...FEATURES].sort());
    expect(FEATURES.filter((f) => f !== "fused" && RERANK_WEIGHTS[f] !== 0).length).toBeGreaterThan(3);
  });

  it("computes the window features as defined, over every window of two sentences", async () => {
    // The definition (docs/answering.md), computed the plain way: each window's words concatenated,
    // every adjacent pair and position listed. The scorer computes the same without building them.
    const naive = (q: string, cands: Candidate[]) => {
      const ts = stems(q);
      const terms = [...new Set(ts)];
      const pairs = [...new Set(ts.slice(1).map((t, i) => `${ts[i]} ${t}`))];
      const split = cands.map((c) => sentences(c.text).map((t) => stems(t)));
      const all = split.flat();
      const weight = new Map(
        terms.map((t) => [t, Math.log(1 + all.length / (1 + all.filter((s) => s.includes(t)).length))]),
      );
      const total = [...weight.values()].reduce((a, b) => a + b, 0) || 1;
      const cover = (words: string[]) =>
        terms.reduce((s, t) => s + (words.includes(t) ? (weight.get(t) ?? 0) : 0), 0) / total;
      return split.map((ss) => {
        let best = { cover: 0, bigram: 0, proximity: 0 };
        ss.forEach((s, j) => {
          const words = [...s, ...(ss[j + 1] ?? [])];
          const adjacent = new Set(words.slice(1).map((w, i) => `${words[i]} ${w}`));
          const positions = words.flatMap((w, i) => (weight.has(w) ? [i] : []));
          const matched = new Set(positions.map((i) => words[i])).size;
          const span =
            positions.length === 0 ? 1 : (positions.at(-1) as number) - (positions[0] as number) + 1;
          const m = {
            cover: cover(words),
            bigram: pairs.length === 0 ? 0 : pairs.filter((p) => adjacent.has(p)).length / pairs.length,
            proximity: matched <= 1 ? matched / Math.max(1, terms.length) : matched / span,
          };
          if (m.cover + 0.01 * m.proximity > best.cover + 0.01 * best.proximity) best = m;
        });
        return [best.cover, cover(ss.flat()), best.bigram, best.proximity, Math.max(0, ...ss.map(cover))];
      });
    };
    const squad = JSON.parse(await readFile(fixture("qa/squad-small-normans-cct.json"), "utf8")) as {
      data: { paragraphs: { context: string; qas: { question: string }[] }[] }[];
    };
    const paragraphs = squad.data.flatMap((a) => a.paragraphs);
    const pick = ["window", "chunk", "bigram", "proximity", "sentence"].map((f) =>
      (FEATURES as readonly string[]).indexOf(f),
    );
    let compared = 0;
    paragraphs.forEach((p, i) => {
      const cands = [0, 1, 2, 3, 4, 5].map((k): Candidate => {
        const text = (paragraphs[(i + k * 7) % paragraphs.length] as typeof p).context;
        return { id: String(k), title: "Normans", section: "", text, dense: 0.5, sparse: 1, fused: 1 };
      });
      for (const { question: q } of p.qas) {
        const want = naive(q, cands);
        // twice: the second reads the texts' cached analyses
        for (const got of [rerankFeatures(q, cands), rerankFeatures(q, cands)])
          expect(got.map((x) => pick.map((f) => x[f]))).toEqual(want);
        compared++;
      }
    });
    expect(compared).toBeGreaterThan(500);
  });
});
