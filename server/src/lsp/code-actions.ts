import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { RewriteResult } from '../core';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from '../protocol';

export interface CodeActionSupport {
  /** The client shows disabled actions with their reason (LSP 3.16 `disabledSupport`). */
  readonly disabled: boolean;
  /** The client applies versioned `documentChanges`. */
  readonly documentChanges: boolean;
}

export const SPLIT_TITLE = 'Split into builder and runtime stages';
export const CONVERT_TITLE = 'Convert to multi-stage build';

/**
 * Code actions from the fixes each diagnostic carries in `data`: one generic path turns every fix
 * into a WorkspaceEdit pinned to the document version. The multi-stage rewrite is computed only
 * when an action asks for it.
 */
export function codeActions(
  params: CodeActionParams,
  document: TextDocument,
  singleStage: boolean,
  rewriteOf: () => RewriteResult,
  support: CodeActionSupport,
): CodeAction[] {
  const actions: CodeAction[] = [];
  const wants = (kind: string) => !params.context.only || params.context.only.some((only) => kind === only || kind.startsWith(`${only}.`));
  const ours = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && isDiagnosticData(d.data));
  const splitDiagnostics: Diagnostic[] = [];

  if (wants(CodeActionKind.QuickFix)) {
    for (const diagnostic of ours) {
      for (const fix of (diagnostic.data as DiagnosticData).fixes) {
        if (fix.kind === 'split-stages') splitDiagnostics.push(diagnostic);
        else actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: workspaceEdit(document, [...fix.edits], support) });
      }
    }
    if (splitDiagnostics.length > 0) {
      const action = rewriteAction(SPLIT_TITLE, CodeActionKind.QuickFix, document, rewriteOf(), support);
      if (action) actions.push({ ...action, diagnostics: splitDiagnostics, ...(action.disabled ? {} : { isPreferred: true }) });
    }
  }
  if (singleStage && wants(CodeActionKind.RefactorRewrite)) {
    const action = rewriteAction(CONVERT_TITLE, CodeActionKind.RefactorRewrite, document, rewriteOf(), support);
    if (action) actions.push(action);
  }
  return actions;
}

function rewriteAction(title: string, kind: string, document: TextDocument, result: RewriteResult, support: CodeActionSupport): CodeAction | undefined {
  if (!result.ok) return support.disabled ? { title, kind, disabled: { reason: `Not rewritten: ${result.reason}` } } : undefined;
  return { title, kind, edit: workspaceEdit(document, [minimalEdit(document, result.text)], support) };
}

function workspaceEdit(document: TextDocument, edits: TextEdit[], support: CodeActionSupport): WorkspaceEdit {
  if (support.documentChanges) return { documentChanges: [TextDocumentEdit.create({ uri: document.uri, version: document.version }, edits)] };
  return { changes: { [document.uri]: edits } };
}

/** One edit covering only what differs, so the refactor preview shows exactly the change. */
export function minimalEdit(document: TextDocument, next: string): TextEdit {
  const current = document.getText();
  let prefix = 0;
  const limit = Math.min(current.length, next.length);
  while (prefix < limit && current.charCodeAt(prefix) === next.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < limit - prefix && current.charCodeAt(current.length - 1 - suffix) === next.charCodeAt(next.length - 1 - suffix)) suffix++;
  return {
    range: { start: document.positionAt(prefix), end: document.positionAt(current.length - suffix) },
    newText: next.slice(prefix, next.length - suffix),
  };
}

function isDiagnosticData(data: unknown): data is DiagnosticData {
  return typeof data === 'object' && data !== null && Array.isArray((data as DiagnosticData).fixes);
}
