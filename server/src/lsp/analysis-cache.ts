import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { folderBuildContext } from '../node/build-context';
import { DockerfileModel, RuleFailure, analyzeModel, rewrite, type AnalysisHooks, type Finding, type RewriteResult } from '../core';
import type { MultistageSettings } from '../protocol';
import { settingsKey, toAnalyzeOptions } from './settings';

/**
 * One version of one document, parsed once: its findings and its rewrite, computed when first asked
 * and always for this version's text, so whatever is built from them (a diagnostic, an edit) can be
 * labelled with `version` and nothing else.
 */
export class VersionAnalysis {
  readonly model: DockerfileModel;
  // Settings rarely change: one entry each, kept only while this version is the latest.
  private readonly findingsBySettings = new Map<string, readonly Finding[]>();
  private readonly rewriteBySettings = new Map<string, RewriteResult>();

  constructor(
    readonly uri: string,
    readonly version: number,
    text: string,
    private readonly hooks: Required<AnalysisHooks>,
  ) {
    this.model = new DockerfileModel(text);
  }

  get text(): string {
    return this.model.text;
  }

  findings(settings: MultistageSettings): readonly Finding[] {
    const key = settingsKey(settings);
    let findings = this.findingsBySettings.get(key);
    if (!findings) {
      findings = analyzeModel(this.model, toAnalyzeOptions(settings), this.hooks);
      this.findingsBySettings.set(key, findings);
    }
    return findings;
  }

  /** The multi-stage rewrite of this version, computed once when an action or request needs it. */
  rewrite(settings: MultistageSettings): RewriteResult {
    const key = settingsKey(settings);
    let result = this.rewriteBySettings.get(key);
    if (!result) {
      try {
        result = rewrite(this.model.text, { target: settings.target || undefined, extraBuildTools: settings.extraBuildTools, context: buildContextOf(this.uri) });
      } catch (error) {
        // rewrite() throws RuleFailure when a rule fails: log it like any rule failure, under its id.
        this.hooks.onRuleError(error instanceof RuleFailure ? error.ruleId : 'rewrite', error instanceof RuleFailure ? error.cause : error);
        result = { ok: false, kind: 'unsupported', reason: 'the rewrite failed unexpectedly; the language server log has the details' };
      }
      this.rewriteBySettings.set(key, result);
    }
    return result;
  }
}

/** The analysis of each open document's latest version; older versions are dropped, not kept. */
export class AnalysisCache {
  private readonly latest = new Map<string, VersionAnalysis>();

  constructor(private readonly hooks: Required<AnalysisHooks>) {}

  /** The analysis of the document as it is now. */
  get(document: TextDocument): VersionAnalysis {
    let analysis = this.latest.get(document.uri);
    if (!analysis || analysis.version !== document.version) {
      analysis = new VersionAnalysis(document.uri, document.version, document.getText(), this.hooks);
      this.latest.set(document.uri, analysis);
    }
    return analysis;
  }

  delete(uri: string): void {
    this.latest.delete(uri);
  }
}

/**
 * The build context the rewrite reads (Cargo.toml, a project file, the start script): the folder of
 * a Dockerfile on disk, as `docker build` is most often run there. Unsaved and virtual documents have none.
 */
function buildContextOf(uri: string) {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return folderBuildContext(dirname(fileURLToPath(uri)));
  } catch {
    return undefined;
  }
}
