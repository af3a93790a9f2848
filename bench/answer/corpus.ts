/**
 * The SQuAD v2 sample indexed as Lumina indexes it (each paragraph one chunk, USE-lite, LanceDB), every
 * question searched by dense and BM25, and the split the second stage is fitted and reported on.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Embedder } from "@lumina/embeddings";
import { fixture } from "@lumina/testing";
import { type Hit, LanceDbStore, type LanceSearchOptions } from "@lumina/vectors";

interface Squad {
  data: {
    title: string;
    paragraphs: { context: string; qas: { question: string; is_impossible?: boolean }[] }[];
  }[];
}

export interface Question {
  question: string;
  /** id of the paragraph it was written from */
  paragraph: string;
  impossible: boolean;
  /** "fit": the weights are fitted on it; "held-out": the figures are reported on it */
  part: "fit" | "held-out";
}
export interface Searched extends Question {
  vector: number[];
  dense: Hit[];
  sparse: Hit[];
}

export const CANDIDATES = 30;

export async function loadSquad() {
  const squad = JSON.parse(await readFile(fixture("qa/squad-small-normans-cct.json"), "utf8")) as Squad;
  const titles = squad.data.map((a) => a.title.replace(/_/g, " "));
  const paragraphs = squad.data.flatMap((a) =>
    a.paragraphs.map((p) => ({ title: a.title.replace(/_/g, " "), ...p })),
  );
  // Split by paragraph, every other one, so that no paragraph's questions are on both sides.
  const questions: Question[] = paragraphs.flatMap((p, index) =>
    p.qas.map((q) => ({
      question: q.question,
      paragraph: `p${index}`,
      impossible: q.is_impossible === true,
      part: index % 2 === 0 ? ("fit" as const) : ("held-out" as const),
    })),
  );
  return { titles, paragraphs, questions };
}

export type SquadSet = Awaited<ReturnType<typeof loadSquad>>;

/** Indexes every paragraph as one chunk in a LanceDB store under `dir`. */
export async function indexParagraphs(
  dir: string,
  embedder: Embedder,
  set: SquadSet,
  options: LanceSearchOptions = {},
) {
  const store = await LanceDbStore.open(join(dir, "vectors"), options);
  await store.ensureCollection({ name: "chunks", dimension: embedder.dimension, model: embedder.modelId });
  const vectors = await embedder.embed(set.paragraphs.map((p) => p.context));
  await store.upsert(
    "chunks",
    set.paragraphs.map((p, i) => ({
      id: `p${i}`,
      vector: vectors[i] as number[],
      text: p.context,
      payload: {
        title: p.title,
        url: `https://en.wikipedia.org/wiki/${p.title}`,
        revision: 1,
        section: "",
        chunk: i,
      },
    })),
  );
  return store;
}

/** Each question embedded and searched both ways (optionally within one article). */
export async function searchAll(
  store: LanceDbStore,
  embedder: Embedder,
  questions: Question[],
  filterOf: (q: Question) => Record<string, string> | undefined = () => undefined,
): Promise<Searched[]> {
  const vectors = await embedder.embed(questions.map((q) => q.question));
  return Promise.all(
    questions.map(async (q, i) => {
      const vector = vectors[i] as number[];
      const filter = filterOf(q);
      return {
        ...q,
        vector,
        dense: await store.query("chunks", { mode: "dense", vector, limit: CANDIDATES, filter }),
        sparse: await store.query("chunks", { mode: "sparse", text: q.question, limit: CANDIDATES, filter }),
      };
    }),
  );
}
