import type { VectorStore } from "@lumina/vectors";
import type { FastifyInstance } from "fastify";
import type { ReadBecause } from "../read-because.ts";
import { CHUNKS } from "../retriever.ts";
import { ApiError } from "./errors.ts";
import { ChunkResponse, ErrorResponse } from "./schemas.ts";

/** GET /chunks/:id: the chunk a citation points to. */
export function registerChunkRoutes(
  app: FastifyInstance,
  store: VectorStore,
  readBecause: ReadBecause,
): void {
  app.get<{ Params: { id: string } }>(
    "/chunks/:id",
    {
      schema: {
        summary: "A cited chunk: its text and the article it comes from",
        params: { type: "object", properties: { id: { type: "string", maxLength: 128 } }, required: ["id"] },
        response: { 200: ChunkResponse, "4xx": ErrorResponse },
      },
    },
    async (request) => {
      const [hit] = await store.get(CHUNKS, [request.params.id]);
      if (!hit) throw new ApiError("chunk_not_found", `no chunk ${request.params.id}`);
      const title = String(hit.payload.title);
      const because = await readBecause(title);
      return {
        id: hit.id,
        text: hit.text,
        title,
        url: String(hit.payload.url),
        revision: Number(hit.payload.revision),
        section: String(hit.payload.section ?? ""),
        ...(because ? { read_because: because } : {}),
      };
    },
  );
}
