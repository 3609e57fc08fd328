// @ts-check
// Schedule: the current plan against a planner proposal (Gantt), items accepted one by one,
// a workload heatmap, and what-if scenarios that write nothing.

import { ApiError, call, every, must, svc } from "./api.js";
import { flash, h, mount, s, short, spinner, valueOf } from "./dom.js";
import { formatChance, formatDate, formatDay, formatDays, formatHours, formatList, formatNumber, stateName, t, term } from "./i18n.js";
import { exportButtons } from "./exports.js";
import { modelName } from "./risk.js";

/** @typedef {import("./app.js").Context} Context */
/** @typedef {import("planops-api").planner.v1.Proposal} Proposal */
/** @typedef {import("planops-api").planner.v1.ProposalItem} ProposalItem */
/** @typedef {import("planops-api").planner.v1.ProposalState} ProposalState */
/** @typedef {import("planops-api").planner.v1.ItemState} ItemState */
/** @typedef {import("planops-api").planner.v1.PlanForecast} PlanForecast */
/** @typedef {import("planops-api").planner.v1.ConfidencePlan} ConfidencePlan */
/** @typedef {import("planops-api").planner.v1.DurationSource} DurationSource */
/** @typedef {import("planops-api").planner.v1.ObjectiveMode} ObjectiveMode */
/** @typedef {import("planops-api").planner.v1.WhatIf} WhatIf */
/** @typedef {import("planops-api").core.v1.Dependency} Dependency */

const DAY_MS = 86400000;
/** @type {Partial<Record<ItemState, string>>} */
const ITEM_STATE = {
  ITEM_STATE_PENDING: "pending",
  ITEM_STATE_ACCEPTED: "accepted",
  ITEM_STATE_STALE: "stale",
  ITEM_STATE_REJECTED: "rejected",
  ITEM_STATE_UNCHANGED: "unchanged",
};

// A proposal a manager can still accept from.
/** @type {readonly ProposalState[]} */
const OPEN = ["PROPOSAL_STATE_OPEN", "PROPOSAL_STATE_PARTIALLY_ACCEPTED"];
/** @type {readonly DurationSource[]} */
const SOURCES = ["DURATION_SOURCE_RISK_P50", "DURATION_SOURCE_RISK_P80", "DURATION_SOURCE_ESTIMATE"];
/** @type {readonly ObjectiveMode[]} */
const MODES = ["OBJECTIVE_MODE_WEIGHTED", "OBJECTIVE_MODE_STAGED"];

/** @param {string} iso */
const dayNumber = (iso) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
/** @param {number} n */
const isoOf = (n) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** @param {unknown} error */
function describe(error) {
  return error instanceof ApiError ? error.describe() : String(error);
}

// Text the planner writes (reasons, diagnoses, notes) is in English whatever the console's
// language; the element says so, for screen readers and the untranslated-text check.
function server() {
  return { lang: "en", class: "server-text" };
}

// The planner's reasons follow a few sentence patterns; each gets the console's words, with
// the names and dates it holds. A sentence the console does not know stays the planner's.
const DATE = "(\\d{4}-\\d{2}-\\d{2})";
/** @type {[RegExp, string, ((m: RegExpExecArray) => import("./i18n.js").Params)?][]} */
const REASONS = [
  [new RegExp(`^Waits for '(.+)' \\((FS|SS|FF|SF)( [+-]\\d+)?d?\\)\\.$`), "reason.waits",
    (m) => ({ task: m[1], type: m[2], lag: m[3] ? t("task.lag", { days: formatDays(Number(m[3])) }) : "" })],
  [/^Starts when the project starts\.$/, "reason.projectStart"],
  [new RegExp(`^Crew member (.+) is busy with '(.+)' until ${DATE}\\.$`), "reason.crewBusy",
    (m) => ({ person: m[1], task: m[2], date: formatDate(m[3]) })],
  [new RegExp(`^Crew member (.+) is off until ${DATE}\\.$`), "reason.crewOff", (m) => ({ person: m[1], date: formatDate(m[2]) })],
  [new RegExp(`^Crew member (.+) is busy on other projects until ${DATE}\\.$`), "reason.crewOtherProjects",
    (m) => ({ person: m[1], date: formatDate(m[2]) })],
  [new RegExp(`^(.+) has no (\\d+) working days? in a row before ${DATE} \\(off on (?:…, )?([\\d, -]+)\\)\\.$`), "reason.poolClosed",
    (m) => ({ pool: m[1], count: Number(m[2]), date: formatDate(m[3]), days: formatList(m[4].split(", ").map((d) => formatDate(d))) })],
  [new RegExp(`^Only (.+?) has (.+); busy with '(.+)' until ${DATE}\\.$`), "reason.onlyBusy",
    (m) => ({ person: m[1], skills: m[2], task: m[3], date: formatDate(m[4]) })],
  [new RegExp(`^(.+) is busy with '(.+)' until ${DATE}\\.$`), "reason.busyWith",
    (m) => ({ person: m[1], task: m[2], date: formatDate(m[3]) })],
  [new RegExp(`^(.+) is off until ${DATE}\\.$`), "reason.off", (m) => ({ person: m[1], date: formatDate(m[2]) })],
  [new RegExp(`^(.+) is busy on other projects until ${DATE}\\.$`), "reason.otherProjects",
    (m) => ({ person: m[1], date: formatDate(m[2]) })],
  [/^The shared resource is in use by '(.+)'\.$/, "reason.pool", (m) => ({ task: m[1] })],
  [/^Kept on the current plan's start date\.$/, "reason.currentPlan"],
  [/^Not forced earlier; placed here to balance load without delaying the finish\.$/, "reason.objective"],
  [/^Only (.+?) has (.+)\.$/, "reason.only", (m) => ({ person: m[1], skills: m[2] })],
  [/^Pinned \(done, in progress or locked\): keeps its dates\.$/, "reason.pinned"],
  [/^Locked: keeps its dates and assignee\.$/, "reason.locked"],
  [/^In progress \((\w+)\): keeps its dates and assignee\.$/, "reason.inProgress", (m) => ({ state: stateName(m[1], "") })],
];
const MAKE_UP = / Works on make-up working day\(s\) ([\d, -]+)\.$/;
// A crew task's reason ends with who is on the crew and, when they were the only choice, why.
const CREW = new RegExp(` Needs a crew of (\\d+): (.+?)(?: — the only \\d+(?: with (.+?))?(?: in (.+?))?(?: free ${DATE}\\.\\.${DATE})?)?\\.$`);

/** @param {RegExpExecArray} m */
function crewText(m) {
  const params = { count: Number(m[1]), people: m[2] };
  if (m[0].indexOf(" — the only ") < 0) return t("reason.crew", params);
  const who = t("reason.crewWho", {
    with: m[3] ? t("reason.crewWith", { skills: m[3] }) : "",
    in: m[4] ? t("reason.crewIn", { pool: m[4] }) : "",
  });
  if (!m[5]) return t("reason.crewOnly", { ...params, who });
  return t("reason.crewOnlyFree", { ...params, who, from: formatDate(m[5]), to: formatDate(m[6]) });
}

// A split task's reason ends with what it pauses over: its person's days off, then the
// project's holidays; each is a list of days and ranges (`2026-02-12, 2026-02-16 to 2026-02-20`).
const HOLIDAY_PAUSE = / Pauses over the project holiday\(s\) ([\d, a-z-]+)\.$/;
const SPLIT = / Split around (.+)'s day\(s\) off on ([\d, a-z-]+)\.$/;

/** @param {string} list */
function dayRanges(list) {
  const parts = list.split(", ");
  const days = parts.map((part) => {
    const [from, to] = part.split(" to ");
    return to ? span(from, to) : formatDate(from);
  });
  // A range is several days, so it takes the plural like a list does.
  return { days, count: parts.length + parts.filter((p) => p.includes(" to ")).length };
}

/**
 * @param {string} text
 * @returns {string | null}
 */
export function reasonText(text) {
  let rest = text;
  const tail = [];
  const holidays = HOLIDAY_PAUSE.exec(rest);
  if (holidays) {
    const { days, count } = dayRanges(holidays[1]);
    tail.unshift(t("reason.holidayPause", { days: formatList(days), count }));
    rest = rest.slice(0, holidays.index);
  }
  const split = SPLIT.exec(rest);
  if (split) {
    const { days, count } = dayRanges(split[2]);
    tail.unshift(t("reason.split", { person: split[1], days: formatList(days), count }));
    rest = rest.slice(0, split.index);
  }
  const makeUp = MAKE_UP.exec(rest);
  if (makeUp) {
    const days = makeUp[1].split(", ").map((d) => formatDate(d));
    tail.unshift(t("reason.makeUp", { days: formatList(days), count: days.length }));
    rest = rest.slice(0, makeUp.index);
  }
  const crew = CREW.exec(rest);
  if (crew) {
    tail.unshift(` ${crewText(crew)}`);
    rest = rest.slice(0, crew.index);
  }
  for (const [pattern, key, params] of REASONS) {
    const match = pattern.exec(rest);
    if (!match) continue;
    return `${t(key, params ? params(match) : {})}${tail.join("")}`;
  }
  return null;
}

// Who does an item: everyone on its crew, or its one assignee.
/**
 * @param {ProposalItem} item
 * @param {Pick<Context, "personLabel">} ctx
 */
export function whoText(item, ctx) {
  const crew = item.crew || [];
  return crew.length ? formatList(crew.map((p) => ctx.personLabel(p))) : ctx.personLabel(item.assignee);
}

/**
 * @param {ProposalItem} item
 * @param {Pick<Context, "personLabel">} ctx
 */
function currentWho(item, ctx) {
  const crew = item.currentCrew || [];
  if (crew.length) return formatList(crew.map((p) => ctx.personLabel(p)));
  return item.currentAssignee ? ctx.personLabel(item.currentAssignee) : "";
}

// The stretches a task is worked in: its pieces, or its whole span for a plan without them.
/** @param {ProposalItem} item */
export function pieces(item) {
  const given = (item.pieces || []).filter((p) => p.startDate && p.endDate);
  return given.length ? given : [{ startDate: item.startDate, endDate: item.endDate }];
}

/** @param {string} text */
function reason(text) {
  const said = reasonText(text);
  return said === null ? h("li", server(), text) : h("li", {}, said);
}

/**
 * @param {string} start
 * @param {string} end
 */
function span(start, end) {
  return `${formatDate(start)} – ${formatDate(end)}`;
}

/** @param {Pick<Proposal, "state">} proposal */
function proposalState(proposal) {
  return term("proposal", proposal.state.replace("PROPOSAL_STATE_", "").toLowerCase());
}

// What changes for one item, in words.
/**
 * @param {ProposalItem} item
 * @param {Pick<Context, "personLabel">} ctx
 */
export function changeText(item, ctx) {
  const parts = [];
  if (item.assigneeChanged) {
    const before = currentWho(item, ctx);
    parts.push(before
      ? t("schedule.reassign", { from: before, to: whoText(item, ctx) })
      : t("schedule.assign", { to: whoText(item, ctx) }));
  }
  if (item.datesChanged) {
    parts.push(item.currentStartDate
      ? t("schedule.move", { from: span(item.currentStartDate, item.currentEndDate), to: span(item.startDate, item.endDate) })
      : t("schedule.plan", { to: span(item.startDate, item.endDate) }));
  }
  return parts.length ? parts.join(t("error.separator")) : t("schedule.noChange");
}

// Shortens a label to about `room` Latin letters; a CJK character takes the room of two.
/**
 * @param {string} text
 * @param {number} room
 */
export function clip(text, room) {
  let used = 0;
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    used += /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(chars[i]) ? 2 : 1;
    if (used > room) return `${chars.slice(0, Math.max(1, i - 1)).join("")}…`;
  }
  return text;
}

// The Gantt chart as SVG: the current plan (grey) under the proposal (blue; red on the
// critical path), dependency arrows, the deadline and today.
/**
 * @param {Pick<Proposal, "items" | "deadline">} proposal
 * @param {Dependency[]} deps
 * @param {Pick<Context, "personLabel">} ctx
 * @param {{ compact?: boolean }} [options]
 */
export function gantt(proposal, deps, ctx, { compact = false } = {}) {
  const items = proposal.items.filter((i) => i.startDate);
  if (!items.length) return h("p", { class: "muted" }, t("schedule.noItems"));
  const days = [];
  for (const i of items) {
    days.push(dayNumber(i.startDate), dayNumber(i.endDate));
    if (i.currentStartDate) days.push(dayNumber(i.currentStartDate));
    if (i.currentEndDate) days.push(dayNumber(i.currentEndDate));
  }
  if (proposal.deadline) days.push(dayNumber(proposal.deadline));
  const first = Math.min(...days);
  const last = Math.max(...days) + 1;
  const labelW = compact ? 150 : 230;
  const dayW = Math.max(8, Math.min(28, 900 / (last - first)));
  const rowH = compact ? 18 : 26;
  const top = 28;
  const width = labelW + (last - first) * dayW + 10;
  const height = top + items.length * rowH + 6;
  /** @param {number} n */
  const x = (n) => labelW + (n - first) * dayW;
  const row = new Map(items.map((i, idx) => [i.task, idx]));
  const svg = s("svg", { class: "gantt", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": t("schedule.ganttLabel", { count: items.length }) });
  svg.append(s("defs", {},
    s("marker", { id: "arrow", viewBox: "0 0 6 6", refX: 6, refY: 3, markerWidth: 6, markerHeight: 6, orient: "auto" },
      s("path", { d: "M0,0 L6,3 L0,6 z", fill: "#7a8699" })),
    s("marker", { id: "arrow-critical", viewBox: "0 0 6 6", refX: 6, refY: 3, markerWidth: 6, markerHeight: 6, orient: "auto" },
      s("path", { d: "M0,0 L6,3 L0,6 z", fill: "#c62828" }))));
  // Week grid and month labels.
  for (let n = first; n <= last; n++) {
    const d = new Date(n * DAY_MS);
    if (d.getUTCDay() === 1) {
      svg.append(s("line", { x1: x(n), x2: x(n), y1: top - 6, y2: height, class: "grid" }));
      svg.append(s("text", { x: x(n) + 2, y: top - 10, class: "axis" }, formatDay(isoOf(n))));
    }
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) {
      svg.append(s("rect", { x: x(n), y: top, width: dayW, height: height - top, class: "weekend" }));
    }
  }
  items.forEach((item, idx) => {
    const y = top + idx * rowH;
    const title = clip(item.title, compact ? 20 : 34);
    const g = s("g", { class: `gantt-row${item.critical ? " critical" : ""}`, "data-task": item.task });
    g.append(s("text", { x: 4, y: y + rowH * 0.68, class: "label" }, title,
      s("title", {}, `${item.title} — ${whoText(item, ctx)}`)));
    if (item.currentStartDate && item.currentEndDate) {
      g.append(s("rect", { x: x(dayNumber(item.currentStartDate)), y: y + rowH * 0.62,
        width: (dayNumber(item.currentEndDate) - dayNumber(item.currentStartDate) + 1) * dayW, height: rowH * 0.22,
        class: "bar-current" }, s("title", {}, t("schedule.current", { span: span(item.currentStartDate, item.currentEndDate) }))));
    }
    const cls = item.critical ? "bar critical" : item.pinned ? "bar pinned" : "bar";
    const worked = pieces(item);
    const tip = [
      item.title,
      `${whoText(item, ctx)} · ${span(item.startDate, item.endDate)}`,
      worked.length > 1
        ? t("schedule.pieces", { pieces: formatList(worked.map((p) => span(p.startDate, p.endDate))), count: worked.length })
        : null,
      item.critical ? t("schedule.onCritical") : t("schedule.slack", { days: formatDays(item.slackDays) }),
      item.lateDays ? t("schedule.late", { days: formatDays(item.lateDays) }) : null,
      changeText(item, ctx),
    ].filter(Boolean).join("\n");
    // A split task is one bar per piece, joined by a thin line where it pauses.
    if (worked.length > 1) {
      g.append(s("line", { x1: x(dayNumber(item.startDate)), x2: x(dayNumber(item.endDate) + 1),
        y1: y + rowH * 0.37, y2: y + rowH * 0.37, class: "bar-pause" }));
    }
    for (const piece of worked) {
      g.append(s("rect", { x: x(dayNumber(piece.startDate)), y: y + rowH * 0.15,
        width: (dayNumber(piece.endDate) - dayNumber(piece.startDate) + 1) * dayW, height: rowH * 0.45, rx: 3,
        class: cls + (item.lateDays ? " late" : "") + (worked.length > 1 ? " piece" : ""),
        "data-piece": `${piece.startDate}/${piece.endDate}` },
      s("title", {}, tip)));
    }
    svg.append(g);
  });
  for (const d of deps) {
    const from = row.get(d.predecessor);
    const to = row.get(d.successor);
    if (from === undefined || to === undefined) continue;
    const a = items[from];
    const b = items[to];
    const critical = a.critical && b.critical;
    const x1 = x(dayNumber(a.endDate) + 1);
    const y1 = top + from * rowH + rowH * 0.37;
    const x2 = x(dayNumber(b.startDate));
    const y2 = top + to * rowH + rowH * 0.37;
    const mid = Math.max(x1 + 4, Math.min(x2 - 4, x1 + 6));
    svg.append(s("path", { d: `M${x1},${y1} H${mid} V${y2} H${x2}`,
      class: critical ? "dep critical" : "dep", "marker-end": `url(#${critical ? "arrow-critical" : "arrow"})` }));
  }
  if (proposal.deadline) {
    const dx = x(dayNumber(proposal.deadline) + 1);
    svg.append(s("line", { x1: dx, x2: dx, y1: top - 4, y2: height, class: "deadline" }));
    svg.append(s("text", { x: dx - 4, y: 10, class: "axis deadline-label", "text-anchor": "end" }, t("chart.deadline", { date: formatDay(proposal.deadline) })));
  }
  const now = dayNumber(new Date().toISOString().slice(0, 10));
  if (now >= first && now <= last) {
    svg.append(s("line", { x1: x(now), x2: x(now), y1: top - 4, y2: height, class: "today" }));
  }
  return h("div", { class: "scroll-x" }, svg);
}

// Hours per person per day, overloads marked.
/**
 * @param {Pick<Proposal, "loads">} proposal
 * @param {Pick<Context, "personLabel">} ctx
 */
export function heatmap(proposal, ctx) {
  const loads = proposal.loads || [];
  if (!loads.length) return h("p", { class: "muted" }, t("schedule.noLoads"));
  const dates = [...new Set(loads.flatMap((l) => l.days.map((d) => d.date)))].sort();
  const labelW = 130;
  const cell = 16;
  const top = 24;
  const width = labelW + dates.length * cell + 4;
  const height = top + loads.length * (cell + 2) + 4;
  const svg = s("svg", { class: "heatmap", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": t("schedule.heatmapLabel") });
  dates.forEach((d, i) => {
    if (new Date(`${d}T00:00:00Z`).getUTCDay() === 1) {
      svg.append(s("text", { x: labelW + i * cell, y: 14, class: "axis" }, formatDay(d)));
    }
  });
  loads.forEach((load, r) => {
    const y = top + r * (cell + 2);
    svg.append(s("text", { x: 4, y: y + cell * 0.8, class: "label" },
      `${ctx.personLabel(load.person)}${load.overloadedDays ? ` ⚠${load.overloadedDays}` : ""}`));
    const byDate = new Map(load.days.map((d) => [d.date, d]));
    dates.forEach((date, i) => {
      const day = byDate.get(date);
      const hours = day ? day.hours : 0;
      const capacity = day ? day.capacity : 0;
      const over = hours > capacity + 1e-6;
      const ratio = capacity ? Math.min(hours / capacity, 1) : 0;
      const fill = over ? "#d32f2f" : capacity === 0 ? "#eceff1" : `rgba(21, 101, 192, ${0.08 + ratio * 0.85})`;
      svg.append(s("rect", { x: labelW + i * cell, y, width: cell - 1, height: cell, fill,
        class: over ? "cell over" : "cell" },
      s("title", {}, t(over ? "schedule.cellOver" : "schedule.cell", {
        who: ctx.personLabel(load.person), date: formatDate(date), hours: formatHours(hours), capacity: formatHours(capacity),
      }))));
      if (over) svg.append(s("text", { x: labelW + i * cell + cell / 2 - 0.5, y: y + cell * 0.78, class: "over-mark", "text-anchor": "middle" }, "!"));
    });
  });
  return h("div", { class: "scroll-x" }, svg,
    h("p", { class: "legend" }, h("span", { class: "swatch light" }), `${t("schedule.free")} `,
      h("span", { class: "swatch full" }), `${t("schedule.full")} `,
      h("span", { class: "swatch over" }), `${t("schedule.overloaded")} `,
      h("span", { class: "swatch off" }), t("schedule.dayOff")));
}

/** @param {Proposal} proposal */
function summary(proposal) {
  const late = proposal.deadline && proposal.finishDate > proposal.deadline;
  /** @type {Partial<import("planops-api").planner.v1.SolveSummary>} */
  const solve = proposal.solve || {};
  return h("div", { class: "summary" },
    h("div", { class: "stat" }, h("span", {}, t("schedule.finish")), h("strong", { class: late ? "late" : "ok" }, formatDate(proposal.finishDate) || "—")),
    h("div", { class: "stat" }, h("span", {}, t("schedule.deadline")), h("strong", {}, formatDate(proposal.deadline) || t("common.none"))),
    // Risk's forecast of this very plan, made when it was proposed: its chance of the deadline
    // beside the finish the solver promises.
    forecastStat(proposal.riskForecast),
    h("div", { class: "stat" }, h("span", {}, t("schedule.changes")), h("strong", {}, formatNumber(solve.changes ?? 0))),
    h("div", { class: "stat" }, h("span", {}, t("schedule.lateDays")), h("strong", {}, formatNumber(solve.lateDays ?? 0))),
    h("div", { class: "stat" }, h("span", {}, t("schedule.overloadedDays")),
      h("strong", {}, formatNumber((proposal.loads || []).reduce((n, l) => n + (l.overloadedDays || 0), 0)))),
    h("div", { class: "stat" }, h("span", {}, t("schedule.solver")), h("strong", {},
      solve.gap ? t("schedule.gap", { status: term("solve", solve.status || "?"), gap: formatNumber(solve.gap * 100, 1) })
        : term("solve", solve.status || "?"))));
}

// Staged objectives in the order solved: each one's value in the plan, the bound proved on
// it and the planner's words for it. A weighted proposal has none.
/** @param {Proposal} proposal */
export function stageSummary(proposal) {
  const stages = (proposal.solve || {}).stages || [];
  if (!stages.length) return null;
  return h("div", { class: "stages", id: "stages" }, h("h3", {}, t("schedule.stages")),
    h("ol", {}, stages.map((st) => h("li", { dataset: { objective: st.objective } },
      h("strong", {}, term("objective", st.objective)), " ",
      st.bestBound === undefined ? t("schedule.noBound", { value: formatNumber(st.value) })
        : t("schedule.stageValue", {
          value: formatNumber(st.value), bound: formatNumber(st.bestBound), gap: formatNumber((st.gap || 0) * 100, 1),
        }),
      " — ", h("span", server(), st.text)))));
}

/** @param {PlanForecast | undefined} f */
function forecastStat(f) {
  if (!f || f.unavailableReason || !f.deadline) return null;
  const chance = Number(f.probabilityOnTime || 0);
  const tone = chance >= 0.8 ? "ok" : chance >= 0.5 ? "warn" : "late";
  return h("div", { class: "stat", id: "proposal-chance", title: `P50 ${formatDate(f.finishP50Date)} · P80 ${formatDate(f.finishP80Date)}` },
    h("span", {}, t("risk.chance")), h("strong", { class: tone }, formatChance(chance)));
}

/** @type {Partial<Record<DurationSource, string>>} */
const DURATIONS = {
  DURATION_SOURCE_ESTIMATE: "schedule.estimates",
  DURATION_SOURCE_RISK_P50: "schedule.riskP50",
  DURATION_SOURCE_RISK_P80: "schedule.riskP80",
};

// How the plan was made to the chance the manager asked for: the plans tried, the buffer it
// needs, and, when none reached the chance, what would (each checked by the planner).
/** @param {ConfidencePlan} c */
export function confidenceBox(c) {
  const target = formatChance(Number(c.targetProbability || 0));
  const kept = c.attempts.find((a) => a.kept);
  return h("div", { class: "confidence", id: "proposal-confidence", dataset: { reached: c.reached ? "yes" : "no" } },
    h("h3", {}, t(c.reached ? "schedule.chanceReached" : "schedule.chanceMissed", { chance: target })),
    h("table", { class: "risk-compare" },
      h("thead", {}, h("tr", {}, h("th", {}, t("schedule.durations")), h("th", {}, t("schedule.finish")), h("th", {}, t("risk.chance")))),
      h("tbody", {}, c.attempts.map((a) => h("tr", { class: a.kept ? "kept" : "" },
        h("th", {}, t(DURATIONS[a.durationSource] || "schedule.estimates"), a.kept ? ` · ${t("schedule.kept")}` : ""),
        h("td", {}, formatDate(a.finishDate) || "—"),
        h("td", { class: "chance" }, formatChance(Number(a.probabilityOnTime || 0))))))),
    kept ? h("p", { class: "muted" }, t("schedule.buffer", { days: formatNumber(c.projectBufferDays || 0), chance: target })) : null,
    c.remedies.length ? [h("h4", {}, t("schedule.whatItTakes")),
      h("ul", { class: "remedies" }, c.remedies.map((r) => h("li", server(), r.text)))] : null);
}

// Risk's forecast of the current plan beside its forecast of this proposal's pending items
// (a what-if forecast: nothing is written). Filled in when both answers arrive.
/**
 * @param {Proposal} proposal
 * @param {Context} ctx
 */
export function proposalRisk(proposal, ctx) {
  const box = h("div", { class: "proposal-risk", id: "proposal-risk" }, h("h3", {}, t("schedule.riskForecast")),
    spinner(t("schedule.forecasting")));
  const plan = proposal.items.filter((i) => (ITEM_STATE[i.state] || "pending") === "pending")
    .map((i) => ({ task: i.task, plannedStart: i.startDate, plannedEnd: i.endDate, assignee: i.assignee || "" }));
  /** @param {boolean} withPlan */
  const ask = (withPlan) => call(svc.risk, "ForecastProject", { project: ctx.name, plan: withPlan ? plan : [] })
    .then((r) => must(r.forecast, "forecast"));
  Promise.all([ask(false), plan.length ? ask(true) : null]).then(([current, proposed]) => {
    /**
     * @param {string} label
     * @param {import("planops-api").risk.v1.ProjectForecast} f
     */
    const row = (label, f) => h("tr", {}, h("th", {}, label),
      h("td", { class: "chance" }, f.deadline ? formatChance(f.probabilityOnTime) : t("schedule.noDeadline")),
      h("td", {}, formatDate(f.finishP50Date)), h("td", {}, formatDate(f.finishP80Date)));
    mount(box, h("h3", {}, t("schedule.riskForecast")),
      h("table", { class: "risk-compare" },
        h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, t("risk.chance")),
          h("th", {}, t("risk.p50")), h("th", {}, t("risk.p80")))),
        h("tbody", {}, row(t("schedule.currentPlan"), current), proposed ? row(t("schedule.withProposal"), proposed) : null)),
      h("p", { class: "muted" }, proposed
        ? t("schedule.monteCarlo", { model: current.modelVersion === "prior" ? t("schedule.fromEstimates") : modelName(current.modelVersion) })
        : t("schedule.noPending")));
  }).catch((error) => {
    mount(box, h("h3", {}, t("schedule.riskForecast")), h("p", { class: "muted" }, t("schedule.noForecast", { error: describe(error) })));
  });
  return box;
}

/**
 * @param {Proposal} proposal
 * @param {Context} ctx
 * @param {(tasks: string[]) => unknown} onAccept
 */
function itemList(proposal, ctx, onAccept) {
  const open = OPEN.includes(proposal.state);
  const items = proposal.items.filter((i) => i.state !== "ITEM_STATE_UNCHANGED");
  if (!items.length) return h("p", { class: "muted" }, t("schedule.keepsAll"));
  return h("ol", { class: "items" }, items.map((item) => {
    const state = ITEM_STATE[item.state] || "pending";
    return h("li", { class: `item ${state}${item.critical ? " critical" : ""}`, dataset: { task: item.task } },
      h("div", { class: "item-head" },
        h("a", { href: `#/task/${ctx.id}/${short(item.task)}` }, item.title),
        item.critical ? h("span", { class: "badge critical" }, t("schedule.criticalPath")) : null,
        item.lateDays ? h("span", { class: "badge late" }, t("schedule.late", { days: formatDays(item.lateDays) })) : null,
        h("span", { class: `badge st-${state}` }, term("item", state))),
      (item.crew || []).length
        ? h("p", { class: "crew" }, t("schedule.crew", { count: item.crew.length, people: whoText(item, ctx) }))
        : null,
      h("p", { class: "change" }, changeText(item, ctx)),
      pieces(item).length > 1 ? h("p", { class: "pieces" }, t("schedule.pieces", {
        pieces: formatList(pieces(item).map((p) => span(p.startDate, p.endDate))), count: pieces(item).length })) : null,
      h("ul", { class: "reasons" }, item.reasons.map((r) => reason(r.text))),
      open && state === "pending" ? h("div", { class: "actions" },
        h("button", { class: "primary accept-item", onclick: () => onAccept([item.task]) }, t("schedule.accept"))) : null);
  }));
}

/**
 * @param {Context} ctx
 * @param {Proposal | null} base
 * @param {Dependency[]} deps
 */
function whatIfPanel(ctx, base, deps) {
  const memberNames = new Set(ctx.members.map((m) => m.member));
  const outsiders = [...ctx.people.values()].filter((p) => !memberNames.has(p.name));
  const insiders = ctx.members.filter((m) => m.member.startsWith("people/"));
  /**
   * @param {string[]} list
   * @param {string} label
   */
  const personOptions = (list, label) => [h("option", { value: "" }, label),
    ...list.map((name) => h("option", { value: name }, ctx.personLabel(name)))];
  const add = h("select", { name: "add", "aria-label": t("schedule.addPerson") }, personOptions(outsiders.map((p) => p.name), t("schedule.addNobody")));
  const remove = h("select", { name: "remove", "aria-label": t("schedule.removePerson") }, personOptions(insiders.map((m) => m.member), t("schedule.removeNobody")));
  const offWho = h("select", { name: "off", "aria-label": t("schedule.offFor") }, personOptions(insiders.map((m) => m.member), t("schedule.nobodyAway")));
  const offStart = h("input", { type: "date", name: "off-from", "aria-label": t("schedule.offFrom") });
  const offEnd = h("input", { type: "date", name: "off-until", "aria-label": t("schedule.offUntil") });
  const deadline = h("input", { type: "date", name: "deadline", "aria-label": t("schedule.deadline"), value: ctx.project.deadline || "" });
  const result = h("div", { class: "whatif-result" });
  const form = h("form", { class: "whatif", onsubmit: async (event) => {
    event.preventDefault();
    /** @type {import("planops-api").Input<WhatIf>} */
    const whatIf = {};
    if (add.value) whatIf.addPeople = [add.value];
    if (remove.value) whatIf.removePeople = [remove.value];
    if (offWho.value && offStart.value) {
      whatIf.timeOff = [{ person: offWho.value, startDate: offStart.value, endDate: offEnd.value || offStart.value }];
    }
    if (deadline.value && deadline.value !== ctx.project.deadline) whatIf.deadline = deadline.value;
    if (!Object.keys(whatIf).length) {
      result.replaceChildren(h("p", { class: "muted" }, t("schedule.changeFirst")));
      return;
    }
    result.replaceChildren(spinner(t("schedule.planningScenario")));
    try {
      const reply = await call(svc.planner, "ProposeSchedule", { project: ctx.name, whatIf, timeLimitSeconds: 5 });
      const proposal = must(reply.proposal, "proposal");
      result.replaceChildren(compare(base, proposal), gantt(proposal, deps, ctx, { compact: true }));
    } catch (error) {
      result.replaceChildren(h("p", { class: "error" }, describe(error)));
    }
  } },
  h("label", {}, t("schedule.addPerson"), add),
  h("label", {}, t("schedule.removePerson"), remove),
  h("fieldset", {}, h("legend", {}, t("schedule.timeOff")), offWho, offStart, offEnd),
  h("label", {}, t("schedule.deadline"), deadline),
  h("button", { type: "submit", class: "primary" }, t("schedule.showEffect")));
  return h("section", { class: "card", id: "whatif" }, h("h2", {}, t("schedule.whatIf")),
    h("p", { class: "muted" }, t("schedule.whatIfHint")),
    form, result);
}

// The effect of a what-if against the proposal on screen.
/**
 * @param {Proposal | null} base
 * @param {Proposal} scenario
 */
export function compare(base, scenario) {
  /** @param {Proposal} p */
  const overloaded = (p) => (p.loads || []).reduce((n, l) => n + (l.overloadedDays || 0), 0);
  const rows = [
    [t("schedule.finish"), base ? formatDate(base.finishDate) : "—", formatDate(scenario.finishDate)],
    [t("schedule.deadline"), base ? formatDate(base.deadline) || t("common.none") : "—", formatDate(scenario.deadline) || t("common.none")],
    [t("schedule.lateDays"), base ? base.solve?.lateDays : "—", scenario.solve?.lateDays],
    [t("schedule.overloadedDays"), base ? overloaded(base) : "—", overloaded(scenario)],
    [t("schedule.tasksChange"), base ? base.solve?.changes : "—", scenario.solve?.changes],
  ];
  const infeasible = !scenario.finishDate || scenario.state === "PROPOSAL_STATE_INFEASIBLE"
    || ["INFEASIBLE", "UNKNOWN", "INVALID"].includes(scenario.solve?.status ?? "");
  const onTime = !infeasible && (!scenario.deadline || scenario.finishDate <= scenario.deadline);
  if (infeasible) rows[0][2] = t("schedule.noPlan");
  return h("div", {},
    h("p", { class: onTime ? "ok" : "late" }, infeasible
      ? t("schedule.infeasible")
      : t(onTime ? "schedule.inTime" : "schedule.afterDeadline", { date: formatDate(scenario.finishDate) })),
    h("table", { class: "compare" }, h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, t("schedule.now")), h("th", {}, t("schedule.whatIfColumn")))),
      h("tbody", {}, rows.map(([k, a, b]) => h("tr", { class: String(a) !== String(b) ? "diff" : "" },
        h("th", {}, k), h("td", {}, String(a ?? "")), h("td", {}, String(b ?? "")))))),
    scenario.diagnoses.length ? h("ul", { class: "diagnoses" }, scenario.diagnoses.map((d) => h("li", server(), d.message))) : null,
    scenario.notes.length ? h("ul", { class: "notes muted" }, scenario.notes.map((n) => h("li", server(), n))) : null);
}

/** @type {import("./app.js").Page} */
export async function renderSchedule(main, ctx, { params, go }) {
  const [proposals, deps] = await Promise.all([
    call(svc.planner, "ListProposals", { parent: ctx.name, pageSize: 20 }),
    every(svc.tasks, "ListDependencies", { parent: ctx.name }, "dependencies", 500),
  ]);
  const real = proposals.proposals.filter((p) => !p.whatIf);
  const chosen = params.get("proposal") ? `${ctx.name}/proposals/${params.get("proposal")}` : real[0] && real[0].name;
  const proposal = chosen ? must((await call(svc.planner, "GetProposal", { name: chosen })).proposal, "proposal") : null;
  /** @param {string} [name] */
  const rerender = (name) => go(`#/schedule?proposal=${short(name || chosen)}`);

  const source = h("select", { "aria-label": t("schedule.durationsFrom") },
    h("option", { value: SOURCES[0] }, t("schedule.riskP50")),
    h("option", { value: SOURCES[1] }, t("schedule.riskP80")),
    h("option", { value: SOURCES[2] }, t("schedule.estimates")));
  // A chance of the deadline to plan for: the planner tries P50 and P80 durations and says
  // what it would take when neither reaches it (up to four solves, so each gets less time).
  const chance = h("select", { "aria-label": t("schedule.planFor"), id: "target-chance" },
    h("option", { value: "" }, t("schedule.anyChance")),
    ["0.8", "0.9"].map((v) => h("option", { value: v }, t("schedule.chanceOf", { chance: formatChance(Number(v)) }))));
  const mode = h("select", { "aria-label": t("schedule.objective"), id: "objective-mode" },
    h("option", { value: MODES[0] }, t("schedule.weighted")),
    h("option", { value: MODES[1] }, t("schedule.staged")));
  const request = h("button", { class: "primary", id: "propose", onclick: async () => {
    request.disabled = true;
    request.textContent = t("schedule.planning");
    try {
      const target = Number(chance.value || 0);
      const reply = await call(svc.planner, "ProposeSchedule", {
        project: ctx.name, durationSource: SOURCES.find((d) => d === source.value), timeLimitSeconds: target ? 5 : 10,
        targetProbability: target, objectiveMode: MODES.find((m) => m === mode.value), requestId: crypto.randomUUID(),
      });
      const proposed = must(reply.proposal, "proposal");
      flash(t("schedule.proposed", { id: short(proposed.name), date: formatDate(proposed.finishDate) }), "ok");
      rerender(proposed.name);
    } catch (error) {
      flash(describe(error), "error");
      request.disabled = false;
      request.textContent = t("schedule.request");
    }
  } }, t("schedule.request"));

  /** @param {Proposal} shown */
  const acceptFrom = (shown) => async (/** @type {string[]} */ tasks) => {
    try {
      const reply = await call(svc.planner, "AcceptProposal", { name: shown.name, tasks });
      const stale = reply.stale.length ? t("schedule.stale", { count: reply.stale.length }) : "";
      flash(t("schedule.accepted", { count: reply.accepted.length, stale }), reply.stale.length ? "error" : "ok");
      rerender(shown.name);
    } catch (error) {
      flash(describe(error), "error");
    }
  };
  /** @param {Proposal} shown */
  const rejectFrom = (shown) => async () => {
    try {
      await call(svc.planner, "RejectProposal", { name: shown.name, reason: "rejected in the console" });
      flash(t("schedule.rejected"), "ok");
      rerender(shown.name);
    } catch (error) {
      flash(describe(error), "error");
    }
  };

  const picker = real.length > 1 ? h("select", { "aria-label": t("schedule.proposal"), onchange: (e) => rerender(valueOf(e)) },
    real.map((p) => h("option", { value: p.name, selected: p.name === chosen },
      `#${short(p.name)} · ${proposalState(p)} · ${t("schedule.finishOn", { date: formatDate(p.finishDate) })}`))) : null;

  const open = proposal && OPEN.includes(proposal.state);
  mount(main,
    h("div", { class: "page-head" }, h("h1", {}, t("schedule.title")),
      h("div", { class: "toolbar" }, picker, h("label", {}, t("schedule.durations"), " ", source),
        h("label", {}, t("schedule.planFor"), " ", chance),
        h("label", {}, t("schedule.objective"), " ", mode), request),
      exportButtons(ctx, "plan", ["xlsx", "csv", "mspdi"])),
    proposal ? [
      h("section", { class: "card", id: "proposal", dataset: { proposal: proposal.name, state: proposal.state } },
        h("h2", {}, t("schedule.proposalTitle", { id: short(proposal.name) }), " ",
          h("span", { class: "badge" }, proposalState(proposal))),
        summary(proposal),
        proposal.confidence ? confidenceBox(proposal.confidence) : null,
        stageSummary(proposal),
        proposalRisk(proposal, ctx),
        proposal.diagnoses.length ? h("ul", { class: "diagnoses" }, proposal.diagnoses.map((d) => h("li", server(), d.message))) : null,
        proposal.notes.length ? h("ul", { class: "notes muted" }, proposal.notes.map((n) => h("li", server(), n))) : null,
        h("p", { class: "legend" }, h("span", { class: "swatch current" }), `${t("schedule.currentPlanLegend")} `,
          h("span", { class: "swatch proposed" }), `${t("schedule.proposedLegend")} `,
          h("span", { class: "swatch critical" }), `${t("schedule.criticalPath")} `,
          h("span", { class: "swatch deadline" }), t("schedule.deadlineLegend")),
        gantt(proposal, deps, ctx, { compact: window.innerWidth < 700 }),
        open ? h("div", { class: "actions" },
          h("button", { class: "primary", id: "accept-all", onclick: () => acceptFrom(proposal)([]) }, t("schedule.acceptAll")),
          h("button", { class: "danger", id: "reject", onclick: rejectFrom(proposal) }, t("schedule.reject"))) : null),
      h("div", { class: "grid-2" },
        h("section", { class: "card" }, h("h2", {}, t("schedule.explained")), itemList(proposal, ctx, acceptFrom(proposal))),
        h("div", {},
          h("section", { class: "card" }, h("h2", {}, t("schedule.workload")), heatmap(proposal, ctx)),
          whatIfPanel(ctx, proposal, deps)))]
      : [h("section", { class: "card" }, h("p", {}, t("schedule.noProposal"))),
      whatIfPanel(ctx, null, deps)]);
}
