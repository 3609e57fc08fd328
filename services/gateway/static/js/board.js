// @ts-check
// Board: the project's tasks by workflow state, with filters and role-checked moves.

import { ApiError, call, every, must, svc } from "./api.js";
import { checkedOf, flash, fmtDate, h, mount, short, valueOf } from "./dom.js";
import { exportButtons } from "./exports.js";
import { formatDate, formatList, stateName, t, term } from "./i18n.js";

/** @typedef {import("./app.js").Context} Context */
/** @typedef {import("planops-api").core.v1.Task} Task */
/** @typedef {import("planops-api").core.v1.Project} Project */
/** @typedef {import("planops-api").core.v1.Priority} Priority */
/** @typedef {import("planops-api").core.v1.StateCategory} StateCategory */

/** @type {Record<Priority, string>} */
export const PRIORITY = {
  PRIORITY_URGENT: "urgent",
  PRIORITY_HIGH: "high",
  PRIORITY_MEDIUM: "medium",
  PRIORITY_LOW: "low",
  PRIORITY_UNSPECIFIED: "",
};

// States whose work is over: it cannot be overdue, and the board can hide it.
/** @type {readonly StateCategory[]} */
export const FINISHED = ["STATE_CATEGORY_DONE", "STATE_CATEGORY_CANCELLED"];
// Columns shown only while they hold a task.
/** @type {readonly StateCategory[]} */
const SOMETIMES = ["STATE_CATEGORY_BLOCKED", "STATE_CATEGORY_CANCELLED"];

/**
 * @param {StateCategory | undefined} category
 */
export function finished(category) {
  return category !== undefined && FINISHED.includes(category);
}

const NO_FILTERS = { text: "", assignee: "", label: "", priority: "", overdue: false, finished: true };
// Filters last while you move around one project, and start afresh in another.
let filters = { ...NO_FILTERS, project: "" };

export function today() {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Whether a task's due date has passed while its work is still open.
 * @param {Pick<Task, "state" | "dueDate">} task
 * @param {{ project: Pick<Project, "workflow"> }} ctx
 */
export function isOverdue(task, ctx) {
  const state = (ctx.project.workflow?.states ?? []).find((st) => st.id === task.state);
  const open = !state || !finished(state.category);
  return open && Boolean(task.dueDate) && task.dueDate < today();
}

// The moves the workflow has from a state, with the roles that may make each one.
/**
 * @param {{ project: Pick<Project, "workflow"> }} ctx
 * @param {string} stateId
 * @returns {{ to: string, roles: string[] }[]}
 */
export function movesFrom(ctx, stateId) {
  return (ctx.project.workflow?.transitions ?? [])
    .filter((move) => move.fromState === stateId)
    .map((move) => ({ to: move.toState, roles: move.roles.map((r) => r.replace("ROLE_", "").toLowerCase()) }));
}

/** @param {Pick<Context, "roles">} ctx */
function roleNames(ctx) {
  return ctx.roles.map((r) => r.replace("ROLE_", "").toLowerCase());
}

// Moves a task; the server decides, and a refusal is shown next to the task and on top.
/**
 * @param {Context} ctx
 * @param {Task} task
 * @param {string} toState
 * @param {Element | null} [where]
 * @returns {Promise<Task | null>}
 */
export async function moveTask(ctx, task, toState, where) {
  try {
    const reply = await call(svc.tasks, "TransitionTask", { name: task.name, toState, etag: task.etag });
    flash(t("board.moved", { title: task.title, state: ctx.stateLabel(toState) }), "ok");
    return must(reply.task, "task");
  } catch (error) {
    const text = error instanceof ApiError ? error.describe() : String(error);
    flash(t("board.moveFailed", { title: task.title, error: text }), "error");
    if (where) where.replaceChildren(h("p", { class: "refusal", role: "alert" }, text));
    return null;
  }
}

/**
 * @param {Context} ctx
 * @param {Task} task
 * @param {(moved: Task) => unknown} onMoved
 */
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

/**
 * @param {Context} ctx
 * @param {Task} task
 * @param {boolean} highlighted
 * @param {() => unknown} rerender
 */
function card(ctx, task, highlighted, rerender) {
  const overdue = isOverdue(task, ctx);
  const priority = PRIORITY[task.priority] || "";
  const el = h("article", {
    class: `task-card${highlighted ? " highlight" : ""}${overdue ? " overdue" : ""}`,
    dataset: { task: task.name, state: task.state },
    draggable: "true",
    ondragstart: (event) => {
      if (!event.dataTransfer) return;
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
/**
 * @param {Context} ctx
 * @param {HTMLElement} column
 * @param {string} stateId
 * @param {Task[]} tasks
 * @param {() => unknown} rerender
 */
function dropTarget(ctx, column, stateId, tasks, rerender) {
  column.addEventListener("dragover", (event) => {
    event.preventDefault();
    column.classList.add("drop");
  });
  column.addEventListener("dragleave", () => column.classList.remove("drop"));
  column.addEventListener("drop", async (event) => {
    event.preventDefault();
    column.classList.remove("drop");
    const dragged = event.dataTransfer ? event.dataTransfer.getData("text/plain") : "";
    const task = tasks.find((each) => each.name === dragged);
    if (!task || task.state === stateId) return;
    const slot = document.querySelector(`.task-card[data-task="${task.name}"] .refusal-slot`);
    if (await moveTask(ctx, task, stateId, slot)) rerender();
  });
}

/**
 * @param {Task} task
 * @param {Context} ctx
 */
function matches(task, ctx) {
  if (filters.text && !`${task.title} ${task.description}`.toLowerCase().includes(filters.text.toLowerCase())) return false;
  if (filters.assignee && task.assignee !== filters.assignee) return false;
  if (filters.label && !task.labels.includes(filters.label)) return false;
  if (filters.priority && PRIORITY[task.priority] !== filters.priority) return false;
  if (filters.overdue && !isOverdue(task, ctx)) return false;
  return true;
}

/** @type {import("./app.js").Page} */
export async function renderBoard(main, ctx, route) {
  const { params } = route;
  if (filters.project !== ctx.id) filters = { ...NO_FILTERS, project: ctx.id };
  const tasks = await every(svc.tasks, "ListTasks", { parent: ctx.name }, "tasks", 500);
  const highlight = new Set((params.get("highlight") || "").split(",").filter(Boolean).map((n) => `${ctx.name}/tasks/${n}`));
  filters.assignee = params.get("assignee") || filters.assignee;
  const rerender = () => renderBoard(main, ctx, route);

  const labels = [...new Set(tasks.flatMap((task) => task.labels))].sort();
  const assignees = [...new Set(tasks.map((task) => task.assignee).filter(Boolean))].sort();
  const bar = h("form", { class: "filters", onsubmit: (e) => e.preventDefault() },
    h("input", { type: "search", placeholder: t("board.filter"), value: filters.text, "aria-label": t("board.filterText"),
      oninput: (e) => { filters.text = valueOf(e); draw(); } }),
    h("select", { "aria-label": t("board.assignee"), onchange: (e) => { filters.assignee = valueOf(e); draw(); } },
      h("option", { value: "" }, t("board.everyone")),
      assignees.map((a) => h("option", { value: a, selected: a === filters.assignee }, ctx.personLabel(a)))),
    h("select", { "aria-label": t("board.label"), onchange: (e) => { filters.label = valueOf(e); draw(); } },
      h("option", { value: "" }, t("board.anyLabel")),
      labels.map((l) => h("option", { value: l, selected: l === filters.label }, l))),
    h("select", { "aria-label": t("board.priority"), onchange: (e) => { filters.priority = valueOf(e); draw(); } },
      h("option", { value: "" }, t("board.anyPriority")),
      ["urgent", "high", "medium", "low"].map((p) => h("option", { value: p, selected: p === filters.priority }, t(`priority.${p}`)))),
    h("label", { class: "check" }, h("input", { type: "checkbox", checked: filters.overdue,
      onchange: (e) => { filters.overdue = checkedOf(e); draw(); } }), t("board.overdueOnly")),
    h("label", { class: "check" }, h("input", { type: "checkbox", checked: filters.finished,
      onchange: (e) => { filters.finished = checkedOf(e); draw(); } }), t("board.showDone")));

  const columns = h("div", { class: "board", id: "board" });
  const count = h("span", { class: "muted" });

  function draw() {
    const shown = tasks.filter((task) => matches(task, ctx));
    count.textContent = t("board.count", { shown: shown.length, count: tasks.length });
    const states = (ctx.project.workflow?.states ?? []).filter((st) => {
      const any = shown.some((task) => task.state === st.id);
      if (finished(st.category) && !filters.finished) return false;
      return any || !SOMETIMES.includes(st.category);
    });
    columns.replaceChildren(...states.map((st) => {
      const inState = shown.filter((task) => task.state === st.id);
      const column = h("section", { class: `column cat-${st.category.replace("STATE_CATEGORY_", "").toLowerCase()}`, dataset: { state: st.id } },
        h("h2", {}, stateName(st.id, st.displayName), h("span", { class: "count" }, String(inState.length))),
        inState.map((task) => card(ctx, task, highlight.has(task.name), rerender)));
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
