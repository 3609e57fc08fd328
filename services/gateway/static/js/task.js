// @ts-check
// One task: details, moves, dependencies, comments, risk and its history from the audit log.

import { ApiError, call, every, fieldName, must, svc } from "./api.js";
import { flash, fmtDate, fmtTime, h, mount, pct, short } from "./dom.js";
import { PRIORITY, finished, isOverdue, moveControl } from "./board.js";
import { formatDate, formatDays, formatHours, formatNumber, has, stateName, t, term } from "./i18n.js";

/** @typedef {import("./app.js").Context} Context */
/** @typedef {import("planops-api").core.v1.Actor} Actor */
/** @typedef {import("planops-api").risk.v1.Factor} Factor */

/**
 * @param {Pick<Context, "personLabel">} ctx
 * @param {Actor | undefined} actor
 */
function actorText(ctx, actor) {
  if (!actor) return "";
  const kind = (actor.type || "").replace("ACTOR_TYPE_", "").toLowerCase();
  let text = actor.id ? ctx.personLabel(actor.id) : term("actor", kind);
  if (kind && kind !== "user" && actor.id) {
    const what = actor.version ? `${term("actor", kind)} ${actor.version}` : term("actor", kind);
    text = t("task.actorKind", { who: text, kind: what });
  }
  if (actor.onBehalfOf) text = t("task.onBehalfOf", { who: text, person: ctx.personLabel(actor.onBehalfOf) });
  return text;
}

// A state or a priority in words; anything else as the JSON the audit log holds.
/**
 * @param {Pick<Context, "personLabel">} ctx
 * @param {string} key
 * @param {unknown} value
 * @param {string} raw
 */
function valueText(ctx, key, value, raw) {
  if (key === "author" && value && typeof value === "object") return actorText(ctx, /** @type {Actor} */ (value));
  if (key === "state" && typeof value === "string") return stateName(value, "");
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) return fmtTime(value);
  if (typeof value === "string" && value.startsWith("people/")) return ctx.personLabel(value);
  if (key === "priority" && typeof value === "string") {
    const word = value.replace("PRIORITY_", "").toLowerCase();
    return word === "unspecified" ? "—" : term("priority", word);
  }
  return raw;
}

// What an audit entry changed, as `field: old → new`, skipping bookkeeping fields.
/**
 * @param {Pick<Context, "personLabel">} ctx
 * @param {Record<string, unknown> | undefined} before
 * @param {Record<string, unknown> | undefined} after
 */
export function changes(ctx, before, after) {
  const skip = new Set(["etag", "update_time", "updateTime", "create_time", "createTime"]);
  const keys = new Set([...Object.keys(before || {}), ...Object.keys(after || {})]);
  const out = [];
  for (const key of keys) {
    if (skip.has(key)) continue;
    const a = JSON.stringify((before || {})[key] ?? "");
    const b = JSON.stringify((after || {})[key] ?? "");
    if (a === b) continue;
    /**
     * @param {unknown} value
     * @param {string} raw
     */
    const shown = (value, raw) => (raw === '""' ? "—" : valueText(ctx, key, value, raw));
    const old = before ? `${shown((before || {})[key], a)} → ` : "";
    out.push(`${fieldName(key)}: ${old}${shown((after || {})[key], b)}`);
  }
  return out;
}

// What an audit entry did, in words: "create comment" for the task's comment, "update" for
// the task itself.
/**
 * @param {string} action
 * @param {string} resource
 * @param {string} task
 */
function actionText(action, resource, task) {
  const verb = term("action", action);
  if (!resource || resource === task) return verb;
  const collection = resource.split("/").slice(-2)[0];
  return t("task.actionOn", { action: verb, what: term("child", collection) });
}

// A risk factor in words: the catalogue's sentence for its feature, else the server's.
/** @param {Factor} f */
export function factorText(f) {
  const v = Number(f.value);
  if (f.feature.startsWith("days_in_")) {
    return t("factor.days_in", { days: formatDays(v, 1), state: stateLabelOf(f.feature.slice(8)) });
  }
  if (f.feature.startsWith("label_bucket_") && /^labelled /.test(f.text || "")) {
    return t("factor.labelled", { labels: f.text.slice(9) });
  }
  if (f.feature === "priority_rank") {
    const words = ["trivial", "low", "medium", "high", "urgent"];
    return t("factor.priority_rank", { priority: term("priority", words[Math.round(v)] || "") });
  }
  if (!Number.isFinite(v) || !has(`factor.${f.feature}`)) return f.text || f.feature;
  return t(`factor.${f.feature}`, {
    count: Math.round(v), v: Math.round(v), x: formatNumber(v, 1), p: Math.round(v * 100),
    days: formatDays(v), ago: formatDays(v),
  });
}

/** @param {string} id */
const stateLabelOf = (id) => stateName(id, "");

/**
 * The reply, or nothing when it was refused, for calls a page can do without.
 * @template T
 * @param {Promise<T>} promise
 * @returns {Promise<T | null>}
 */
async function optional(promise) {
  try {
    return await promise;
  } catch {
    return null;
  }
}

/** @type {import("./app.js").Page} */
export async function renderTask(main, ctx, route) {
  const { rest } = route;
  const name = `${ctx.name}/tasks/${rest[1]}`;
  const [task, deps, comments, audit, risk] = await Promise.all([
    call(svc.tasks, "GetTask", { name }).then((reply) => must(reply.task, "task")),
    every(svc.tasks, "ListDependencies", { parent: ctx.name, task: name }, "dependencies", 200),
    every(svc.tasks, "ListComments", { parent: name }, "comments", 200),
    every(svc.audit, "ListAuditEntries", { project: ctx.name, resource: name }, "entries", 200),
    optional(call(svc.risk, "GetTaskRisk", { task: name })),
  ]);
  const titles = new Map();
  const others = [...new Set(deps.flatMap((d) => [d.predecessor, d.successor]).filter((n) => n !== name))];
  await Promise.all(others.map(async (other) => {
    const reply = await optional(call(svc.tasks, "GetTask", { name: other }));
    titles.set(other, reply && reply.task ? reply.task.title : short(other));
  }));
  const rerender = () => renderTask(main, ctx, route);
  /** @param {string} n */
  const link = (n) => h("a", { href: `#/task/${ctx.id}/${short(n)}` }, `#${short(n)} ${titles.get(n) || ""}`);

  const body = h("textarea", { rows: 3, placeholder: t("task.addComment"), "aria-label": t("task.comment"), required: true });
  const commentForm = h("form", { class: "comment-form", onsubmit: async (event) => {
    event.preventDefault();
    try {
      await call(svc.tasks, "CreateComment", { parent: name, comment: { body: body.value }, requestId: crypto.randomUUID() });
      rerender();
    } catch (error) {
      flash(error instanceof ApiError ? error.describe() : String(error), "error");
    }
  } }, body, h("button", { type: "submit" }, t("task.commentButton")));

  const over = finished((ctx.project.workflow?.states ?? []).find((st) => st.id === task.state)?.category);
  const taskRisk = risk && risk.risk;
  const riskBox = taskRisk && !over ? h("section", { class: "card" }, h("h2", {}, t("task.risk")),
    h("p", {}, h("strong", {}, pct(taskRisk.probabilityLate)), " ",
      t("task.lateChance", { date: formatDate(taskRisk.finishP80Date) || "—" }),
      taskRisk.fromPrior ? ` ${t("task.fromPrior")}` : ""),
    h("ul", { class: "factors" }, taskRisk.factors.slice(0, 4).map((f) => h("li", {}, factorText(f))))) : null;

  mount(main,
    h("p", {}, h("a", { href: "#/board" }, t("task.back"))),
    h("div", { class: "page-head" },
      h("h1", {}, task.title, " ", h("span", { class: "muted" }, `#${short(task.name)}`)),
      h("p", {}, h("span", { class: `badge state` }, ctx.stateLabel(task.state)), " ",
        PRIORITY[task.priority] ? h("span", { class: `badge p-${PRIORITY[task.priority]}` }, t(`priority.${PRIORITY[task.priority]}`)) : null)),
    h("div", { class: "grid-2" },
      h("section", { class: "card" },
        h("dl", { class: "facts" },
          h("dt", {}, t("task.assignee")), h("dd", {}, ctx.personLabel(task.assignee)),
          h("dt", {}, t("task.planned")), h("dd", {}, task.plannedStart
            ? `${formatDate(task.plannedStart)} → ${formatDate(task.plannedEnd)}` : t("task.notPlanned")),
          h("dt", {}, t("task.due")), h("dd", { class: isOverdue(task, ctx) ? "late" : "" }, fmtDate(task.dueDate) || "—"),
          h("dt", {}, t("task.estimate")), h("dd", {}, task.estimateHours ? formatHours(task.estimateHours) : "—"),
          h("dt", {}, t("task.skills")), h("dd", {}, task.requiredSkills.map((sk) => `${sk.skill} ${sk.level}`).join(", ") || "—"),
          h("dt", {}, t("task.labels")), h("dd", {}, task.labels.join(", ") || "—"),
          h("dt", {}, t("task.source")), h("dd", {}, term("source", (task.source || "TASK_SOURCE_MANUAL").replace("TASK_SOURCE_", "").toLowerCase()),
            task.sourceRef ? ` · ${task.sourceRef}` : "")),
        task.description ? h("p", { class: "description" }, task.description) : null,
        h("h2", {}, t("task.move")),
        moveControl(ctx, task, rerender) || h("p", { class: "muted" }, t("task.noMoves"))),
      h("div", {},
        riskBox,
        h("section", { class: "card" }, h("h2", {}, t("task.dependencies")),
          deps.length ? h("ul", { class: "deps" }, deps.map((d) => h("li", {},
            d.successor === name ? [t("task.waitsFor"), " ", link(d.predecessor)] : [t("task.blocks"), " ", link(d.successor)],
            " ", t("task.depType", {
              type: term("dep", (d.type || "DEPENDENCY_TYPE_FINISH_TO_START").replace("DEPENDENCY_TYPE_", "").toLowerCase()),
              lag: d.lagDays ? t("task.lag", { days: formatDays(d.lagDays) }) : "",
            })))) :
            h("p", { class: "muted" }, t("task.none"))))),
    h("section", { class: "card" }, h("h2", {}, t("task.comments")),
      comments.length ? h("ul", { class: "comments" }, comments.map((c) => h("li", {},
        h("div", { class: "muted" }, `${actorText(ctx, c.author)} · ${fmtTime(c.createTime)}`),
        h("p", {}, c.body)))) : h("p", { class: "muted" }, t("task.noComments")),
      commentForm),
    h("section", { class: "card" }, h("h2", {}, t("task.history")),
      h("ol", { class: "history" }, audit.map((e) => h("li", {},
        h("div", {}, h("strong", {}, actionText(e.action, e.resource, name)), " ", t("task.by", { who: actorText(ctx, e.actor) }),
          h("span", { class: "muted" }, ` · ${fmtTime(e.time)}`)),
        h("ul", { class: "changes" }, changes(ctx, e.before, e.after).slice(0, 8).map((c) => h("li", {}, c))))))));
}
