// Notes: paste meeting notes (English or Chinese), review the action items as editable chips
// with their source text highlighted, accept the ones you want, find them on the board.

import { ApiError, call, every, svc } from "./api.js";
import { flash, h, mount, pct, short, spinner } from "./dom.js";

const RECENT = "planops.notes.";
const PRIORITIES = ["", "low", "medium", "high", "urgent"];

function recent(ctx) {
  try {
    return JSON.parse(localStorage.getItem(RECENT + ctx.id) || "[]");
  } catch {
    return [];
  }
}

function remember(ctx, notes) {
  const list = recent(ctx).filter((n) => n.name !== notes.name);
  list.unshift({ name: notes.name, date: notes.meetingDate, head: notes.text.split("\n").find((l) => l.trim()) || "" });
  localStorage.setItem(RECENT + ctx.id, JSON.stringify(list.slice(0, 10)));
}

// The notes' text with each item's span marked; spans count code points, as Python does.
export function highlighted(notes) {
  const chars = Array.from(notes.text);
  const spans = [
    ...notes.items.map((i) => ({ ...i.span, kind: "item", id: i.id })),
    ...notes.statusUpdates.map((u) => ({ ...u.span, kind: "status" })),
    ...notes.decisions.map((d) => ({ ...d.span, kind: "decision" })),
    ...notes.questions.map((q) => ({ ...q.span, kind: "question" })),
  ].filter((sp) => sp.end > (sp.start || 0)).map((sp) => ({ ...sp, start: sp.start || 0 }))
    .sort((a, b) => a.start - b.start);
  const out = [];
  let at = 0;
  for (const sp of spans) {
    if (sp.start < at) continue;
    out.push(chars.slice(at, sp.start).join(""));
    out.push(h("mark", { class: `src src-${sp.kind}`, dataset: sp.id ? { item: sp.id } : {}, title: sp.kind },
      chars.slice(sp.start, sp.end).join("")));
    at = sp.end;
  }
  out.push(chars.slice(at).join(""));
  return h("pre", { class: "source", lang: notes.language === "zh" ? "zh-CN" : "en" }, out);
}

function chip(item, ctx, notes) {
  const done = Boolean(item.task);
  const people = ctx.members.filter((m) => m.member.startsWith("people/")).map((m) => m.member);
  const owners = [...new Set([item.owner, ...item.ownerCandidates, ...people].filter(Boolean))];
  const check = h("input", { type: "checkbox", class: "pick", checked: !done && !item.duplicateOf && item.confidence.item >= 0.5,
    disabled: done, "aria-label": `Accept ${item.description}` });
  const description = h("input", { class: "desc", value: item.description, "aria-label": "Description", disabled: done });
  const owner = h("select", { class: "owner", "aria-label": "Owner", disabled: done },
    h("option", { value: "" }, "no owner"),
    owners.map((o) => h("option", { value: o, selected: o === item.owner },
      o.startsWith("people/") ? ctx.personLabel(o) : `${o} (not a member)`)));
  const due = h("input", { type: "date", class: "due", value: item.dueDate, "aria-label": "Due date", disabled: done });
  const priority = h("select", { class: "priority", "aria-label": "Priority", disabled: done },
    PRIORITIES.map((p) => h("option", { value: p, selected: p === item.priority }, p || "no priority")));
  const el = h("li", { class: `chip${done ? " accepted" : ""}${item.ownerAmbiguous ? " ambiguous" : ""}`, dataset: { item: item.id } },
    h("div", { class: "chip-head" }, check, description),
    h("div", { class: "chip-fields" },
      h("label", {}, "Owner ", owner),
      h("label", {}, "Due ", due),
      h("label", {}, "Priority ", priority)),
    h("div", { class: "chip-meta muted" },
      `confidence ${pct(item.confidence.item)}`,
      item.dueText ? ` · due from “${item.dueText}”` : "",
      item.ownerAmbiguous ? " · owner uncertain, please choose" : "",
      item.hints.length ? ` · ${item.hints.join("; ")}` : ""),
    item.duplicateOf ? h("p", { class: "warn" }, "Looks like existing task ",
      h("a", { href: `#/task/${ctx.id}/${short(item.duplicateOf)}` }, `#${short(item.duplicateOf)}`)) : null,
    done ? h("p", { class: "ok" }, "Accepted as ", h("a", { href: `#/task/${ctx.id}/${short(item.task)}` }, `task #${short(item.task)}`)) : null);
  const mark = () => document.querySelector(`mark[data-item="${item.id}"]`);
  el.addEventListener("mouseenter", () => mark()?.classList.add("active"));
  el.addEventListener("mouseleave", () => mark()?.classList.remove("active"));
  el.addEventListener("focusin", () => mark()?.classList.add("active"));
  el.addEventListener("focusout", () => mark()?.classList.remove("active"));
  el.edits = () => {
    if (!check.checked) return null;
    const edit = { id: item.id };
    if (description.value.trim() && description.value.trim() !== item.description) edit.description = description.value.trim();
    if (owner.value && owner.value !== item.owner) edit.owner = owner.value;
    if (due.value && due.value !== item.dueDate) edit.dueDate = due.value;
    if (priority.value && priority.value !== item.priority) edit.priority = priority.value;
    return edit;
  };
  return el;
}

function review(ctx, notes, area) {
  const chips = notes.items.map((item) => chip(item, ctx, notes));
  const accepted = notes.items.filter((i) => i.task).map((i) => short(i.task));
  const acceptButton = h("button", { class: "primary", id: "accept-items", onclick: async () => {
    const items = chips.map((c) => c.edits()).filter(Boolean);
    if (!items.length) {
      flash("Tick the items to accept first.", "error");
      return;
    }
    acceptButton.disabled = true;
    try {
      const reply = await call(svc.nlp, "AcceptActionItems", { name: notes.name, items });
      flash(`Created ${reply.tasks.length} task(s) from the notes`, "ok");
      review(ctx, reply.notes, area);
    } catch (error) {
      flash(error instanceof ApiError ? error.describe() : String(error), "error");
      acceptButton.disabled = false;
    }
  } }, "Accept selected");
  area.replaceChildren(
    h("div", { class: "grid-2 notes-review", dataset: { notes: notes.name } },
      h("section", { class: "card" }, h("h2", {}, "Source text"),
        h("p", { class: "legend" }, h("mark", { class: "src src-item" }, "action item"), " ",
          h("mark", { class: "src src-status" }, "status update"), " ", h("mark", { class: "src src-decision" }, "decision"), " ",
          h("mark", { class: "src src-question" }, "question")),
        highlighted(notes),
        h("p", { class: "muted" }, `${notes.language === "zh" ? "Chinese" : "English"} · meeting ${notes.meetingDate} · ${notes.pipeline}`),
        notes.warnings.map((w) => h("p", { class: "warn" }, w))),
      h("section", { class: "card" }, h("h2", {}, `Action items (${notes.items.length})`),
        notes.items.length ? h("ul", { class: "chips" }, chips) : h("p", { class: "muted" }, "No action items found."),
        h("div", { class: "actions" }, acceptButton,
          accepted.length ? h("a", { class: "button", id: "on-board", href: `#/board?highlight=${accepted.join(",")}` },
            `Show the ${accepted.length} accepted on the board`) : null),
        notes.decisions.length ? [h("h3", {}, "Decisions"), h("ul", {}, notes.decisions.map((d) => h("li", {}, d.text)))] : null,
        notes.questions.length ? [h("h3", {}, "Open questions"), h("ul", {}, notes.questions.map((q) => h("li", {}, q.text)))] : null,
        notes.statusUpdates.length ? [h("h3", {}, "Status updates"), h("ul", {}, notes.statusUpdates.map((u) =>
          h("li", {}, `${u.text} (${u.state})`, u.task ? [" → ", h("a", { href: `#/task/${ctx.id}/${short(u.task)}` }, `#${short(u.task)}`)] : null)))] : null)));
}

export async function renderNotes(main, ctx, { params }) {
  const text = h("textarea", { id: "notes-text", rows: 10, required: true, "aria-label": "Meeting notes",
    placeholder: "Paste the notes of a meeting, in English or Chinese, e.g.\n- Lin will update the banner copy by Friday (high priority)\n- 王芳下周三前完成客服话术" });
  const meeting = h("input", { type: "date", id: "meeting-date", value: new Date().toISOString().slice(0, 10), "aria-label": "Meeting date" });
  const language = h("select", { "aria-label": "Language" },
    h("option", { value: "" }, "detect language"), h("option", { value: "en" }, "English"), h("option", { value: "zh" }, "中文"));
  const area = h("div", { id: "notes-review" });
  const form = h("form", { class: "card notes-form", onsubmit: async (event) => {
    event.preventDefault();
    area.replaceChildren(spinner("Reading the notes…"));
    try {
      const { notes } = await call(svc.nlp, "ExtractActionItems", {
        project: ctx.name, text: text.value, meetingDate: meeting.value, language: language.value, requestId: crypto.randomUUID(),
      });
      remember(ctx, notes);
      review(ctx, notes, area);
      area.scrollIntoView({ block: "start" });
    } catch (error) {
      area.replaceChildren(h("p", { class: "error" }, error instanceof ApiError ? error.describe() : String(error)));
    }
  } },
  h("h2", {}, "Paste meeting notes"), text,
  h("div", { class: "toolbar" }, h("label", {}, "Meeting date ", meeting), language,
    h("button", { type: "submit", class: "primary", id: "extract" }, "Find action items")));

  // Notes are found again through the tasks they produced, and through this browser's history.
  const tasks = await every(svc.tasks, "ListTasks", { parent: ctx.name }, "tasks", 500);
  const names = new Set(tasks.filter((t) => t.source === "TASK_SOURCE_NOTES" && t.sourceRef.includes("/notes/"))
    .map((t) => t.sourceRef.split("#")[0]));
  const stored = await Promise.all([...names].filter((n) => !recent(ctx).some((r) => r.name === n)).map(async (name) => {
    try {
      const { notes } = await call(svc.nlp, "GetNotes", { name });
      return { name, date: notes.meetingDate, head: notes.text.split("\n").find((l) => l.trim()) || "" };
    } catch {
      return null;
    }
  }));
  const earlier = [...recent(ctx), ...stored.filter(Boolean)];
  const openByName = h("input", { placeholder: "projects/…/notes/…", "aria-label": "Notes name" });
  const openNotes = async (name) => {
    try {
      const { notes } = await call(svc.nlp, "GetNotes", { name });
      review(ctx, notes, area);
      area.scrollIntoView({ block: "start" });
    } catch (error) {
      flash(error instanceof ApiError ? error.describe() : String(error), "error");
    }
  };
  mount(main, h("div", { class: "page-head" }, h("h1", {}, "Notes")), form,
    h("details", { class: "card", id: "earlier", open: earlier.length > 0 }, h("summary", {}, `Earlier notes (${earlier.length})`),
      earlier.length ? h("ul", { class: "earlier" }, earlier.map((n) => h("li", {},
        h("a", { href: "#", dataset: { notes: n.name }, onclick: (e) => { e.preventDefault(); openNotes(n.name); } },
          `${n.date} · ${n.head.slice(0, 60)}`)))) : null,
      h("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault(); openNotes(openByName.value.trim()); } },
        openByName, h("button", { type: "submit" }, "Open"))),
    area);
  if (params.get("open")) await openNotes(params.get("open"));
}
