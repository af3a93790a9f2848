import { createWriteStream } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { LuminaError } from "@lumina/errors";

export interface Progress {
  done: number;
  /** Undefined when the server does not say. */
  total: number | undefined;
}

/** The server answered, but with an error status. */
export class DownloadError extends LuminaError {
  constructor(
    message: string,
    /** The server's HTTP status, when it answered with an error. */
    readonly remoteStatus?: number,
  ) {
    super("download_failed", message);
  }
}

/**
 * Downloads `url` to `dest` through `dest.part`, resuming a partial file with an HTTP Range request,
 * then checks the first bytes with `verify` before renaming it into place (a wrong file never takes
 * the final name).
 */
export async function download(
  url: string,
  dest: string,
  options: {
    onProgress?: (p: Progress) => void;
    verify?: (head: Buffer) => string | undefined;
    signal?: AbortSignal;
  } = {},
): Promise<{ bytes: number; resumed: boolean }> {
  const part = `${dest}.part`;
  const have = await stat(part).then(
    (s) => s.size,
    () => 0,
  );
  const res = await fetch(url, {
    headers: have > 0 ? { range: `bytes=${have}-` } : {},
    redirect: "follow",
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let resumed = false;
  let done = 0;
  let total: number | undefined;
  if (res.status === 416 && have > 0) {
    done = have; // the partial file is already complete
  } else if (res.ok && res.body) {
    resumed = res.status === 206;
    done = resumed ? have : 0;
    const length = Number(res.headers.get("content-length"));
    const range = /\/(\d+)$/.exec(res.headers.get("content-range") ?? "");
    total = range ? Number(range[1]) : Number.isFinite(length) && length > 0 ? length + done : undefined;
    const file = createWriteStream(part, { flags: resumed ? "a" : "w" });
    const counter = new Writable({
      write(chunk: Buffer, _enc, callback) {
        done += chunk.length;
        options.onProgress?.({ done, total });
        if (file.write(chunk)) callback();
        else file.once("drain", () => callback());
      },
      final(callback) {
        file.end(callback);
      },
    });
    await pipeline(res.body as unknown as NodeJS.ReadableStream, counter);
  } else {
    throw new DownloadError(`${url} answered ${res.status} ${res.statusText}`, res.status);
  }

  const handle = await open(part, "r");
  const head = Buffer.alloc(16);
  await handle.read(head, 0, 16, 0);
  await handle.close();
  const problem = options.verify?.(head);
  if (problem) {
    await rm(part, { force: true });
    throw new DownloadError(`${url} is not what was expected: ${problem}`);
  }
  await rename(part, dest);
  return { bytes: done, resumed };
}
