// Reports: burndown, cycle time per state, hours and cost against plan (core's ReportService).

import { ApiError, call, svc } from "./api.js";
import { h, mount } from "./dom.js";

export async function renderReports(main, ctx) {
  try {
    await call(svc.reports, "GetBurndown", { project: ctx.name });
  } catch (error) {
    mount(main, h("div", { class: "page-head" }, h("h1", {}, "Reports")),
      h("section", { class: "card" }, h("p", { class: "error" }, error instanceof ApiError ? error.describe() : String(error))));
  }
}
