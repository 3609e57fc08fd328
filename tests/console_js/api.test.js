// @ts-check
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";

import { ApiError, violation } from "../../services/gateway/static/js/api.js";
import { useCatalogue } from "./catalogue.js";

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
