/** @jsxImportSource @kitajs/html */
import { expect, test } from "bun:test";
import { BarChart, niceCeil } from "./chart.tsx";

test("the chart is an accessible SVG with title, description, axis labels and one bar per point", () => {
  const svg = String(<BarChart title="Cost <per> day" xLabel="Day" yLabel="USD" points={[{ x: "2026-01-01", y: 1 }, { x: "2026-01-02", y: 3 }]} />);
  expect(svg).toContain('role="img"');
  expect(svg).toContain("<title id=\"chart-title\">Cost &lt;per&gt; day</title>");
  expect(svg).toContain("highest 3");
  expect(svg.match(/<rect /g)).toHaveLength(2);
  expect(svg).toContain(">Day</text>");
  expect(svg).toContain(">USD</text>");
});

test("axis tops are 1, 2 or 5 times a power of ten", () => {
  expect([niceCeil(0.03), niceCeil(3), niceCeil(7), niceCeil(120)]).toEqual([0.05, 5, 10, 200]);
});

test("a count axis has whole-number ticks", () => {
  const svg = String(<BarChart title="Calls" xLabel="Day" yLabel="Calls" integer points={[{ x: "a", y: 1 }]} />);
  const ticks = [...svg.matchAll(/<g class="tick">.*?<text[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
  expect(ticks).toEqual(["0", "1", "2", "3", "4"]);
});
