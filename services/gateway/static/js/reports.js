// @ts-check
// Reports: burndown, throughput, time in each state and cycle time, overdue work, and hours
// and cost against plan, as core's ReportService computes them.

import { ApiError, call, every, must, svc } from "./api.js";
import { barChart, lineChart } from "./charts.js";
import { h, mount, short, valueOf } from "./dom.js";
import { formatDate, formatDay, formatDays, formatHours, formatNumber, stateName, t } from "./i18n.js";

/** @typedef {import("planops-api").core.v1.Report} Report */

/** @param {unknown} v */
const money = (v) => formatNumber(v, 0);
/** @param {unknown} v */
const hours = (v) => formatHours(v);

/** @param {Report} report */
function burndown(report) {
  // Days before the first task existed carry no scope; the chart starts where the work does.
  const all = report.burndown || [];
  const first = all.findIndex((p) => p.scopeHours > 0);
  const points = first < 0 ? [] : all.slice(first);
  if (points.length < 2) {
    return h("p", { class: "muted" }, points.length
      ? t("reports.sameDay", { count: Number(points[0].remainingTasks) || 0, hours: hours(points[0].remainingHours), date: formatDate(points[0].date) })
      : t("reports.noWork"));
  }
  return lineChart({
    label: t("reports.burndownLabel"),
    labels: points.map((p) => formatDay(p.date)),
    series: [
      { name: t("reports.ideal"), values: points.map((p) => p.idealHours), cls: "line-plan" },
      { name: t("reports.remaining"), values: points.map((p) => p.remainingHours), cls: "line-actual" },
    ],
  });
}

/** @param {Report} report */
function throughput(report) {
  const weeks = report.throughput || [];
  if (!weeks.length) return h("p", { class: "muted" }, t("reports.nothingFinished"));
  return barChart({
    label: t("reports.throughputLabel"),
    categories: weeks.map((w) => formatDay(w.weekStart)),
    format: (v) => formatNumber(v, 0),
    series: [{ name: t("reports.tasksDone"), values: weeks.map((w) => w.tasksDone), cls: "bar-actual" }],
  });
}

/** @param {Report} report */
function stateTimes(report) {
  const states = (report.stateTimes || []).filter((st) => !["done", "cancelled"].includes(st.category));
  /** @type {Partial<import("planops-api").core.v1.CycleTime>} */
  const cycle = report.cycleTime || {};
  const measured = states.some((st) => st.visits > 0 && st.p85Hours > 0);
  return h("div", {},
    h("div", { class: "summary" },
      h("div", { class: "stat" }, h("span", {}, t("reports.cycleMedian")), h("strong", {}, formatDays(cycle.medianDays, 1))),
      h("div", { class: "stat" }, h("span", {}, t("reports.cycleP85")), h("strong", {}, formatDays(cycle.p85Days, 1))),
      h("div", { class: "stat" }, h("span", {}, t("reports.leadMedian")), h("strong", {}, formatDays(cycle.medianLeadDays, 1))),
      h("div", { class: "stat" }, h("span", {}, t("reports.finishedTasks")), h("strong", {}, formatNumber(cycle.doneTasks || 0)))),
    !measured ? h("p", { class: "muted" }, t("reports.noStays")) : barChart({
      label: t("reports.stateLabel"),
      categories: states.map((st) => stateName(st.state, st.displayName)),
      format: hours,
      series: [
        { name: t("reports.medianInState"), values: states.map((st) => st.medianHours), cls: "bar-actual" },
        { name: t("reports.p85"), values: states.map((st) => st.p85Hours), cls: "bar-plan" },
      ],
    }));
}

/** @param {Report} report */
function hoursAndCost(report) {
  /** @type {Partial<import("planops-api").core.v1.HoursAndCost>} */
  const hc = report.hoursAndCost || {};
  const people = (hc.people || []).slice(0, 12);
  return h("div", {},
    h("div", { class: "summary" },
      h("div", { class: "stat" }, h("span", {}, t("reports.plannedHours")), h("strong", {}, hours(hc.plannedHours))),
      h("div", { class: "stat" }, h("span", {}, t("reports.loggedHours")), h("strong", {}, hours(hc.actualHours))),
      h("div", { class: "stat" }, h("span", {}, t("reports.plannedCost")), h("strong", {}, money(hc.plannedCost))),
      h("div", { class: "stat" }, h("span", {}, t("reports.actualCost")), h("strong", {}, money(hc.actualCost))),
      h("div", { class: "stat" }, h("span", {}, t("reports.finishedWork")),
        h("strong", { class: (hc.doneActualHours ?? 0) > (hc.donePlannedHours ?? 0) ? "late" : "ok" },
          `${hours(hc.donePlannedHours)} → ${hours(hc.doneActualHours)}`))),
    people.length ? barChart({
      label: t("reports.hoursLabel"),
      categories: people.map((p) => p.displayName || short(p.person)),
      format: hours,
      series: [
        { name: t("reports.planned"), values: people.map((p) => p.plannedHours), cls: "bar-plan" },
        { name: t("reports.logged"), values: people.map((p) => p.actualHours), cls: "bar-actual",
          overIf: (i) => people[i].actualHours > people[i].plannedHours && people[i].plannedHours > 0 },
      ],
    }) : h("p", { class: "muted" }, t("reports.noHours")),
    people.length ? h("p", { class: "legend" }, h("span", { class: "swatch over" }), t("reports.over")) : null);
}

/**
 * @param {Report} report
 * @param {import("./app.js").Context} ctx
 */
function overdue(report, ctx) {
  const tasks = report.overdue || [];
  if (!tasks.length) return h("p", { class: "ok" }, t("reports.nothingOverdue"));
  return h("table", { class: "risks" },
    h("thead", {}, h("tr", {}, h("th", {}, t("reports.task")), h("th", {}, t("reports.who")), h("th", {}, t("reports.due")), h("th", {}, t("reports.daysOver")))),
    h("tbody", {}, tasks.slice(0, 15).map((task) => h("tr", {},
      h("td", {}, h("a", { href: `#/task/${ctx.id}/${short(task.task)}` }, task.title)),
      h("td", {}, ctx.personLabel(task.assignee)),
      h("td", {}, formatDate(task.dueDate)),
      h("td", { class: "late" }, formatDays(task.daysOverdue))))));
}

/** @type {import("./app.js").Page} */
export async function renderReports(main, ctx, { params, go }) {
  const iterations = await every(svc.projects, "ListIterations", { parent: ctx.name }, "iterations", 100);
  const iteration = params.get("iteration") ? `${ctx.name}/iterations/${params.get("iteration")}` : "";
  const picker = iterations.length ? h("select", { "aria-label": t("reports.iteration"), onchange: (e) =>
    go(valueOf(e) ? `#/reports?iteration=${short(valueOf(e))}` : "#/reports") },
  h("option", { value: "" }, t("reports.wholeProject")),
  iterations.map((it) => h("option", { value: it.name, selected: it.name === iteration },
    `${it.displayName || short(it.name)} (${formatDate(it.startDate, { weekday: false })} → ${formatDate(it.endDate, { weekday: false })})`))) : null;
  /** @type {Report} */
  let report;
  try {
    report = must((await call(svc.reports, "GetReport", { project: ctx.name, iteration })).report, "report");
  } catch (error) {
    mount(main, h("div", { class: "page-head" }, h("h1", {}, t("reports.title"))),
      h("section", { class: "card" }, h("p", { class: "error" }, error instanceof ApiError ? error.describe() : String(error))));
    return;
  }
  mount(main,
    h("div", { class: "page-head" }, h("h1", {}, t("reports.title")), picker,
      h("p", { class: "muted" }, [
        `${formatDate(report.startDate)} → ${formatDate(report.endDate)}`,
        t("reports.asOf", { date: formatDate(report.asOfDate) }),
        t("reports.tasks", { count: Number(report.taskCount) || 0 }),
        t("reports.finishedLate", { count: Number(report.lateDoneTasks) || 0 }),
      ].join(" · "))),
    h("div", { class: "grid-2", id: "reports" },
      h("section", { class: "card", id: "burndown" }, h("h2", {}, t("reports.burndown")), burndown(report)),
      h("section", { class: "card", id: "hours" }, h("h2", {}, t("reports.hoursTitle")), hoursAndCost(report)),
      h("section", { class: "card", id: "cycle" }, h("h2", {}, t("reports.cycleTitle")), stateTimes(report)),
      h("section", { class: "card", id: "throughput" }, h("h2", {}, t("reports.throughput")), throughput(report))),
    h("section", { class: "card", id: "overdue" }, h("h2", {}, t("reports.overdue", { count: (report.overdue || []).length })), overdue(report, ctx)));
}
