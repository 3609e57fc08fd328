// @ts-check
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { changeText, clip, reasonText } from "../../services/gateway/static/js/schedule.js";
import { useCatalogue } from "./catalogue.js";

/** @typedef {import("planops-api").planner.v1.ProposalItem} ProposalItem */

beforeEach(() => useCatalogue("en"));

const people = { personLabel: (/** @type {string | null | undefined} */ who) => (who ? `<${who}>` : "nobody") };

/**
 * @param {Partial<ProposalItem>} fields
 * @returns {ProposalItem}
 */
function item(fields) {
  return {
    task: "projects/p/tasks/1", title: "Ship", assignee: "", startDate: "", endDate: "", currentAssignee: "",
    currentStartDate: "", currentEndDate: "", assigneeChanged: false, datesChanged: false, reasons: [],
    critical: false, slackDays: 0, lateDays: 0, pinned: false, state: "ITEM_STATE_PENDING", taskEtag: "", pieces: [], crew: [], currentCrew: [], ...fields,
  };
}

test("a label is clipped by width, a CJK character counting as two Latin letters", () => {
  assert.equal(clip("short", 10), "short");
  assert.equal(clip("exactly ten", 11), "exactly ten");
  assert.equal(clip("a rather long task title", 10), "a rather …");
  assert.equal(clip("准备双十二活动页面", 8), "准备双…");
  assert.equal(clip("😀😀😀😀", 2), "😀…");
});

test("the planner's reasons in the console's words, with their dates", () => {
  assert.equal(reasonText("Waits for 'Design' (FS +2d)."), "Waits for “Design” (FS, lag 2 days).");
  assert.equal(reasonText("Lin is busy with 'Banner' until 2030-12-14."), "Lin is busy with “Banner” until Sat 14 Dec 2030.");
  assert.equal(
    reasonText("Starts when the project starts. Works on make-up working day(s) 2030-12-14, 2030-12-15."),
    "Starts when the project starts. Works on the make-up working days Sat 14 Dec 2030 and Sun 15 Dec 2030.",
  );
  assert.equal(reasonText("A sentence of a new kind."), null);
});

test("a crew task's reason names its crew before the make-up days and the pauses", () => {
  const said = reasonText(
    "Starts when the project starts. Needs a crew of 2: Ann, Bo. Works on make-up working day(s) 2030-12-14." +
      " Split around Ann's day(s) off on 2030-12-17.",
  );
  assert.ok(said?.startsWith("Starts when the project starts. Needs a crew of 2: Ann, Bo. Works on the make-up working day"), said ?? "null");
  assert.ok(said?.includes("Ann"), said ?? "null");
});

test("what an item changes, in words", () => {
  assert.equal(changeText(item({}), people), "no change");
  assert.equal(changeText(item({ assigneeChanged: true, assignee: "people/lin" }), people), "assign to <people/lin>");
  assert.equal(
    changeText(item({
      assigneeChanged: true, assignee: "people/lin", currentAssignee: "people/ana",
      datesChanged: true, startDate: "2030-12-14", endDate: "2030-12-16",
      currentStartDate: "2030-12-10", currentEndDate: "2030-12-11",
    }), people),
    "reassign <people/ana> → <people/lin>; move Tue 10 Dec 2030 – Wed 11 Dec 2030 → Sat 14 Dec 2030 – Mon 16 Dec 2030",
  );
});
