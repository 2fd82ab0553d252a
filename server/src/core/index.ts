/**
 * The analysis core: text in, data out. No editor, no language server, no Docker here; the language
 * server, the CLI and the tests all call these same functions, after one `await initialize()`.
 */
export { analyze, analyzeModel, RuleFailure, type AnalysisHooks } from './analyze';
export { initialize } from './shell/tree-sitter';
export { clearParseCaches } from './parse-caches';
export { DockerfileModel } from './model';
export { rewrite, type BuildContext, type RewriteOptions, type RewriteResult, type RewriteSummary } from './rewrite';
export { applyEdits } from './fixes/apply';
export { RULE_DOCS, RULE_METADATA } from './rules';
export { BUILD_TOOL_PROGRAMS, PACKAGE_CACHE_PATHS } from './knowledge/build-programs';
export { LineIndex, type Position, type Range } from './text';
export type { AnalyzeOptions, Finding, FixHint, RelatedInformation, RuleId, RuleMetadata, Severity, SeveritySetting, TextEdit } from './types';
