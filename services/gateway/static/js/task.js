// One task: details, moves, dependencies, comments, risk and its history from the audit log.

import { ApiError, call, every, svc } from "./api.js";
import { flash, fmtDate, fmtTime, h, mount, pct, short } from "./dom.js";
import { PRIORITY, isOverdue, moveControl } from "./board.js";

const DEP = {
  DEPENDENCY_TYPE_FINISH_TO_START: "finish-to-start",
  DEPENDENCY_TYPE_START_TO_START: "start-to-start",
  DEPENDENCY_TYPE_FINISH_TO_FINISH: "finish-to-finish",
  DEPENDENCY_TYPE_START_TO_FINISH: "start-to-finish",
};

function actorText(ctx, actor) {
  if (!actor) return "";
  const kind = (actor.type || "").replace("ACTOR_TYPE_", "").toLowerCase();
  let text = actor.id ? ctx.personLabel(actor.id) : kind;
  if (kind && kind !== "user") text += ` (${kind}${actor.version ? ` ${actor.version}` : ""})`;
  if (actor.onBehalfOf) text += ` for ${ctx.personLabel(actor.onBehalfOf)}`;
  return text;
}

// What an audit entry changed, as `field: old → new`, skipping bookkeeping fields.
export function changes(before, after) {
  const skip = new Set(["etag", "update_time", "updateTime", "create_time", "createTime"]);
  const keys = new Set([...Object.keys(before || {}), ...Object.keys(after || {})]);
  const out = [];
  for (const key of keys) {
    if (skip.has(key)) continue;
    const a = JSON.stringify((before || {})[key] ?? "");
    const b = JSON.stringify((after || {})[key] ?? "");
    if (a !== b) out.push(`${key}: ${before ? (a === '""' ? "—" : a) + " → " : ""}${b === '""' ? "—" : b}`);
  }
  return out;
}

const CHILDREN = { comments: "comment", timeEntries: "time entry", dependencies: "dependency", transitions: "transition" };

// " comment" for an entry about the task's comment, "" for one about the task itself.
function childKind(resource, task) {
  if (!resource || resource === task) return "";
  const collection = resource.split("/").slice(-2)[0];
  return ` ${CHILDREN[collection] || collection}`;
}

async function optional(promise) {
  try {
    return await promise;
  } catch (error) {
    return { error };
  }
}

export async function renderTask(main, ctx, { rest }) {
  const name = `${ctx.name}/tasks/${rest[1]}`;
  const [{ task }, deps, comments, audit, risk] = await Promise.all([
    call(svc.tasks, "GetTask", { name }),
    every(svc.tasks, "ListDependencies", { parent: ctx.name, task: name }, "dependencies", 200),
    every(svc.tasks, "ListComments", { parent: name }, "comments", 200),
    every(svc.audit, "ListAuditEntries", { project: ctx.name, resource: name }, "entries", 200),
    optional(call(svc.risk, "GetTaskRisk", { task: name })),
  ]);
  const titles = new Map();
  const others = [...new Set(deps.flatMap((d) => [d.predecessor, d.successor]).filter((n) => n !== name))];
  await Promise.all(others.map(async (other) => {
    const reply = await optional(call(svc.tasks, "GetTask", { name: other }));
    titles.set(other, reply.task ? reply.task.title : short(other));
  }));
  const rerender = () => renderTask(main, ctx, { rest });
  const link = (n) => h("a", { href: `#/task/${ctx.id}/${short(n)}` }, `#${short(n)} ${titles.get(n) || ""}`);

  const body = h("textarea", { rows: 3, placeholder: "Add a comment", "aria-label": "Comment", required: true });
  const commentForm = h("form", { class: "comment-form", onsubmit: async (event) => {
    event.preventDefault();
    try {
      await call(svc.tasks, "CreateComment", { parent: name, comment: { body: body.value }, requestId: crypto.randomUUID() });
      rerender();
    } catch (error) {
      flash(error instanceof ApiError ? error.describe() : String(error), "error");
    }
  } }, body, h("button", { type: "submit" }, "Comment"));

  const finished = ["STATE_CATEGORY_DONE", "STATE_CATEGORY_CANCELLED"].includes(
    (ctx.project.workflow.states.find((st) => st.id === task.state) || {}).category);
  const riskBox = risk.risk && !finished ? h("section", { class: "card" }, h("h2", {}, "Risk"),
    h("p", {}, h("strong", {}, pct(risk.risk.probabilityLate)), " chance of finishing late; P80 finish ",
      risk.risk.finishP80Date || "—", risk.risk.fromPrior ? " (from the prior, no trained model)" : ""),
    h("ul", { class: "factors" }, risk.risk.factors.slice(0, 4).map((f) => h("li", {}, f.text || f.feature)))) : null;

  mount(main,
    h("p", {}, h("a", { href: "#/board" }, "← Board")),
    h("div", { class: "page-head" },
      h("h1", {}, task.title, " ", h("span", { class: "muted" }, `#${short(task.name)}`)),
      h("p", {}, h("span", { class: `badge state` }, ctx.stateLabel(task.state)), " ",
        PRIORITY[task.priority] ? h("span", { class: `badge p-${PRIORITY[task.priority]}` }, PRIORITY[task.priority]) : null)),
    h("div", { class: "grid-2" },
      h("section", { class: "card" },
        h("dl", { class: "facts" },
          h("dt", {}, "Assignee"), h("dd", {}, ctx.personLabel(task.assignee)),
          h("dt", {}, "Planned"), h("dd", {}, task.plannedStart ? `${task.plannedStart} → ${task.plannedEnd}` : "not planned"),
          h("dt", {}, "Due"), h("dd", { class: isOverdue(task, ctx) ? "late" : "" }, fmtDate(task.dueDate) || "—"),
          h("dt", {}, "Estimate"), h("dd", {}, task.estimateHours ? `${task.estimateHours} h` : "—"),
          h("dt", {}, "Skills"), h("dd", {}, task.requiredSkills.map((sk) => `${sk.skill} ${sk.level}`).join(", ") || "—"),
          h("dt", {}, "Labels"), h("dd", {}, task.labels.join(", ") || "—"),
          h("dt", {}, "Source"), h("dd", {}, (task.source || "").replace("TASK_SOURCE_", "").toLowerCase(),
            task.sourceRef ? ` · ${task.sourceRef}` : "")),
        task.description ? h("p", { class: "description" }, task.description) : null,
        h("h2", {}, "Move"),
        moveControl(ctx, task, rerender) || h("p", { class: "muted" }, "No moves from this state.")),
      h("div", {},
        riskBox,
        h("section", { class: "card" }, h("h2", {}, "Dependencies"),
          deps.length ? h("ul", { class: "deps" }, deps.map((d) => h("li", {},
            d.successor === name ? ["waits for ", link(d.predecessor)] : ["blocks ", link(d.successor)],
            ` (${DEP[d.type] || "finish-to-start"}${d.lagDays ? `, lag ${d.lagDays} d` : ""})`))) :
            h("p", { class: "muted" }, "None.")))),
    h("section", { class: "card" }, h("h2", {}, "Comments"),
      comments.length ? h("ul", { class: "comments" }, comments.map((c) => h("li", {},
        h("div", { class: "muted" }, `${actorText(ctx, c.author)} · ${fmtTime(c.createTime)}`),
        h("p", {}, c.body)))) : h("p", { class: "muted" }, "No comments yet."),
      commentForm),
    h("section", { class: "card" }, h("h2", {}, "History"),
      h("ol", { class: "history" }, audit.map((e) => h("li", {},
        h("div", {}, h("strong", {}, `${e.action}${childKind(e.resource, name)}`), " by ", actorText(ctx, e.actor),
          h("span", { class: "muted" }, ` · ${fmtTime(e.time)}`)),
        h("ul", { class: "changes" }, changes(e.before, e.after).slice(0, 8).map((c) => h("li", {}, c))))))));
}
