import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "./awsContext";
import { Deployment } from "./deployment";
import { createKmsKey } from "./kmsKey";
import { policyDocument } from "./policyDocuments";

export interface AlertingArgs {
  readonly deployment: Deployment;
  /** E-mail subscribed to the topic (confirmed by the recipient). Default none. */
  readonly email?: string;
}

/**
 * The SNS topic every alarm notifies in prod. Encrypted with its own key: CloudWatch cannot publish to a topic
 * encrypted with the AWS-managed SNS key, so the key policy names cloudwatch.amazonaws.com.
 */
export class Alerting extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gridrail:shared:Alerting", name, {}, opts);
    const ctx = awsContext(this);
    const key = createKmsKey(name, { purpose: "alerts", services: ["cloudwatch"], ctx, deployment: args.deployment }, { parent: this });
    const topic = new aws.sns.Topic(`${name}-topic`, { kmsMasterKeyId: key.arn }, { parent: this });
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      {
        arn: topic.arn,
        policy: pulumi.all([topic.arn, ctx.accountId]).apply(([arn, accountId]) =>
          JSON.stringify(
            policyDocument([
              {
                Sid: "CloudWatchAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: arn,
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
              },
              {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "sns:Publish",
                Resource: arn,
                Condition: { Bool: { "aws:SecureTransport": false } },
              },
            ]),
          ),
        ),
      },
      { parent: this },
    );
    if (args.email !== undefined) {
      new aws.sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: args.email }, { parent: this });
    }
    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
