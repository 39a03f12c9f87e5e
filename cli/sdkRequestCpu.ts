/**
 * The CPU the AWS SDK spends on the S3 requests of the daily analysis (building, signing, parsing the response),
 * measured against a handler that answers in memory: the part of a request's cost an in-memory lake leaves out.
 * TLS and the network stack are not in it.
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { Readable } from "stream";

const READING = JSON.stringify({ timestamp: "2026-11-21T10:00:00.000Z", kwh: 0.25, clientId: "NMI6100000001", day: "20261121", receivedAt: 1763719260000 });

/** A client whose every request is answered at once with `body()`. */
function answeringClient(contentType: string, body: () => string): S3Client {
  return new S3Client({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" },
    requestHandler: {
      handle: async () => {
        const bytes = Buffer.from(body());
        return {
          response: {
            statusCode: 200,
            headers: { "content-type": contentType, "content-length": String(bytes.length), etag: '"bench"' },
            body: Readable.from([bytes]),
          },
        };
      },
    } as never,
  });
}

/** CPU ms of `send`, the mean of `requests` after as many to warm up. */
async function meanCpuMs(requests: number, send: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < requests; i++) await send(i);
  const before = process.cpuUsage();
  for (let i = 0; i < requests; i++) await send(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / requests;
}

/** CPU ms a GetObject of one reading costs the SDK on the core it runs on. */
export async function sdkCpuMsPerGet(requests = 5000): Promise<number> {
  const client = answeringClient("application/json", () => READING);
  try {
    return await meanCpuMs(requests, async (i) => {
      const out = await client.send(new GetObjectCommand({ Bucket: "lake", Key: `NMI6100000001/20261121/${1763719260000 + i}-bench.json` }));
      return out.Body!.transformToString("utf8");
    });
  } finally {
    client.destroy();
  }
}

/** A ListObjectsV2 answer of `keys` lake objects, as S3 writes it. */
export function listingXml(keys: number): string {
  const contents = Array.from(
    { length: keys },
    (_, i) =>
      `<Contents><Key>NMI6100000001/20261121/${1763719260000 + i * 1_800_000}-0b7c2d3e-4f50-4a6b-8c9d-0e1f2a3b4c5d.json</Key>` +
      `<LastModified>2026-11-21T10:01:00.000Z</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>` +
      `<ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType><Size>150</Size><StorageClass>STANDARD</StorageClass></Contents>`,
  ).join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>lake</Name>` +
    `<Prefix>NMI6100000001/20261121/</Prefix><KeyCount>${keys}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`
  );
}

/** CPU ms a ListObjectsV2 page of `keys` keys costs the SDK on the core it runs on. */
export async function sdkCpuMsPerListing(keys: number, requests = 500): Promise<number> {
  const xml = listingXml(keys);
  const client = answeringClient("application/xml", () => xml);
  try {
    return await meanCpuMs(requests, (_) => client.send(new ListObjectsV2Command({ Bucket: "lake", Prefix: "NMI6100000001/20261121/" })));
  } finally {
    client.destroy();
  }
}

/** The SDK's CPU of a run's requests: a GET or PUT each, and each listing a fixed part and a part a key. */
export interface SdkCost {
  readonly getMs: number;
  readonly listingMs: number;
  readonly listedKeyMs: number;
}

/** Measures `SdkCost`: a listing's parts from pages of 1 and 1,000 keys. */
export async function measureSdkCost(): Promise<SdkCost> {
  const getMs = await sdkCpuMsPerGet();
  const one = await sdkCpuMsPerListing(1, 2000);
  const thousand = await sdkCpuMsPerListing(1000, 40);
  const listedKeyMs = Math.max(0, (thousand - one) / 999);
  return { getMs, listingMs: Math.max(0, one - listedKeyMs), listedKeyMs };
}

/** The SDK's CPU ms for `gets` GETs and PUTs and `listings` pages holding `listedKeys` keys in all. */
export function sdkCpuMs(cost: SdkCost, requests: { gets: number; listings: number; listedKeys: number }): number {
  return requests.gets * cost.getMs + requests.listings * cost.listingMs + requests.listedKeys * cost.listedKeyMs;
}
