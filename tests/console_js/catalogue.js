// @ts-check
// The console's real message catalogues, loaded the way useLanguage loads them in a browser.

import { readFileSync } from "node:fs";
import { setCatalogue } from "../../services/gateway/static/js/i18n.js";

/** @param {"en" | "zh-CN"} lang */
export function useCatalogue(lang) {
  const url = new URL(`../../services/gateway/static/i18n/${lang}.json`, import.meta.url);
  setCatalogue(lang, JSON.parse(readFileSync(url, "utf-8")));
}
