import type { VectorStore } from "@lumina/vectors";
import type { FastifyInstance } from "fastify";
import { permalink } from "../domain/citation.ts";
import type { ReadBecause } from "../read-because.ts";
import { CHUNKS } from "../retriever.ts";
import { ApiError } from "./errors.ts";
import { ChunkResponse, ErrorResponse } from "./schemas.ts";

/** An offset in the chunk's text, as the query string carries it (digits; not coerced). */
const Offset = { type: "string", pattern: "^[0-9]{1,7}$" } as const;
const offset = (s: string | undefined) => (s === undefined ? undefined : Number(s));

/**
 * GET /chunks/:id: the chunk a citation points to, with the permalink of the revision it was read
 * from; `?start=&end=` (a source's `quote` offsets) adds that span as `quote` and a permalink with a
 * text fragment on it.
 */
export function registerChunkRoutes(
  app: FastifyInstance,
  store: VectorStore,
  readBecause: ReadBecause,
): void {
  app.get<{ Params: { id: string }; Querystring: { start?: string; end?: string } }>(
    "/chunks/:id",
    {
      schema: {
        summary: "A cited chunk: its text and the article it comes from",
        params: { type: "object", properties: { id: { type: "string", maxLength: 128 } }, required: ["id"] },
        querystring: {
          type: "object",
          properties: { start: Offset, end: Offset },
          additionalProperties: false,
        },
        response: { 200: ChunkResponse, "4xx": ErrorResponse },
      },
    },
    async (request) => {
      const [hit] = await store.get(CHUNKS, [request.params.id]);
      if (!hit) throw new ApiError("chunk_not_found", `no chunk ${request.params.id}`);
      const title = String(hit.payload.title);
      const url = String(hit.payload.url);
      const revision = Number(hit.payload.revision);
      const [start, end] = [offset(request.query.start), offset(request.query.end)];
      if (
        (start === undefined) !== (end === undefined) ||
        (end ?? 0) > hit.text.length ||
        (start ?? 0) > (end ?? 0)
      )
        throw new ApiError(
          "invalid_request",
          `start and end go together, 0 ≤ start ≤ end ≤ ${hit.text.length} (the chunk's length)`,
        );
      const quote =
        start !== undefined && end !== undefined
          ? { text: hit.text.slice(start, end), start, end }
          : undefined;
      const link = permalink(url, title, revision, quote);
      const because = await readBecause(title);
      return {
        id: hit.id,
        text: hit.text,
        title,
        url,
        revision,
        section: String(hit.payload.section ?? ""),
        ...(link ? { permalink: link } : {}),
        ...(quote ? { quote } : {}),
        ...(because ? { read_because: because } : {}),
      };
    },
  );
}
