// @ts-check
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";

import {
  formatChance, formatChanceRange, formatDate, formatDay, formatDays, formatHours, formatList,
  formatNumber, formatPercent, preferred, stateName, t, term,
} from "../../services/gateway/static/js/i18n.js";
import { useCatalogue } from "./catalogue.js";

describe("in English", () => {
  beforeEach(() => useCatalogue("en"));

  test("a message takes its placeholders and its plural form by count", () => {
    assert.equal(t("board.count", { shown: 1, count: 1 }), "1 of 1 task");
    assert.equal(t("board.count", { shown: 3, count: 12 }), "3 of 12 tasks");
    assert.equal(t("board.count", { shown: 1234, count: 2000 }), "1,234 of 2,000 tasks");
  });

  test("a key the catalogue lacks is shown as itself, never as undefined", (context) => {
    context.mock.method(console, "warn", () => {});
    assert.equal(t("no.such.key"), "no.such.key");
  });

  test("dates read day before month, with the weekday, and the year only when it is not this one", () => {
    assert.equal(formatDate("2030-12-14"), "Sat 14 Dec 2030");
    assert.equal(formatDate("2030-12-14T09:30:00Z", { weekday: false }), "14 Dec 2030");
    assert.equal(formatDay("2030-12-14"), "14 Dec");
    const thisYear = `${new Date().getUTCFullYear()}-03-02`;
    assert.doesNotMatch(formatDate(thisYear), /\d{4}/);
    assert.equal(formatDate(""), "");
    assert.equal(formatDate("someday"), "someday");
  });

  test("numbers, percentages, hours and days", () => {
    assert.equal(formatNumber(1234.5, 1), "1,234.5");
    assert.equal(formatNumber("not a number"), "0");
    assert.equal(formatPercent(0.256), "26%");
    assert.equal(formatHours(12.5), "12.5 h");
    assert.equal(formatDays(1), "1 day");
    assert.equal(formatDays(2.6), "3 days");
    assert.equal(formatList(["a", "b", "c"]), "a, b and c");
    assert.equal(formatList(["a", "b"], "disjunction"), "a or b");
  });

  test("a model's chance is never written as certain", () => {
    assert.equal(formatChance(0), "<1%");
    assert.equal(formatChance(1), ">99%");
    assert.equal(formatChance(0.42), "42%");
    assert.deepEqual(formatChanceRange(0.123, 0.456), ["12%", "46%"]);
    assert.deepEqual(formatChanceRange(0, 1), ["1%", "99%"]);
  });

  test("server codes in words, and a renamed state keeps its own name", () => {
    assert.equal(term("role", "manager"), "manager");
    assert.equal(term("nothing", "SOME_CODE"), "some code");
    assert.equal(stateName("in_review"), "In review");
    assert.equal(stateName("in_review", "Peer review"), "Peer review");
    assert.equal(stateName("custom_state", ""), "custom_state");
  });
});

describe("in Chinese", () => {
  beforeEach(() => useCatalogue("zh-CN"));

  test("dates, lists and units the Chinese way", () => {
    assert.equal(formatDate("2030-12-14"), "2030年12月14日 周六");
    assert.equal(formatDay("2030-12-14"), "12月14日");
    assert.equal(formatList(["a", "b", "c"]), "a、b和c");
    assert.equal(formatHours(12.5), "12.5 小时");
    assert.equal(t("board.count", { shown: 3, count: 12 }), "3 / 12 个任务");
  });

  test("the default workflow's states and roles are translated", () => {
    assert.equal(stateName("in_review"), "审核中");
    assert.equal(term("role", "manager"), "经理");
  });
});

test("the language: a stored choice, else the browser's first Chinese or English one", () => {
  assert.equal(preferred("en", ["zh-TW"]), "en");
  assert.equal(preferred(null, ["fr", "zh-TW", "en"]), "zh-CN");
  assert.equal(preferred("de", ["fr", "en-US"]), "en");
  assert.equal(preferred(null, undefined), "en");
});
