import { GetObjectCommand, HeadObjectCommand, S3Client, S3ClientConfig, paginateListObjectsV2 } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { ReportLister } from "./reportList";
import { ReportStore } from "./reportRoute";

/**
 * Reports in S3. HeadObject answers 404 for a missing key only because the role may also s3:ListBucket the
 * bucket; without it S3 answers 403 and every missing report would look like a permission failure.
 */
export class S3ReportStore implements ReportStore, ReportLister {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (e) {
      const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (err.name === "NotFound" || err.name === "NoSuchKey" || err.$metadata?.httpStatusCode === 404) return false;
      throw e;
    }
  }

  async keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    }
    return keys;
  }

  presign(key: string, ttlSeconds: number, signedAt: Date): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: ttlSeconds, signingDate: signedAt });
  }
}

/**
 * The client the report store needs: checksums only where an operation requires them. With the SDK's defaults
 * (WHEN_SUPPORTED) a presigned GET carries `x-amz-checksum-mode=ENABLED` (aws-sdk-js-v3#6994) or a request
 * checksum of the empty body; a customer's browser needs neither, the URL stays plain.
 */
export function reportsS3Client(config: S3ClientConfig = {}): S3Client {
  return new S3Client({ requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED", ...config });
}
