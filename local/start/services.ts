/**
 * The loopback services the local stack runs on: the MQTT broker (under the trains' device policy), the shadow
 * service and its data plane, the Kinesis stand-in with the telemetry stream, and the optional live view.
 */
import { trainDefaults } from "../../infra/trainTelemetry/defaults";
import { LoopbackBroker, startBroker } from "../iot/broker";
import { startDataPlaneServer } from "../iot/dataPlaneServer";
import { trainPolicyChecks } from "../iot/devicePolicy";
import { ShadowService } from "../iot/shadowService";
import { attachToBroker } from "../iot/shadowTopics";
import { startKinesis } from "../kinesis/kinesisServer";
import { WebView, startWebView } from "../web/webView";

export type Closer = () => Promise<void> | void;

export interface LocalServices {
  readonly broker: LoopbackBroker;
  readonly dataPlaneEndpoint: string;
  /** The shadows the data plane and the MQTT shadow topics serve. */
  readonly shadows: ShadowService;
  readonly kinesis: Awaited<ReturnType<typeof startKinesis>>;
  readonly stream: { readonly name: string; readonly arn: string };
  readonly web: WebView | undefined;
}

/** Starts every service; each one's closer goes on `closers` as soon as it runs, so a later failure closes it. */
export async function startServices(withWeb: boolean, closers: Closer[]): Promise<LocalServices> {
  // trains publish, subscribe and receive under the program's own device policy: a refused publish disconnects
  // the train, a refused subscription fails in its SUBACK, a message it may not receive is withheld, as on AWS
  const broker = await startBroker(0, trainPolicyChecks({ alerts: trainDefaults.shadowName, acknowledgements: trainDefaults.ackShadowName }));
  closers.push(() => broker.close());
  const shadows = new ShadowService();
  closers.push(attachToBroker(shadows, broker.broker));
  const dataPlane = await startDataPlaneServer({ shadows, broker: broker.broker });
  closers.push(() => dataPlane.close());
  const kinesis = await startKinesis();
  closers.push(() => kinesis.close());
  const stream = await kinesis.createStream("gridrail-local-telemetry", 2);
  let web: WebView | undefined;
  if (withWeb) {
    web = await startWebView();
    closers.push(() => web!.close());
  }
  return { broker, dataPlaneEndpoint: dataPlane.endpoint, shadows, kinesis, stream, web };
}
