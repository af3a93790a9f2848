import { KG, Provenance } from "@lumina/events";
import type { Static } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { Redis } from "ioredis";

export type ReadBecause = (title: string) => Promise<Static<typeof Provenance> | undefined>;

/** The provenance the indexer kept with a node (`read_because`), if it has one that is well formed. */
export async function readBecause(
  redis: Redis,
  title: string,
): Promise<Static<typeof Provenance> | undefined> {
  const raw = await redis.hget(KG.node(title), "read_because");
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Value.Check(Provenance, parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
