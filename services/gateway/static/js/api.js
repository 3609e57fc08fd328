// @ts-check
// Calls the gateway: POST /api/<package.Service>/<Method> with proto3 JSON and the API key.

import { formatList, has, stateName, t, term } from "./i18n.js";

/** @typedef {import("planops-api").Api} Api */
/** @typedef {import("planops-api").gateway.Error} ErrorBody */
/**
 * @template {keyof Api} S
 * @template {keyof Api[S]} M
 * @typedef {import("planops-api").RequestOf<S, M>} RequestOf
 */
/**
 * @template {keyof Api} S
 * @template {keyof Api[S]} M
 * @typedef {import("planops-api").ResponseOf<S, M>} ResponseOf
 */

const KEY = "planops.apiKey";

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Partial<ErrorBody>} body what the gateway answered; a proxy's page may hold none of it
   */
  constructor(status, body) {
    super(body.message || "");
    this.status = status;
    /** @type {ErrorBody["code"] | "unknown"} */
    this.code = body.code || "unknown";
    this.details = body.details || [];
    this.reason = body.reason || "";
  }

  // One line a person can act on, in the console's language: the kind of refusal and, for
  // bad input, each field named. Cases the console has no words for keep the server's text.
  describe() {
    const label = has(`error.code.${this.code}`) ? t(`error.code.${this.code}`) : t("error.code.unknown");
    return t("error.line", { label, text: this.explain() });
  }

  explain() {
    const fields = this.details.filter((d) => d.field).map((d) => violation(d.field, d.description));
    if (fields.length) return fields.join(t("error.separator"));
    const message = this.message;
    if (this.code === "permission_denied") {
      if (this.reason === "NOT_ASSIGNEE") return t("error.notAssignee");
      if (this.reason === "ADMIN_REQUIRED") return t("error.adminRequired");
      const needs = /needs the role (.+?)(?: in projects\/\S+)?$/.exec(message);
      if (needs) {
        const roles = needs[1].split(" or ").map((r) => term("role", r.trim()));
        return t("error.needsRole", { roles: formatList(roles, "disjunction") });
      }
    }
    if (this.code === "aborted" && (this.reason === "ETAG_MISMATCH" || /changed since you read it/.test(message))) {
      return t("error.changed");
    }
    if (this.code === "not_found") {
      const what = /^(\S+) (?:does not exist|not found|never existed)/.exec(message);
      return t("error.notFound", { what: what ? what[1] : message });
    }
    if (this.code === "unauthenticated") return t("error.badKey");
    return message || t("error.http", { status: String(this.status) });
  }
}

// Field violations as the server words them, and the message each one gets here.
/** @type {[RegExp, string, ((m: RegExpExecArray) => Record<string, string | number>)?][]} */
const VIOLATIONS = [
  [/^(?:is required|must not be (?:empty|blank))/, "error.field.required"],
  [/^must be at most (\d+) characters/, "error.field.tooLong", (m) => ({ max: Number(m[1]) })],
  [/must be a date|^must be between \d{4} and \d{4}/, "error.field.date"],
  [/^must not be negative/, "error.field.negative"],
  [/^not reachable from (\w+)/, "error.field.unreachable", (m) => ({ from: stateName(m[1]) })],
];

// A field's name in the console's language: `task.due_date` is the due date; a path the
// catalogue has no word for is shown as the server wrote it.
/** @param {string} path */
export function fieldName(path) {
  const leaf = (path.split(".").pop() || "").replace(/\[\d+\]$/, "").replace(/([A-Z])/g, "_$1").toLowerCase();
  return has(`field.${leaf}`) ? t(`field.${leaf}`) : path;
}

/**
 * @param {string} path
 * @param {string} [description]
 */
export function violation(path, description) {
  const field = fieldName(path);
  for (const [pattern, key, params] of VIOLATIONS) {
    const match = pattern.exec(description || "");
    if (match) return t(key, { field, ...(params ? params(match) : {}) });
  }
  return t("error.field.other", { field, text: description });
}

export function apiKey() {
  return sessionStorage.getItem(KEY) || "";
}

/** @param {string} key */
export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

/**
 * @template {keyof Api} S
 * @template {keyof Api[S] & string} M
 * @param {S} service
 * @param {M} method
 * @param {RequestOf<S, M>} [body]
 * @returns {Promise<ResponseOf<S, M>>}
 */
export async function call(service, method, body = /** @type {RequestOf<S, M>} */ ({})) {
  const response = await fetch(`/api/${service}/${method}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${apiKey()}`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  /** @type {unknown} proto3 JSON of the method's response, or the gateway's error body */
  let data = {};
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 200) };
    }
  }
  if (!response.ok) throw new ApiError(response.status, /** @type {Partial<ErrorBody>} */ (data));
  return /** @type {ResponseOf<S, M>} */ (data);
}

/**
 * The elements of a response's list field.
 * @template T, F
 * @typedef {F extends keyof T ? (T[F] extends (infer U)[] ? U : never) : never} ItemOf
 */

// Every item of a list call across all its pages. A server that hands back a token it gave
// before would loop for ever: that is an error the page shows, never a silent cut.
/**
 * @template {keyof Api} S
 * @template {keyof Api[S] & string} M
 * @template {string} F
 * @param {S} service
 * @param {M} method
 * @param {RequestOf<S, M>} body
 * @param {F & keyof ResponseOf<S, M>} field
 * @param {number} [pageSize]
 * @returns {Promise<ItemOf<ResponseOf<S, M>, F>[]>}
 */
export async function every(service, method, body, field, pageSize = 500) {
  /** @type {ItemOf<ResponseOf<S, M>, F>[]} */
  const items = [];
  const seen = new Set();
  let pageToken = "";
  for (;;) {
    const reply = /** @type {Record<string, unknown>} */ (
      // Each page needs the token of the one before.
      // eslint-disable-next-line no-await-in-loop
      await call(service, method, /** @type {RequestOf<S, M>} */ ({ .../** @type {object} */ (body), pageSize, pageToken })));
    items.push(.../** @type {ItemOf<ResponseOf<S, M>, F>[] | undefined} */ (reply[field]) || []);
    pageToken = String(reply.nextPageToken || "");
    if (!pageToken) return items;
    if (seen.has(pageToken)) throw new Error(t("error.pagesRepeat", { method }));
    seen.add(pageToken);
  }
}

// A message field a successful reply always holds. proto3 JSON leaves an unset message out,
// so a reply without it is a broken one, and says so rather than failing further on.
/**
 * @template T
 * @param {T | undefined} value
 * @param {string} field
 * @returns {T}
 */
export function must(value, field) {
  if (value === undefined) throw new Error(`the reply has no ${field}`);
  return value;
}

export const CORE = "planops.core.v1";
export const svc = /** @type {const} */ ({
  projects: `${CORE}.ProjectService`,
  people: `${CORE}.PersonService`,
  tasks: `${CORE}.TaskService`,
  audit: `${CORE}.AuditService`,
  keys: `${CORE}.ApiKeyService`,
  reports: `${CORE}.ReportService`,
  planner: "planops.planner.v1.PlannerService",
  risk: "planops.risk.v1.RiskService",
  nlp: "planops.nlp.v1.NlpService",
});

// Saves a gateway export (`/export/...`) as a file: fetched with the key like every other call,
// since a plain link cannot send it, then handed to the browser as an object URL.
/** @param {string} path */
export async function download(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${apiKey()}` } });
  if (!response.ok) {
    /** @type {Partial<ErrorBody>} */
    let data;
    try {
      data = await response.json();
    } catch {
      data = {};
    }
    throw new ApiError(response.status, data);
  }
  const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = named ? named[1] : path.split("/").pop() || "";
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download by now; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
