import { describe, expect, it } from "vitest";
import { describeError, LuminaError, messageOf, NonRetryableError, RetryableError } from "../src/index.ts";

class PageGone extends NonRetryableError {
  constructor(title: string) {
    super("page_gone", `${title} is gone`, { status: 404 });
  }
}

describe("LuminaError", () => {
  it("carries a stable code, an optional status, retryability and the cause", () => {
    const cause = new Error("socket hang up");
    const busy = new RetryableError("wiki_busy", "the wiki is busy", {
      status: 503,
      headers: { "retry-after": "2" },
      cause,
    });
    expect(busy).toBeInstanceOf(LuminaError);
    expect([busy.code, busy.status, busy.retryable, busy.headers, busy.cause]).toEqual([
      "wiki_busy",
      503,
      true,
      { "retry-after": "2" },
      cause,
    ]);
    const gone = new PageGone("Bodmin");
    expect([gone.name, gone.code, gone.status, gone.retryable]).toEqual([
      "PageGone",
      "page_gone",
      404,
      false,
    ]);
    const plain = new LuminaError("config_invalid", "bad");
    expect([plain.status, plain.retryable, plain.headers]).toEqual([undefined, false, {}]);
  });

  it("describes whatever was thrown", () => {
    expect(describeError(new PageGone("Bodmin"))).toBe("page_gone: Bodmin is gone");
    expect(describeError(new TypeError("x is undefined"))).toBe("TypeError: x is undefined");
    expect(describeError("boom")).toBe("thrown: boom");
    expect(messageOf(new Error("no route"))).toBe("no route");
    expect(messageOf(42)).toBe("42");
  });
});
