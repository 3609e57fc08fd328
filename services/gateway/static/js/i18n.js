// @ts-check
// The console's words in Simplified Chinese and English: the message catalogues
// (/static/i18n/<language>.json), the language in use, and dates, numbers and durations
// written the way that language writes them.

/** @typedef {"zh-CN" | "en"} Language */
/** @typedef {string | { one?: string, other: string }} Message a text, or its plural forms */
/** @typedef {Record<string, string | number | null | undefined>} Params */

/** @type {readonly Language[]} */
export const LANGUAGES = ["zh-CN", "en"];
const STORE = "planops.language";
// English dates read "Mon 14 Dec": the day before the month, as en-GB writes it.
/** @type {Record<Language, string>} */
const LOCALE = { "zh-CN": "zh-CN", en: "en-GB" };

/** @type {Language} */
let current = "en";
/** @type {Record<string, Message>} */
let catalogue = {};
let plurals = new Intl.PluralRules("en");
let numbers = new Intl.NumberFormat("en-GB");

/**
 * @param {unknown} value
 * @returns {value is Language}
 */
function isLanguage(value) {
  return LANGUAGES.some((lang) => lang === value);
}

// A stored choice wins; otherwise the first Chinese or English entry of the browser's list.
/**
 * @param {string | null} choice
 * @param {readonly string[] | undefined} languages
 * @returns {Language}
 */
export function preferred(choice, languages) {
  if (isLanguage(choice)) return choice;
  for (const tag of languages || []) {
    const lower = String(tag).toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

export function language() {
  return current;
}

function stored() {
  try {
    return localStorage.getItem(STORE);
  } catch {
    return null;
  }
}

// Makes `messages` the catalogue `t` reads, in `lang`: what useLanguage does once it has
// fetched one (and what the unit tests do without a browser).
/**
 * @param {Language} lang
 * @param {Record<string, Message>} messages
 */
export function setCatalogue(lang, messages) {
  catalogue = messages;
  current = lang;
  plurals = new Intl.PluralRules(lang);
  numbers = new Intl.NumberFormat(LOCALE[lang]);
  formats.clear();
}

// Loads a catalogue and makes it the one `t` reads; the page's own words follow.
/** @param {string} [wanted] */
export async function useLanguage(wanted = preferred(stored(), navigator.languages)) {
  const lang = isLanguage(wanted) ? wanted : "en";
  const response = await fetch(`/static/i18n/${lang}.json`);
  if (!response.ok) throw new Error(`no catalogue for ${lang}: HTTP ${response.status}`);
  setCatalogue(lang, await response.json());
  document.documentElement.lang = lang;
  translateDocument(document);
  return lang;
}

// The switch: remembered in this browser for the next visit.
/** @param {string} lang */
export async function chooseLanguage(lang) {
  try {
    localStorage.setItem(STORE, lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
  return useLanguage(lang);
}

// The message for `key` in the language in use, with `{name}` replaced by params.name.
// A message with plural forms picks one by params.count. Numbers are written the
// language's way; pass a string to keep one as it is (an id, a year).
/**
 * @param {string} key
 * @param {Params} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  const message = catalogue[key];
  if (message === undefined) {
    console.warn(`i18n: no message ${key} in ${current}`);
    return key;
  }
  let text = message;
  if (typeof text === "object") {
    const form = /** @type {"one" | "other"} */ (plurals.select(Number(params.count) || 0));
    text = text[form] ?? text.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const value = params[name];
    return typeof value === "number" ? numbers.format(value) : String(value ?? "");
  });
}

// Whether the catalogue has `key`: for words that come from the server as codes.
/** @param {string} key */
export function has(key) {
  return key in catalogue;
}

// The message for a code the server sends (`prefix.code`), or the code in plain words.
/**
 * @param {string} prefix
 * @param {string | null | undefined} code
 */
export function term(prefix, code) {
  const key = `${prefix}.${code}`;
  return key in catalogue ? t(key) : String(code || "").replaceAll("_", " ").toLowerCase();
}

// Elements of index.html name their words with data-i18n (text) and data-i18n-<attribute>.
/** @param {ParentNode} root */
export function translateDocument(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    if (el instanceof HTMLElement) el.textContent = t(el.dataset.i18n || "");
  }
  for (const attribute of ["aria-label", "title", "placeholder"]) {
    for (const el of root.querySelectorAll(`[data-i18n-${attribute}]`)) {
      el.setAttribute(attribute, t(el.getAttribute(`data-i18n-${attribute}`) || ""));
    }
  }
}

/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();
/**
 * @param {string} kind
 * @param {Intl.DateTimeFormatOptions} options
 */
function format(kind, options) {
  const key = `${kind}:${current}`;
  let found = formats.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(LOCALE[current], options);
    formats.set(key, found);
  }
  return found;
}

/** @param {unknown} iso */
function day(iso) {
  const d = new Date(`${String(iso).slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

// `12月14日 周一` / `Mon 14 Dec`; the year only when it is not this one.
/**
 * @param {string | null | undefined} iso a day (`YYYY-MM-DD`; a moment's date part)
 * @param {{ weekday?: boolean }} [options]
 */
export function formatDate(iso, { weekday = true } = {}) {
  if (!iso) return "";
  const d = day(iso);
  if (!d) return String(iso);
  const year = d.getUTCFullYear() !== new Date().getUTCFullYear();
  const date = format(year ? "dmy" : "dm", {
    timeZone: "UTC", day: "numeric", month: current === "en" ? "short" : "long",
    ...(year ? { year: "numeric" } : {}),
  }).format(d);
  if (!weekday) return date;
  const name = format("wd", { timeZone: "UTC", weekday: "short" }).format(d);
  return current === "en" ? `${name} ${date}` : `${date} ${name}`;
}

// A day on a chart's axis, without the weekday: `12月14日` / `14 Dec`.
/** @param {string | null | undefined} iso */
export function formatDay(iso) {
  const d = day(iso);
  if (!d) return String(iso || "");
  return format("axis", { timeZone: "UTC", day: "numeric", month: current === "en" ? "short" : "long" }).format(d);
}

// A moment in the browser's time zone: `12月14日 周一 09:30` / `Mon 14 Dec, 09:30`.
/** @param {string | null | undefined} value */
export function formatTime(value) {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const local = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const clock = format("hm", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
  return `${formatDate(local)}${current === "en" ? "," : ""} ${clock}`;
}

/**
 * @param {unknown} value
 * @param {number} [digits]
 */
export function formatNumber(value, digits = 0) {
  return new Intl.NumberFormat(LOCALE[current], {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(Number(value) || 0);
}

/** @param {unknown} value a share, 0-1 */
export function formatPercent(value) {
  return new Intl.NumberFormat(LOCALE[current], { style: "percent", maximumFractionDigits: 0 })
    .format(Number(value) || 0);
}

// A probability as a person should read it: never 0 % or 100 % from a model, which has seen
// many similar tasks but not certainty (the same rule as services/common/probability.py).
/** @param {unknown} value a probability */
export function formatChance(value) {
  const p = Number(value) || 0;
  if (p < 0.01) return `<${formatPercent(0.01)}`;
  if (p > 0.99) return `>${formatPercent(0.99)}`;
  return formatPercent(p);
}

// A probability's range, widened outward to whole points and kept within 1-99 %.
/**
 * @param {unknown} low
 * @param {unknown} high
 * @returns {[string, string]}
 */
export function formatChanceRange(low, high) {
  const lo = Math.min(Math.max(Math.floor(Number(low) * 100), 1), 99);
  const hi = Math.max(Math.min(Math.ceil(Number(high) * 100), 99), lo);
  return [formatPercent(lo / 100), formatPercent(hi / 100)];
}

// `12.5 h` / `12.5 小时`
/** @param {unknown} value */
export function formatHours(value) {
  const n = Number(value) || 0;
  return t("unit.hours", { count: n, n: formatNumber(n, 1) });
}

// `1 day`, `3 days` / `3 天`
/**
 * @param {unknown} value
 * @param {number} [digits]
 */
export function formatDays(value, digits = 0) {
  const n = Number(value) || 0;
  return t("unit.days", { count: digits ? n : Math.round(n), n: formatNumber(n, digits) });
}

// A list the language's way: `a, b and c` / `a、b和c`.
/**
 * @param {readonly unknown[]} items
 * @param {"conjunction" | "disjunction"} [type]
 */
export function formatList(items, type = "conjunction") {
  return new Intl.ListFormat(LOCALE[current], { style: "long", type }).format(items.map(String));
}

// The default workflow's states by the name the server gives them; a project that renamed
// a state keeps its own name.
/** @type {Record<string, string>} */
const DEFAULT_STATES = {
  draft: "Draft",
  submitted: "Submitted",
  in_review: "In review",
  scheduled: "Scheduled",
  in_progress: "In progress",
  in_acceptance: "In acceptance",
  done: "Done",
  blocked: "Blocked",
  cancelled: "Cancelled",
};

/**
 * @param {string} id
 * @param {string} [displayName]
 */
export function stateName(id, displayName) {
  if (DEFAULT_STATES[id] && (!displayName || displayName === DEFAULT_STATES[id])) return t(`state.${id}`);
  return displayName || id;
}
