/**
 * Bounded reading of a byte stream: the body passes through unchanged until more than `max` bytes
 * have arrived, then the stream errors (with `error()`) and the source is cancelled, so nothing past
 * the limit is ever buffered. Used for request bodies that declare no length (chunked).
 */
export function boundedBody(body: ReadableStream<Uint8Array>, max: number, error: () => Error): ReadableStream<Uint8Array> {
  let seen = 0;
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      seen += value.byteLength;
      if (seen > max) {
        controller.error(error());
        await reader.cancel().catch(() => {});
        return;
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
