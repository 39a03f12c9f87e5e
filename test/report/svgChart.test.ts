import { expect } from "chai";
import { downsample, finiteRange, lineChart } from "../../report/svgChart";

describe("SVG line charts", () => {
  const ranges: [what: string, series: number[][], expected: [number, number]][] = [
    ["one series", [[3, -1, 2]], [-1, 3]],
    [
      "across series, skipping NaN and Infinity",
      [
        [NaN, 5],
        [Infinity, -2, -Infinity],
      ],
      [-2, 5],
    ],
    ["no finite value", [[NaN]], [Infinity, -Infinity]],
  ];
  for (const [what, series, expected] of ranges) {
    it(`finds the finite range of ${what}`, () => {
      expect(finiteRange(series.map((values) => ({ label: "s", values, color: "#000" })))).to.deep.equal(expected);
    });
  }

  it("draws two million points, and a hundred thousand markers, as a chart of bounded size", () => {
    const n = 2_000_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const values = x.map((i) => (i === 1_234_567 ? 50 : Math.sin(i / 1000)));
    const markers = x.filter((i) => i % 20 === 0);
    const svg = lineChart({ title: "big", x, series: [{ label: "v", values, color: "#000" }], markers });
    // the spike survives the downsampling and sets the range
    expect(svg).to.include(">50.00<");
    expect(svg).to.include(">-1.000<");
    const dots = (svg.match(/<circle /g) ?? []).length;
    expect(dots)
      .to.be.greaterThan(800)
      .and.at.most(960 * 220);
    expect(svg.length).to.be.below(1_000_000);
    expect(downsample(values).length).to.be.at.most(4 * 1500);
  });
});
