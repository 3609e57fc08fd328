// Reports: burndown, throughput, time in each state and cycle time, overdue work, and hours
// and cost against plan, as core's ReportService computes them.

import { ApiError, call, every, svc } from "./api.js";
import { barChart, lineChart } from "./charts.js";
import { h, mount, short } from "./dom.js";

const money = (v) => Number(v || 0).toLocaleString(undefined, { maximumFractionDigits: 0 });
const hours = (v) => `${Number(v || 0).toFixed(1)} h`;

function burndown(report) {
  // Days before the first task existed carry no scope; the chart starts where the work does.
  const all = report.burndown || [];
  const first = all.findIndex((p) => p.scopeHours > 0);
  const points = first < 0 ? [] : all.slice(first);
  if (points.length < 2) {
    return h("p", { class: "muted" }, points.length
      ? `All ${points[0].remainingTasks} open tasks (${hours(points[0].remainingHours)}) were created on ${points[0].date}; the burndown fills in day by day as work is done.`
      : "No work in the span yet.");
  }
  return lineChart({
    label: "Burndown: remaining estimate hours per day against the ideal line",
    labels: points.map((p) => p.date.slice(5)),
    series: [
      { name: "ideal", values: points.map((p) => p.idealHours), cls: "line-plan" },
      { name: "remaining hours", values: points.map((p) => p.remainingHours), cls: "line-actual" },
    ],
  });
}

function throughput(report) {
  const weeks = report.throughput || [];
  if (!weeks.length) return h("p", { class: "muted" }, "Nothing finished yet.");
  return barChart({
    label: "Tasks finished per week",
    categories: weeks.map((w) => w.weekStart.slice(5)),
    series: [{ name: "tasks done", values: weeks.map((w) => w.tasksDone), cls: "bar-actual" }],
  });
}

function stateTimes(report) {
  const states = (report.stateTimes || []).filter((st) => !["done", "cancelled"].includes(st.category));
  const cycle = report.cycleTime || {};
  const measured = states.some((st) => st.visits > 0 && st.p85Hours > 0);
  return h("div", {},
    h("div", { class: "summary" },
      h("div", { class: "stat" }, h("span", {}, "Cycle time (median)"), h("strong", {}, `${Number(cycle.medianDays || 0).toFixed(1)} d`)),
      h("div", { class: "stat" }, h("span", {}, "Cycle time (85th pct.)"), h("strong", {}, `${Number(cycle.p85Days || 0).toFixed(1)} d`)),
      h("div", { class: "stat" }, h("span", {}, "Lead time (median)"), h("strong", {}, `${Number(cycle.medianLeadDays || 0).toFixed(1)} d`)),
      h("div", { class: "stat" }, h("span", {}, "Finished tasks"), h("strong", {}, String(cycle.doneTasks || 0)))),
    !measured ? h("p", { class: "muted" }, "No completed stays in a state yet: time in each state shows once tasks have moved on.") : barChart({
      label: "Median and 85th percentile hours spent in each state",
      categories: states.map((st) => st.displayName),
      unit: " h",
      series: [
        { name: "median hours in state", values: states.map((st) => st.medianHours), cls: "bar-actual" },
        { name: "85th percentile", values: states.map((st) => st.p85Hours), cls: "bar-plan" },
      ],
    }));
}

function hoursAndCost(report) {
  const hc = report.hoursAndCost || {};
  const people = (hc.people || []).slice(0, 12);
  return h("div", {},
    h("div", { class: "summary" },
      h("div", { class: "stat" }, h("span", {}, "Planned hours"), h("strong", {}, hours(hc.plannedHours))),
      h("div", { class: "stat" }, h("span", {}, "Logged hours"), h("strong", {}, hours(hc.actualHours))),
      h("div", { class: "stat" }, h("span", {}, "Planned cost"), h("strong", {}, money(hc.plannedCost))),
      h("div", { class: "stat" }, h("span", {}, "Actual cost"), h("strong", {}, money(hc.actualCost))),
      h("div", { class: "stat" }, h("span", {}, "Finished work: planned → logged"),
        h("strong", { class: hc.doneActualHours > hc.donePlannedHours ? "late" : "ok" },
          `${hours(hc.donePlannedHours)} → ${hours(hc.doneActualHours)}`))),
    people.length ? barChart({
      label: "Planned and logged hours per person",
      categories: people.map((p) => p.displayName || short(p.person)),
      unit: " h",
      series: [
        { name: "planned hours", values: people.map((p) => p.plannedHours), cls: "bar-plan" },
        { name: "logged hours", values: people.map((p) => p.actualHours), cls: "bar-actual",
          overIf: (i) => people[i].actualHours > people[i].plannedHours && people[i].plannedHours > 0 },
      ],
    }) : h("p", { class: "muted" }, "No estimates or time entries yet."),
    people.length ? h("p", { class: "legend" }, h("span", { class: "swatch over" }), "logged more than planned") : null);
}

function overdue(report, ctx) {
  const tasks = report.overdue || [];
  if (!tasks.length) return h("p", { class: "ok" }, "Nothing overdue.");
  return h("table", { class: "risks" },
    h("thead", {}, h("tr", {}, h("th", {}, "Task"), h("th", {}, "Who"), h("th", {}, "Due"), h("th", {}, "Days over"))),
    h("tbody", {}, tasks.slice(0, 15).map((t) => h("tr", {},
      h("td", {}, h("a", { href: `#/task/${ctx.id}/${short(t.task)}` }, t.title)),
      h("td", {}, ctx.personLabel(t.assignee)),
      h("td", {}, t.dueDate),
      h("td", { class: "late" }, String(t.daysOverdue))))));
}

export async function renderReports(main, ctx, { params, go }) {
  const iterations = await every(svc.projects, "ListIterations", { parent: ctx.name }, "iterations", 100);
  const iteration = params.get("iteration") ? `${ctx.name}/iterations/${params.get("iteration")}` : "";
  const picker = iterations.length ? h("select", { "aria-label": "Iteration", onchange: (e) =>
    go(e.target.value ? `#/reports?iteration=${short(e.target.value)}` : "#/reports") },
  h("option", { value: "" }, "Whole project"),
  iterations.map((it) => h("option", { value: it.name, selected: it.name === iteration },
    `${it.displayName || short(it.name)} (${it.startDate} → ${it.endDate})`))) : null;
  let report;
  try {
    ({ report } = await call(svc.reports, "GetReport", { project: ctx.name, iteration }));
  } catch (error) {
    mount(main, h("div", { class: "page-head" }, h("h1", {}, "Reports")),
      h("section", { class: "card" }, h("p", { class: "error" }, error instanceof ApiError ? error.describe() : String(error))));
    return;
  }
  mount(main,
    h("div", { class: "page-head" }, h("h1", {}, "Reports"), picker,
      h("p", { class: "muted" }, `${report.startDate} → ${report.endDate} · as of ${report.asOfDate} · ${report.taskCount} tasks · ${report.lateDoneTasks} finished late`)),
    h("div", { class: "grid-2", id: "reports" },
      h("section", { class: "card", id: "burndown" }, h("h2", {}, "Burndown"), burndown(report)),
      h("section", { class: "card", id: "hours" }, h("h2", {}, "Hours and cost against plan"), hoursAndCost(report)),
      h("section", { class: "card", id: "cycle" }, h("h2", {}, "Cycle time and time in each state"), stateTimes(report)),
      h("section", { class: "card", id: "throughput" }, h("h2", {}, "Throughput"), throughput(report))),
    h("section", { class: "card", id: "overdue" }, h("h2", {}, `Overdue (${(report.overdue || []).length})`), overdue(report, ctx)));
}
