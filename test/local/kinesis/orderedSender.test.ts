import { expect } from "chai";
import { orderedSender } from "../../../local/kinesis/orderedSender";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ordered sender", () => {
  it("delivers a slow first batch before a fast second one", async () => {
    const arrived: string[] = [];
    const send = orderedSender(
      async (batch: { name: string; delayMs: number }) => {
        await sleep(batch.delayMs);
        arrived.push(batch.name);
      },
      () => undefined,
    );

    void send({ name: "first", delayMs: 40 });
    await send({ name: "second", delayMs: 0 });

    expect(arrived).to.deep.equal(["first", "second"]);
  });

  it("reports a failed batch and still sends the next", async () => {
    const arrived: string[] = [];
    const failures: string[] = [];
    const send = orderedSender(
      async (name: string) => {
        if (name === "bad") throw new Error("Kinesis refused 3 records of s five times");
        arrived.push(name);
      },
      (e) => failures.push(e.message),
    );

    void send("bad");
    await send("good");

    expect([arrived, failures]).to.deep.equal([["good"], ["Kinesis refused 3 records of s five times"]]);
  });
});
