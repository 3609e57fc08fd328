// Risk: when the project will really finish against its deadline, the riskiest open tasks
// with their reasons, and the alert feed.

import { ApiError, call, svc } from "./api.js";
import { fmtTime, h, mount, pct, s, short } from "./dom.js";
import { formatDate, formatDay, t, term } from "./i18n.js";
import { factorText } from "./task.js";

const DAY_MS = 86400000;
const dayNumber = (iso) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);

// P50, P80 and P95 on a date line with the deadline.
export function forecastChart(forecast) {
  const marks = [
    ["P50", forecast.finishP50Date, "p50"],
    ["P80", forecast.finishP80Date, "p80"],
    ["P95", forecast.finishP95Date, "p95"],
  ].filter(([, d]) => d);
  const dates = marks.map(([, d]) => dayNumber(d));
  if (forecast.deadline) dates.push(dayNumber(forecast.deadline));
  const today = dayNumber(new Date().toISOString().slice(0, 10));
  dates.push(today);
  const first = Math.min(...dates) - 2;
  const last = Math.max(...dates) + 2;
  // Narrower on a phone, so the labels keep a readable size.
  const width = Math.max(340, Math.min(640, window.innerWidth - 40));
  const height = 110;
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
  const byDate = new Map();
  for (const [label, d, cls] of marks) {
    if (!byDate.has(d)) byDate.set(d, { labels: [], cls });
    byDate.get(d).labels.push(label);
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
export function modelName(version) {
  return version === "prior" ? t("risk.priorModel") : version;
}

// The alert's sentence in the console's language; the server's words for kinds it has none for.
function alertText(alert) {
  const title = alert.message.replace(/ is \d+% likely to .*$/, "");
  const key = { TASK_LIKELY_LATE: "alert.taskLate", DEADLINE_AT_RISK: "alert.deadline" }[alert.kind];
  if (!key || title === alert.message) return alert.message;
  // A project's alert names its deadline and P80 finish after the project.
  const dates = /^(.*) \(deadline (\S+), P80 (\S+)\)$/.exec(title);
  if (dates) {
    return t("alert.deadlineDates", {
      title: dates[1], deadline: formatDate(dates[2]), p80: formatDate(dates[3]), chance: pct(alert.value),
    });
  }
  return t(key, { title, chance: pct(alert.value) });
}

export async function renderRisk(main, ctx) {
  const results = await Promise.allSettled([
    call(svc.risk, "ForecastProject", { project: ctx.name }),
    call(svc.risk, "ListTaskRisks", { project: ctx.name, pageSize: 10 }),
    call(svc.risk, "ListAlerts", { project: ctx.name, pageSize: 15 }),
  ]);
  const failed = (r) => h("p", { class: "error" }, r.reason instanceof ApiError ? r.reason.describe() : String(r.reason));
  const [forecastR, risksR, alertsR] = results;

  let forecastBox;
  if (forecastR.status === "fulfilled") {
    const f = forecastR.value.forecast;
    const chance = Number(f.probabilityOnTime || 0);
    const tone = chance >= 0.8 ? "ok" : chance >= 0.5 ? "warn" : "late";
    forecastBox = h("section", { class: "card", id: "forecast" }, h("h2", {}, t("risk.forecast")),
      h("div", { class: "summary" },
        h("div", { class: "stat big" }, h("span", {}, t("risk.chance")), h("strong", { class: tone }, pct(chance))),
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
            h("span", { style: { width: `${Math.round(r.probabilityLate * 100)}%` } })), " ", pct(r.probabilityLate)),
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

  mount(main, h("div", { class: "page-head" }, h("h1", {}, t("risk.title"))), forecastBox, h("div", { class: "grid-2" }, risksBox, alertsBox));
}
