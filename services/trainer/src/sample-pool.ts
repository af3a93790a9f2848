import type { Redis } from "ioredis";
import type { Sample } from "./domain/samples.ts";

const POOL = "train:pool";
const BY_TIME = "train:pool:ts";

/**
 * The persistent pool of training samples in Redis (saved with Redis's own persistence and in
 * `lumina snapshot`): `train:pool` turn id → sample JSON, `train:pool:ts` turn id → time, oldest first.
 * Adding a turn twice keeps one sample.
 */
export class SamplePool {
  constructor(private readonly redis: Redis) {}

  /** True when the sample is new. */
  async add(sample: Sample): Promise<boolean> {
    const [[, added] = []] =
      (await this.redis
        .multi()
        .hsetnx(POOL, sample.turn_id, JSON.stringify(sample))
        .zadd(BY_TIME, sample.ts, sample.turn_id)
        .exec()) ?? [];
    return added === 1;
  }

  size(): Promise<number> {
    return this.redis.zcard(BY_TIME);
  }

  /** Drops samples older than `before` (ms); returns how many. */
  async prune(before: number): Promise<number> {
    const old = await this.redis.zrangebyscore(BY_TIME, "-inf", `(${before}`);
    if (old.length > 0) await this.remove(old);
    return old.length;
  }

  /** The `n` oldest samples. */
  async oldest(n: number): Promise<Sample[]> {
    const ids = await this.redis.zrange(BY_TIME, 0, n - 1);
    if (ids.length === 0) return [];
    const raw = await this.redis.hmget(POOL, ...ids);
    return raw.flatMap((r) => (r ? [JSON.parse(r) as Sample] : []));
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis
      .multi()
      .hdel(POOL, ...ids)
      .zrem(BY_TIME, ...ids)
      .exec();
  }
}
