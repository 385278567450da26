/**
 * A port for a server a test starts itself (the compiled binary, `serve` from source). Below the
 * kernel's ephemeral range (32768+ on Linux), so no outgoing connection of this or another test
 * process can be holding it, and checked free by binding it once: the suite runs in two workers,
 * and a random port in 20000–40000 once collided ("port … is already in use").
 */
export function testPort(): number {
  for (let i = 0; ; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    try {
      Bun.serve({ port, hostname: "127.0.0.1", fetch: () => new Response() }).stop(true);
      return port;
    } catch (e) {
      if (i >= 50) throw e;
    }
  }
}
