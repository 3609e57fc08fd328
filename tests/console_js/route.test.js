// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import { parseRoute, pickProject } from "../../services/gateway/static/js/route.js";

test("the hash names the page, the rest of its path and its parameters", () => {
  const route = parseRoute("#/task/promo/12?highlight=3,4");
  assert.equal(route.page, "task");
  assert.deepEqual(route.rest, ["promo", "12"]);
  assert.equal(route.params.get("highlight"), "3,4");
  assert.equal(parseRoute("").page, "board");
  assert.equal(parseRoute("#/").page, "board");
  assert.equal(parseRoute("#reports?iteration=2").params.get("iteration"), "2");
});

test("a visit shows the project the address names, else the one chosen before, else one still running", () => {
  const projects = [
    { name: "projects/archive", deadline: "2001-01-31" },
    { name: "projects/promo", deadline: "2030-12-12" },
    { name: "projects/plant", deadline: "" },
  ];
  const today = "2030-01-01";
  assert.equal(pickProject({ projects, wanted: "plant", chosen: "archive", today }), "plant");
  assert.equal(pickProject({ projects, wanted: "unknown", chosen: "archive", today }), "archive");
  assert.equal(pickProject({ projects, wanted: null, chosen: "deleted", today }), "promo");
  assert.equal(pickProject({ projects, wanted: null, chosen: null, today: "2031-01-01" }), "archive");
  assert.equal(pickProject({ projects: [], wanted: null, chosen: null, today }), null);
});
