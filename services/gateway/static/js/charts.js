// @ts-check
// Small SVG charts for the reports: lines over dates and grouped bars. No library needed.

import { h, s } from "./dom.js";
import { formatNumber } from "./i18n.js";

const W = 640;
const H = 260;
const PAD = { left: 44, right: 12, top: 16, bottom: 40 };

/**
 * One line or one set of bars. `overIf(i)` marks a bar drawn as over plan.
 * @typedef {{ name: string, values: (number | null | undefined)[], cls: string, overIf?: (i: number) => boolean }} Series
 */

/** @param {number} value */
function niceMax(value) {
  if (value <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / step) * step;
}

/**
 * @param {SVGSVGElement} svg
 * @param {number} max
 * @param {(v: number) => number} y
 */
function yAxis(svg, max, y) {
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    svg.append(s("line", { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: "grid" }));
    svg.append(s("text", { x: PAD.left - 6, y: y(v) + 3, class: "axis", "text-anchor": "end" },
      formatNumber(v, Number.isInteger(v) ? 0 : 1)));
  }
}

// Lines over the same x labels; a missing value breaks no line, it is left out.
/** @param {{ labels: string[], series: Series[], label: string }} chart */
export function lineChart({ labels, series, label }) {
  const max = niceMax(Math.max(1, ...series.flatMap((sr) => present(sr.values))));
  /** @param {number} i */
  const x = (i) => PAD.left + (labels.length <= 1 ? 0 : (i / (labels.length - 1)) * (W - PAD.left - PAD.right));
  /** @param {number} v */
  const y = (v) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label });
  yAxis(svg, max, y);
  const every = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((l, i) => {
    if (i % every === 0 || i === labels.length - 1) {
      svg.append(s("text", { x: x(i), y: H - PAD.bottom + 16, class: "axis", "text-anchor": "middle" }, l));
    }
  });
  for (const sr of series) {
    const points = sr.values.map((v, i) => (v === null || v === undefined ? null : `${x(i)},${y(v)}`)).filter(Boolean);
    if (points.length) svg.append(s("polyline", { points: points.join(" "), class: sr.cls }, s("title", {}, sr.name)));
  }
  return h("div", {}, svg, legend(series));
}

/**
 * @param {(number | null | undefined)[]} values
 * @returns {number[]}
 */
function present(values) {
  return values.filter((v) => v !== null && v !== undefined);
}

// Bars per category, one per series side by side; `overIf` marks actual above plan.
/**
 * @param {{ categories: string[], series: Series[], label: string, format?: (v: number) => string }} chart
 */
export function barChart({ categories, series, label, format = (v) => formatNumber(v, 1) }) {
  const max = niceMax(Math.max(1, ...series.flatMap((sr) => present(sr.values))));
  const band = (W - PAD.left - PAD.right) / Math.max(1, categories.length);
  const barW = Math.max(3, (band * 0.75) / series.length);
  /** @param {number} v */
  const y = (v) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label });
  yAxis(svg, max, y);
  categories.forEach((c, i) => {
    const x0 = PAD.left + i * band + band * 0.125;
    series.forEach((sr, j) => {
      const v = sr.values[i] || 0;
      const over = sr.overIf && sr.overIf(i);
      svg.append(s("rect", { x: x0 + j * barW, y: y(v), width: barW - 1, height: Math.max(0, y(0) - y(v)),
        class: over ? "bar-over" : sr.cls }, s("title", {}, `${c} · ${sr.name}: ${format(v)}`)));
    });
    const room = Math.max(3, Math.floor(band / 6.2));
    const text = c.length > room ? `${c.slice(0, room - 1)}…` : c;
    svg.append(s("text", { x: x0 + (barW * series.length) / 2, y: H - PAD.bottom + 14, class: "axis",
      "text-anchor": "middle" }, text));
  });
  return h("div", {}, svg, legend(series));
}

/** @param {Series[]} series */
function legend(series) {
  return h("p", { class: "legend" }, series.map((sr) => [h("span", { class: `swatch ${sr.cls}` }), `${sr.name} `]));
}
