/**
 * The supplier parser's ObjectStore (functions/supplierParser/processObject.ts) over the folder store, with the
 * same split as the Lambda's handler: objects are read from the upload bucket named in the S3 event and
 * written to the lake bucket. Pass `(bucket) => supplierObjectStore(store, bucket, lake)` as processBatch's
 * `storeFor`, so the local stack runs the parser's core unchanged.
 */
import { ObjectStore } from "../../functions/supplierParser/processObject";
import { FolderStore } from "./folderStore";
import { isSpellingOf, spellingPrefix } from "../../functions/supplierParser/s3Key";

export function supplierObjectStore(store: FolderStore, uploadBucket: string, lakeBucket: string): ObjectStore {
  return {
    get: async (key) => ({ body: await store.getStream(uploadBucket, key), size: (await store.head(uploadBucket, key))?.size }),
    put: async (key, body, contentType) => {
      await store.put(lakeBucket, key, body, contentType);
    },
    // as HeadObject: the upload's tag now, so a parse of a replaced upload writes nothing
    currentTag: async (key) => (await store.head(uploadBucket, key))?.eTag,
    // as ListObjectsV2: the uploads under the key's other spellings (`.CSV`), the newest of which owns the output
    spellings: async (key) =>
      (await store.list(uploadBucket, spellingPrefix(key)))
        .filter((o) => isSpellingOf(o.key, key))
        .map((o) => ({ key: o.key, lastModified: o.lastModified.getTime() })),
  };
}
