// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import { isOverdue, movesFrom } from "../../services/gateway/static/js/board.js";

/** @typedef {import("planops-api").core.v1.Workflow} Workflow */

/** @type {{ project: { workflow: Workflow } }} */
const ctx = {
  project: {
    workflow: {
      initialState: "draft",
      states: [
        { id: "draft", displayName: "Draft", category: "STATE_CATEGORY_PLANNED" },
        { id: "in_review", displayName: "In review", category: "STATE_CATEGORY_ACTIVE" },
        { id: "done", displayName: "Done", category: "STATE_CATEGORY_DONE" },
        { id: "cancelled", displayName: "Cancelled", category: "STATE_CATEGORY_CANCELLED" },
      ],
      transitions: [
        { fromState: "draft", toState: "in_review", roles: ["ROLE_MANAGER", "ROLE_EXECUTOR"] },
        { fromState: "in_review", toState: "done", roles: ["ROLE_REVIEWER"] },
        { fromState: "in_review", toState: "draft", roles: [] },
      ],
    },
  },
};

test("open work past its due date is overdue; finished, undated or future work is not", () => {
  assert.equal(isOverdue({ state: "in_review", dueDate: "2000-01-03" }, ctx), true);
  assert.equal(isOverdue({ state: "draft", dueDate: "2999-01-03" }, ctx), false);
  assert.equal(isOverdue({ state: "draft", dueDate: "" }, ctx), false);
  assert.equal(isOverdue({ state: "done", dueDate: "2000-01-03" }, ctx), false);
  assert.equal(isOverdue({ state: "cancelled", dueDate: "2000-01-03" }, ctx), false);
  // A state the workflow no longer has counts as open.
  assert.equal(isOverdue({ state: "gone", dueDate: "2000-01-03" }, ctx), true);
});

test("the moves from a state, with the roles that may make each in plain words", () => {
  assert.deepEqual(movesFrom(ctx, "in_review"), [
    { to: "done", roles: ["reviewer"] },
    { to: "draft", roles: [] },
  ]);
  assert.deepEqual(movesFrom(ctx, "draft"), [{ to: "in_review", roles: ["manager", "executor"] }]);
  assert.deepEqual(movesFrom(ctx, "done"), []);
  assert.deepEqual(movesFrom({ project: {} }, "draft"), []);
});
