// Risk: when the project will really finish against its deadline, the riskiest open tasks
// with their reasons, and the alert feed.

import { ApiError, call, svc } from "./api.js";
import { fmtTime, h, mount, pct, s, short } from "./dom.js";

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
    "aria-label": "Finish date forecast against the deadline" });
  svg.append(s("line", { x1: 20, x2: width - 20, y1: 60, y2: 60, class: "axis-line" }));
  if (marks.length >= 2) {
    svg.append(s("rect", { x: x(dayNumber(marks[0][1])), y: 50, width: Math.max(2, x(dates[marks.length - 1]) - x(dates[0])), height: 20, class: "band" }));
  }
  svg.append(s("line", { x1: x(today), x2: x(today), y1: 40, y2: 80, class: "today" }));
  svg.append(s("text", { x: x(today), y: 95, class: "axis", "text-anchor": "middle" }, "today"));
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
      `${labels.join(" = ")} ${d}`));
  });
  if (forecast.deadline) {
    const dx = x(dayNumber(forecast.deadline));
    svg.append(s("line", { x1: dx, x2: dx, y1: 14, y2: 86, class: "deadline" }));
    const anchor = dx > width - 120 ? "end" : dx < 120 ? "start" : "middle";
    svg.append(s("text", { x: dx, y: 12, class: "axis deadline-label", "text-anchor": anchor }, `deadline ${forecast.deadline}`));
  }
  return svg;
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
    forecastBox = h("section", { class: "card", id: "forecast" }, h("h2", {}, "Finish forecast"),
      h("div", { class: "summary" },
        h("div", { class: "stat big" }, h("span", {}, "Chance of making the deadline"), h("strong", { class: tone }, pct(chance))),
        h("div", { class: "stat" }, h("span", {}, "P50 finish"), h("strong", {}, f.finishP50Date)),
        h("div", { class: "stat" }, h("span", {}, "P80 finish"), h("strong", {}, f.finishP80Date)),
        h("div", { class: "stat" }, h("span", {}, "Deadline"), h("strong", {}, f.deadline || "none"))),
      forecastChart(f),
      h("p", { class: "muted" }, `${f.samples} simulations · model ${f.modelVersion} · ${fmtTime(f.forecastTime)}`),
      f.criticalTasks.length ? [h("h3", {}, "Most often on the critical path"),
        h("ol", {}, f.criticalTasks.slice(0, 5).map((c) => h("li", {},
          h("a", { href: `#/task/${ctx.id}/${short(c.task)}` }, c.title), ` — ${pct(c.criticality)} of runs`)))] : null);
  } else {
    forecastBox = h("section", { class: "card", id: "forecast" }, h("h2", {}, "Finish forecast"), failed(forecastR));
  }

  const risksBox = h("section", { class: "card", id: "risky" }, h("h2", {}, "Riskiest tasks"),
    risksR.status === "fulfilled"
      ? (risksR.value.risks.length ? h("table", { class: "risks" },
        h("thead", {}, h("tr", {}, h("th", {}, "Task"), h("th", {}, "Late"), h("th", {}, "P80 finish"), h("th", {}, "Why"))),
        h("tbody", {}, risksR.value.risks.map((r) => h("tr", {},
          h("td", {}, h("a", { href: `#/task/${ctx.id}/${short(r.task)}` }, r.title)),
          h("td", {}, h("span", { class: `meter ${r.probabilityLate >= 0.5 ? "late" : ""}` },
            h("span", { style: { width: `${Math.round(r.probabilityLate * 100)}%` } })), " ", pct(r.probabilityLate)),
          h("td", {}, r.finishP80Date || "—"),
          h("td", {}, h("ul", { class: "factors" }, r.factors.slice(0, 3).map((f) => h("li", {}, f.text || f.feature))),
            r.fromPrior ? h("span", { class: "muted" }, "prior, no trained model") : null)))))
        : h("p", { class: "muted" }, "No open tasks to score."))
      : failed(risksR));

  const alertsBox = h("section", { class: "card", id: "alerts" }, h("h2", {}, "Alerts"),
    alertsR.status === "fulfilled"
      ? (alertsR.value.alerts.length ? h("ul", { class: "alerts" }, alertsR.value.alerts.map((a) => h("li", {},
        h("span", { class: "badge late" }, a.kind.replaceAll("_", " ").toLowerCase()), " ", a.message,
        h("div", { class: "muted" }, fmtTime(a.raiseTime))))) : h("p", { class: "muted" }, "No alerts."))
      : failed(alertsR));

  mount(main, h("div", { class: "page-head" }, h("h1", {}, "Risk")), forecastBox, h("div", { class: "grid-2" }, risksBox, alertsBox));
}
