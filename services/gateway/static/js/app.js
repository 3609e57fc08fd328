// @ts-check
// The console's shell: log in with an API key, pick a project, route between pages.

import { ApiError, apiKey, call, every, must, setApiKey, svc } from "./api.js";
import { clearFlash, flash, h, mount, required, short, spinner } from "./dom.js";
import { chooseLanguage, language, stateName, t, useLanguage } from "./i18n.js";
import { renderBoard } from "./board.js";
import { renderTask } from "./task.js";
import { renderSchedule } from "./schedule.js";
import { renderReports } from "./reports.js";
import { renderRisk } from "./risk.js";
import { renderNotes } from "./notes.js";
import { parseRoute, pickProject } from "./route.js";

/** @typedef {import("planops-api").core.v1.ApiKey} ApiKey */
/** @typedef {import("planops-api").core.v1.Project} Project */
/** @typedef {import("planops-api").core.v1.Membership} Membership */
/** @typedef {import("planops-api").core.v1.Person} Person */
/** @typedef {import("planops-api").core.v1.Role} Role */
/**
 * What the pages share about the chosen project: people, members and the caller's roles.
 * @typedef {{
 *   id: string,
 *   name: string,
 *   project: Project,
 *   members: Membership[],
 *   people: Map<string, Person>,
 *   roles: (Role | "admin")[],
 *   caller: ApiKey,
 *   personLabel: (who: string | null | undefined) => string,
 *   stateLabel: (stateId: string) => string,
 *   refresh: () => void,
 * }} Context
 */
/**
 * Where a page is: `#/task/<project>/<n>?…` has rest `[<project>, <n>]`.
 * @typedef {{ rest: string[], params: URLSearchParams, go: (hash: string) => void }} PageRoute
 */
/** @typedef {(main: HTMLElement, ctx: Context, route: PageRoute) => Promise<void>} Page */

const PROJECT = "planops.project";
/** @type {Record<string, Page>} */
const PAGES = {
  board: renderBoard,
  task: renderTask,
  schedule: renderSchedule,
  reports: renderReports,
  risk: renderRisk,
  notes: renderNotes,
};

/**
 * @type {{ caller: ApiKey | null, callerName: string, projects: Project[], contexts: Map<string, Context> }}
 */
const session = { caller: null, callerName: "", projects: [], contexts: new Map() };
const main = required("main");

function route() {
  return parseRoute(location.hash);
}

/** @param {string} hash */
export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

/** @param {string} [message] */
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
    const caller = must(reply.apiKey, "apiKey");
    session.caller = caller;
    session.callerName = caller.displayName || caller.principal;
    if (caller.principal.startsWith("people/")) {
      try {
        const { person } = await call(svc.people, "GetPerson", { name: caller.principal });
        session.callerName = (person && person.displayName) || session.callerName;
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

/** @param {URLSearchParams} params */
function currentProject(params) {
  const id = pickProject({
    projects: session.projects,
    wanted: params.get("project"),
    chosen: sessionStorage.getItem(PROJECT),
    today: new Date().toISOString().slice(0, 10),
  });
  if (id) sessionStorage.setItem(PROJECT, id);
  return id;
}

/**
 * @param {string} id
 * @param {ApiKey} caller
 * @returns {Promise<Context>}
 */
async function projectContext(id, caller) {
  const known = session.contexts.get(id);
  if (known) return known;
  const name = `projects/${id}`;
  const [projectReply, members, people] = await Promise.all([
    call(svc.projects, "GetProject", { name }),
    every(svc.projects, "ListMemberships", { parent: name }, "memberships", 200),
    every(svc.people, "ListPeople", {}, "people", 500),
  ]);
  const mine = members.find((m) => m.member === caller.principal);
  const project = must(projectReply.project, "project");
  const byName = new Map(people.map((p) => [p.name, p]));
  const states = project.workflow ? project.workflow.states : [];
  /** @type {Context} */
  const ctx = {
    id,
    name,
    project,
    members,
    people: byName,
    roles: caller.admin ? ["admin", ...(mine ? mine.roles : [])] : (mine ? mine.roles : []),
    caller,
    personLabel: (who) => {
      if (!who) return t("common.unassigned");
      const person = byName.get(who);
      return person ? person.displayName || short(who) : short(who);
    },
    stateLabel: (stateId) => {
      const state = states.find((st) => st.id === stateId);
      return stateName(stateId, state ? state.displayName : "");
    },
    refresh: () => { session.contexts.delete(id); },
  };
  session.contexts.set(id, ctx);
  return ctx;
}

/**
 * @param {string | null} projectId
 * @param {ApiKey} caller
 */
function header(projectId, caller) {
  const select = /** @type {HTMLSelectElement} */ (required("project"));
  select.replaceChildren(...session.projects.map((p) =>
    h("option", { value: short(p.name), selected: short(p.name) === projectId },
      `${p.displayName || short(p.name)}`)));
  select.hidden = session.projects.length === 0;
  select.onchange = () => {
    sessionStorage.setItem(PROJECT, select.value);
    const { page } = route();
    go(`#/${page === "task" ? "board" : page}`);
  };
  required("caller").textContent =
    caller.admin ? t("shell.admin", { name: session.callerName }) : session.callerName;
  const logout = required("logout");
  logout.hidden = false;
  logout.onclick = () => {
    setApiKey("");
    session.caller = null;
    session.contexts.clear();
    required("caller").textContent = "";
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
  for (const link of document.querySelectorAll("#nav a[data-page]")) {
    if (!(link instanceof HTMLElement)) continue;
    link.classList.toggle("active", link.dataset.page === page || (page === "task" && link.dataset.page === "board"));
  }
  const ok = await ensureSession();
  if (stale()) return;
  if (ok === false) return loginPage();
  if (!ok || !session.caller) return;
  const caller = session.caller;
  clearFlash();
  const projectId = page === "task" && rest[0] ? rest[0] : currentProject(params);
  header(projectId, caller);
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
    const ctx = await projectContext(projectId, caller);
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
  for (const button of document.querySelectorAll("#language button[data-lang]")) {
    if (!(button instanceof HTMLElement)) continue;
    const lang = button.dataset.lang || "";
    button.setAttribute("aria-pressed", String(lang === language()));
    button.onclick = async () => {
      if (lang === language()) return;
      await chooseLanguage(lang);
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
