// @ts-check
// Risk: when the project will really finish against its deadline, the riskiest open tasks
// with their reasons, and the alert feed.

import { ApiError, call, must, svc } from "./api.js";
import { fmtTime, h, mount, pct, s, short } from "./dom.js";
import { exportButtons } from "./exports.js";
import { formatChance, formatChanceRange, formatDate, formatDay, formatNumber, t, term } from "./i18n.js";
import { factorText } from "./task.js";

/** @typedef {import("planops-api").risk.v1.ProjectForecast} ProjectForecast */
/** @typedef {import("planops-api").risk.v1.TaskRisk} TaskRisk */
/** @typedef {import("planops-api").risk.v1.Alert} Alert */
/** @typedef {import("planops-api").risk.v1.Model} Model */
/** @typedef {import("planops-api").risk.v1.ReliabilityBin} ReliabilityBin */

const DAY_MS = 86400000;
/** @param {string} iso */
const dayNumber = (iso) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);

// P50, P80 and P95 on a date line with the deadline.
/** @param {Pick<ProjectForecast, "finishP50Date" | "finishP80Date" | "finishP95Date" | "deadline">} forecast */
export function forecastChart(forecast) {
  /** @type {[string, string, string][]} */
  const quantiles = [
    ["P50", forecast.finishP50Date, "p50"],
    ["P80", forecast.finishP80Date, "p80"],
    ["P95", forecast.finishP95Date, "p95"],
  ];
  const marks = quantiles.filter(([, d]) => d);
  const dates = marks.map(([, d]) => dayNumber(d));
  if (forecast.deadline) dates.push(dayNumber(forecast.deadline));
  const today = dayNumber(new Date().toISOString().slice(0, 10));
  dates.push(today);
  const first = Math.min(...dates) - 2;
  const last = Math.max(...dates) + 2;
  // Narrower on a phone, so the labels keep a readable size.
  const width = Math.max(340, Math.min(640, window.innerWidth - 40));
  const height = 110;
  /** @param {number} n */
  const x = (n) => 20 + ((n - first) / (last - first)) * (width - 40);
  const svg = s("svg", { class: "forecast", viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": t("risk.chartLabel") });
  svg.append(s("line", { x1: 20, x2: width - 20, y1: 60, y2: 60, class: "axis-line" }));
  if (marks.length >= 2) {
    svg.append(s("rect", { x: x(dayNumber(marks[0][1])), y: 50, width: Math.max(2, x(dates[marks.length - 1]) - x(dates[0])), height: 20, class: "band" }));
  }
  svg.append(s("line", { x1: x(today), x2: x(today), y1: 40, y2: 80, class: "today" }));
  svg.append(s("text", { x: x(today), y: 95, class: "axis", "text-anchor": "middle" }, t("chart.today")));
  // Quantiles that fall on the same day share one label.
  /** @type {Map<string, { labels: string[], cls: string }>} */
  const byDate = new Map();
  for (const [label, d, cls] of marks) {
    const same = byDate.get(d) || { labels: [], cls };
    same.labels.push(label);
    byDate.set(d, same);
  }
  [...byDate.entries()].forEach(([d, { labels, cls }], i) => {
    svg.append(s("circle", { cx: x(dayNumber(d)), cy: 60, r: 6, class: `mark ${cls}` }));
    const at = x(dayNumber(d));
    const anchor = at > width - 120 ? "end" : at < 120 ? "start" : "middle";
    svg.append(s("text", { x: at, y: i % 2 ? 100 : 38, class: "axis", "text-anchor": anchor },
      `${labels.join(" = ")} ${formatDay(d)}`));
  });
  if (forecast.deadline) {
    const dx = x(dayNumber(forecast.deadline));
    svg.append(s("line", { x1: dx, x2: dx, y1: 14, y2: 86, class: "deadline" }));
    const anchor = dx > width - 120 ? "end" : dx < 120 ? "start" : "middle";
    svg.append(s("text", { x: dx, y: 12, class: "axis deadline-label", "text-anchor": anchor }, t("chart.deadline", { date: formatDay(forecast.deadline) })));
  }
  return svg;
}

// "prior" is the model a project has before one is trained; others are version ids.
/** @param {string} version */
export function modelName(version) {
  return version === "prior" ? t("risk.priorModel") : version;
}

// The alert's sentence in the console's language; the server's words for kinds it has none for.
/** @type {Record<string, string>} */
const ALERT_KEYS = { TASK_LIKELY_LATE: "alert.taskLate", DEADLINE_AT_RISK: "alert.deadline" };

/** @param {Alert} alert */
function alertText(alert) {
  const title = alert.message.replace(/ is [<>]?\d+% likely to .*$/, "");
  const key = ALERT_KEYS[alert.kind];
  if (!key || title === alert.message) return alert.message;
  // A project's alert names its deadline and P80 finish after the project.
  const dates = /^(.*) \(deadline (\S+), P80 (\S+)\)$/.exec(title);
  if (dates) {
    return t("alert.deadlineDates", {
      title: dates[1], deadline: formatDate(dates[2]), p80: formatDate(dates[3]), chance: formatChance(alert.value),
    });
  }
  return t(key, { title, chance: formatChance(alert.value) });
}

// What a task's chance rests on: the range its similar past tasks allow, and how many.
/** @param {Pick<TaskRisk, "similarTasks" | "similarLate" | "probabilityLateLow" | "probabilityLateHigh">} risk */
export function evidenceText(risk) {
  const count = Number(risk.similarTasks) || 0;
  if (count <= 0) return t("risk.noEvidence");
  const [low, high] = formatChanceRange(risk.probabilityLateLow, risk.probabilityLateHigh);
  return t("risk.evidence", { low, high, count, late: Math.max(Number(risk.similarLate) || 0, 0) });
}

// The model's reliability diagram: predicted chance against the share that was late, one dot
// per tenth of the scale, its area by the tasks in it, beside the diagonal of a model that
// is right.
/** @param {ReliabilityBin[]} bins */
export function reliabilityChart(bins) {
  const size = 230;
  const pad = 34;
  const left = 58; // room for the y tick labels and the axis title beside them
  const span = size - pad - left;
  /** @param {number} p */
  const x = (p) => left + p * span;
  /** @param {number} p */
  const y = (p) => pad + (1 - p) * span;
  const svg = s("svg", { class: "reliability", viewBox: `0 0 ${size} ${size}`, role: "img",
    "aria-label": t("risk.reliabilityLabel") });
  svg.append(s("rect", { x: left, y: pad, width: span, height: span, class: "frame" }));
  svg.append(s("line", { x1: x(0), y1: y(0), x2: x(1), y2: y(1), class: "diagonal" }));
  for (const tick of [0, 0.5, 1]) {
    svg.append(s("text", { x: x(tick), y: pad + span + 14, class: "axis", "text-anchor": "middle" }, formatPercentTick(tick)));
    svg.append(s("text", { x: left - 5, y: y(tick) + 4, class: "axis", "text-anchor": "end" }, formatPercentTick(tick)));
  }
  svg.append(s("text", { x: left + span / 2, y: pad + span + 30, class: "axis", "text-anchor": "middle" }, t("risk.predicted")));
  svg.append(s("text", { x: 12, y: pad + span / 2, class: "axis", "text-anchor": "middle",
    transform: `rotate(-90 12 ${pad + span / 2})` }, t("risk.observed")));
  const most = Math.max(1, ...bins.map((b) => Number(b.tasks) || 0));
  for (const b of bins) {
    const dot = s("circle", { cx: x(Number(b.predicted) || 0), cy: y(Number(b.observed) || 0),
      r: 2.5 + 6 * Math.sqrt((Number(b.tasks) || 0) / most), class: "bin" });
    dot.append(s("title", {}, t("risk.binRow", { predicted: formatChance(b.predicted), observed: pct(b.observed), count: Number(b.tasks) || 0 })));
    svg.append(dot);
  }
  return svg;
}

/** @param {number} p */
function formatPercentTick(p) {
  return pct(p);
}

// One click away from every number on the page: the active model's holdout figures and its
// reliability diagram, or why there is none.
/** @param {Model[] | undefined} models */
export function trustBox(models) {
  const active = (models || []).find((m) => m.active);
  const body = [];
  if (!active) {
    body.push(h("p", {}, t("risk.trustNone")));
  } else {
    body.push(h("p", {}, t("risk.trustModel", {
      model: String(active.name || "").replace(/^models\//, ""), rows: Number(active.rows) || 0,
      start: formatDate(active.windowStart), end: formatDate(active.windowEnd),
      holdout: Number(active.holdoutRows) || 0, auc: formatNumber(Number(active.holdoutAuc) || 0, 2),
      brier: formatNumber(Number(active.holdoutBrier) || 0, 3), base: formatNumber(Number(active.baseRateBrier) || 0, 3),
      ece: formatNumber(Number(active.holdoutEce) || 0, 3),
    })));
    const coverage = Number(active.holdoutDelayP80Coverage);
    if (Number.isFinite(coverage) && coverage > 0) body.push(h("p", {}, t("risk.trustCoverage", { share: pct(coverage) })));
    if (active.reliability && active.reliability.length) {
      body.push(h("h3", {}, t("risk.reliability")), reliabilityChart(active.reliability),
        h("p", { class: "muted" }, t("risk.reliabilityHelp")),
        h("ul", { class: "bins" }, active.reliability.map((b) => h("li", {},
          t("risk.binRow", { predicted: formatChance(b.predicted), observed: pct(b.observed), count: Number(b.tasks) || 0 })))));
    } else {
      body.push(h("p", { class: "muted" }, t("risk.trustOld")));
    }
  }
  return h("details", { class: "card", id: "trust" }, h("summary", {}, t("risk.trust")), ...body);
}

/** @type {import("./app.js").Page} */
export async function renderRisk(main, ctx) {
  const results = await Promise.allSettled([
    call(svc.risk, "ForecastProject", { project: ctx.name }),
    call(svc.risk, "ListTaskRisks", { project: ctx.name, pageSize: 10 }),
    call(svc.risk, "ListAlerts", { project: ctx.name, pageSize: 15 }),
    call(svc.risk, "ListModels", { pageSize: 5 }),
  ]);
  /** @param {PromiseRejectedResult} r */
  const failed = (r) => h("p", { class: "error" }, r.reason instanceof ApiError ? r.reason.describe() : String(r.reason));
  const [forecastR, risksR, alertsR, modelsR] = results;

  let forecastBox;
  if (forecastR.status === "fulfilled") {
    const f = must(forecastR.value.forecast, "forecast");
    const chance = Number(f.probabilityOnTime || 0);
    const tone = chance >= 0.8 ? "ok" : chance >= 0.5 ? "warn" : "late";
    forecastBox = h("section", { class: "card", id: "forecast" }, h("h2", {}, t("risk.forecast")),
      h("div", { class: "summary" },
        h("div", { class: "stat big" }, h("span", {}, t("risk.chance")), h("strong", { class: tone }, formatChance(chance))),
        h("div", { class: "stat" }, h("span", {}, t("risk.p50")), h("strong", {}, formatDate(f.finishP50Date))),
        h("div", { class: "stat" }, h("span", {}, t("risk.p80")), h("strong", {}, formatDate(f.finishP80Date))),
        h("div", { class: "stat" }, h("span", {}, t("risk.deadline")), h("strong", {}, formatDate(f.deadline) || t("common.none")))),
      forecastChart(f),
      h("p", { class: "muted" }, t("risk.samples", { count: Number(f.samples) || 0, model: modelName(f.modelVersion), time: fmtTime(f.forecastTime) })),
      f.criticalTasks.length ? [h("h3", {}, t("risk.critical")),
        h("ol", {}, f.criticalTasks.slice(0, 5).map((c) => h("li", {},
          h("a", { href: `#/task/${ctx.id}/${short(c.task)}` }, c.title), ` — ${t("risk.ofRuns", { share: pct(c.criticality) })}`)))] : null);
  } else {
    forecastBox = h("section", { class: "card", id: "forecast" }, h("h2", {}, t("risk.forecast")), failed(forecastR));
  }

  const risksBox = h("section", { class: "card", id: "risky" }, h("h2", {}, t("risk.riskiest")),
    risksR.status === "fulfilled"
      ? (risksR.value.risks.length ? h("table", { class: "risks" },
        h("thead", {}, h("tr", {}, h("th", {}, t("risk.task")), h("th", {}, t("risk.late")), h("th", {}, t("risk.p80")), h("th", {}, t("risk.why")))),
        h("tbody", {}, risksR.value.risks.map((r) => h("tr", {},
          h("td", {}, h("a", { href: `#/task/${ctx.id}/${short(r.task)}` }, r.title)),
          h("td", {}, h("span", { class: `meter ${r.probabilityLate >= 0.5 ? "late" : ""}` },
            h("span", { style: { width: `${Math.round(r.probabilityLate * 100)}%` } })), " ", formatChance(r.probabilityLate),
            h("div", { class: "muted evidence" }, evidenceText(r))),
          h("td", {}, formatDate(r.finishP80Date) || "—"),
          h("td", {}, h("ul", { class: "factors" }, r.factors.slice(0, 3).map((f) => h("li", {}, factorText(f)))),
            r.fromPrior ? h("span", { class: "muted" }, t("risk.prior")) : null)))))
        : h("p", { class: "muted" }, t("risk.noOpen")))
      : failed(risksR));

  const alertsBox = h("section", { class: "card", id: "alerts" }, h("h2", {}, t("risk.alerts")),
    alertsR.status === "fulfilled"
      ? (alertsR.value.alerts.length ? h("ul", { class: "alerts" }, alertsR.value.alerts.map((a) => h("li", {},
        h("span", { class: "badge late" }, term("alert", a.kind)), " ", alertText(a),
        h("div", { class: "muted" }, fmtTime(a.raiseTime))))) : h("p", { class: "muted" }, t("risk.noAlerts")))
      : failed(alertsR));

  const trust = modelsR.status === "fulfilled" ? trustBox(modelsR.value.models) : null;
  mount(main, h("div", { class: "page-head" }, h("h1", {}, t("risk.title")),
    exportButtons(ctx, "risks", ["xlsx", "csv"])), forecastBox, h("div", { class: "grid-2" }, risksBox, alertsBox), trust);
}
