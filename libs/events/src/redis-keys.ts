/**
 * Redis keys that more than one service reads (docs/architecture.md). Each has one owner that writes it; the
 * others only read. Keys a single service keeps to itself stay in that service.
 */

/** The knowledge graph; written by the indexer. */
export const KG = {
  /** SET of read article titles */
  nodes: "kg:nodes",
  node: (title: string) => `kg:node:${title}`,
  /** SET of titles `title` links to (read or not) */
  out: (title: string) => `kg:out:${title}`,
  /** SET of read titles that link to `title` (read or not) */
  in: (title: string) => `kg:in:${title}`,
  /** ZSET title → PageRank over the read articles (ranks sum to 1) */
  pagerank: "kg:pagerank",
  /** ZSET of articles semantically close to `title` (score = cosine similarity of their lead chunks) */
  semantic: (title: string) => `kg:sem:${title}`,
  /** page id → revision whose chunks are fully in the vector store */
  indexed: "kg:indexed",
  /** page id → revision whose chunk write last began (to clean up after a crash mid-write) */
  indexing: "kg:indexing",
  /** topics already sent as gap:req, so each is asked for once */
  gapsSent: "kg:gaps:sent",
} as const;

/** The crawl queue; written by the crawler (and by people: `ZADD crawl:queue 0 Title`). */
export const CRAWL = {
  /** BullMQ queue name (BullMQ names cannot contain ":") */
  queueName: "crawl",
  /** ZSET people seed; drained into the BullMQ queue */
  zset: "crawl:queue",
  /** HASH title → last revision and time read */
  seen: "crawl:seen",
  /** SET of titles the wiki does not have */
  missing: "crawl:missing",
} as const;

/** The planner's gap store; gap:req feeds it, `lumina status` reads it. */
export const GAPS = {
  /** ZSET topic → accumulated gap score (how often and how strongly it was asked for) */
  topics: "gaps:topics",
  /** HASH topic → ms timestamp of the latest gap:req for it (the recency term) */
  lastSeen: "gaps:last_seen",
  /** HASH topic → crawl:req the planner already sent for it (the novelty term) */
  attempts: "gaps:attempts",
  /** HASH topic → ms timestamp of the latest crawl:req sent for it (not sent again before GAP_RETRY_S) */
  sentAt: "gaps:sent_at",
  /** a short lock so that planner replicas never spend the same budget twice */
  lock: "gaps:lock",
  /** ZSET `<ms>:<topic>` → ms timestamp of every crawl:req the planner sent (the budget window) */
  issued: "gaps:issued",
  /** ZSET topic → its relevance term when last scored (candidates are chosen from its top too) */
  relevance: "gaps:relevance",
  /** SET of topics recorded but not scored for relevance yet */
  fresh: "gaps:fresh",
  /** HASH topic → the read article whose link raised the gap first (provenance) */
  parent: "gaps:parent",
  /** HASH topic → why the gap was raised first (dangling, sparse, low_confidence, unknown, manual) */
  why: "gaps:why",
  /** STRING: JSON of the last planning round's best candidates with their terms (`lumina status`) */
  plan: "gaps:plan",
} as const;

/**
 * What Lumina is meant to be about: the planner's relevance term compares candidates with these. Both
 * are capped, one owner each.
 */
export const INTERESTS = {
  /** HASH title → JSON `{text, at}` of each article people asked Lumina to read (seeds, manual crawls); written by the indexer */
  seeds: "interests:seeds",
  /**
   * HASH title → the seed article's lead-chunk vector (float32, little-endian), which the indexer
   * embedded anyway: the planner takes it instead of embedding the seed's text again, when the JSON
   * entry's `model` is its own embedder's; written and trimmed with `seeds`
   */
  seedVectors: "interests:seeds:vectors",
  /** LIST of JSON `{text, at}`, the latest questions people asked, newest first; written by the rag-worker */
  questions: "interests:questions",
} as const;

/** Scratchpads; written by scratch-vm, folded and deleted by the compressor. */
export const PADS = {
  /** HASH of one pad: title, rounds, created, deadline and `note:<round>` fields; expires after PAD_TTL */
  pad: (padId: string) => `pad:${padId}`,
  /** ZSET pad id → ms deadline (creation + PAD_TTL): the compressor folds pads before they expire */
  deadlines: "pads:deadlines",
  /** SET of pad ids already folded into scratch_mem: a redelivered graph:add does not open them again */
  compressed: "pads:compressed",
} as const;

/** Chat activity; set by the rag-worker, read by background work (scratch-vm, compressor) that yields to it. */
export const CHAT = {
  /** a key that exists while people are chatting: set with a short expiry on every chat request */
  active: "chat:active",
} as const;
