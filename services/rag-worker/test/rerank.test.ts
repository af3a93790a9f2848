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
});
