/** The local stack's loopback stand-ins of the AWS services (see each module's top comment for what they reproduce). */
export * from "./iot/broker";
export * from "./iot/iotSql";
export * from "./iot/topicRules";
export * from "./iot/shadowService";
export * from "./iot/shadowTopics";
export * from "./iot/dataPlaneServer";
export * from "./kinesis/kinesisServer";
export * from "./kinesis/esmSettings";
export * from "./kinesis/batchDelivery";
export * from "./kinesis/eventSourceMapping";
export * from "./sqs/queue";
export * from "./sqs/sqsConsumer";
export * from "./s3/folderStore";
export * from "./s3/supplierObjectStore";
export * from "./checkpoints/folderCheckpointStore";
