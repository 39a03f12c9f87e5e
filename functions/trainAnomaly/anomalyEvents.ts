import { PublishCommand, IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { ShadowEntry } from "./shadowDocument";

/**
 * Anomaly events on `trains/{trainId}/anomalies` (docs/contracts.md): one when an episode opens, one when
 * it clears. The shared-data IoT rule carries them to the data scientists' `readings` table, where the daily
 * summary counts anomalies per train. They go out after the shadow write succeeded; a retried batch may
 * publish an event again, so consumers count distinct `episodeId`s.
 */
export interface AnomalyEvent {
  readonly trainId: string;
  readonly timestamp: number;
  readonly episodeId: string;
  readonly state: "open" | "cleared";
  readonly grade: number;
  readonly sensors: readonly string[];
}

export interface AnomalyEventSink {
  publish(events: readonly AnomalyEvent[]): Promise<void>;
}

export function anomalyEventOf(trainId: string, episodeId: string, kind: "opened" | "cleared", entry: ShadowEntry): AnomalyEvent {
  return {
    trainId,
    timestamp: Date.parse(kind === "opened" ? entry.startedAt : (entry.clearedAt ?? entry.updatedAt)),
    episodeId,
    state: kind === "opened" ? "open" : "cleared",
    grade: entry.grade,
    sensors: entry.sensors.map((s) => s.name),
  };
}

export const anomalyTopic = (trainId: string) => `trains/${trainId}/anomalies`;

/** Publishes through the IoT data plane (QoS 1). */
export class IotAnomalyEventSink implements AnomalyEventSink {
  constructor(private readonly client: IoTDataPlaneClient) {}

  async publish(events: readonly AnomalyEvent[]): Promise<void> {
    await Promise.all(
      events.map((e) =>
        this.client.send(
          new PublishCommand({
            topic: anomalyTopic(e.trainId),
            qos: 1,
            payload: new TextEncoder().encode(JSON.stringify(e)),
            contentType: "application/json",
          }),
        ),
      ),
    );
  }
}
