// Small DOM helpers: elements are built with text nodes only, never from HTML strings.

import { formatDate, formatPercent, formatTime, t } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "style") {
      // Through the CSSOM: the Content-Security-Policy refuses style attributes.
      Object.assign(el.style, value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "value") {
      el.value = value;
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const SVG = "http://www.w3.org/2000/svg";

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else {
      el.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function mount(target, ...children) {
  target.replaceChildren();
  append(target, children);
}

export function flash(message, kind = "info") {
  const box = document.getElementById("flash");
  const item = h("div", { class: `flash ${kind}`, role: kind === "error" ? "alert" : "status" },
    h("span", {}, message),
    h("button", { class: "link", "aria-label": t("common.dismiss"), onclick: () => item.remove() }, "×"));
  box.append(item);
  if (kind !== "error") setTimeout(() => item.remove(), 6000);
  return item;
}

export function clearFlash() {
  document.getElementById("flash").replaceChildren();
}

export function short(name) {
  // `projects/p/tasks/12` -> `12`, `people/lin` -> `lin`
  return (name || "").split("/").pop();
}

export function fmtDate(value) {
  return formatDate(value);
}

export function fmtTime(value) {
  return formatTime(value);
}

export function pct(value) {
  return formatPercent(value);
}

export function spinner(text = t("common.working")) {
  return h("p", { class: "muted spinner" }, text);
}
