// Calls the gateway: POST /api/<package.Service>/<Method> with proto3 JSON and the API key.

import { formatList, has, stateName, t, term } from "./i18n.js";

const KEY = "planops.apiKey";

export class ApiError extends Error {
  constructor(status, body) {
    super(body.message || "");
    this.status = status;
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
const VIOLATIONS = [
  [/^(?:is required|must not be (?:empty|blank))/, "error.field.required"],
  [/^must be at most (\d+) characters/, "error.field.tooLong", (m) => ({ max: Number(m[1]) })],
  [/must be a date|^must be between \d{4} and \d{4}/, "error.field.date"],
  [/^must not be negative/, "error.field.negative"],
  [/^not reachable from (\w+)/, "error.field.unreachable", (m) => ({ from: stateName(m[1]) })],
];

// A field's name in the console's language: `task.due_date` is the due date; a path the
// catalogue has no word for is shown as the server wrote it.
export function fieldName(path) {
  const leaf = path.split(".").pop().replace(/\[\d+\]$/, "").replace(/([A-Z])/g, "_$1").toLowerCase();
  return has(`field.${leaf}`) ? t(`field.${leaf}`) : path;
}

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

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

export async function call(service, method, body = {}) {
  const response = await fetch(`/api/${service}/${method}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${apiKey()}`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let data = {};
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 200) };
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// Every item of a list call across its pages.
export async function every(service, method, body, field, pageSize = 500) {
  const items = [];
  let pageToken = "";
  for (let page = 0; page < 50; page++) {
    const reply = await call(service, method, { ...body, pageSize, pageToken });
    items.push(...(reply[field] || []));
    pageToken = reply.nextPageToken || "";
    if (!pageToken) break;
  }
  return items;
}

export const CORE = "planops.core.v1";
export const svc = {
  projects: `${CORE}.ProjectService`,
  people: `${CORE}.PersonService`,
  tasks: `${CORE}.TaskService`,
  audit: `${CORE}.AuditService`,
  keys: `${CORE}.ApiKeyService`,
  reports: `${CORE}.ReportService`,
  planner: "planops.planner.v1.PlannerService",
  risk: "planops.risk.v1.RiskService",
  nlp: "planops.nlp.v1.NlpService",
};

// Saves a gateway export (`/export/...`) as a file: fetched with the key like every other call,
// since a plain link cannot send it, then handed to the browser as an object URL.
export async function download(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${apiKey()}` } });
  if (!response.ok) {
    let data = {};
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
  link.download = named ? named[1] : path.split("/").pop();
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download by now; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
