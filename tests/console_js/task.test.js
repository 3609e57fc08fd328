// @ts-check
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { evidenceText, modelName } from "../../services/gateway/static/js/risk.js";
import { changes, factorText } from "../../services/gateway/static/js/task.js";
import { useCatalogue } from "./catalogue.js";

beforeEach(() => useCatalogue("en"));

const people = { personLabel: (/** @type {string | null | undefined} */ who) => (who === "people/lin" ? "Lin" : String(who)) };

test("an audit entry's changes: field names, states, people and dates in words; bookkeeping left out", () => {
  assert.deepEqual(
    changes(people,
      { state: "draft", assignee: "", dueDate: "2030-12-14", etag: 'W/"1"', priority: "PRIORITY_LOW" },
      { state: "in_review", assignee: "people/lin", dueDate: "2030-12-15", etag: 'W/"2"', priority: "PRIORITY_URGENT" }),
    [
      "state: Draft → In review",
      "assignee: — → Lin",
      "due date: Sat 14 Dec 2030 → Sun 15 Dec 2030",
      "priority: low → urgent",
    ],
  );
  // A creation has no before.
  assert.deepEqual(changes(people, undefined, { title: "Ship" }), ['title: "Ship"']);
});

test("a risk factor's sentence comes from the catalogue by its feature, else the server's text", () => {
  assert.equal(factorText({ feature: "days_in_in_review", value: 2.5, contribution: 0.1, text: "" }), "2.5 days in In review");
  assert.equal(factorText({ feature: "label_bucket_3", value: 1, contribution: 0.1, text: "labelled ads, copy" }), "labelled ads, copy");
  assert.equal(factorText({ feature: "priority_rank", value: 4, contribution: 0.1, text: "" }), "urgent priority");
  assert.equal(factorText({ feature: "brand_new_feature", value: 1, contribution: 0.1, text: "the server's words" }), "the server's words");
});

test("a task's risk says what it rests on", () => {
  assert.equal(
    evidenceText({ similarTasks: 12, similarLate: 5, probabilityLateLow: 0.2, probabilityLateHigh: 0.61 }),
    "20%–61%, 12 similar past tasks, 5 late",
  );
  assert.equal(evidenceText({ similarTasks: 0, similarLate: 0, probabilityLateLow: 0, probabilityLateHigh: 1 }), "no past tasks: a default");
  assert.equal(modelName("prior"), "prior");
  assert.equal(modelName("models/7"), "models/7");
});
