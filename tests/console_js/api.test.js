// @ts-check
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";

import { ApiError, every, svc, violation } from "../../services/gateway/static/js/api.js";
import { useCatalogue } from "./catalogue.js";

/** @type {{ url: string, body: Record<string, unknown> }[]} */
let calls = [];

// The gateway, answering each call with `answer(body)` as JSON.
/** @param {(body: Record<string, unknown>) => unknown} answer */
function gateway(answer) {
  calls = [];
  /** @type {typeof fetch} */
  const fake = async (url, init) => {
    const body = JSON.parse(String(init?.body || "{}"));
    calls.push({ url: String(url), body });
    return new Response(JSON.stringify(answer(body)), { status: 200 });
  };
  globalThis.fetch = fake;
}

// `count` tasks, `size` to a page, the token naming the next page.
/** @param {number} count */
function pages(count) {
  return (/** @type {Record<string, unknown>} */ body) => {
    const start = Number(body.pageToken || 0);
    const size = Number(body.pageSize);
    const tasks = Array.from({ length: Math.min(size, count - start) }, (_, i) => ({ name: `t${start + i}` }));
    return { tasks, nextPageToken: start + size < count ? String(start + size) : "" };
  };
}

const realFetch = globalThis.fetch;
beforeEach(() => {
  useCatalogue("en");
  /** @type {Map<string, string>} */
  const store = new Map();
  globalThis.sessionStorage = /** @type {Storage} */ (/** @type {unknown} */ ({
    getItem: (/** @type {string} */ key) => store.get(key) ?? null,
    setItem: (/** @type {string} */ key, /** @type {string} */ value) => store.set(key, value),
    removeItem: (/** @type {string} */ key) => store.delete(key),
  }));
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

describe("every", () => {
  test("follows every page, however many there are", async () => {
    gateway(pages(120 * 5 + 3));
    const tasks = await every(svc.tasks, "ListTasks", { parent: "projects/p" }, "tasks", 5);
    assert.equal(tasks.length, 603);
    assert.equal(tasks[602].name, "t602");
    assert.equal(calls.length, 121);
    assert.equal(calls[0].url, "/api/planops.core.v1.TaskService/ListTasks");
    assert.deepEqual(calls[1].body, { parent: "projects/p", pageSize: 5, pageToken: "5" });
  });

  test("one page without a token is the whole list", async () => {
    gateway(pages(2));
    assert.deepEqual(await every(svc.tasks, "ListTasks", {}, "tasks"), [{ name: "t0" }, { name: "t1" }]);
    assert.equal(calls.length, 1);
  });

  test("a server that hands back a token it gave before fails loudly instead of looping", async () => {
    gateway((body) => ({ tasks: [{ name: `t${body.pageToken}` }], nextPageToken: body.pageToken ? "b" : "a" }));
    await assert.rejects(every(svc.tasks, "ListTasks", {}, "tasks"), {
      message: "the server sent the same page of ListTasks twice, so the list cannot be shown whole; try again",
    });
  });

  test("a refused page is the server's refusal", async () => {
    globalThis.fetch = async () => new Response(JSON.stringify({
      code: "permission_denied", message: "needs the role manager or reviewer in projects/p", details: [], reason: "",
    }), { status: 403 });
    await assert.rejects(every(svc.tasks, "ListTasks", {}, "tasks"), (error) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.describe(), "Not allowed: this needs the role manager or reviewer");
      return true;
    });
  });
});

describe("refusals in words", () => {
  beforeEach(() => useCatalogue("en"));

  test("each bad field is named in the console's words", () => {
    const error = new ApiError(400, {
      code: "invalid_argument", message: "bad", reason: "",
      details: [
        { field: "task.due_date", description: "must be a date (YYYY-MM-DD)" },
        { field: "task.title", description: "must be at most 200 characters" },
      ],
    });
    assert.equal(error.describe(), "Invalid input: due date must be a valid date; title must be at most 200 characters");
  });

  test("a description the console does not know keeps the server's text", () => {
    assert.equal(violation("task.title", "sounds odd"), "title: sounds odd");
    assert.equal(violation("weird.path", "sounds odd"), "weird.path: sounds odd");
  });

  test("a page that is not the gateway's (a proxy's) still gives a line", () => {
    const error = new ApiError(502, {});
    assert.equal(error.describe(), "Error: HTTP 502");
  });
});
