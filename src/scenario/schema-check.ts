// Cross-field checks run on the raw scenario beside the schema, not after it, so a rule that
// spans fields (url vs urls, sessionExpiry vs protocol) is reported together with every other
// problem instead of only once the rest is fixed.

export type IssuePath = (string | number)[];

/** Inspects the raw (un-validated) root object; report every problem found. */
export type CrossCheck = (root: Record<string, unknown>, report: (path: IssuePath, message: string) => void) => void;
