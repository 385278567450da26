import { expect, test } from "bun:test";
import { markdownHtml } from "./browser-html.ts";

test("Markdown becomes escaped HTML; only http(s) and mailto links keep their target", () => {
  expect(markdownHtml("I'm **Ada** <script>alert(1)</script>")).toBe("I'm <b>Ada</b> &lt;script&gt;alert(1)&lt;/script&gt;");
  expect(markdownHtml("[docs](https://example.com/a)")).toBe('<a href="https://example.com/a" rel="noopener noreferrer nofollow">docs</a>');
  expect(markdownHtml("[click](javascript:alert(1))")).not.toContain("javascript");
  expect(markdownHtml('[x](https://a"onmouseover="alert(1))')).toBe('<a href="https://a&quot;onmouseover=&quot;alert(1" rel="noopener noreferrer nofollow">x</a>)');
});
