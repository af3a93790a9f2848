import type { Embedder } from "@lumina/embeddings";
import type { MemoryStore } from "@lumina/memory";
import type { Hit, VectorStore } from "@lumina/vectors";
import { episodeItem, factItem, type MemoryItem, type MemoryKind, messageItem } from "./memories.ts";
import { USER_MEMORY } from "./remember.ts";

export interface SearchOptions {
  topK: number;
  /** Hits less similar than this (cosine, dense) are left out; 0: none is. */
  threshold?: number;
  /** Only these kinds of memory (all when absent). */
  kinds?: MemoryKind[];
}

/** Reciprocal rank fusion constant (as for chunks). */
const RRF_K = 60;

/**
 * Search of one user's memories: dense and BM25 over user_memory, filtered by the user, fused by
 * reciprocal rank; each hit is read back from the memory store (the source of truth), so that a
 * deleted fact or a vector left by a crash never comes back. The score reported is the dense
 * similarity (what `threshold` compares with).
 */
export async function searchMemories(
  deps: { store: MemoryStore; vectors: VectorStore; embedder: Embedder },
  user: string,
  query: string,
  o: SearchOptions,
): Promise<MemoryItem[]> {
  const [vector] = await deps.embedder.embed([query]);
  const filter = { user_id: user };
  const limit = Math.max(o.topK * 3, 20);
  const fields = ["user_id", "kind", "memory_id"];
  const [dense, sparse] = await Promise.all([
    deps.vectors.query(USER_MEMORY, { mode: "dense", vector: vector as number[], limit, filter, fields }),
    deps.vectors.query(USER_MEMORY, { mode: "sparse", text: query, limit, filter, fields }),
  ]);
  const fused = fuse(dense, sparse);
  const out: MemoryItem[] = [];
  for (const { hit, similarity } of fused) {
    if (out.length >= o.topK) break;
    if ((o.threshold ?? 0) > 0 && similarity < (o.threshold ?? 0)) continue;
    const kind = String(hit.payload.kind) as MemoryKind;
    if (o.kinds && !o.kinds.includes(kind)) continue;
    const item = await readItem(deps.store, kind, hit.id);
    if (item && item.user_id === user) out.push({ ...item, score: Math.round(similarity * 1000) / 1000 });
  }
  return out;
}

function fuse(dense: Hit[], sparse: Hit[]): { hit: Hit; similarity: number }[] {
  const scored = new Map<string, { hit: Hit; rrf: number; similarity: number }>();
  dense.forEach((hit, rank) =>
    scored.set(hit.id, { hit, rrf: 1 / (RRF_K + rank + 1), similarity: hit.score }),
  );
  sparse.forEach((hit, rank) => {
    const known = scored.get(hit.id);
    if (known) known.rrf += 1 / (RRF_K + rank + 1);
    else scored.set(hit.id, { hit, rrf: 1 / (RRF_K + rank + 1), similarity: 0 });
  });
  return [...scored.values()].sort((a, b) => b.rrf - a.rrf);
}

/** The memory with that id as the API shows it, if it (still) exists and is active. */
export async function readItem(
  store: MemoryStore,
  kind: MemoryKind | undefined,
  id: string,
): Promise<MemoryItem | undefined> {
  if (kind === undefined || kind === "fact") {
    const f = await store.factById(id);
    if (f) return f.is_active ? factItem(f) : undefined;
  }
  if (kind === undefined || kind === "episode") {
    const e = await store.episodeById(id);
    if (e) return episodeItem(e);
  }
  if (kind === undefined || kind === "message") {
    const m = await store.messageById(id);
    if (m && m.role === "user") return messageItem(m);
  }
  return undefined;
}
