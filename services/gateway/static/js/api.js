// Calls the gateway: POST /api/<package.Service>/<Method> with proto3 JSON and the API key.

const KEY = "planops.apiKey";

export class ApiError extends Error {
  constructor(status, body) {
    super(body.message || `HTTP ${status}`);
    this.status = status;
    this.code = body.code || "unknown";
    this.details = body.details || [];
    this.reason = body.reason || "";
  }

  // One line a person can act on: the message and, for bad input, each field named.
  describe() {
    const fields = this.details
      .filter((d) => d.field)
      .map((d) => `${d.field}: ${d.description}`);
    const label = {
      permission_denied: "Not allowed",
      unauthenticated: "The API key was refused",
      not_found: "Not found",
      invalid_argument: "Invalid input",
      failed_precondition: "Cannot do that now",
      aborted: "Changed by someone else",
      already_exists: "Already exists",
      unavailable: "Service unavailable",
    }[this.code] || "Error";
    const text = fields.length ? fields.join("; ") : this.message;
    return `${label}: ${text}`;
  }
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
