/**
 * A peer that reads a whole HTTP request and then closes the connection without answering: the
 * request arrived (the platform may have acted on it), the sender only sees its connection lost.
 * `requests`: what came in, raw.
 */
export function startDropper() {
  const requests: string[] = [];
  const buffers = new Map<object, string>();
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket, chunk) {
        const got = (buffers.get(socket) ?? "") + chunk.toString();
        buffers.set(socket, got);
        const end = got.indexOf("\r\n\r\n");
        const length = Number(/content-length:\s*(\d+)/i.exec(got)?.[1] ?? 0);
        if (end < 0 || Buffer.byteLength(got.slice(end + 4)) < length) return;
        requests.push(got);
        buffers.delete(socket);
        socket.end();
      },
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, requests, stop: () => server.stop(true) };
}
