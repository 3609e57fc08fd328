// @ts-check
// Where the console is, read from the address's hash, and the project a visit starts on.
// No DOM here, so Node's test runner can import it.

import { short } from "./dom.js";

/** @typedef {import("planops-api").core.v1.Project} Project */

// `#/task/promo/12?highlight=3` -> page `task`, rest `["promo", "12"]`, params `highlight=3`.
/**
 * @param {string} hash
 * @returns {{ page: string, rest: string[], params: URLSearchParams }}
 */
export function parseRoute(hash) {
  const raw = hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?");
  const parts = path.split("/").filter(Boolean);
  return { page: parts[0] || "board", rest: parts.slice(1), params: new URLSearchParams(query) };
}

// The project to show: the one the address names, else the one chosen before in this tab,
// else (a first visit) a project still running (deadline ahead) rather than an archive.
/**
 * @param {{ projects: Pick<Project, "name" | "deadline">[], wanted: string | null, chosen: string | null, today: string }} choice
 * @returns {string | null} the project's id
 */
export function pickProject({ projects, wanted, chosen, today }) {
  const names = projects.map((p) => short(p.name));
  const id = wanted && names.includes(wanted) ? wanted : chosen;
  if (id && names.includes(id)) return id;
  const live = projects.find((p) => p.deadline && p.deadline >= today);
  return live ? short(live.name) : names[0] || null;
}
