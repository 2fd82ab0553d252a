/**
 * Everything the client and the language server say to each other beyond standard LSP: setting
 * names, command ids and custom requests. Both sides import this one file.
 */
export const EXTENSION_ID = 'dockerfile-multistage.dockerfile-multistage';
export const SETTINGS_SECTION = 'multistage';
export const DIAGNOSTIC_SOURCE = 'multistage';
export const LANGUAGE_ID = 'dockerfile';

/** The settings under `multistage.*` that the server reads per document. */
export interface MultistageSettings {
  readonly target: string;
  readonly rules: Readonly<Record<string, string>>;
  readonly extraBuildTools: readonly string[];
}

export const DEFAULT_SETTINGS: MultistageSettings = { target: '', rules: {}, extraBuildTools: [] };

export const Commands = {
  compareImageSizes: 'multistage.compareImageSizes',
} as const;

/**
 * What `diagnostic.data` carries: which finding the diagnostic shows. Code actions match it to a
 * finding of the version they are asked on and compute the fixes there, never from this data.
 */
export interface DiagnosticData {
  readonly ruleId: string;
  readonly subject: string;
}

export interface RewriteParams {
  readonly uri: string;
}

export type RewriteResult =
  | { readonly ok: true; readonly text: string; readonly version: number; readonly summary: string }
  | { readonly ok: false; readonly reason: string };

/** Asks the server for the multi-stage rewrite of an open document (Compare Image Sizes uses it). */
export const RewriteRequest = { method: 'multistage/rewrite' } as const;
