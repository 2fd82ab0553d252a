import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, RewriteResult } from '../core';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from '../protocol';
import type { VersionAnalysis } from './analysis-cache';

export interface CodeActionSupport {
  /** The client accepts CodeAction literals (LSP 3.8 `codeActionLiteralSupport`); without it, only Commands. */
  readonly literals: boolean;
  /** The client shows disabled actions with their reason (LSP 3.16 `disabledSupport`). */
  readonly disabled: boolean;
  /** The client applies versioned `documentChanges`. */
  readonly documentChanges: boolean;
}

export const SPLIT_TITLE = 'Split into builder and runtime stages';
export const CONVERT_TITLE = 'Convert to multi-stage build';

/**
 * Code actions for the diagnostics the client sends back. Every edit is computed from `analysis`,
 * the version the server holds now (LSP sends didChange before codeAction), and labelled with that
 * version. A client's diagnostic counts only when it still matches a current finding (rule, range,
 * subject): one published for an older version, whose range no longer points at the same text, gets
 * no action rather than an edit that would land in the wrong place.
 */
export function codeActions(
  params: CodeActionParams,
  analysis: VersionAnalysis,
  findings: readonly Finding[],
  rewriteOf: () => RewriteResult,
  support: CodeActionSupport,
): CodeAction[] {
  if (!support.literals) return []; // every action here is an edit, which such clients cannot receive
  const actions: CodeAction[] = [];
  const wants = (kind: string) => !params.context.only || params.context.only.some((only) => kind === only || kind.startsWith(`${only}.`));
  const splitDiagnostics: Diagnostic[] = [];

  if (wants(CodeActionKind.QuickFix)) {
    for (const diagnostic of params.context.diagnostics) {
      const finding = currentFinding(diagnostic, findings);
      if (!finding) continue;
      for (const fix of finding.fixes) {
        if (fix.kind === 'split-stages') splitDiagnostics.push(diagnostic);
        else actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: workspaceEdit(analysis, [...fix.edits], support) });
      }
    }
    if (splitDiagnostics.length > 0) {
      const action = rewriteAction(SPLIT_TITLE, CodeActionKind.QuickFix, analysis, rewriteOf(), support);
      if (action) actions.push({ ...action, diagnostics: splitDiagnostics, ...(action.disabled ? {} : { isPreferred: true }) });
    }
  }
  if (analysis.model.stages.length === 1 && wants(CodeActionKind.RefactorRewrite)) {
    const action = rewriteAction(CONVERT_TITLE, CodeActionKind.RefactorRewrite, analysis, rewriteOf(), support);
    if (action) actions.push(action);
  }
  return actions;
}

/**
 * The finding of this version that a client's diagnostic shows, if it still shows one: same rule,
 * same range and same subject (from `data`, or the message for clients that do not send `data`
 * back).
 */
export function currentFinding(diagnostic: Diagnostic, findings: readonly Finding[]): Finding | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') return undefined;
  const subject = typeof (diagnostic.data as DiagnosticData | undefined)?.subject === 'string' ? (diagnostic.data as DiagnosticData).subject : undefined;
  return findings.find(
    (finding) =>
      finding.ruleId === diagnostic.code &&
      sameRange(finding.range, diagnostic.range) &&
      (subject !== undefined ? finding.subject === subject : finding.message === diagnostic.message),
  );
}

function sameRange(a: Diagnostic['range'], b: Diagnostic['range'] | undefined): boolean {
  return (
    b !== undefined &&
    a.start.line === b.start?.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end?.line &&
    a.end.character === b.end.character
  );
}

function rewriteAction(title: string, kind: string, analysis: VersionAnalysis, result: RewriteResult, support: CodeActionSupport): CodeAction | undefined {
  if (!result.ok) return support.disabled ? { title, kind, disabled: { reason: `Not rewritten: ${result.reason}` } } : undefined;
  return { title, kind, edit: workspaceEdit(analysis, [minimalEdit(analysis, result.text)], support) };
}

function workspaceEdit(analysis: VersionAnalysis, edits: TextEdit[], support: CodeActionSupport): WorkspaceEdit {
  if (support.documentChanges) return { documentChanges: [TextDocumentEdit.create({ uri: analysis.uri, version: analysis.version }, edits)] };
  return { changes: { [analysis.uri]: edits } };
}

/** One edit covering only what differs, so the refactor preview shows exactly the change. */
export function minimalEdit(analysis: VersionAnalysis, next: string): TextEdit {
  const current = analysis.text;
  let prefix = 0;
  const limit = Math.min(current.length, next.length);
  while (prefix < limit && current.charCodeAt(prefix) === next.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < limit - prefix && current.charCodeAt(current.length - 1 - suffix) === next.charCodeAt(next.length - 1 - suffix)) suffix++;
  // Never cut a surrogate pair or a CR LF in two: clients disagree on where such a position is.
  while (prefix > 0 && splitsPair(current, prefix)) prefix--;
  while (suffix > 0 && splitsPair(current, current.length - suffix)) suffix--;
  // Positions as LSP counts lines (\r\n, \n and a lone \r), in the analysed text.
  const lines = TextDocument.create(analysis.uri, 'dockerfile', analysis.version, current);
  return {
    range: { start: lines.positionAt(prefix), end: lines.positionAt(current.length - suffix) },
    newText: next.slice(prefix, next.length - suffix),
  };
}

function splitsPair(text: string, offset: number): boolean {
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  return (before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff) || (before === 0x0d && after === 0x0a);
}
