/** The status page's few rules, inlined into its HTML shell. */
export const STATUS_PAGE_STYLE = `body{font:14px system-ui,sans-serif;margin:1.5rem;color:#1b1f24}
h1{font-size:1.3rem} h2{font-size:1.05rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e3e6ea;vertical-align:top}
.badge{display:inline-block;padding:.1rem .45rem;border-radius:.6rem;background:#eef0f3;font-size:12px}
.badge[data-value=CONNECTED],.badge[data-value=IN_SYNC],.badge[data-value=ACTIVE]{background:#d5f5de}
.badge[data-value=OUT_OF_SYNC],.badge[data-value=RECONNECTING]{background:#fff1c2}
.badge[data-value=UNREACHABLE],.badge[data-value=UNAUTHORIZED],.badge[data-value=ERROR]{background:#ffd9d6}
.badge[data-value=SUSPENDED]{background:#e4dcff}
.stages{display:flex;gap:.4rem;list-style:none;padding:0;margin:.3rem 0 0}
.stages li{padding:.05rem .4rem;border-radius:.3rem;background:#eef0f3;font-size:12px}
.stages li[data-status=RUNNING]{background:#cfe3ff} .stages li[data-status=SUCCEEDED]{background:#d5f5de}
.stages li[data-status=FAILED]{background:#ffd9d6} .stages li[data-status=SKIPPED]{color:#777}
#events{font:12px ui-monospace,monospace;max-height:20rem;overflow:auto;padding-left:1.2rem}
#problems{color:#a4161a} .token-form{display:flex;gap:.5rem;align-items:center}
#topology svg{width:100%;max-height:30rem;border:1px solid #e3e6ea;border-radius:.3rem}
#topology .link{stroke:#9aa4b1;stroke-width:1.5} #topology .link.EXTERNAL{stroke-dasharray:3 3}
#topology .node circle{fill:#cfe3ff;stroke:#3b6fb6} #topology .node.Server circle{fill:#d5f5de;stroke:#2f8a4c}
#topology .node text{font-size:10px;fill:#1b1f24}
.diagram-download{display:inline-flex;gap:.3rem;margin-left:1rem;font-size:13px;font-weight:normal}`;
