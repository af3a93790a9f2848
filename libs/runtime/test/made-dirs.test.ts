import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MadeDirs } from "../src/index.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "lumina-made-dirs-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("MadeDirs", () => {
  it("makes a directory on first write and again after it was removed", async () => {
    const dirs = new MadeDirs();
    const dir = join(root, "a", "b");
    const file = join(dir, "log.txt");
    await dirs.write(dir, () => appendFile(file, "one\n"));
    await dirs.write(dir, () => appendFile(file, "two\n"));
    expect(await readFile(file, "utf8")).toBe("one\ntwo\n");
    await rm(join(root, "a"), { recursive: true });
    await dirs.write(dir, () => appendFile(file, "three\n"));
    expect(await readFile(file, "utf8")).toBe("three\n");
  });

  it("passes on errors other than a missing directory", async () => {
    const dirs = new MadeDirs();
    await expect(
      dirs.write(root, () => Promise.reject(Object.assign(new Error("disk full"), { code: "ENOSPC" }))),
    ).rejects.toThrow("disk full");
  });
});
