// @ts-check
// Small DOM helpers: elements are built with text nodes only, never from HTML strings.

import { formatDate, formatPercent, formatTime, t } from "./i18n.js";

/** @typedef {Node | string | number | boolean | null | undefined | Child[]} Child */
/**
 * Attributes and listeners of an element. Any other attribute is written as a string.
 * @typedef {{
 *   [attribute: string]: unknown,
 *   class?: string,
 *   style?: Partial<CSSStyleDeclaration>,
 *   dataset?: Record<string, string>,
 *   onclick?: (event: MouseEvent) => unknown,
 *   onsubmit?: (event: SubmitEvent) => unknown,
 *   oninput?: (event: Event) => unknown,
 *   onchange?: (event: Event) => unknown,
 *   ondragstart?: (event: DragEvent) => unknown,
 * }} Attrs
 */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (key === "class") {
      el.className = String(value);
    } else if (key === "style") {
      // Through the CSSOM: the Content-Security-Policy refuses style attributes.
      Object.assign(el.style, value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "value" && "value" in el) {
      el.value = String(value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {Child[]} children
 */
function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const SVG = "http://www.w3.org/2000/svg";

/**
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...Child} children
 * @returns {SVGElementTagNameMap[K]}
 */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} target
 * @param {...Child} children
 */
export function mount(target, ...children) {
  target.replaceChildren();
  append(target, children);
}

/**
 * @param {string} message
 * @param {"info" | "ok" | "error"} [kind]
 */
export function flash(message, kind = "info") {
  const box = required("flash");
  /** @type {HTMLDivElement} */
  const item = h("div", { class: `flash ${kind}`, role: kind === "error" ? "alert" : "status" },
    h("span", {}, message),
    h("button", { class: "link", "aria-label": t("common.dismiss"), onclick: () => item.remove() }, "×"));
  box.append(item);
  if (kind !== "error") setTimeout(() => item.remove(), 6000);
  return item;
}

export function clearFlash() {
  required("flash").replaceChildren();
}

// An element index.html always has; its absence is a broken page, said as such.
/** @param {string} id */
export function required(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el;
}

// The value of the form control an event came from.
/** @param {Event} event */
export function valueOf(event) {
  const target = event.target;
  const control = target instanceof HTMLInputElement || target instanceof HTMLSelectElement
    || target instanceof HTMLTextAreaElement;
  return control ? target.value : "";
}

/** @param {Event} event */
export function checkedOf(event) {
  return event.target instanceof HTMLInputElement && event.target.checked;
}

/** @param {string | null | undefined} name */
export function short(name) {
  // `projects/p/tasks/12` -> `12`, `people/lin` -> `lin`
  return (name || "").split("/").pop() || "";
}

/** @param {string | null | undefined} value */
export function fmtDate(value) {
  return formatDate(value);
}

/** @param {string | null | undefined} value */
export function fmtTime(value) {
  return formatTime(value);
}

/** @param {unknown} value */
export function pct(value) {
  return formatPercent(value);
}

export function spinner(text = t("common.working")) {
  return h("p", { class: "muted spinner" }, text);
}
