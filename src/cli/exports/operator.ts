/** The actor recorded in the audit trail for what operators do from the CLI. */
export const OPERATOR = 'cli';
