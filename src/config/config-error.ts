/** A configuration mistake: the process stops with this one line, without a stack. */
export class ConfigError extends Error {}
