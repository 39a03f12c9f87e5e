/** The Kinesis event factories live with the local stand-ins (the bench uses them too); tests import them here. */
export * from "../../local/kinesis/kinesisEvents";
