// The report's stylesheet, inlined into index.html so the page needs nothing from the network.

/** Status colours; the text label inside each box says the same for readers who cannot tell them apart. */
export const STATUS_COLOURS: Record<string, { bg: string; fg: string }> = {
  pass: { bg: "#2da44e", fg: "#fff" },
  fail: { bg: "#cf222e", fg: "#fff" },
  timeout: { bg: "#e16f24", fg: "#fff" },
  error: { bg: "#8250df", fg: "#fff" },
  flaky: { bg: "#d4a72c", fg: "#1f2328" },
  cancel: { bg: "#6e7781", fg: "#fff" },
  skip: { bg: "#d0d7de", fg: "#1f2328" },
};

const OUTCOME_CLASSES = `.o-pass{background:#2da44e;color:#fff}.o-fail,.o-error{background:#cf222e;color:#fff}
.o-timeout{background:#e16f24;color:#fff}.o-skip,.o-todo,.o-xfail{background:#d0d7de}`;

/** The whole stylesheet. */
export function reportCss(): string {
  const statuses = Object.entries(STATUS_COLOURS)
    .map(([status, c]) => `.s-${status}{background:${c.bg};color:${c.fg}}`)
    .join("\n");
  return `
:root{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
body{margin:0 auto;padding:16px 24px 48px;max-width:1600px}
h1{font-size:22px;margin:0 0 4px}h1 .state{font-size:14px;font-weight:normal;color:#cf222e}
h2{font-size:18px;margin:0 0 6px;display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
h3{font-size:14px;margin:18px 0 6px}h3 small{font-weight:normal;color:#656d76;margin-left:6px}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
a{color:#0969da}.muted,small{color:#656d76}
header p{margin:2px 0;color:#656d76}
.verdict{font-size:16px;margin:10px 0 4px;color:#1f2328}
.verdict b{font-size:20px}
.toolbar{position:sticky;top:0;z-index:2;background:#f6f8fa;padding:10px 0;display:flex;gap:8px;flex-wrap:wrap;align-items:center;border-bottom:1px solid #d0d7de}
.chip{display:inline-flex;gap:6px;align-items:center;border-radius:16px;padding:3px 12px;cursor:pointer;user-select:none;font-weight:600;border:2px solid transparent}
.chip input{display:none}.chip.off{opacity:.35;text-decoration:line-through}
.chip.plain{background:#fff;border-color:#d0d7de;color:#1f2328}
.chip.changed{background:#fff;border-color:#cf222e;color:#cf222e}
#filter{flex:1;min-width:220px;max-width:420px;padding:5px 10px;border:1px solid #d0d7de;border-radius:6px;font:inherit}
#shown{color:#656d76}
.gridwrap{width:fit-content;max-width:100%;box-sizing:border-box;overflow-x:auto;margin:12px 0;background:#fff;border:1px solid #d0d7de;border-radius:6px}
table.grid{border-collapse:collapse}
.grid th,.grid td{border-bottom:1px solid #eaeef2;padding:4px 6px;text-align:center;vertical-align:middle}
.grid thead th{background:#f6f8fa;font-weight:600;border-left:1px solid #eaeef2;white-space:nowrap}
.grid thead th[scope=row]{text-align:right;color:#656d76;font-weight:normal}
.grid tbody th{text-align:left;font-weight:600;white-space:nowrap;max-width:420px;overflow:hidden;text-overflow:ellipsis}
.grid tbody th small{display:block;font-weight:normal;overflow:hidden;text-overflow:ellipsis}
.grid td{border-left:1px solid #eaeef2;white-space:nowrap}
.grid td.none{color:#d0d7de}
.cell{display:inline-flex;flex-direction:column;align-items:center;min-width:64px;padding:3px 6px;margin:1px;border-radius:5px;text-decoration:none;font-weight:700;font-size:12px;position:relative;outline-offset:2px}
.cell small{color:inherit;opacity:.85;font-weight:normal;font-size:11px}
.cell.selected{outline:3px solid #0969da}
.cell.new-failure{box-shadow:0 0 0 3px #fff,0 0 0 5px #cf222e}
.cell.fixed{box-shadow:0 0 0 3px #fff,0 0 0 5px #2da44e}
.cell .tag{position:absolute;top:-7px;right:-7px;background:#1f2328;color:#fff;font-size:9px;padding:0 4px;border-radius:6px;text-transform:uppercase}
.hide{display:none!important}
.problems{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;margin:12px 0}
.problems table{border-collapse:collapse;width:100%}
.problems td{padding:3px 6px;border-top:1px solid #eaeef2;vertical-align:top}
.problems td:last-child{color:#656d76;word-break:break-word}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:700}
.details{margin-top:12px}
.details .placeholder{color:#656d76;background:#fff;border:1px dashed #d0d7de;border-radius:6px;padding:16px;text-align:center}
.details:has(.detail:target) .placeholder{display:none}
.detail{display:none;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:14px 18px;scroll-margin-top:60px}
.detail:target,.detail.open{display:block}
.details:has(.detail.open) .placeholder{display:none}
.details:has(.detail:target) .detail.open:not(:target){display:none}
.detail .where{color:#656d76;font-weight:normal;font-size:14px}
.detail .back{margin-left:auto;font-size:13px;font-weight:normal}
.detail .summary{margin:0 0 8px;color:#656d76}
.change{padding:6px 10px;border-radius:6px;font-weight:600}
.change.new-failure{background:#ffebe9;color:#a40e26}.change.fixed{background:#dafbe1;color:#116329}
.reasons{margin:6px 0;padding-left:20px}.reasons li{word-break:break-word}.reasons .more{display:block;color:#656d76}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}
.facts dt{color:#656d76}.facts dd{margin:0}
.bar{display:flex;height:20px;border-radius:4px;overflow:hidden;background:#eaeef2;max-width:900px}
.phase{font-size:11px;color:#fff;line-height:20px;padding:0 4px;overflow:hidden;white-space:nowrap;min-width:2px}
.p-build{background:#57606a}.p-boot{background:#0969da}.p-drive{background:#1a7f37}.p-collect{background:#9a6700}.p-teardown{background:#8c959f}
.phase.failed{background:#cf222e}
.phases{list-style:none;padding:0;margin:4px 0;display:flex;gap:14px;flex-wrap:wrap;color:#656d76;font-size:12px}
.phases .failed{color:#cf222e}
.stages{font-size:12px;color:#656d76}.stage{color:#1f2328}.st-fatal{color:#cf222e;font-weight:700}
pre.log{background:#0d1117;color:#e6edf3;padding:8px 0;border-radius:6px;overflow-x:auto;max-height:520px}
pre.log .line{display:block;padding:0 10px;white-space:pre}
pre.log .line i{color:#6e7681;font-style:normal;user-select:none}
pre.log .mark{background:#5a1e24;color:#ffdcd7;font-weight:700}
.finding{margin:6px 0 2px}.finding-fail,.finding-error{color:#cf222e;font-weight:600}.finding-allowed{color:#656d76}
pre.command{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px 10px;white-space:pre-wrap;word-break:break-all}
pre.diagnostics{background:#fff8f8;border-left:3px solid #cf222e;margin:3px 0 6px 22px;padding:4px 10px;font-size:12px;white-space:pre-wrap;overflow-x:auto}
.tests{list-style:none;padding-left:4px;margin:4px 0}.tests .tests{padding-left:22px}.tests li{margin:1px 0}
.attempts{border-collapse:collapse}.attempts td,.attempts th{padding:2px 8px;text-align:left;border-bottom:1px solid #eaeef2}
.logs{columns:2;padding-left:20px}
${statuses}
${OUTCOME_CLASSES}
`;
}
