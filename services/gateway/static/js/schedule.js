// Schedule: the current plan against a planner proposal (Gantt), items accepted one by one,
// a workload heatmap, and what-if scenarios that write nothing.

import { ApiError, call, every, svc } from "./api.js";
import { flash, h, mount, pct, s, short, spinner } from "./dom.js";

const DAY_MS = 86400000;
const ITEM_STATE = {
  ITEM_STATE_PENDING: "pending",
  ITEM_STATE_ACCEPTED: "accepted",
  ITEM_STATE_STALE: "stale",
  ITEM_STATE_REJECTED: "rejected",
  ITEM_STATE_UNCHANGED: "unchanged",
};

const dayNumber = (iso) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const isoOf = (n) => new Date(n * DAY_MS).toISOString().slice(0, 10);

function describe(error) {
  return error instanceof ApiError ? error.describe() : String(error);
}

// What changes for one item, in words.
export function changeText(item, ctx) {
  const parts = [];
  if (item.assigneeChanged) {
    parts.push(item.currentAssignee
      ? `reassign ${ctx.personLabel(item.currentAssignee)} → ${ctx.personLabel(item.assignee)}`
      : `assign to ${ctx.personLabel(item.assignee)}`);
  }
  if (item.datesChanged) {
    parts.push(item.currentStartDate
      ? `move ${item.currentStartDate}…${item.currentEndDate} → ${item.startDate}…${item.endDate}`
      : `plan ${item.startDate}…${item.endDate}`);
  }
  return parts.length ? parts.join("; ") : "no change";
}

// Shortens a label to about `room` Latin letters; a CJK character takes the room of two.
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
export function gantt(proposal, deps, ctx, { compact = false } = {}) {
  const items = proposal.items.filter((i) => i.startDate);
  if (!items.length) return h("p", { class: "muted" }, "No planned items.");
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
  const x = (n) => labelW + (n - first) * dayW;
  const row = new Map(items.map((i, idx) => [i.task, idx]));
  const svg = s("svg", { class: "gantt", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `Gantt chart of ${items.length} tasks` });
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
      svg.append(s("text", { x: x(n) + 2, y: top - 10, class: "axis" }, isoOf(n).slice(5)));
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
      s("title", {}, `${item.title} — ${ctx.personLabel(item.assignee)}`)));
    if (item.currentStartDate && item.currentEndDate) {
      g.append(s("rect", { x: x(dayNumber(item.currentStartDate)), y: y + rowH * 0.62,
        width: (dayNumber(item.currentEndDate) - dayNumber(item.currentStartDate) + 1) * dayW, height: rowH * 0.22,
        class: "bar-current" }, s("title", {}, `current: ${item.currentStartDate} → ${item.currentEndDate}`)));
    }
    const cls = item.critical ? "bar critical" : item.pinned ? "bar pinned" : "bar";
    g.append(s("rect", { x: x(dayNumber(item.startDate)), y: y + rowH * 0.15,
      width: (dayNumber(item.endDate) - dayNumber(item.startDate) + 1) * dayW, height: rowH * 0.45, rx: 3,
      class: cls + (item.lateDays ? " late" : "") },
    s("title", {}, `${item.title}\n${ctx.personLabel(item.assignee)} · ${item.startDate} → ${item.endDate}` +
      `${item.critical ? "\non the critical path" : `\nslack ${item.slackDays} d`}` +
      `${item.lateDays ? `\n${item.lateDays} d late` : ""}\n${changeText(item, ctx)}`)));
    svg.append(g);
  });
  for (const d of deps) {
    if (!row.has(d.predecessor) || !row.has(d.successor)) continue;
    const a = items[row.get(d.predecessor)];
    const b = items[row.get(d.successor)];
    const critical = a.critical && b.critical;
    const x1 = x(dayNumber(a.endDate) + 1);
    const y1 = top + row.get(d.predecessor) * rowH + rowH * 0.37;
    const x2 = x(dayNumber(b.startDate));
    const y2 = top + row.get(d.successor) * rowH + rowH * 0.37;
    const mid = Math.max(x1 + 4, Math.min(x2 - 4, x1 + 6));
    svg.append(s("path", { d: `M${x1},${y1} H${mid} V${y2} H${x2}`,
      class: critical ? "dep critical" : "dep", "marker-end": `url(#${critical ? "arrow-critical" : "arrow"})` }));
  }
  if (proposal.deadline) {
    const dx = x(dayNumber(proposal.deadline) + 1);
    svg.append(s("line", { x1: dx, x2: dx, y1: top - 4, y2: height, class: "deadline" }));
    svg.append(s("text", { x: dx - 4, y: 10, class: "axis deadline-label", "text-anchor": "end" }, `deadline ${proposal.deadline}`));
  }
  const now = dayNumber(new Date().toISOString().slice(0, 10));
  if (now >= first && now <= last) {
    svg.append(s("line", { x1: x(now), x2: x(now), y1: top - 4, y2: height, class: "today" }));
  }
  return h("div", { class: "scroll-x" }, svg);
}

// Hours per person per day, overloads marked.
export function heatmap(proposal, ctx) {
  const loads = proposal.loads || [];
  if (!loads.length) return h("p", { class: "muted" }, "No load data in this proposal.");
  const dates = [...new Set(loads.flatMap((l) => l.days.map((d) => d.date)))].sort();
  const labelW = 130;
  const cell = 16;
  const top = 24;
  const width = labelW + dates.length * cell + 4;
  const height = top + loads.length * (cell + 2) + 4;
  const svg = s("svg", { class: "heatmap", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": "Workload per person per day" });
  dates.forEach((d, i) => {
    if (new Date(`${d}T00:00:00Z`).getUTCDay() === 1) {
      svg.append(s("text", { x: labelW + i * cell, y: 14, class: "axis" }, d.slice(5)));
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
      s("title", {}, `${ctx.personLabel(load.person)} · ${date}: ${hours.toFixed(1)} h of ${capacity.toFixed(1)} h${over ? " — overloaded" : ""}`)));
      if (over) svg.append(s("text", { x: labelW + i * cell + cell / 2 - 0.5, y: y + cell * 0.78, class: "over-mark", "text-anchor": "middle" }, "!"));
    });
  });
  return h("div", { class: "scroll-x" }, svg,
    h("p", { class: "legend" }, h("span", { class: "swatch light" }), "free ",
      h("span", { class: "swatch full" }), "fully booked ",
      h("span", { class: "swatch over" }), "overloaded (more hours than capacity) ",
      h("span", { class: "swatch off" }), "day off"));
}

function summary(proposal, ctx) {
  const late = proposal.deadline && proposal.finishDate > proposal.deadline;
  const solve = proposal.solve || {};
  return h("div", { class: "summary" },
    h("div", { class: "stat" }, h("span", {}, "Finish"), h("strong", { class: late ? "late" : "ok" }, proposal.finishDate || "—")),
    h("div", { class: "stat" }, h("span", {}, "Deadline"), h("strong", {}, proposal.deadline || "none")),
    h("div", { class: "stat" }, h("span", {}, "Changes"), h("strong", {}, String(solve.changes ?? 0))),
    h("div", { class: "stat" }, h("span", {}, "Late days"), h("strong", {}, String(solve.lateDays ?? 0))),
    h("div", { class: "stat" }, h("span", {}, "Overloaded days"),
      h("strong", {}, String((proposal.loads || []).reduce((n, l) => n + (l.overloadedDays || 0), 0)))),
    h("div", { class: "stat" }, h("span", {}, "Solver"), h("strong", {}, `${solve.status || "?"}${solve.gap ? ` (gap ${(solve.gap * 100).toFixed(1)}%)` : ""}`)));
}

// Risk's forecast of the current plan beside its forecast of this proposal's pending items
// (a what-if forecast: nothing is written). Filled in when both answers arrive.
export function proposalRisk(proposal, ctx) {
  const box = h("div", { class: "proposal-risk", id: "proposal-risk" }, h("h3", {}, "Risk forecast"),
    spinner("Forecasting the current plan and this proposal…"));
  const plan = proposal.items.filter((i) => (ITEM_STATE[i.state] || "pending") === "pending")
    .map((i) => ({ task: i.task, plannedStart: i.startDate, plannedEnd: i.endDate, assignee: i.assignee || "" }));
  const ask = (withPlan) => call(svc.risk, "ForecastProject", { project: ctx.name, plan: withPlan ? plan : [] })
    .then((r) => r.forecast);
  Promise.all([ask(false), plan.length ? ask(true) : null]).then(([current, proposed]) => {
    const row = (label, f) => h("tr", {}, h("th", {}, label),
      h("td", { class: "chance" }, f.deadline ? pct(f.probabilityOnTime) : "no deadline"),
      h("td", {}, f.finishP50Date), h("td", {}, f.finishP80Date));
    mount(box, h("h3", {}, "Risk forecast"),
      h("table", { class: "risk-compare" },
        h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, "Chance of making the deadline"),
          h("th", {}, "P50 finish"), h("th", {}, "P80 finish"))),
        h("tbody", {}, row("Current plan", current), proposed ? row("With this proposal", proposed) : null)),
      h("p", { class: "muted" }, proposed
        ? `Monte Carlo over the dependencies with each task's chance of running late (${current.modelVersion === "prior" ? "from estimates; no model trained yet" : `model ${current.modelVersion}`}); nothing is written until you accept.`
        : "No pending changes: the proposal's forecast is the current plan's."));
  }).catch((error) => {
    mount(box, h("h3", {}, "Risk forecast"), h("p", { class: "muted" }, `No forecast: ${describe(error)}`));
  });
  return box;
}

function itemList(proposal, ctx, onAccept) {
  const open = ["PROPOSAL_STATE_OPEN", "PROPOSAL_STATE_PARTIALLY_ACCEPTED"].includes(proposal.state);
  const items = proposal.items.filter((i) => i.state !== "ITEM_STATE_UNCHANGED");
  if (!items.length) return h("p", { class: "muted" }, "The proposal keeps every task as it is.");
  return h("ol", { class: "items" }, items.map((item) => {
    const state = ITEM_STATE[item.state] || "pending";
    return h("li", { class: `item ${state}${item.critical ? " critical" : ""}`, dataset: { task: item.task } },
      h("div", { class: "item-head" },
        h("a", { href: `#/task/${ctx.id}/${short(item.task)}` }, item.title),
        item.critical ? h("span", { class: "badge critical" }, "critical path") : null,
        item.lateDays ? h("span", { class: "badge late" }, `${item.lateDays} d late`) : null,
        h("span", { class: `badge st-${state}` }, state)),
      h("p", { class: "change" }, changeText(item, ctx)),
      h("ul", { class: "reasons" }, item.reasons.map((r) => h("li", {}, r.text))),
      open && state === "pending" ? h("div", { class: "actions" },
        h("button", { class: "primary accept-item", onclick: () => onAccept([item.task]) }, "Accept")) : null);
  }));
}

function whatIfPanel(ctx, base, deps) {
  const memberNames = new Set(ctx.members.map((m) => m.member));
  const outsiders = [...ctx.people.values()].filter((p) => !memberNames.has(p.name));
  const insiders = ctx.members.filter((m) => m.member.startsWith("people/"));
  const personOptions = (list, label) => [h("option", { value: "" }, label),
    ...list.map((name) => h("option", { value: name }, ctx.personLabel(name)))];
  const add = h("select", { name: "add", "aria-label": "Add a person" }, personOptions(outsiders.map((p) => p.name), "Add nobody"));
  const remove = h("select", { name: "remove", "aria-label": "Remove a person" }, personOptions(insiders.map((m) => m.member), "Remove nobody"));
  const offWho = h("select", { name: "off", "aria-label": "Time off for" }, personOptions(insiders.map((m) => m.member), "Nobody away"));
  const offStart = h("input", { type: "date", "aria-label": "Time off from" });
  const offEnd = h("input", { type: "date", "aria-label": "Time off until" });
  const deadline = h("input", { type: "date", "aria-label": "Deadline", value: ctx.project.deadline || "" });
  const result = h("div", { class: "whatif-result" });
  const form = h("form", { class: "whatif", onsubmit: async (event) => {
    event.preventDefault();
    const whatIf = {};
    if (add.value) whatIf.addPeople = [add.value];
    if (remove.value) whatIf.removePeople = [remove.value];
    if (offWho.value && offStart.value) {
      whatIf.timeOff = [{ person: offWho.value, startDate: offStart.value, endDate: offEnd.value || offStart.value }];
    }
    if (deadline.value && deadline.value !== ctx.project.deadline) whatIf.deadline = deadline.value;
    if (!Object.keys(whatIf).length) {
      result.replaceChildren(h("p", { class: "muted" }, "Change something first."));
      return;
    }
    result.replaceChildren(spinner("Planning the scenario (nothing is written)…"));
    try {
      const { proposal } = await call(svc.planner, "ProposeSchedule", { project: ctx.name, whatIf, timeLimitSeconds: 5 });
      result.replaceChildren(compare(base, proposal, ctx), gantt(proposal, deps, ctx, { compact: true }));
    } catch (error) {
      result.replaceChildren(h("p", { class: "error" }, describe(error)));
    }
  } },
  h("label", {}, "Add a person", add),
  h("label", {}, "Remove a person", remove),
  h("fieldset", {}, h("legend", {}, "Time off"), offWho, offStart, offEnd),
  h("label", {}, "Deadline", deadline),
  h("button", { type: "submit", class: "primary" }, "Show the effect"));
  return h("section", { class: "card", id: "whatif" }, h("h2", {}, "What if…"),
    h("p", { class: "muted" }, "Try a change; the planner shows the plan it would make. Nothing is written."),
    form, result);
}

// The effect of a what-if against the proposal on screen.
export function compare(base, scenario, ctx) {
  const overloaded = (p) => (p.loads || []).reduce((n, l) => n + (l.overloadedDays || 0), 0);
  const rows = [
    ["Finish", base ? base.finishDate : "—", scenario.finishDate],
    ["Deadline", base ? base.deadline || "none" : "—", scenario.deadline || "none"],
    ["Late days", base ? base.solve.lateDays : "—", scenario.solve.lateDays],
    ["Overloaded days", base ? overloaded(base) : "—", overloaded(scenario)],
    ["Tasks that change", base ? base.solve.changes : "—", scenario.solve.changes],
  ];
  const infeasible = !scenario.finishDate || scenario.state === "PROPOSAL_STATE_INFEASIBLE"
    || ["INFEASIBLE", "UNKNOWN", "INVALID"].includes(scenario.solve.status);
  const onTime = !infeasible && (!scenario.deadline || scenario.finishDate <= scenario.deadline);
  if (infeasible) rows[0][2] = "no plan";
  return h("div", {},
    h("p", { class: onTime ? "ok" : "late" }, infeasible
      ? "No plan meets the constraints — see why below."
      : onTime ? `The plan would finish on ${scenario.finishDate}, in time.` : `The plan would finish on ${scenario.finishDate}, after the deadline.`),
    h("table", { class: "compare" }, h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, "Now"), h("th", {}, "What if"))),
      h("tbody", {}, rows.map(([k, a, b]) => h("tr", { class: String(a) !== String(b) ? "diff" : "" },
        h("th", {}, k), h("td", {}, String(a ?? "")), h("td", {}, String(b ?? "")))))),
    scenario.diagnoses.length ? h("ul", { class: "diagnoses" }, scenario.diagnoses.map((d) => h("li", {}, d.message))) : null,
    scenario.notes.length ? h("ul", { class: "notes muted" }, scenario.notes.map((n) => h("li", {}, n))) : null);
}

export async function renderSchedule(main, ctx, { params, go }) {
  const [proposals, deps] = await Promise.all([
    call(svc.planner, "ListProposals", { parent: ctx.name, pageSize: 20 }),
    every(svc.tasks, "ListDependencies", { parent: ctx.name }, "dependencies", 500),
  ]);
  const real = proposals.proposals.filter((p) => !p.whatIf);
  const chosen = params.get("proposal") ? `${ctx.name}/proposals/${params.get("proposal")}` : real[0] && real[0].name;
  const proposal = chosen ? (await call(svc.planner, "GetProposal", { name: chosen })).proposal : null;
  const rerender = (name) => go(`#/schedule?proposal=${short(name || chosen)}`);

  const source = h("select", { "aria-label": "Durations from" },
    h("option", { value: "DURATION_SOURCE_RISK_P50" }, "risk forecast (P50)"),
    h("option", { value: "DURATION_SOURCE_RISK_P80" }, "risk forecast (P80)"),
    h("option", { value: "DURATION_SOURCE_ESTIMATE" }, "estimates"));
  const request = h("button", { class: "primary", id: "propose", onclick: async () => {
    request.disabled = true;
    request.textContent = "Planning…";
    try {
      const reply = await call(svc.planner, "ProposeSchedule", {
        project: ctx.name, durationSource: source.value, timeLimitSeconds: 10, requestId: crypto.randomUUID(),
      });
      flash(`Proposal ${short(reply.proposal.name)}: finish ${reply.proposal.finishDate}`, "ok");
      rerender(reply.proposal.name);
    } catch (error) {
      flash(describe(error), "error");
      request.disabled = false;
      request.textContent = "Request a proposal";
    }
  } }, "Request a proposal");

  const accept = async (tasks) => {
    try {
      const reply = await call(svc.planner, "AcceptProposal", { name: proposal.name, tasks });
      const stale = reply.stale.length ? `; ${reply.stale.length} refused as stale (the task changed)` : "";
      flash(`Accepted ${reply.accepted.length} item(s)${stale}`, reply.stale.length ? "error" : "ok");
      rerender(proposal.name);
    } catch (error) {
      flash(describe(error), "error");
    }
  };
  const reject = async () => {
    try {
      await call(svc.planner, "RejectProposal", { name: proposal.name, reason: "rejected in the console" });
      flash("Proposal rejected", "ok");
      rerender(proposal.name);
    } catch (error) {
      flash(describe(error), "error");
    }
  };

  const picker = real.length > 1 ? h("select", { "aria-label": "Proposal", onchange: (e) => rerender(e.target.value) },
    real.map((p) => h("option", { value: p.name, selected: p.name === chosen },
      `#${short(p.name)} · ${p.state.replace("PROPOSAL_STATE_", "").toLowerCase().replace("_", " ")} · finish ${p.finishDate}`))) : null;

  const open = proposal && ["PROPOSAL_STATE_OPEN", "PROPOSAL_STATE_PARTIALLY_ACCEPTED"].includes(proposal.state);
  mount(main,
    h("div", { class: "page-head" }, h("h1", {}, "Schedule"),
      h("div", { class: "toolbar" }, picker, h("label", {}, "Durations ", source), request)),
    proposal ? [
      h("section", { class: "card", id: "proposal", dataset: { proposal: proposal.name, state: proposal.state } },
        h("h2", {}, `Proposal #${short(proposal.name)} `,
          h("span", { class: "badge" }, proposal.state.replace("PROPOSAL_STATE_", "").toLowerCase().replace("_", " "))),
        summary(proposal, ctx),
        proposalRisk(proposal, ctx),
        proposal.diagnoses.length ? h("ul", { class: "diagnoses" }, proposal.diagnoses.map((d) => h("li", {}, d.message))) : null,
        proposal.notes.length ? h("ul", { class: "notes muted" }, proposal.notes.map((n) => h("li", {}, n))) : null,
        h("p", { class: "legend" }, h("span", { class: "swatch current" }), "current plan ",
          h("span", { class: "swatch proposed" }), "proposed ",
          h("span", { class: "swatch critical" }), "critical path ",
          h("span", { class: "swatch deadline" }), "deadline"),
        gantt(proposal, deps, ctx, { compact: window.innerWidth < 700 }),
        open ? h("div", { class: "actions" },
          h("button", { class: "primary", id: "accept-all", onclick: () => accept([]) }, "Accept all pending"),
          h("button", { class: "danger", id: "reject", onclick: reject }, "Reject proposal")) : null),
      h("div", { class: "grid-2" },
        h("section", { class: "card" }, h("h2", {}, "Changes, explained"), itemList(proposal, ctx, accept)),
        h("div", {},
          h("section", { class: "card" }, h("h2", {}, "Workload"), heatmap(proposal, ctx)),
          whatIfPanel(ctx, proposal, deps)))]
      : [h("section", { class: "card" }, h("p", {}, "No proposal yet. Ask the planner for one: it reads the project, ",
        "the people and their calendars, and the risk forecasts, and proposes who does what when.")),
      whatIfPanel(ctx, null, deps)]);
}
