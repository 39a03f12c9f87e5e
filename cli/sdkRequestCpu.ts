/**
 * The CPU the AWS SDK spends on one S3 GetObject of a small lake object (building, signing, parsing the
 * response), measured against a handler that answers in memory: the part of a request's cost an in-memory lake
 * leaves out. TLS and the network stack are not in it.
 */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Readable } from "stream";

const READING = JSON.stringify({ timestamp: "2026-11-21T10:00:00.000Z", kwh: 0.25, clientId: "NMI6100000001", day: "20261121", receivedAt: 1763719260000 });

/** A client whose every request is answered at once with one reading. */
function answeringClient(): S3Client {
  return new S3Client({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" },
    requestHandler: {
      handle: async () => ({
        response: {
          statusCode: 200,
          headers: { "content-type": "application/json", "content-length": String(READING.length), etag: '"bench"' },
          body: Readable.from([Buffer.from(READING)]),
        },
      }),
    } as never,
  });
}

/** CPU ms a GetObject costs the SDK on the core it runs on: the mean of `requests` after as many to warm up. */
export async function sdkCpuMsPerRequest(requests = 5000): Promise<number> {
  const client = answeringClient();
  const get = async (i: number) => {
    const out = await client.send(new GetObjectCommand({ Bucket: "lake", Key: `NMI6100000001/20261121/${1763719260000 + i}-bench.json` }));
    return out.Body!.transformToString("utf8");
  };
  for (let i = 0; i < requests; i++) await get(i);
  const before = process.cpuUsage();
  for (let i = 0; i < requests; i++) await get(i);
  const used = process.cpuUsage(before);
  client.destroy();
  return (used.user + used.system) / 1000 / requests;
}
