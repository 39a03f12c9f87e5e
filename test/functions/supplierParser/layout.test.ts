import { expect } from "chai";
import { Layout, detectLayout } from "../../../functions/supplierParser/layout";

const v48 = Array(48).fill("0.1").join(",");
const wideHeader = "NMI,METER SERIAL NUMBER,CON/GEN,DATE,ESTIMATED?," + Array.from({ length: 48 }, (_, i) => `c${i}`).join(",");

describe("supplierParser detectLayout", () => {
  const cases: [string, string[], Layout][] = [
    ["nothing", [], "empty"],
    ["NEM12 with a 14-digit update time", ["200,M1,E1,E1,E1,,X,KWH,30,", `300,20240101,${v48},A,,,20240102030312,`], "nem12"],
    ["NEM12 with a 100 header", ["100,NEM12,200401011200,A,B", "200,M1,E1,E1,E1,,X,KWH,30,", `300,20240101,${v48},A,,,20240102030312,`], "nem12"],
    ["NEM12 with Excel-mangled update time", ["200,M1,E1,E1,E1,,X,KWH,30", `300,20240101,${v48},A,,,2.01811E+13`], "nem12-excel"],
    ["the wide layout", [wideHeader], "wide"],
    [
      "the long layout",
      ["AccountNumber,NMI,DeviceNumber,DeviceType,RegisterCode,RateTypeDescription,StartDate,EndDate,ProfileReadValue,RegisterReadValue,QualityFlag"],
      "long",
    ],
    ["plain timestamp,kwh", ["timestamp,kwh"], "plain"],
    ["plain with spaces and capitals", ["Timestamp, kWh"], "plain"],
    ["anything else", ["date,value"], "unknown"],
  ];
  for (const [name, lines, layout] of cases) {
    it(`detects ${name} as ${layout}`, () => {
      expect(detectLayout(lines)).to.equal(layout);
    });
  }
});
