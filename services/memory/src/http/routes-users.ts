import { Snapshot } from "@lumina/memory";
import type { Static } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { FastifyInstance } from "fastify";
import type { MemoryBook } from "../memory-book.ts";
import { MemoryApiError } from "./errors.ts";
import { UserFactParams, UserParams, UserSearchRequest } from "./schemas.ts";

type ForUser = { Params: Static<typeof UserParams> };

/**
 * Lumina's own memory endpoints, per user: facts, episodes, messages, search, export and import of a
 * snapshot (docs/memory.md), and forgetting one fact or the whole user.
 */
export function registerUserRoutes(app: FastifyInstance, book: MemoryBook, importMaxBytes: number): void {
  const store = book.store;
  const params = { params: UserParams };
  // Reads and forgetting name a user Lumina knows (one with a message or a fact); import may create one.
  app.addHook("preHandler", async (request) => {
    const user = (request.params as { user?: string }).user;
    if (!user || request.routeOptions.url === "/v1/users/:user/import") return;
    if (!(await book.knows(user)))
      throw new MemoryApiError("user_not_found", `Lumina remembers nothing of user ${user}`);
  });
  app.get<ForUser>("/v1/users/:user/facts", { schema: params }, async (r) => ({
    facts: await store.facts(r.params.user),
  }));
  app.get<ForUser>("/v1/users/:user/episodes", { schema: params }, async (r) => ({
    episodes: await store.episodes(r.params.user),
  }));
  app.get<ForUser>("/v1/users/:user/affinity", { schema: params }, async (r) => ({
    affinity: await store.affinity(r.params.user),
    moods: await store.moods(r.params.user),
  }));
  app.get<ForUser>("/v1/users/:user/messages", { schema: params }, async (r) => ({
    messages: await store.messages(r.params.user),
  }));
  app.post<ForUser & { Body: Static<typeof UserSearchRequest> }>(
    "/v1/users/:user/search",
    { schema: { params: UserParams, body: UserSearchRequest } },
    async (r) => ({ results: await book.search(r.params.user, r.body.query, { topK: r.body.top_k ?? 10 }) }),
  );
  app.get<ForUser>("/v1/users/:user/export", { schema: params }, (r) => store.exportUser(r.params.user));
  app.post<ForUser>("/v1/users/:user/import", { schema: params, bodyLimit: importMaxBytes }, async (r) => {
    const first = Value.Errors(Snapshot, r.body).First();
    if (first)
      throw new MemoryApiError(
        "invalid_request",
        `not a Lumina memory snapshot: ${first.path || "/"} ${first.message}`,
      );
    return { imported: await book.import(r.params.user, r.body as Snapshot) };
  });
  app.delete<{ Params: Static<typeof UserFactParams> }>(
    "/v1/users/:user/facts/:id",
    { schema: { params: UserFactParams } },
    async (r) => {
      const fact = await store.factById(r.params.id);
      if (!fact || fact.user_id !== r.params.user || !fact.is_active)
        throw new MemoryApiError("memory_not_found", `user ${r.params.user} has no fact ${r.params.id}`);
      await book.delete(r.params.id);
      return { forgotten: r.params.id };
    },
  );
  app.delete<ForUser>("/v1/users/:user", { schema: params }, async (r) => ({
    forgotten: await book.forget(r.params.user),
  }));
}
