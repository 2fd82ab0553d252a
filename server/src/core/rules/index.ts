import { ruleDocsUrl } from '../analysis/docs';
import type { RuleMetadata } from '../types';
import { buildToolsInRuntime } from './build-tools-in-runtime';
import { cacheBustingCopy } from './cache-busting-copy';
import { copyWholeStage } from './copy-whole-stage';
import { installRecommends } from './install-recommends';
import { lateRemoval } from './late-removal';
import { packageCacheLeft } from './package-cache-left';
import type { Rule } from './rule';
import { shellParseError } from './shell-parse-error';
import { toolchainBaseImage } from './toolchain-base-image';
import { unknownTarget } from './unknown-target';

/** Every rule, in the order their findings are listed for the same range. A new rule is a module and a line here. */
export const ALL_RULES = [
  buildToolsInRuntime,
  toolchainBaseImage,
  lateRemoval,
  cacheBustingCopy,
  packageCacheLeft,
  installRecommends,
  copyWholeStage,
  unknownTarget,
  shellParseError,
] as const satisfies readonly Rule[];

/** Every rule's id, from the registry. */
export type RuleId = (typeof ALL_RULES)[number]['id'];

export const RULE_METADATA: readonly RuleMetadata[] = ALL_RULES.map((rule) => ({
  id: rule.id,
  defaultSeverity: rule.defaultSeverity,
  title: rule.title,
  explanation: rule.explanation,
  docsUrl: ruleDocsUrl(rule.id),
}));

export type { Rule, RuleMatch } from './rule';

/** The rules as the docs describe them, with their examples. */
export const RULE_DOCS = ALL_RULES.map((rule) => ({ ...RULE_METADATA.find((m) => m.id === rule.id)!, scope: rule.scope, example: rule.example }));
