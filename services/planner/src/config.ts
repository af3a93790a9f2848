import { EmbedderConfig } from "@lumina/embeddings";
import { Type } from "@sinclair/typebox";

/** The planner's own variables, on top of the base ones (libs/runtime). */
export const PlannerConfig = Type.Object({
  ...EmbedderConfig.properties,
  PLAN_INTERVAL_S: Type.Number({
    exclusiveMinimum: 0,
    default: 600,
    description: "plan from the gap store at least this often",
  }),
  QUEUE_MIN: Type.Integer({
    minimum: 0,
    default: 20,
    description: "the crawl queue should not fall below this while gaps last",
  }),
  QUEUE_MAX: Type.Integer({
    minimum: 1,
    default: 40,
    description: "the planner never fills the crawl queue beyond this",
  }),
  QUEUE_CHECK_MS: Type.Integer({
    minimum: 10,
    default: 2_000,
    description: "how often the crawl queue depth is checked (a top-up when it runs low)",
  }),
  CRAWL_BUDGET_PER_HR: Type.Integer({
    minimum: 1,
    default: 600,
    description: "crawl:req the planner may send per hour (the crawler enforces the same figure on fetches)",
  }),
  CRAWL_BUDGET_WINDOW_S: Type.Number({
    exclusiveMinimum: 0,
    default: 3_600,
    description: "the window CRAWL_BUDGET_PER_HR counts over; shorter only to speed up soak tests",
  }),
  GAP_HALF_LIFE_H: Type.Number({
    exclusiveMinimum: 0,
    default: 24,
    description: "a gap not asked for again for this long weighs half as much (the recency term)",
  }),
  GAP_RETRY_S: Type.Number({
    exclusiveMinimum: 0,
    default: 3_600,
    description: "a gap crawled but still unread after this long may be sent again (at lower novelty)",
  }),
  PLAN_CANDIDATES: Type.Integer({
    minimum: 1,
    default: 1_000,
    description:
      "gaps scored per planning round: up to this many of the most relevant, the most asked for and the newest each",
  }),
  PLAN_RELEVANCE: Type.Union([Type.Literal("on"), Type.Literal("off")], {
    default: "on",
    description:
      "on: priority includes relevance to the seeds and recent questions (the planner embeds candidate titles with EMBEDDER); off: relevance 1 for all",
  }),
  PLAN_RELEVANCE_RATIO: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.5,
    description:
      "candidates under this share of the best relevance wait until nothing closer is left (0: none wait)",
  }),
  INTEREST_HALF_LIFE_S: Type.Number({
    exclusiveMinimum: 0,
    default: 1_800,
    description:
      "a seed this old weighs ¾ in relevance (1 when fresh, never under ½); a question 1½ (2 when fresh, never under 1)",
  }),
  PLAN_VECTOR_CACHE: Type.Integer({
    minimum: 100,
    default: 20_000,
    description: "title vectors the planner keeps in memory (2 KB each with a 512-d embedder)",
  }),
});
