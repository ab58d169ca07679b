// The report only needs a baseline comparison's rows, not the comparison code itself (which lives
// in src/gate/). This is the shape it reads; the gate's result can be passed as is if it matches.

export interface CompareRowLike {
  /** e.g. "endToEnd.p99" */
  metric: string;
  baseline: number | null;
  current: number | null;
  /** Relative change, current / baseline - 1 (0.12 = 12 % higher); null when not computable. */
  change?: number | null;
  /** The allowed regression as written by the user, e.g. "+10%". */
  tolerance?: string;
  ok: boolean;
  note?: string;
}

export interface CompareRowsLike {
  ok: boolean;
  /** Where the baseline came from (file name or run id), shown in the header. */
  baseline?: string;
  rows: CompareRowLike[];
}
