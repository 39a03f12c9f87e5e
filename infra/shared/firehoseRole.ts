import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HelperOptions } from "./options";
import { allow, FIREHOSE_S3_DESTINATION_ACTIONS, kmsStatement, logWriteStatement, Statement } from "./policyDocuments";
import { grant } from "./role";

export interface FirehoseGrantArgs {
  readonly role: aws.iam.Role;
  /** Buckets the stream writes (objects and the bucket itself, as S3 destinations need). */
  readonly bucketArns: readonly pulumi.Input<string>[];
  /** Sid of the write statement, e.g. `WriteLake`. */
  readonly writeSid: string;
  /** Statements after the write one, e.g. invoking a transform. */
  readonly extra?: pulumi.Input<pulumi.Input<Statement>[]>;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Sid of the key statement, e.g. `EncryptLakeObjects`. */
  readonly keySid: string;
  readonly logGroupArn: pulumi.Input<string>;
}

/** What a Firehose stream delivering to S3 may do: write its buckets, encrypt with the key, log its delivery. */
export function grantFirehoseDelivery(name: string, args: FirehoseGrantArgs, opts: HelperOptions): aws.iam.RolePolicy {
  return grant(
    name,
    {
      role: args.role,
      statements: pulumi
        .all([pulumi.all([...args.bucketArns]), pulumi.output(args.extra ?? []), args.kmsKeyArn, args.logGroupArn])
        .apply(([buckets, extra, keyArn, logArn]) => [
          allow(
            args.writeSid,
            FIREHOSE_S3_DESTINATION_ACTIONS,
            buckets.flatMap((b) => [b, `${b}/*`]),
          ),
          ...(extra as Statement[]),
          kmsStatement(args.keySid, [keyArn], ["kms:GenerateDataKey", "kms:Decrypt"]),
          logWriteStatement(logArn),
        ]),
    },
    opts,
  );
}
