/** Where each rule's page lives; the pages are docs/rules/<id>.md in the repository. */
export const RULE_DOCS_BASE = 'https://github.com/dockerfile-multistage/dockerfile-multistage/blob/main/docs/rules';

export function ruleDocsUrl(id: string): string {
  return `${RULE_DOCS_BASE}/${id}.md`;
}
