// The page's only stylesheet: system fonts, no external assets, readable on screen and on paper.

export const STYLES = `
:root { --fg:#111827; --muted:#6b7280; --line:#e5e7eb; --bg:#f9fafb; --pass:#15803d; --pass-bg:#dcfce7; --fail:#b91c1c; --fail-bg:#fee2e2; --warn-bg:#fef3c7; --warn:#92400e; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 28px; margin: 0; line-height: 1.2; word-break: break-word; }
h2 { font-size: 17px; margin: 0 0 8px; }
h3 { font-size: 14px; margin: 18px 0 6px; }
ul.migration-cost { margin: 0; padding-left: 20px; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
section, .page-header { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 16px; }
.kicker { margin: 0 0 2px; text-transform: uppercase; letter-spacing: .06em; font-size: 11px; color: var(--muted); }
.description { margin: 4px 0 0; color: #374151; }
.title-row { display: flex; justify-content: space-between; gap: 16px; align-items: flex-start; }
.verdict { min-width: 190px; text-align: center; border-radius: 8px; padding: 10px 16px; border: 2px solid; }
.verdict span { display: block; font-size: 24px; font-weight: 700; letter-spacing: .04em; }
.verdict small { display: block; font-size: 12px; }
.verdict-pass { color: var(--pass); background: var(--pass-bg); border-color: var(--pass); }
.verdict-fail { color: var(--fail); background: var(--fail-bg); border-color: var(--fail); }
.verdict-no-gates { color: #374151; background: #f3f4f6; border-color: #9ca3af; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 14px 0 0; }
.meta dt { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.meta dd { margin: 0; font-variant-numeric: tabular-nums; }
.banner { margin: 12px 0 0; padding: 8px 12px; border-radius: 6px; }
.banner.warn { background: var(--warn-bg); color: var(--warn); border: 1px solid #fcd34d; font-weight: 600; }
.broke-first { margin-top: 14px; padding: 10px 14px; border-left: 4px solid var(--fail); background: #fffafa; }
.broke-first h2 { font-size: 14px; margin: 0 0 4px; }
.broke-first ul { margin: 0; padding-left: 18px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
.nowrap { white-space: nowrap; }
tfoot tr.total th, tfoot tr.total td { font-weight: 700; border-top: 2px solid var(--line); }
.table-scroll { overflow-x: auto; }
table.compact { width: auto; min-width: 360px; margin-top: 12px; }
.status { font-weight: 700; }
.pass { color: var(--pass); }
.fail { color: var(--fail); }
.bad { color: var(--fail); font-weight: 600; }
tr.row-fail td, tr.row-fail th { background: var(--fail-bg); color: var(--fail); }
tr.row-pass td.status { background: var(--pass-bg); }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.figure-label { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.figure-value { font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; }
.figure-detail { font-size: 12px; color: var(--muted); }
.figure.bad { border-color: #fca5a5; background: #fff7f7; }
.figure.bad .figure-value { color: var(--fail); }
.caption { margin: 0 0 8px; color: var(--muted); font-size: 13px; }
.muted { color: var(--muted); margin: 0; }
.chart-box { position: relative; height: 320px; }
.chart-box canvas { display: block; }
pre.scenario { background: #f3f4f6; border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow-x: auto; margin: 0; white-space: pre; }
footer { color: var(--muted); font-size: 12px; text-align: center; }
@media (max-width: 720px) { .title-row { flex-direction: column; } main { padding: 12px; } }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  section, .page-header { border: none; border-bottom: 1px solid var(--line); border-radius: 0; padding: 8px 0; break-inside: avoid; page-break-inside: avoid; }
  .chart-box { height: 260px; }
  .table-scroll { overflow: visible; }
  pre.scenario { white-space: pre-wrap; break-inside: auto; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
