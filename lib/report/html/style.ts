/**
 * The stylesheet of the HTML report, inlined so the file needs nothing from the network (system fonts only).
 * Statuses and severities carry a text label as well as a colour, so they still read in grayscale print; in colour
 * print the backgrounds are kept (`print-color-adjust: exact`).
 */
export const REPORT_CSS = `
:root {
  --fg: #1e293b; --muted: #64748b; --faint: #94a3b8; --line: #e2e8f0; --bg: #f6f8fb; --card: #fff; --accent: #2563eb;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
  --modified: #a16207; --modified-bg: #fef9c3; --modified-line: #eab308;
  --missing: #b91c1c; --missing-bg: #fee2e2; --missing-line: #ef4444;
  --extra: #7e22ce; --extra-bg: #f3e8ff; --extra-line: #a855f7;
  --critical: #fff; --critical-bg: #991b1b; --critical-line: #7f1d1d;
  --high: #b91c1c; --high-bg: #fee2e2; --high-line: #ef4444;
  --medium: #a16207; --medium-bg: #fef9c3; --medium-line: #eab308;
  --low: #1d4ed8; --low-bg: #dbeafe; --low-line: #3b82f6;
  --info: #475569; --info-bg: #f1f5f9; --info-line: #94a3b8;
  --ok: #15803d; --ok-bg: #dcfce7; --ok-line: #22c55e;
  --warn: #9a3412; --warn-bg: #fff7ed; --warn-line: #fb923c;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 28px 32px 64px; }
code, pre { font-family: var(--mono); font-size: 12.5px; }
.mono { font-family: var(--mono); }
h1 { font-size: 24px; line-height: 1.25; margin: 0; letter-spacing: -0.01em; }
h2 { font-size: 17px; margin: 0 0 12px; display: flex; align-items: center; gap: 10px; }
h2 .hint { font-size: 13px; font-weight: 400; color: var(--muted); }
section { margin-top: 32px; }
.top { display: flex; flex-wrap: wrap; align-items: flex-start; justify-content: space-between; gap: 12px 24px; padding-bottom: 18px; border-bottom: 1px solid var(--line); }
.eyebrow { font-size: 12px; font-weight: 600; letter-spacing: .08em; text-transform: uppercase; color: var(--accent); margin-bottom: 4px; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 22px; margin-top: 8px; color: var(--muted); font-size: 13px; }
.meta b { color: var(--fg); font-weight: 600; }
.verdict { font-size: 15px; margin-top: 10px; }

.top > div:first-child { flex: 1 1 600px; min-width: 0; }
.top .status { flex: none; padding-top: 20px; }
.top .status .badge { font-size: 13px; line-height: 26px; padding: 0 14px; }
.cards-label { margin-top: 20px; font-size: 12px; font-weight: 700; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-top: 8px; }
.cards.small .card { padding: 8px 14px 10px; border-top-width: 3px; }
.cards.small .card .n { font-size: 24px; }
.card { background: var(--card); border: 1px solid var(--line); border-top: 4px solid var(--c, var(--faint)); border-radius: 10px; padding: 12px 16px 14px; }
.card .n { font-size: 32px; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; color: var(--cn, var(--fg)); }
.card .l { font-size: 12px; font-weight: 600; letter-spacing: .05em; text-transform: uppercase; color: var(--muted); margin-top: 2px; }
.card .sub { font-size: 12px; color: var(--muted); margin-top: 6px; display: flex; flex-wrap: wrap; gap: 4px; }
.card.zero .n { color: var(--faint); }

.badge { display: inline-block; padding: 0 8px; border-radius: 999px; border: 1px solid var(--bl, var(--faint)); background: var(--bb, var(--info-bg)); color: var(--bt, var(--info)); font-size: 11.5px; font-weight: 700; line-height: 19px; letter-spacing: .02em; white-space: nowrap; text-transform: uppercase; }
.mark { display: inline-block; padding: 0 7px; border-radius: 4px; font-size: 11.5px; line-height: 18px; white-space: nowrap; background: var(--info-bg); color: var(--info); }
.mark.new { background: #dbeafe; color: #1d4ed8; font-weight: 700; }
.k-modified { --c: var(--modified-line); --cn: var(--modified); --bl: var(--modified-line); --bb: var(--modified-bg); --bt: var(--modified); }
.k-missing { --c: var(--missing-line); --cn: var(--missing); --bl: var(--missing-line); --bb: var(--missing-bg); --bt: var(--missing); }
.k-extra { --c: var(--extra-line); --cn: var(--extra); --bl: var(--extra-line); --bb: var(--extra-bg); --bt: var(--extra); }
.k-critical { --c: var(--critical-line); --cn: var(--critical-bg); --bl: var(--critical-line); --bb: var(--critical-bg); --bt: var(--critical); }
.k-high { --c: var(--high-line); --cn: var(--high); --bl: var(--high-line); --bb: var(--high-bg); --bt: var(--high); }
.k-medium { --c: var(--medium-line); --cn: var(--medium); --bl: var(--medium-line); --bb: var(--medium-bg); --bt: var(--medium); }
.k-low { --c: var(--low-line); --cn: var(--low); --bl: var(--low-line); --bb: var(--low-bg); --bt: var(--low); }
.k-info, .k-exempted { --c: var(--info-line); --cn: var(--info); --bl: var(--info-line); --bb: var(--info-bg); --bt: var(--info); }
.k-ok, .k-resolved { --c: var(--ok-line); --cn: var(--ok); --bl: var(--ok-line); --bb: var(--ok-bg); --bt: var(--ok); }
.k-warn, .k-unconfirmed { --c: var(--warn-line); --cn: var(--warn); --bl: var(--warn-line); --bb: var(--warn-bg); --bt: var(--warn); }
.k-open { --c: var(--missing-line); --cn: var(--missing); --bl: var(--missing-line); --bb: var(--missing-bg); --bt: var(--missing); }

.notice { border: 1px solid var(--c); border-left-width: 4px; background: var(--bb); border-radius: 8px; padding: 10px 16px; }
.notice h3 { margin: 0 0 4px; font-size: 14px; color: var(--bt); }
.notice ul { margin: 6px 0 0; padding-left: 20px; }
.notice li { margin: 2px 0; }

.toolbar { display: none; }
.js .toolbar { display: flex; }
.toolbar { position: sticky; top: 0; z-index: 10; flex-wrap: wrap; align-items: center; gap: 8px 12px; margin-top: 28px; padding: 10px 0; background: var(--bg); border-bottom: 1px solid var(--line); }
.toolbar input { flex: 1 1 320px; max-width: 520px; padding: 7px 12px; border: 1px solid #cbd5e1; border-radius: 8px; background: #fff; font: inherit; color: var(--fg); }
.toolbar input:focus { outline: 2px solid #93c5fd; outline-offset: 0; border-color: var(--accent); }
.toolbar button { padding: 6px 12px; border: 1px solid #cbd5e1; border-radius: 8px; background: #fff; font: inherit; font-size: 13px; color: var(--fg); cursor: pointer; }
.toolbar button:hover { background: #f1f5f9; }
.toolbar .shown { color: var(--muted); font-size: 13px; margin-left: auto; }

details.group { background: var(--card); border: 1px solid var(--line); border-radius: 10px; margin: 10px 0; overflow: hidden; }
details.group > summary { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 10px 16px; cursor: pointer; list-style: none; font-weight: 600; user-select: none; }
details.group > summary::-webkit-details-marker { display: none; }
details.group > summary::before { content: ""; width: 7px; height: 7px; border-right: 2px solid var(--muted); border-bottom: 2px solid var(--muted); transform: rotate(-45deg); margin-right: 4px; }
details.group[open] > summary::before { transform: rotate(45deg); }
details.group > summary:hover { background: #f8fafc; }
details.group > summary .count { color: var(--muted); font-weight: 400; font-size: 13px; }
details.group > summary .badges { display: flex; gap: 6px; margin-left: auto; }
.ns-name { font-family: var(--mono); font-size: 13.5px; }

.entry { border-top: 1px solid var(--line); border-left: 4px solid var(--c, var(--line)); padding: 12px 16px 14px; content-visibility: auto; contain-intrinsic-size: auto 180px; }
.entry-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; }
.entry-head .obj { font-weight: 600; }
.entry-head .kind { color: var(--muted); font-weight: 500; }
.entry-head .src { color: var(--muted); font-size: 12px; font-family: var(--mono); margin-left: auto; }
.entry .note { margin: 6px 0 0; color: var(--muted); font-size: 13px; }
.change { margin-top: 10px; }
.change + .change { padding-top: 10px; border-top: 1px dashed var(--line); }
.change-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; }
.path { font-family: var(--mono); font-size: 12.5px; word-break: break-all; color: var(--fg); }
.reason { color: var(--muted); font-size: 12px; }
.sides { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; margin-top: 6px; }
.side { border: 1px solid var(--line); border-radius: 6px; overflow: hidden; background: #fff; }
.side .lbl { font-size: 10.5px; font-weight: 700; letter-spacing: .08em; text-transform: uppercase; padding: 2px 10px; background: #f1f5f9; color: var(--muted); border-bottom: 1px solid var(--line); }
.side.live .lbl { background: var(--modified-bg); color: var(--modified); }
.side pre { margin: 0; padding: 6px 10px; line-height: 1.45; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 260px; overflow: auto; }
.absent { color: var(--faint); font-style: italic; font-family: inherit; }
.who { margin-top: 6px; font-size: 12.5px; color: var(--muted); }
.who b { color: var(--fg); font-weight: 600; }

table.list { width: 100%; border-collapse: collapse; }
table.list th { text-align: left; font-size: 11.5px; font-weight: 700; letter-spacing: .05em; text-transform: uppercase; color: var(--muted); padding: 8px 12px; border-bottom: 1px solid var(--line); background: #f8fafc; }
table.list td { padding: 8px 12px; border-top: 1px solid var(--line); vertical-align: top; }
table.list tr:first-child td { border-top: 0; }
table.list td.num, table.list th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.list .wrap { overflow-wrap: anywhere; }
table.findings { table-layout: fixed; }
table.findings .c-check { width: 22%; } table.findings .c-object { width: 22%; } table.findings .c-seen { width: 190px; }
.finding-msg { margin-top: 0; }
.fix { margin-top: 4px; font-size: 12.5px; color: var(--muted); }
.fix code { background: #f1f5f9; border: 1px solid var(--line); border-radius: 4px; padding: 1px 6px; color: var(--fg); overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.nowrap { white-space: nowrap; }
time { white-space: nowrap; }

.timeline { position: relative; height: 12px; min-width: 160px; background: #f1f5f9; border-radius: 6px; overflow: hidden; }
.timeline span { position: absolute; top: 0; bottom: 0; min-width: 3px; border-radius: 6px; background: var(--c, var(--faint)); }
.trail { display: grid; grid-template-columns: minmax(160px, 320px) 1fr; align-items: center; gap: 6px 14px; margin-top: 8px; }
.trail-text { font-size: 12.5px; color: var(--muted); }
.trail-text b { color: var(--fg); font-weight: 600; }
.entry .finding-msg { margin-top: 8px; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
.axis { display: flex; justify-content: space-between; font-size: 11.5px; color: var(--muted); }

.t-modified { fill: var(--modified-line); } .t-missing { fill: var(--missing-line); } .t-extra { fill: var(--extra-line); }
h3 { font-size: 14px; margin: 18px 0 8px; }
.notice h3 { margin-top: 0; }
.trend { display: block; width: 100%; height: 120px; }
.trend-legend { display: flex; gap: 14px; font-size: 12px; color: var(--muted); margin-top: 6px; }
.trend-legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; background: var(--c); }

.empty { padding: 18px; text-align: center; color: var(--muted); background: var(--card); border: 1px dashed var(--line); border-radius: 10px; }
footer { margin-top: 40px; color: var(--faint); font-size: 12px; }

@media (max-width: 860px) { main { padding: 16px; } .sides, .trail { grid-template-columns: minmax(0, 1fr); } }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 11px; }
  main { max-width: none; padding: 0; }
  .js .toolbar { display: none; }
  .entry { content-visibility: visible; break-inside: avoid; }
  .side pre { max-height: none; overflow: visible; }
  details.group { border-color: #cbd5e1; }
  section { break-before: auto; }
}
`;
