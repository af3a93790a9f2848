import type { Plugin } from "@lumina/plugins";

/**
 * topic-stats: every graph:add adds one to each of the article's categories (once per article
 * revision, so a redelivered event counts once); GET /plugins/topic-stats/top?n=10 lists the most
 * common categories.
 */
const plugin: Plugin = {
  register(ctx) {
    ctx.subscribe("graph:add", async (article) => {
      const seen = `seen:${String(article.page_id)}:${String(article.revision)}`;
      if ((await ctx.store.incrby(seen)) > 1) return; // counted already
      for (const category of article.categories as string[])
        await ctx.store.zincrby("categories", 1, category);
    });
    ctx.route("GET", "/top", async ({ query }) => {
      const n = Math.min(100, Math.max(1, Number(query.n ?? 10) || 10));
      const top = await ctx.store.top("categories", n);
      return { categories: top.map(([name, articles]) => ({ name, articles })) };
    });
  },
};
export default plugin;
