import type { Policy } from "../types.ts";
import { DFE_POLICY_ON_A_PAGE } from "./dfe-policy-on-a-page.ts";
import { LA_CONTRACT_PROCESS_POLICY } from "./la-contract-process.ts";
import { LA_LEVELS_POLICY } from "./la-levels.ts";
import { PRIMARY_RAG_POLICY } from "./primary-rag.ts";
import { TRUST_POLICY } from "./trust-policy.ts";

/** One preset per seed policy; a school adopts one and edits it into its own. */
export const PRESETS: Record<string, Policy> = {
  dfe_policy_on_a_page: DFE_POLICY_ON_A_PAGE,
  trust_policy: TRUST_POLICY,
  primary_rag: PRIMARY_RAG_POLICY,
  la_levels: LA_LEVELS_POLICY,
  la_contract_process: LA_CONTRACT_PROCESS_POLICY,
};

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}
