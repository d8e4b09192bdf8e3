/** Minimal HTML helpers: every interpolated value goes through `esc` (all content is untrusted). */

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A tagged template that escapes interpolations unless they are `Raw`. */
export class Raw {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out += (Array.isArray(v) ? v.map((x) => (x instanceof Raw ? x.html : esc(x))).join('') : v instanceof Raw ? v.html : esc(v)) + strings[i + 1];
  }
  return new Raw(out);
}

export function page(title: string, body: Raw): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:10px 24px}header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:980px;margin:24px auto;padding:0 16px}
.box{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:12px 0;padding:12px 16px}
.muted{color:#656d76}.badge{display:inline-block;border-radius:2em;padding:0 8px;font-size:12px;font-weight:600;color:#fff}
.open{background:#1f883d}.closed{background:#cf222e}.merged{background:#8250df}
.success{color:#1a7f37}.failure,.error,.action_required,.timed_out,.cancelled,.startup_failure,.stale{color:#cf222e}
.pending,.queued,.in_progress{color:#9a6700}.neutral,.skipped{color:#656d76}
pre{white-space:pre-wrap;background:#f6f8fa;padding:8px;border-radius:6px;overflow:auto}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-top:1px solid #d0d7de;vertical-align:top}
button{cursor:pointer}
.md table{width:auto;margin:8px 0}.md th{background:#f6f8fa}.md code{background:#eff1f3;padding:1px 4px;border-radius:4px;font-size:90%}
.md pre code{background:none;padding:0;font-size:inherit}.md blockquote{margin:0;padding:0 12px;color:#656d76;border-left:3px solid #d0d7de}
</style></head>
<body><header><a href="/">local GitHub</a> <span class="muted">— an emulator, not github.com</span></header>
<main>${body}</main></body></html>
`.html;
}
