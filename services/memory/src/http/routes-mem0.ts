import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { MemoryBook } from "../memory-book.ts";
import { MemoryApiError } from "./errors.ts";
import {
  AddRequest,
  DeleteAllQuery,
  ListRequest,
  MemoryIdParams,
  Paging,
  SearchRequest,
  UpdateRequest,
} from "./schemas.ts";

const USER_ID = /^[A-Za-z0-9_.@-]{1,128}$/;

/** The user a mem0 filter names: `{user_id}` or nested in `AND`/`OR` lists. */
export function userOfFilters(filters: unknown): string | undefined {
  if (!filters || typeof filters !== "object") return undefined;
  const f = filters as Record<string, unknown>;
  if (typeof f.user_id === "string") return f.user_id;
  for (const list of [f.AND, f.OR, f.and, f.or])
    if (Array.isArray(list))
      for (const part of list) {
        const found = userOfFilters(part);
        if (found) return found;
      }
  return undefined;
}

const needUser = (user: string | undefined, where: string): string => {
  if (!user)
    throw new MemoryApiError("invalid_request", `${where} must name a user_id: Lumina keeps memory per user`);
  if (!USER_ID.test(user))
    throw new MemoryApiError("invalid_request", `user_id must be letters, digits, _ . @ - (${where})`);
  return user;
};

/**
 * The mem0 platform API's memory endpoints, enough for the official `mem0ai` MemoryClient: ping,
 * add, search, list (getAll), get, update, delete, deleteAll, history and entities (users).
 */
export function registerMem0Routes(app: FastifyInstance, book: MemoryBook): void {
  registerWrites(app, book);
  registerReads(app, book);
  registerById(app, book);
  registerDeleteAll(app, book);
}

/** Ping and add. */
function registerWrites(app: FastifyInstance, book: MemoryBook): void {
  app.get("/v1/ping/", async () => ({
    status: "ok",
    message: "Lumina memory",
    org_id: null,
    project_id: null,
  }));

  app.post<{ Body: Static<typeof AddRequest> }>(
    "/v3/memories/add/",
    { schema: { body: AddRequest } },
    async (request) => {
      const b = request.body;
      const messages =
        typeof b.messages === "string" ? [{ role: "user" as const, content: b.messages }] : b.messages;
      const results = await book.add({
        messages,
        user: needUser(b.user_id, "add"),
        agent: b.agent_id ?? "",
        run: b.run_id ?? "",
        metadata: b.metadata ?? {},
        infer: b.infer ?? true,
        ts: b.timestamp !== undefined ? Math.round(b.timestamp * 1000) : Date.now(),
      });
      return { results };
    },
  );
}

/** Search, list (getAll) and entities. */
function registerReads(app: FastifyInstance, book: MemoryBook): void {
  app.post<{ Body: Static<typeof SearchRequest> }>(
    "/v3/memories/search/",
    { schema: { body: SearchRequest } },
    async (request) => {
      const b = request.body;
      const user = needUser(userOfFilters(b.filters), "filters");
      const results = await book.search(user, b.query, {
        topK: b.top_k ?? 10,
        ...(b.threshold !== undefined ? { threshold: b.threshold } : {}),
      });
      return { results };
    },
  );

  app.post<{ Body: Static<typeof ListRequest>; Querystring: Static<typeof Paging> }>(
    "/v3/memories/",
    { schema: { body: ListRequest, querystring: Paging } },
    async (request) => {
      const user = needUser(userOfFilters(request.body?.filters), "filters");
      const page = Number(request.query.page ?? 1);
      const size = Number(request.query.page_size ?? 100);
      const all = await book.list(user);
      const link = (p: number) => `/v3/memories/?page=${p}&page_size=${size}`;
      return {
        count: all.length,
        next: page * size < all.length ? link(page + 1) : null,
        previous: page > 1 ? link(page - 1) : null,
        results: all.slice((page - 1) * size, page * size),
      };
    },
  );

  registerEntities(app, book);
}

function registerDeleteAll(app: FastifyInstance, book: MemoryBook): void {
  app.delete<{ Querystring: Static<typeof DeleteAllQuery> }>(
    "/v1/memories/",
    { schema: { querystring: DeleteAllQuery } },
    async (request) => {
      const user = needUser(request.query.user_id, "deleting all memories");
      const counts = await book.forget(user);
      return { message: "Memories deleted successfully!", deleted: counts };
    },
  );
}

function registerEntities(app: FastifyInstance, book: MemoryBook): void {
  app.get("/v1/entities/", async () => {
    const users = await book.users();
    return {
      count: users.length,
      next: null,
      previous: null,
      results: users.map((u) => ({
        id: u.user_id,
        name: u.user_id,
        type: "user",
        total_memories: u.facts + u.episodes + u.messages,
        created_at: new Date(u.first_seen).toISOString(),
        updated_at: new Date(u.last_seen).toISOString(),
        owner: "lumina",
      })),
    };
  });
}

const notFound = (id: string) => new MemoryApiError("memory_not_found", `no memory ${id}`);

function registerById(app: FastifyInstance, book: MemoryBook): void {
  type ById = { Params: Static<typeof MemoryIdParams> };
  app.get<ById>("/v1/memories/:id/", { schema: { params: MemoryIdParams } }, async (request) => {
    return (await book.get(request.params.id)) ?? Promise.reject(notFound(request.params.id));
  });
  app.put<ById & { Body: Static<typeof UpdateRequest> }>(
    "/v1/memories/:id/",
    { schema: { params: MemoryIdParams, body: UpdateRequest } },
    async (request) => {
      const updated = await book.update(request.params.id, request.body.text, request.body.metadata);
      return updated ?? Promise.reject(notFound(request.params.id));
    },
  );
  app.delete<ById>("/v1/memories/:id/", { schema: { params: MemoryIdParams } }, async (request) => {
    if (!(await book.delete(request.params.id))) throw notFound(request.params.id);
    return { message: "Memory deleted successfully!" };
  });
  app.get<ById>("/v1/memories/:id/history/", { schema: { params: MemoryIdParams } }, async (request) => {
    return (await book.history(request.params.id)) ?? Promise.reject(notFound(request.params.id));
  });
}
