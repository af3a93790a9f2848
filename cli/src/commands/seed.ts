import { StreamPublisher } from "@lumina/bus";
import { CrawlRequest } from "@lumina/events";
import { openCliRedis } from "../cli-redis.ts";

/**
 * `lumina seed <title…>`: the same as `redis-cli XADD crawl:req '*' url <title> source cli why seed`.
 * A seeded article becomes one of Lumina's interests: the planner reads what is close to it next.
 */
export async function seed(titles: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (titles.length === 0) {
    process.stderr.write(
      "lumina seed: name at least one article, e.g. lumina seed Bodmin Artificial_intelligence\n",
    );
    return 64;
  }
  const { redis, close } = await openCliRedis("seed", env);
  try {
    const ids = await new StreamPublisher({ redis }).publishMany(
      CrawlRequest,
      titles.map((title) => ({ url: title, source: "cli", why: "seed" as const })),
    );
    titles.forEach((title, i) => process.stdout.write(`queued ${title} (crawl:req ${ids[i]})\n`));
    return 0;
  } finally {
    await close();
  }
}
