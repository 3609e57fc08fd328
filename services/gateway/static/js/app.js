// The console's shell: log in with an API key, pick a project, route between pages.

import { ApiError, apiKey, call, every, setApiKey, svc } from "./api.js";
import { clearFlash, flash, h, mount, short, spinner } from "./dom.js";
import { chooseLanguage, language, stateName, t, useLanguage } from "./i18n.js";
import { renderBoard } from "./board.js";
import { renderTask } from "./task.js";
import { renderSchedule } from "./schedule.js";
import { renderReports } from "./reports.js";
import { renderRisk } from "./risk.js";
import { renderNotes } from "./notes.js";

const PROJECT = "planops.project";
const PAGES = {
  board: renderBoard,
  task: renderTask,
  schedule: renderSchedule,
  reports: renderReports,
  risk: renderRisk,
  notes: renderNotes,
};

const session = { caller: null, projects: [], contexts: new Map() };
const main = document.getElementById("main");

function route() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?");
  const parts = path.split("/").filter(Boolean);
  return { page: parts[0] || "board", rest: parts.slice(1), params: new URLSearchParams(query) };
}

export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function loginPage(message) {
  const input = h("input", {
    id: "api-key", type: "password", autocomplete: "off", placeholder: t("login.key"),
    "aria-label": t("login.key"), required: true,
  });
  const form = h("form", { class: "card login", onsubmit: async (event) => {
    event.preventDefault();
    setApiKey(input.value.trim());
    session.caller = null;
    await render();
  } },
  h("h1", {}, t("login.title")),
  h("p", {}, t("login.paste"), " ", h("code", {}, "planops demo"), t("login.printsOne"),
    h("code", {}, "planops keys create"), t("login.makesMore")),
  message ? h("p", { class: "error" }, message) : null,
  input,
  h("button", { type: "submit", class: "primary" }, t("login.submit")));
  mount(main, form);
  input.focus();
}

async function ensureSession() {
  if (!apiKey()) return false;
  if (session.caller) return true;
  try {
    const reply = await call(svc.keys, "GetCaller", {});
    session.caller = reply.apiKey;
    session.callerName = session.caller.displayName || session.caller.principal;
    if (session.caller.principal.startsWith("people/")) {
      try {
        const { person } = await call(svc.people, "GetPerson", { name: session.caller.principal });
        session.callerName = person.displayName || session.callerName;
      } catch {
        // the key's own name will do
      }
    }
    session.projects = await every(svc.projects, "ListProjects", {}, "projects", 100);
  } catch (error) {
    setApiKey("");
    session.caller = null;
    loginPage(error instanceof ApiError ? error.describe() : String(error));
    return null;
  }
  return true;
}

function currentProject(params) {
  const wanted = params.get("project");
  const names = session.projects.map((p) => short(p.name));
  let id = wanted && names.includes(wanted) ? wanted : sessionStorage.getItem(PROJECT);
  if (!names.includes(id)) {
    // First visit: a project still running (deadline ahead) rather than an archive.
    const today = new Date().toISOString().slice(0, 10);
    const live = session.projects.find((p) => p.deadline && p.deadline >= today);
    id = live ? short(live.name) : names[0] || null;
  }
  if (id) sessionStorage.setItem(PROJECT, id);
  return id;
}

// What the pages share about the chosen project: people, members and the caller's roles.
async function projectContext(id) {
  if (session.contexts.has(id)) return session.contexts.get(id);
  const name = `projects/${id}`;
  const [projectReply, members, people] = await Promise.all([
    call(svc.projects, "GetProject", { name }),
    every(svc.projects, "ListMemberships", { parent: name }, "memberships", 200),
    every(svc.people, "ListPeople", {}, "people", 500),
  ]);
  const principal = session.caller.principal;
  const mine = members.find((m) => m.member === principal);
  const ctx = {
    id,
    name,
    project: projectReply.project,
    members,
    people: new Map(people.map((p) => [p.name, p])),
    roles: session.caller.admin ? ["admin", ...(mine ? mine.roles : [])] : (mine ? mine.roles : []),
    caller: session.caller,
  };
  ctx.personLabel = (who) => {
    if (!who) return t("common.unassigned");
    const person = ctx.people.get(who);
    return person ? person.displayName || short(who) : short(who);
  };
  ctx.stateLabel = (stateId) => {
    const state = ctx.project.workflow.states.find((st) => st.id === stateId);
    return stateName(stateId, state ? state.displayName : "");
  };
  ctx.refresh = () => { session.contexts.delete(id); };
  session.contexts.set(id, ctx);
  return ctx;
}

function header(projectId) {
  const select = document.getElementById("project");
  select.replaceChildren(...session.projects.map((p) =>
    h("option", { value: short(p.name), selected: short(p.name) === projectId },
      `${p.displayName || short(p.name)}`)));
  select.hidden = session.projects.length === 0;
  select.onchange = () => {
    sessionStorage.setItem(PROJECT, select.value);
    const { page } = route();
    go(`#/${page === "task" ? "board" : page}`);
  };
  const caller = session.caller;
  document.getElementById("caller").textContent =
    caller.admin ? t("shell.admin", { name: session.callerName }) : session.callerName;
  const logout = document.getElementById("logout");
  logout.hidden = false;
  logout.onclick = () => {
    setApiKey("");
    session.caller = null;
    session.contexts.clear();
    document.getElementById("caller").textContent = "";
    logout.hidden = true;
    select.hidden = true;
    loginPage();
  };
}

// Each navigation renders into its own view. A page still waiting for replies when the user
// moves on keeps writing into its detached view, never over the page that replaced it.
let generation = 0;

async function render() {
  const current = ++generation;
  const stale = () => current !== generation;
  const { page, rest, params } = route();
  for (const link of document.querySelectorAll("#nav a")) {
    link.classList.toggle("active", link.dataset.page === page || (page === "task" && link.dataset.page === "board"));
  }
  const ok = await ensureSession();
  if (stale()) return;
  if (ok === false) return loginPage();
  if (!ok) return;
  clearFlash();
  const projectId = page === "task" && rest[0] ? rest[0] : currentProject(params);
  header(projectId);
  if (!projectId) {
    mount(main, h("div", { class: "card" }, h("h1", {}, t("shell.noProjects")),
      h("p", {}, t("shell.run"), h("code", {}, "planops demo"), t("shell.loadsExamples"),
        h("code", {}, "planops templates use"), t("shell.startsOne"))));
    return;
  }
  const renderPage = PAGES[page] || renderBoard;
  const view = h("div", { class: "view", dataset: { page: PAGES[page] ? page : "board" } }, spinner(t("common.loading")));
  mount(main, view);
  try {
    const ctx = await projectContext(projectId);
    if (stale()) return;
    await renderPage(view, ctx, { rest, params, go });
    if (!stale()) view.dataset.ready = "true";
  } catch (error) {
    if (stale()) return;
    if (error instanceof ApiError && error.status === 401) {
      // The key was revoked or belongs to another installation: ask for a new one.
      setApiKey("");
      session.caller = null;
      session.contexts.clear();
      loginPage(error.describe());
      return;
    }
    console.error(error);
    const text = error instanceof ApiError ? error.describe() : String(error);
    mount(view, h("div", { class: "card" }, h("h1", {}, t("shell.loadFailed")),
      h("p", { class: "error" }, text)));
  }
}

// The switch shows which language is in use; a change redraws the page in the other one.
function languageSwitch() {
  for (const button of document.querySelectorAll("#language button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === language()));
    button.onclick = async () => {
      if (button.dataset.lang === language()) return;
      await chooseLanguage(button.dataset.lang);
      languageSwitch();
      await render();
    };
  }
}

window.addEventListener("hashchange", render);
window.addEventListener("unhandledrejection", (event) => {
  const error = event.reason;
  flash(error instanceof ApiError ? error.describe() : String(error), "error");
});
await useLanguage();
languageSwitch();
render();
