import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createRuleFailureAlarm, ruleFailureMetric } from "./alarms";
import { AwsContext } from "./awsContext";
import { Deployment } from "./deployment";
import { createLogGroup } from "./logGroup";
import { allow, Statement } from "./policyDocuments";
import { createServiceRole, grant } from "./role";
import { HelperOptions } from "./options";

export interface TopicRuleRoleArgs {
  readonly description: string;
  /** What the rules' actions may do (put on a stream, encrypt); writing the rule error log is added. */
  readonly statements: pulumi.Input<Statement[]>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
}

export interface TopicRuleRole {
  readonly role: aws.iam.Role;
  /** Grant the rules must depend on, so no message reaches an action before the role may act. */
  readonly policy: aws.iam.RolePolicy;
  /** Every rule's errorAction: failed actions land in the rules' own encrypted log group. */
  readonly errorAction: aws.types.input.iot.TopicRuleErrorAction;
  /** Alarms on any message in that log group (a message a rule did not deliver). */
  readonly failureAlarm: aws.cloudwatch.MetricAlarm;
  /** The metric, in the stack's namespace, counting those messages (the alarm's). */
  readonly failureMetric: string;
}

/** The role IoT rules act with (`<name>-rule`), and the log group their failed actions go to (`<name>-rule-errors`). */
export function createTopicRuleRole(name: string, args: TopicRuleRoleArgs, opts: HelperOptions): TopicRuleRole {
  const errors = createLogGroup(`${name}-rule-errors`, { path: `iot/${name}-rule-errors`, kmsKeyArn: args.kmsKeyArn, deployment: args.deployment }, opts);
  const role = createServiceRole(`${name}-rule`, { service: "iot.amazonaws.com", sourceAccount: args.ctx.accountId, description: args.description }, opts);
  const policy = grant(
    `${name}-rule`,
    {
      role,
      statements: pulumi
        .all([pulumi.output(args.statements), errors.arn])
        .apply(([statements, logArn]) => [
          ...(statements as Statement[]),
          allow("WriteRuleErrors", ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], `${logArn}:*`),
        ]),
    },
    opts,
  );
  const failureAlarm = createRuleFailureAlarm(name, { logGroupName: errors.name, deployment: args.deployment }, opts);
  return {
    role,
    policy,
    errorAction: { cloudwatchLogs: { logGroupName: errors.name, roleArn: role.arn } },
    failureAlarm,
    failureMetric: ruleFailureMetric(name),
  };
}
