import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown, markdown } from '../../../src/local-github/web/markdown.js';
import { safeUrl } from '../../../src/local-github/web/markdown-inline.js';
import { reports } from './report-fixtures.js';

const md = (s: string): string => renderMarkdown(s);

/** Every tag in the output is one the renderer writes, with only the attributes it writes. */
function assertSafeHtml(out: string): void {
  const allowed = new Set(['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'del', 'code', 'pre', 'ul', 'ol', 'li',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'blockquote', 'details', 'summary', 'a']);
  const stack: string[] = [];
  for (const m of out.matchAll(/<(\/?)([^\s>/]*)([^>]*)>/g)) {
    const [, closing, tag, attrs] = m;
    assert.ok(allowed.has(tag), `unexpected tag <${closing}${tag}${attrs}>`);
    if (closing) {
      assert.equal(attrs, '');
      assert.equal(stack.pop(), tag, `unbalanced </${tag}>`);
      continue;
    }
    if (tag === 'a') assert.match(attrs, /^ href="[^"<>]*" rel="nofollow noopener"$/);
    else if (tag === 'th' || tag === 'td') assert.match(attrs, /^(?: align="(?:left|center|right)")?$/);
    else if (tag === 'ol') assert.match(attrs, /^(?: start="\d+")?$/);
    else assert.equal(attrs, '', `attributes on <${tag}>`);
    if (tag !== 'br' && tag !== 'hr') stack.push(tag);
  }
  assert.deepEqual(stack, [], 'unclosed tags');
}

test('headings, paragraphs, rules and hard line breaks', () => {
  assert.equal(md('# One\n## Two ##\n###### Six\n####### seven'), '<h1>One</h1>\n<h2>Two</h2>\n<h6>Six</h6>\n<p>####### seven</p>');
  assert.equal(md('#nospace'), '<p>#nospace</p>');
  assert.equal(md('a\nb\n\nc'), '<p>a\nb</p>\n<p>c</p>');
  assert.equal(md('a  \nb\\\nc'), '<p>a  <br>\nb<br>\nc</p>');
  assert.equal(md('x\n\n---\n* * *\n___'), '<p>x</p>\n<hr>\n<hr>\n<hr>');
  assert.equal(md('\r\n# crlf\r\ntext\r\n'), '<h1>crlf</h1>\n<p>text</p>');
  assert.equal(md(''), '');
});

test('emphasis, strong, strike-through, code spans and backslash escapes', () => {
  assert.equal(md('*a* _b_ **c** __d__ ***e*** ~~f~~'), '<p><em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong> <strong><em>e</em></strong> <del>f</del></p>');
  assert.equal(md('**bold *and em* inside**'), '<p><strong>bold <em>and em</em> inside</strong></p>');
  assert.equal(md('snake_case_name and 2*3*4'), '<p>snake_case_name and 2<em>3</em>4</p>');
  assert.equal(md('a * b * c and ** x'), '<p>a * b * c and ** x</p>');
  assert.equal(md('`a*b*c` ``x ` y`` `unclosed'), '<p><code>a*b*c</code> <code>x &#96; y</code> &#96;unclosed</p>');
  assert.equal(md('\\*not em\\* \\`no code\\` \\\\ \\a'), '<p>*not em* &#96;no code&#96; \\ \\a</p>');
  assert.equal(md('a & b < c > d " e \' &amp;'), '<p>a &#38; b &#60; c &#62; d &#34; e &#39; &#38;amp;</p>');
});

test('links: http(s) and relative only; others keep their text', () => {
  assert.equal(md('[site](https://example.com/a?b=1&c=2)'), '<p><a href="https://example.com/a?b=1&#38;c=2" rel="nofollow noopener">site</a></p>');
  assert.equal(md('[run](/acme/widgets/runs/1) [top](#top) [up](../x) [**b**](http://h)'),
    '<p><a href="/acme/widgets/runs/1" rel="nofollow noopener">run</a> <a href="#top" rel="nofollow noopener">top</a> <a href="../x" rel="nofollow noopener">up</a> <a href="http://h" rel="nofollow noopener"><strong>b</strong></a></p>');
  for (const bad of ['javascript:alert%281%29', 'JaVaScRiPt:x', 'data:text/html,x', 'vbscript:x', 'http:x', 'https:/', 'mailto:a@b', '']) {
    assert.equal(md(`[t](${bad})`), '<p>t</p>', bad);
  }
  assert.equal(md('[t](javascript:alert(1))'), '<p>[t](javascript:alert(1))</p>');
  assert.equal(md('[a [b](/x) c](/y)'), '<p>[a <a href="/x" rel="nofollow noopener">b</a> c](/y)</p>');
  assert.equal(md('[no link] [x] (y)'), '<p>[no link] [x] (y)</p>');
  assert.equal(safeUrl('/path:with-colon'), true);
  assert.equal(safeUrl('java\u0000script:x'), false);
  assert.equal(safeUrl('/\\evil.example'), false);
});

test('lists: bullets, ordered with a start, nesting by indentation, continuation lines', () => {
  assert.equal(md('- a\n- b\n* c'), '<ul><li>a</li><li>b</li><li>c</li></ul>');
  assert.equal(md('3. x\n4. y'), '<ol start="3"><li>x</li><li>y</li></ol>');
  assert.equal(md('1) x'), '<ol><li>x</li></ol>');
  assert.equal(md('- a\n  - b\n    - c\n  - d\n- e'), '<ul><li>a<ul><li>b<ul><li>c</li></ul></li><li>d</li></ul></li><li>e</li></ul>');
  assert.equal(md('- a\n  more a\n- b\n\npara'), '<ul><li>a\nmore a</li><li>b</li></ul>\n<p>para</p>');
  assert.equal(md('- a\n1. b'), '<ul><li>a</li></ul><ol><li>b</li></ol>');
  assert.equal(md('-notalist'), '<p>-notalist</p>');
});

test('tables: header, alignment, escaped pipes (also in code), missing and extra cells', () => {
  assert.equal(
    md('| A | B | C |\n|:--|:-:|--:|\n| 1 | `x\\|y` | 3 | extra\n| only'),
    '<table><thead><tr><th align="left">A</th><th align="center">B</th><th align="right">C</th></tr></thead><tbody>' +
      '<tr><td align="left">1</td><td align="center"><code>x|y</code></td><td align="right">3</td></tr>' +
      '<tr><td align="left">only</td><td align="center"></td><td align="right"></td></tr></tbody></table>',
  );
  assert.equal(md('a | b\n--|--\nc | d'), '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>c</td><td>d</td></tr></tbody></table>');
  // A delimiter row with another number of cells is not a table.
  assert.equal(md('| a | b |\n|---|\n| c |'), '<p>| a | b |\n|---|\n| c |</p>');
});

test('fenced code: backticks and tildes, info string dropped, content escaped, unclosed runs to the end', () => {
  assert.equal(md('```json\n{"a": "<b>"}\n  **x**\n```\nafter'), '<pre><code>{&#34;a&#34;: &#34;&#60;b&#62;&#34;}\n  **x**</code></pre>\n<p>after</p>');
  assert.equal(md('~~~~\n```\n~~~\n~~~~'), '<pre><code>&#96;&#96;&#96;\n~~~</code></pre>');
  assert.equal(md('```\n<script>\n'), '<pre><code>&#60;script&#62;\n</code></pre>');
  assert.equal(md('  ```\n  indented\n ```'), '<pre><code>indented</code></pre>');
});

test('block quotes and details sections', () => {
  assert.equal(md('> quoted *em*\n> > deeper'), '<blockquote><p>quoted <em>em</em></p>\n<blockquote><p>deeper</p></blockquote></blockquote>');
  assert.equal(
    md('<details><summary>Effective `config`</summary>\n\n```json\n{}\n```\n\n</details>'),
    '<details><summary>Effective <code>config</code></summary>\n<pre><code>{}</code></pre>\n</details>',
  );
  assert.equal(md('<DETAILS open>\n<summary>s</summary>\n\nbody\n</details>'), '<details>\n<summary>s</summary>\n<p>body</p>\n</details>');
});

test('details are always balanced; no other HTML passes, nor attributes on the allowed tags', () => {
  assert.equal(md('<details>\nopen forever'), '<details>\n<p>open forever</p>\n</details>');
  assert.equal(md('</details>\n<summary>x</summary>'), '<p>&#60;/details&#62;</p>\n<p>&#60;summary&#62;x&#60;/summary&#62;</p>');
  assert.equal(md('<details onclick="alert(1)">'), '<p>&#60;details onclick=&#34;alert(1)&#34;&#62;</p>');
  assert.equal(md('<details><summary>a</summary><script>'), '<p>&#60;details&#62;&#60;summary&#62;a&#60;/summary&#62;&#60;script&#62;</p>');
  assert.equal(md('<details><summary><img src=x onerror=alert(1)></summary>'), '<details><summary>&#60;img src=x onerror=alert(1)&#62;</summary>\n</details>');
  const deep = md('<details>\n'.repeat(40));
  assert.equal(deep.match(/<details>/g)?.length, 16);
  assertSafeHtml(deep);
  // A closing tag inside a quote cannot close a section opened outside it.
  assertSafeHtml(md('<details>\n> </details>\n> <script>x</script>\n</details>\n</details>'));
});

test('hostile input: scripts, attribute injection through link text and URLs, raw HTML', () => {
  const inputs = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[x](https://a.example/"onmouseover="alert(1))',
    '[x](https://a.example/"onmouseover="alert`1`)',
    "[x](https://a.example/'onmouseover='alert(1))",
    '["><script>alert(1)</script>](https://a.example)',
    '[x](https://a.example/`onmouseover=alert(1))',
    '[x](java&#115;cript:alert%281%29)',
    '[x](&#106;avascript:alert%281%29)',
    '| <script> | "a" |\n|---|---|\n| `</td><script>` | [y](javascript:x) |',
    '# <h1 onclick=x>\n- <li style="x">\n> <blockquote>',
    '`<code onclick=x>` **<b>** *<i>* ~~<s>~~',
    '<details open style="x">\n<summary onclick="x">x</summary>\n</details>',
    '\u0000\u202e<script>\ud800',
  ];
  for (const input of inputs) {
    const out = md(input);
    assertSafeHtml(out);
    assert.ok(!/<(?:script|img|b|i|s)[\s>]|<(?:h1|li|blockquote|code|details|summary) /i.test(out), `${input} → ${out}`);
  }
  assert.equal(md('[x](https://a.example/"onmouseover="alert`1`)'), '<p><a href="https://a.example/&#34;onmouseover=&#34;alert&#96;1&#96;" rel="nofollow noopener">x</a></p>');
  assert.equal(md('[x](java&#115;cript:alert%281%29)'), '<p><a href="java&#38;#115;cript:alert%281%29" rel="nofollow noopener">x</a></p>');
  assert.ok(markdown('<b>').html.startsWith('<div class="md">'));
});

test("checks-out's real check-run summaries render as structured HTML", () => {
  const approved = md(reports.approved());
  assertSafeHtml(approved);
  assert.match(approved, /^<p><strong>approved by bob<\/strong><\/p>/);
  assert.match(approved, /<li>match: <code>all\[count=1,self=false\]<\/code><\/li>/);
  assert.match(approved, /<table><thead><tr><th>Check<\/th><th>Result<\/th><\/tr><\/thead><tbody><tr><td>Title<\/td><td>ok \(no antititle\)<\/td><\/tr>/);
  assert.match(approved, /<tr><td>bob<\/td><td>comment at 1970-01-01T00:00:00.010Z<\/td><td>approval<\/td>/);
  assert.match(approved, /<details><summary>Effective configuration<\/summary>\n<pre><code>\{\n {2}&#34;approvals&#34;/);
  assert.match(approved, /<\/code><\/pre>\n<\/details>$/);
  assert.ok(!approved.includes('**') && !approved.includes('|---'));

  const waiting = md(reports.waiting());
  assertSafeHtml(waiting);
  assert.match(waiting, /<ul><li>❌ and<ul><li>❌ <code>all\[count=2,self=false\]<\/code> counted: carol \(needs 1 more\)<\/li><li>❌ <code>bob\[count=1,self=true\]<\/code> \(needs 1 more\)<\/li><\/ul><\/li><\/ul>/);
  assert.match(waiting, /<td>does not hold: needs 1 more approval from maintainers \(<code>all\[count=2,self=false\]<\/code>\); needs 1 more approval from <code>bob<\/code>/);

  const broken = md(reports.configError());
  assertSafeHtml(broken);
  assert.match(broken, /<p><strong>Problems<\/strong><\/p>\n<pre><code>\.checks-out:3:14: Unable to parse approval policy &#39;x and &#60;script&#62;&#39;<\/code><\/pre>/);

  const gaveUp = md(reports.gaveUp());
  assertSafeHtml(gaveUp);
  assert.match(gaveUp, /<pre><code>boom &#96; &#60;img src=x onerror=alert\(1\)&#62;<\/code><\/pre>\n<p>Use <strong>Re-evaluate<\/strong> to try again\.<\/p>$/);

  const hostile = md(reports.hostile());
  assertSafeHtml(hostile);
  assert.match(hostile, /<p><strong>approved by m&#60;script&#62;x<\/strong><\/p>/);
  assert.match(hostile, /<pre><code>\.checks-out:1: &#60;\/details&#62;&#60;script&#62;alert\(1\)&#60;\/script&#62;<\/code><\/pre>/);
  assert.equal(hostile.match(/<details>/g)?.length, 1);
});

// Each input is 1 MB of a shape that makes naive renderers quadratic or exponential (unmatched delimiters,
// brackets, backtick runs, deep nesting). A linear renderer finishes these in about a second; the timeout only
// guards against a hang and is not a performance assertion.
test('1 MB of pathological input renders (linear work, bounded nesting) and stays safe', { timeout: 240_000 }, () => {
  const M = 1 << 20;
  const fill = (unit: string): string => unit.repeat(Math.ceil(M / unit.length)).slice(0, M);
  const inputs = [
    fill('*a '), fill('*a _b **c __d ~~e '), fill('['), fill(']('), fill('` `` ``` '), fill('*a [*b ]'), `${'*'.repeat(M)}a`,
    `[x](${'a'.repeat(M)}`, fill('<details>\n'), fill('>'), `| a | b |\n|---|---|\n${fill('|x|\n')}`, `${' '.repeat(M)}x`, fill('- a\n  - b\n'),
  ];
  for (const input of inputs) {
    const out = md(input);
    assert.ok(out.length > 0);
    assert.ok(!out.includes('<script'));
  }
  const quotes = md(fill('>') + ' x');
  assert.equal(quotes.match(/<blockquote>/g)?.length, 8);
  const deepList = md(Array.from({ length: 100 }, (_, i) => `${' '.repeat(i * 2)}- x`).join('\n'));
  assert.equal(deepList.match(/<ul>/g)?.length, 16);
  assertSafeHtml(deepList);
});
