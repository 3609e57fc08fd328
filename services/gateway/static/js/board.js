// Board: the project's tasks by workflow state, with filters and role-checked moves.

import { ApiError, call, every, svc } from "./api.js";
import { flash, fmtDate, h, mount, short } from "./dom.js";
import { exportButtons } from "./exports.js";
import { formatDate, formatList, stateName, t, term } from "./i18n.js";

export const PRIORITY = {
  PRIORITY_URGENT: "urgent",
  PRIORITY_HIGH: "high",
  PRIORITY_MEDIUM: "medium",
  PRIORITY_LOW: "low",
  PRIORITY_UNSPECIFIED: "",
};

const NO_FILTERS = { text: "", assignee: "", label: "", priority: "", overdue: false, finished: true };
// Filters last while you move around one project, and start afresh in another.
let filters = { ...NO_FILTERS, project: "" };

export function today() {
  return new Date().toISOString().slice(0, 10);
}

export function isOverdue(task, ctx) {
  const state = ctx.project.workflow.states.find((st) => st.id === task.state);
  const open = !state || !["STATE_CATEGORY_DONE", "STATE_CATEGORY_CANCELLED"].includes(state.category);
  return open && task.dueDate && task.dueDate < today();
}

// The moves the workflow has from a state, with the roles that may make each one.
export function movesFrom(ctx, stateId) {
  return ctx.project.workflow.transitions
    .filter((t) => t.fromState === stateId)
    .map((t) => ({ to: t.toState, roles: t.roles.map((r) => r.replace("ROLE_", "").toLowerCase()) }));
}

function roleNames(ctx) {
  return ctx.roles.map((r) => r.replace("ROLE_", "").toLowerCase());
}

// Moves a task; the server decides, and a refusal is shown next to the task and on top.
export async function moveTask(ctx, task, toState, where) {
  try {
    const reply = await call(svc.tasks, "TransitionTask", { name: task.name, toState, etag: task.etag });
    flash(t("board.moved", { title: task.title, state: ctx.stateLabel(toState) }), "ok");
    return reply.task;
  } catch (error) {
    const text = error instanceof ApiError ? error.describe() : String(error);
    flash(t("board.moveFailed", { title: task.title, error: text }), "error");
    if (where) where.replaceChildren(h("p", { class: "refusal", role: "alert" }, text));
    return null;
  }
}

export function moveControl(ctx, task, onMoved) {
  const moves = movesFrom(ctx, task.state);
  if (!moves.length) return null;
  const refusal = h("div", { class: "refusal-slot" });
  const mine = roleNames(ctx);
  const select = h("select", { class: "move", "aria-label": t("board.moveTask", { title: task.title }) },
    h("option", { value: "" }, t("board.moveTo")),
    moves.map((m) => h("option", { value: m.to },
      m.roles.some((r) => mine.includes(r)) || mine.includes("admin") ? ctx.stateLabel(m.to)
        : t("board.onlyRoles", { state: ctx.stateLabel(m.to), roles: m.roles.map((r) => term("role", r)).join("/") }))));
  select.addEventListener("change", async () => {
    if (!select.value) return;
    select.disabled = true;
    const moved = await moveTask(ctx, task, select.value, refusal);
    select.disabled = false;
    select.value = "";
    if (moved) onMoved(moved);
  });
  return h("div", { class: "move-box" }, select, refusal);
}

function card(ctx, task, highlighted, rerender) {
  const overdue = isOverdue(task, ctx);
  const priority = PRIORITY[task.priority] || "";
  const el = h("article", {
    class: `task-card${highlighted ? " highlight" : ""}${overdue ? " overdue" : ""}`,
    dataset: { task: task.name, state: task.state },
    draggable: "true",
    ondragstart: (event) => {
      event.dataTransfer.setData("text/plain", task.name);
      event.dataTransfer.effectAllowed = "move";
    },
  },
  h("a", { class: "title", href: `#/task/${ctx.id}/${short(task.name)}` }, task.title),
  h("div", { class: "meta" },
    h("span", { class: "num" }, `#${short(task.name)}`),
    priority ? h("span", { class: `badge p-${priority}` }, t(`priority.${priority}`)) : null,
    h("span", { class: "who" }, ctx.personLabel(task.assignee)),
    task.dueDate ? h("span", { class: overdue ? "due late" : "due" }, t("board.due", { date: fmtDate(task.dueDate) })) : null,
    task.source === "TASK_SOURCE_NOTES" ? h("span", { class: "badge notes" }, t("board.fromNotes")) : null),
  task.labels.length ? h("div", { class: "labels" }, task.labels.map((l) => h("span", { class: "label" }, l))) : null,
  moveControl(ctx, task, rerender));
  return el;
}

// Dropping a card on a column asks the server for that move, like the menu does.
function dropTarget(ctx, column, stateId, tasks, rerender) {
  column.addEventListener("dragover", (event) => {
    event.preventDefault();
    column.classList.add("drop");
  });
  column.addEventListener("dragleave", () => column.classList.remove("drop"));
  column.addEventListener("drop", async (event) => {
    event.preventDefault();
    column.classList.remove("drop");
    const task = tasks.find((t) => t.name === event.dataTransfer.getData("text/plain"));
    if (!task || task.state === stateId) return;
    const slot = document.querySelector(`.task-card[data-task="${task.name}"] .refusal-slot`);
    if (await moveTask(ctx, task, stateId, slot)) rerender();
  });
}

function matches(task, ctx) {
  if (filters.text && !`${task.title} ${task.description}`.toLowerCase().includes(filters.text.toLowerCase())) return false;
  if (filters.assignee && task.assignee !== filters.assignee) return false;
  if (filters.label && !task.labels.includes(filters.label)) return false;
  if (filters.priority && PRIORITY[task.priority] !== filters.priority) return false;
  if (filters.overdue && !isOverdue(task, ctx)) return false;
  return true;
}

export async function renderBoard(main, ctx, { params }) {
  if (filters.project !== ctx.id) filters = { ...NO_FILTERS, project: ctx.id };
  const tasks = await every(svc.tasks, "ListTasks", { parent: ctx.name }, "tasks", 500);
  const highlight = new Set((params.get("highlight") || "").split(",").filter(Boolean).map((n) => `${ctx.name}/tasks/${n}`));
  if (params.get("assignee")) filters.assignee = params.get("assignee");
  const rerender = () => renderBoard(main, ctx, { params });

  const labels = [...new Set(tasks.flatMap((t) => t.labels))].sort();
  const assignees = [...new Set(tasks.map((t) => t.assignee).filter(Boolean))].sort();
  const bar = h("form", { class: "filters", onsubmit: (e) => e.preventDefault() },
    h("input", { type: "search", placeholder: t("board.filter"), value: filters.text, "aria-label": t("board.filterText"),
      oninput: (e) => { filters.text = e.target.value; draw(); } }),
    h("select", { "aria-label": t("board.assignee"), onchange: (e) => { filters.assignee = e.target.value; draw(); } },
      h("option", { value: "" }, t("board.everyone")),
      assignees.map((a) => h("option", { value: a, selected: a === filters.assignee }, ctx.personLabel(a)))),
    h("select", { "aria-label": t("board.label"), onchange: (e) => { filters.label = e.target.value; draw(); } },
      h("option", { value: "" }, t("board.anyLabel")),
      labels.map((l) => h("option", { value: l, selected: l === filters.label }, l))),
    h("select", { "aria-label": t("board.priority"), onchange: (e) => { filters.priority = e.target.value; draw(); } },
      h("option", { value: "" }, t("board.anyPriority")),
      ["urgent", "high", "medium", "low"].map((p) => h("option", { value: p, selected: p === filters.priority }, t(`priority.${p}`)))),
    h("label", { class: "check" }, h("input", { type: "checkbox", checked: filters.overdue,
      onchange: (e) => { filters.overdue = e.target.checked; draw(); } }), t("board.overdueOnly")),
    h("label", { class: "check" }, h("input", { type: "checkbox", checked: filters.finished,
      onchange: (e) => { filters.finished = e.target.checked; draw(); } }), t("board.showDone")));

  const columns = h("div", { class: "board", id: "board" });
  const count = h("span", { class: "muted" });

  function draw() {
    const shown = tasks.filter((t) => matches(t, ctx));
    count.textContent = t("board.count", { shown: shown.length, count: tasks.length });
    const states = ctx.project.workflow.states.filter((st) => {
      const finished = ["STATE_CATEGORY_DONE", "STATE_CATEGORY_CANCELLED"].includes(st.category);
      const any = shown.some((t) => t.state === st.id);
      if (finished && !filters.finished) return false;
      return any || !["STATE_CATEGORY_BLOCKED", "STATE_CATEGORY_CANCELLED"].includes(st.category);
    });
    columns.replaceChildren(...states.map((st) => {
      const inState = shown.filter((t) => t.state === st.id);
      const column = h("section", { class: `column cat-${st.category.replace("STATE_CATEGORY_", "").toLowerCase()}`, dataset: { state: st.id } },
        h("h2", {}, stateName(st.id, st.displayName), h("span", { class: "count" }, String(inState.length))),
        inState.map((t) => card(ctx, t, highlight.has(t.name), rerender)));
      dropTarget(ctx, column, st.id, tasks, rerender);
      return column;
    }));
    const first = columns.querySelector(".highlight");
    if (first) first.scrollIntoView({ block: "nearest", inline: "center" });
  }

  mount(main,
    h("div", { class: "page-head" },
      h("h1", {}, ctx.project.displayName || ctx.id),
      h("p", { class: "muted" },
        ctx.project.deadline ? `${t("board.deadline", { date: formatDate(ctx.project.deadline) })} · ` : "",
        roleNames(ctx).length
          ? t("board.youAre", { roles: formatList(roleNames(ctx).map((r) => term("role", r))) })
          : t("board.notMember"),
        " · ", count),
      exportButtons(ctx, "board", ["xlsx", "csv"])),
    bar, columns);
  draw();
}
