// Facts of fleetstorm's wire format that every layer may need (validation checks sizes against
// them); the encoders and decoders live in client/.

/** Bytes of the tracking header at the start of every tracked payload (see client/tracking.ts). */
export const TRACKING_HEADER_BYTES = 20;

/**
 * Bytes of the tracking field a JSON payload starts with instead: `{"_fs":"` + the header in hex
 * (40 characters) + `"`, then `,` before the payload's own members (see client/tracking.ts).
 */
export const TRACKING_FIELD_BYTES = 49;
