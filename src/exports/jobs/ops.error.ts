/** An operator action that does not apply: the export is missing, or in a state the action cannot change. */
export class OpsError extends Error {}
