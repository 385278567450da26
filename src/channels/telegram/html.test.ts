import { describe, expect, test } from "bun:test";
import { markdownToHtml } from "./html.ts";

/** Every tag opened is closed, in order — what Telegram needs to accept the message. */
function balanced(html: string): boolean {
  const open: string[] = [];
  for (const [, close, name] of html.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    if (!close) open.push(name!);
    else if (open.pop() !== name) return false;
  }
  return open.length === 0;
}

describe("markdown → Telegram HTML", () => {
  test("escapes &, < and > in text", () => {
    expect(markdownToHtml("a < b && c > d")).toBe("a &lt; b &amp;&amp; c &gt; d");
    expect(markdownToHtml("<script>alert(1)</script>")).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(markdownToHtml("**<b>**")).toBe("<b>&lt;b&gt;</b>");
  });

  test("bold, italic, strike, inline code", () => {
    expect(markdownToHtml("**bold** and __also__")).toBe("<b>bold</b> and <b>also</b>");
    expect(markdownToHtml("*it* and _it_")).toBe("<i>it</i> and <i>it</i>");
    expect(markdownToHtml("~~gone~~")).toBe("<s>gone</s>");
    expect(markdownToHtml("run `a < b && c`")).toBe("run <code>a &lt; b &amp;&amp; c</code>");
    expect(markdownToHtml("`**not bold**`")).toBe("<code>**not bold**</code>");
  });

  test("nesting", () => {
    expect(markdownToHtml("**bold _and italic_**")).toBe("<b>bold <i>and italic</i></b>");
    expect(markdownToHtml("*see `x`*")).toBe("<i>see <code>x</code></i>");
    expect(markdownToHtml("~~**a**~~")).toBe("<s><b>a</b></s>");
  });

  test("unclosed or intraword markers stay literal", () => {
    expect(markdownToHtml("2 * 3 = 6, **half")).toBe("2 * 3 = 6, **half");
    expect(markdownToHtml("snake_case_name and my_var")).toBe("snake_case_name and my_var");
    expect(markdownToHtml("\\*literal\\*")).toBe("*literal*");
    expect(markdownToHtml("a ` b")).toBe("a ` b");
  });

  test("headings and bullets", () => {
    expect(markdownToHtml("## Plan & steps\n* one\n- **two**")).toBe("<b>Plan &amp; steps</b>\n• one\n• <b>two</b>");
  });

  test("links, with escaped attributes", () => {
    expect(markdownToHtml("see [the *docs*](https://example.com/a?b=1&c=\"2\")")).toBe('see <a href="https://example.com/a?b=1&amp;c=&quot;2&quot;">the <i>docs</i></a>');
    expect(markdownToHtml("[a](<https://x.y/z>)")).toBe('<a href="https://x.y/z">a</a>');
    expect(markdownToHtml("[not a link] (x)")).toBe("[not a link] (x)");
  });

  test("fenced code blocks keep their content verbatim, escaped, with the language", () => {
    const md = "Try:\n```ts\nconst a = x < 1 && **y**;\n```\nDone";
    expect(markdownToHtml(md)).toBe('Try:\n<pre><code class="language-ts">const a = x &lt; 1 &amp;&amp; **y**;</code></pre>\nDone');
    expect(markdownToHtml("```\nplain\n```")).toBe("<pre>plain</pre>");
    expect(markdownToHtml("~~~py\nprint(1)\n~~~")).toBe('<pre><code class="language-py">print(1)</code></pre>');
  });

  test("an unclosed fence (a part cut by the splitter) still yields balanced HTML", () => {
    const html = markdownToHtml("text\n```js\nlet a = 1;\nlet b = '<';");
    expect(html).toBe("text\n<pre><code class=\"language-js\">let a = 1;\nlet b = '&lt;';</code></pre>");
    expect(balanced(html)).toBe(true);
  });

  test("output is balanced for messy input", () => {
    for (const md of ["**a *b** c*", "_a **b_ c**", "~~a `b~~ c`", "[**x](y)**", "**`a**`", "***x***"]) {
      const html = markdownToHtml(md);
      expect(balanced(html)).toBe(true);
    }
  });

  test("visible text never grows", () => {
    const md = "# T\n**b** _i_ `c` [l](https://e.x) ~~s~~ & < >\n```\ncode\n```";
    const visible = markdownToHtml(md).replace(/<[^>]+>/g, "").replace(/&(lt|gt|amp|quot);/g, "x");
    expect(visible.length).toBeLessThanOrEqual(md.length);
  });
});
