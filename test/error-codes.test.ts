import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { LlmBusyError, LlmUnavailableError, PromptTooLongError } from "@lumina/llm";
import { describe, expect, it } from "vitest";
import { MEMORY_API_ERRORS } from "../services/memory/src/http/errors.ts";
import { API_ERRORS, toApiAnswer } from "../services/rag-worker/src/http/errors.ts";

// Every error code is documented, with its meaning, in docs/errors.md; every code the API can answer
// with has the status the docs give it.
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const doc = readFileSync(join(ROOT, "docs/errors.md"), "utf8");

/** Rows of the table under `heading`: code → its other cells. */
function table(heading: string): Map<string, string[]> {
  const section = doc.split(/^## /m).find((s) => s.startsWith(heading)) ?? "";
  const rows = new Map<string, string[]>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const code = /^`([a-z_<>]+)`$/.exec(cells[1] ?? "")?.[1];
    if (code) rows.set(code, cells.slice(2, -1));
  }
  return rows;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.parentPath.includes("node_modules"))
    .map((e) => join(e.parentPath, e.name));
}

/** Codes passed as literals to an error's constructor anywhere in src (libs, services, cli). */
function codesInSource(): Map<string, string> {
  const found = new Map<string, string>();
  const dirs = ["libs", "services"].flatMap((d) =>
    readdirSync(join(ROOT, d)).map((p) => join(ROOT, d, p, "src")),
  );
  for (const file of [...dirs, join(ROOT, "cli/src")].flatMap(sourceFiles))
    for (const m of readFileSync(file, "utf8").matchAll(/(?:super|Error)\(\s*"([a-z][a-z0-9_]*)"/g))
      found.set(m[1] as string, relative(ROOT, file));
  return found;
}

describe("error codes", () => {
  const http = table("HTTP API");
  const other = table("Logs, dead letters and exit codes");
  const memory = table("Memory API");

  it("documents every code the API answers with, at its status, with a meaning", () => {
    expect(http.size).toBeGreaterThan(10);
    for (const [code, status] of Object.entries(API_ERRORS)) {
      expect(http.get(code)?.[0], `docs/errors.md: ${code}`).toBe(String(status));
      expect(http.get(code)?.[1]?.length, `docs/errors.md: meaning of ${code}`).toBeGreaterThan(10);
    }
    for (const code of http.keys()) expect(Object.keys(API_ERRORS), `stale row ${code}`).toContain(code);
  });

  it("documents every code the memory API answers with, at its status", () => {
    for (const [code, status] of Object.entries(MEMORY_API_ERRORS)) {
      const row = memory.get(code) ?? http.get(code);
      expect(row?.[0], `docs/errors.md: memory API ${code}`).toBe(String(status));
    }
  });

  it("documents every code thrown in the source", () => {
    const found = codesInSource();
    expect(found.size).toBeGreaterThan(20);
    for (const [code, file] of found)
      expect(
        http.has(code) || other.has(code) || memory.has(code),
        `${code} (thrown in ${file}) missing in docs/errors.md`,
      ).toBe(true);
    for (const [code, cells] of other) expect(cells.at(-1)?.length, `meaning of ${code}`).toBeGreaterThan(10);
  });

  it("maps the model's errors to their documented statuses", () => {
    const busy = toApiAnswer(new LlmBusyError(3, 4));
    expect(busy).toEqual({
      status: 503,
      code: "llm_busy",
      message: expect.any(String),
      headers: { "retry-after": "4" },
    });
    expect(toApiAnswer(new LlmUnavailableError("no model file")).status).toBe(503);
    expect(toApiAnswer(new PromptTooLongError(5000, 4096))).toMatchObject({
      status: 400,
      code: "context_length_exceeded",
    });
    // Anything else says nothing about itself to a client.
    expect(toApiAnswer(new Error("ECONNRESET at 10.0.0.3"))).toEqual({
      status: 500,
      code: "internal",
      message: "internal error",
      headers: {},
    });
  });
});
