// @ts-check
// Notes: paste meeting notes (English or Chinese), review the action items as editable chips
// with their source text highlighted, accept the ones you want, find them on the board.

import { ApiError, call, every, must, svc } from "./api.js";
import { flash, h, mount, pct, short, spinner } from "./dom.js";
import { formatDate, stateName, t } from "./i18n.js";

/** @typedef {import("./app.js").Context} Context */
/** @typedef {import("planops-api").nlp.v1.Notes} Notes */
/** @typedef {import("planops-api").nlp.v1.ActionItem} ActionItem */
/** @typedef {import("planops-api").Input<import("planops-api").nlp.v1.AcceptedItem>} AcceptedItem */
/** @typedef {{ name: string, date: string, head: string }} Recent notes this browser has opened */

const RECENT = "planops.notes.";
const PRIORITIES = ["", "low", "medium", "high", "urgent"];

/**
 * @param {Pick<Context, "id">} ctx
 * @returns {Recent[]}
 */
function recent(ctx) {
  try {
    return JSON.parse(localStorage.getItem(RECENT + ctx.id) || "[]");
  } catch {
    return [];
  }
}

/**
 * @param {Pick<Context, "id">} ctx
 * @param {Notes} notes
 */
function remember(ctx, notes) {
  const list = recent(ctx).filter((n) => n.name !== notes.name);
  list.unshift({ name: notes.name, date: notes.meetingDate, head: notes.text.split("\n").find((l) => l.trim()) || "" });
  localStorage.setItem(RECENT + ctx.id, JSON.stringify(list.slice(0, 10)));
}

// The notes' text with each item's span marked; spans count code points, as Python does.
/** @param {Notes} notes */
export function highlighted(notes) {
  const chars = Array.from(notes.text);
  /** @type {{ start?: number, end?: number, kind: string, id?: string }[]} */
  const marked = [
    ...notes.items.map((i) => ({ ...i.span, kind: "item", id: i.id })),
    ...notes.statusUpdates.map((u) => ({ ...u.span, kind: "status" })),
    ...notes.decisions.map((d) => ({ ...d.span, kind: "decision" })),
    ...notes.questions.map((q) => ({ ...q.span, kind: "question" })),
  ];
  const spans = marked.map((sp) => ({ ...sp, start: sp.start || 0, end: sp.end || 0 }))
    .filter((sp) => sp.end > sp.start)
    .sort((a, b) => a.start - b.start);
  /** @type {(string | HTMLElement)[]} */
  const out = [];
  let at = 0;
  for (const sp of spans) {
    if (sp.start < at) continue;
    out.push(chars.slice(at, sp.start).join(""));
    out.push(h("mark", { class: `src src-${sp.kind}`, dataset: sp.id ? { item: sp.id } : {}, title: t(`notes.kind.${sp.kind}`) },
      chars.slice(sp.start, sp.end).join("")));
    at = sp.end;
  }
  out.push(chars.slice(at).join(""));
  return h("pre", { class: "source", lang: notes.language === "zh" ? "zh-CN" : "en" }, out);
}

// Which words made it an item and which made its owner, so a person can trust or fix it
// quickly; open by itself when the extractor was unsure. The reasons are the extractor's
// own words (English), quoting the notes.
/** @param {ActionItem} item */
export function explanation(item) {
  /** @type {Partial<import("planops-api").nlp.v1.Explanation>} */
  const why = item.explanation || {};
  const reasons = why.item || [];
  if (!reasons.length && !why.owner) return null;
  const unsure = (item.confidence?.item ?? 1) < 0.8 || (item.confidence?.owner ?? 1) < 0.8 || item.ownerAmbiguous;
  return h("details", { class: "why muted", open: unsure },
    h("summary", {}, t("notes.why")),
    reasons.length ? h("p", {}, h("strong", {}, t("notes.whyItem")), " ",
      h("span", { lang: "en" }, reasons.join("; "))) : null,
    why.owner ? h("p", {}, h("strong", {}, t("notes.whyOwner")), " ", h("span", { lang: "en" }, why.owner)) : null);
}

// An item's chip, and the edits a person made to it (null when it is not ticked).
/**
 * @param {ActionItem} item
 * @param {Context} ctx
 * @param {Notes} notes
 * @returns {{ el: HTMLLIElement, edits: () => AcceptedItem | null }}
 */
function chip(item, ctx, notes) {
  const done = Boolean(item.task);
  const people = ctx.members.filter((m) => m.member.startsWith("people/")).map((m) => m.member);
  const owners = [...new Set([item.owner, ...item.ownerCandidates, ...people].filter(Boolean))];
  const confidence = must(item.confidence, "confidence");
  const check = h("input", { type: "checkbox", class: "pick", checked: !done && !item.duplicateOf && confidence.item >= 0.5,
    disabled: done, "aria-label": t("notes.acceptItem", { text: item.description }) });
  const description = h("input", { class: "desc", value: item.description, "aria-label": t("notes.description"), disabled: done });
  const owner = h("select", { class: "owner", "aria-label": t("notes.owner"), disabled: done },
    h("option", { value: "" }, t("notes.noOwner")),
    owners.map((o) => h("option", { value: o, selected: o === item.owner },
      o.startsWith("people/") ? ctx.personLabel(o) : t("notes.notMember", { name: o }))));
  const due = h("input", { type: "date", class: "due", value: item.dueDate, "aria-label": t("notes.dueDate"), disabled: done });
  const priority = h("select", { class: "priority", "aria-label": t("notes.priority"), disabled: done },
    PRIORITIES.map((p) => h("option", { value: p, selected: p === item.priority }, p ? t(`priority.${p}`) : t("notes.noPriority"))));
  const el = h("li", { class: `chip${done ? " accepted" : ""}${item.ownerAmbiguous ? " ambiguous" : ""}`, dataset: { item: item.id } },
    h("div", { class: "chip-head" }, check, description),
    h("div", { class: "chip-fields" },
      h("label", {}, t("notes.owner"), " ", owner),
      h("label", {}, t("notes.due"), " ", due),
      h("label", {}, t("notes.priority"), " ", priority)),
    h("div", { class: "chip-meta muted" },
      t("notes.confidence", { share: pct(confidence.item) }),
      item.dueText ? ` · ${t("notes.dueFrom", { text: item.dueText })}` : "",
      item.ownerAmbiguous ? ` · ${t("notes.ownerUncertain")}` : "",
      // Hints quote the notes, in the notes' language.
      item.hints.length ? [" · ", h("span", { lang: notes.language === "zh" ? "zh-CN" : "en" }, item.hints.join("; "))] : ""),
    explanation(item),
    item.duplicateOf ? h("p", { class: "warn" }, t("notes.looksLike"), " ",
      h("a", { href: `#/task/${ctx.id}/${short(item.duplicateOf)}` }, `#${short(item.duplicateOf)}`)) : null,
    done ? h("p", { class: "ok" }, t("notes.acceptedAs"), " ",
      h("a", { href: `#/task/${ctx.id}/${short(item.task)}` }, t("notes.taskNumber", { id: short(item.task) }))) : null);
  const mark = () => document.querySelector(`mark[data-item="${item.id}"]`);
  el.addEventListener("mouseenter", () => mark()?.classList.add("active"));
  el.addEventListener("mouseleave", () => mark()?.classList.remove("active"));
  el.addEventListener("focusin", () => mark()?.classList.add("active"));
  el.addEventListener("focusout", () => mark()?.classList.remove("active"));
  const edits = () => {
    if (!check.checked) return null;
    /** @type {AcceptedItem} */
    const edit = { id: item.id };
    if (description.value.trim() && description.value.trim() !== item.description) edit.description = description.value.trim();
    if (owner.value && owner.value !== item.owner) edit.owner = owner.value;
    if (due.value && due.value !== item.dueDate) edit.dueDate = due.value;
    if (priority.value && priority.value !== item.priority) edit.priority = priority.value;
    return edit;
  };
  return { el, edits };
}

/**
 * @param {Context} ctx
 * @param {Notes} notes
 * @param {HTMLElement} area
 */
function review(ctx, notes, area) {
  const chips = notes.items.map((item) => chip(item, ctx, notes));
  const accepted = notes.items.filter((i) => i.task).map((i) => short(i.task));
  const acceptButton = h("button", { class: "primary", id: "accept-items", onclick: async () => {
    const items = chips.map((c) => c.edits()).filter((edit) => edit !== null);
    if (!items.length) {
      flash(t("notes.tickFirst"), "error");
      return;
    }
    acceptButton.disabled = true;
    try {
      const reply = await call(svc.nlp, "AcceptActionItems", { name: notes.name, items });
      flash(t("notes.created", { count: reply.tasks.length }), "ok");
      review(ctx, must(reply.notes, "notes"), area);
    } catch (error) {
      flash(error instanceof ApiError ? error.describe() : String(error), "error");
      acceptButton.disabled = false;
    }
  } }, t("notes.acceptSelected"));
  area.replaceChildren(
    h("div", { class: "grid-2 notes-review", dataset: { notes: notes.name } },
      h("section", { class: "card" }, h("h2", {}, t("notes.source")),
        h("p", { class: "legend" }, h("mark", { class: "src src-item" }, t("notes.kind.item")), " ",
          h("mark", { class: "src src-status" }, t("notes.kind.status")), " ", h("mark", { class: "src src-decision" }, t("notes.kind.decision")), " ",
          h("mark", { class: "src src-question" }, t("notes.kind.question"))),
        highlighted(notes),
        h("p", { class: "muted" }, [t(notes.language === "zh" ? "notes.chinese" : "notes.english"),
          t("notes.meeting", { date: formatDate(notes.meetingDate) }), notes.pipeline].join(" · ")),
        notes.warnings.map((w) => h("p", { class: "warn server-text", lang: "en" }, w))),
      h("section", { class: "card" }, h("h2", {}, t("notes.actionItems", { count: notes.items.length })),
        notes.items.length ? h("ul", { class: "chips" }, chips.map((c) => c.el)) : h("p", { class: "muted" }, t("notes.noItems")),
        h("div", { class: "actions" }, acceptButton,
          accepted.length ? h("a", { class: "button", id: "on-board", href: `#/board?highlight=${accepted.join(",")}` },
            t("notes.showOnBoard", { count: accepted.length })) : null),
        notes.decisions.length ? [h("h3", {}, t("notes.decisions")), h("ul", {}, notes.decisions.map((d) => h("li", {}, d.text)))] : null,
        notes.questions.length ? [h("h3", {}, t("notes.questions")), h("ul", {}, notes.questions.map((q) => h("li", {}, q.text)))] : null,
        notes.statusUpdates.length ? [h("h3", {}, t("notes.statusUpdates")), h("ul", {}, notes.statusUpdates.map((u) =>
          h("li", {}, `${u.text} (${stateName(u.state, "")})`, u.task ? [" → ", h("a", { href: `#/task/${ctx.id}/${short(u.task)}` }, `#${short(u.task)}`)] : null)))] : null)));
}

/** @type {import("./app.js").Page} */
export async function renderNotes(main, ctx, { params }) {
  const text = h("textarea", { id: "notes-text", rows: 10, required: true, "aria-label": t("notes.notes"),
    placeholder: t("notes.placeholder") });
  const meeting = h("input", { type: "date", id: "meeting-date", value: new Date().toISOString().slice(0, 10), "aria-label": t("notes.meetingDate") });
  const language = h("select", { id: "notes-language", "aria-label": t("notes.language") },
    h("option", { value: "" }, t("notes.detect")), h("option", { value: "en" }, t("notes.english")), h("option", { value: "zh" }, t("notes.chinese")));
  const area = h("div", { id: "notes-review" });
  const form = h("form", { class: "card notes-form", onsubmit: async (event) => {
    event.preventDefault();
    area.replaceChildren(spinner(t("notes.reading")));
    try {
      const notes = must((await call(svc.nlp, "ExtractActionItems", {
        project: ctx.name, text: text.value, meetingDate: meeting.value, language: language.value, requestId: crypto.randomUUID(),
      })).notes, "notes");
      remember(ctx, notes);
      review(ctx, notes, area);
      area.scrollIntoView({ block: "start" });
    } catch (error) {
      area.replaceChildren(h("p", { class: "error" }, error instanceof ApiError ? error.describe() : String(error)));
    }
  } },
  h("h2", {}, t("notes.paste")), text,
  h("div", { class: "toolbar" }, h("label", {}, t("notes.meetingDate"), " ", meeting), language,
    h("button", { type: "submit", class: "primary", id: "extract" }, t("notes.find"))));

  // Notes are found again through the tasks they produced, and through this browser's history.
  const tasks = await every(svc.tasks, "ListTasks", { parent: ctx.name }, "tasks", 500);
  const names = new Set(tasks.filter((task) => task.source === "TASK_SOURCE_NOTES" && task.sourceRef.includes("/notes/"))
    .map((task) => task.sourceRef.split("#")[0]));
  const stored = await Promise.all([...names].filter((n) => !recent(ctx).some((r) => r.name === n)).map(async (name) => {
    try {
      const notes = must((await call(svc.nlp, "GetNotes", { name })).notes, "notes");
      return { name, date: notes.meetingDate, head: notes.text.split("\n").find((l) => l.trim()) || "" };
    } catch {
      return null;
    }
  }));
  const earlier = [...recent(ctx), ...stored.filter((n) => n !== null)];
  const openByName = h("input", { placeholder: "projects/…/notes/…", "aria-label": t("notes.name") });
  /** @param {string} name */
  const openNotes = async (name) => {
    try {
      const notes = must((await call(svc.nlp, "GetNotes", { name })).notes, "notes");
      review(ctx, notes, area);
      area.scrollIntoView({ block: "start" });
    } catch (error) {
      flash(error instanceof ApiError ? error.describe() : String(error), "error");
    }
  };
  mount(main, h("div", { class: "page-head" }, h("h1", {}, t("notes.title"))), form,
    h("details", { class: "card", id: "earlier", open: earlier.length > 0 }, h("summary", {}, t("notes.earlier", { count: earlier.length })),
      earlier.length ? h("ul", { class: "earlier" }, earlier.map((n) => h("li", {},
        h("a", { href: "#", dataset: { notes: n.name }, onclick: (e) => { e.preventDefault(); openNotes(n.name); } },
          `${formatDate(n.date)} · ${n.head.slice(0, 60)}`)))) : null,
      h("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault(); openNotes(openByName.value.trim()); } },
        openByName, h("button", { type: "submit" }, t("notes.open")))),
    area);
  const open = params.get("open");
  if (open) await openNotes(open);
}
