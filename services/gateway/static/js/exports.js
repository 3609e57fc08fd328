// @ts-check
// Download buttons for the gateway's exports of the page's table (plan, board, risk table).

import { ApiError, download } from "./api.js";
import { flash, h } from "./dom.js";
import { t } from "./i18n.js";

// Named literally so the catalogue test sees every key.
const LABELS = {
  xlsx: () => t("export.xlsx"),
  csv: () => t("export.csv"),
  mspdi: () => t("export.mspdi"),
};
const GROUPS = {
  plan: () => t("export.plan"),
  board: () => t("export.board"),
  risks: () => t("export.risks"),
};

// `what` is the gateway's export (`plan`, `board`, `risks`); `formats` are its suffixes.
/**
 * @param {import("./app.js").Context} ctx
 * @param {keyof typeof GROUPS} what
 * @param {(keyof typeof LABELS)[]} formats
 */
export function exportButtons(ctx, what, formats) {
  const buttons = formats.map((format) => {
    const button = h("button", { type: "button", class: "export", dataset: { export: `${what}.${format}` } },
      LABELS[format]());
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await download(`/export/projects/${ctx.id}/${what}.${format}`);
      } catch (error) {
        flash(t("export.failed", { error: error instanceof ApiError ? error.describe() : String(error) }), "error");
      } finally {
        button.disabled = false;
      }
    });
    return button;
  });
  return h("div", { class: "exports", role: "group", "aria-label": GROUPS[what]() },
    h("span", { class: "muted" }, t("export.download")), " ", buttons);
}
