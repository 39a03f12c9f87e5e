/**
 * Sends batches one after another in the order they were given: a batch starts only once the previous one has
 * settled. Concurrent PutRecords calls can land out of order (the first one also opens the connection), and
 * a train's model dead-letters a reading older than one it already learned, so the local rule action keeps
 * each train's readings in the order they were published. A failed batch is reported and does not stop the next.
 */
export function orderedSender<T>(send: (batch: T) => Promise<unknown>, failed: (e: Error) => void): (batch: T) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (batch: T) => {
    tail = tail.then(() =>
      send(batch).then(
        () => undefined,
        (e: unknown) => failed(e instanceof Error ? e : new Error(String(e))),
      ),
    );
    return tail;
  };
}
