// A client that sends a large body in chunks, without a length: the server learns how big it is
// only as it reads, which is when a receiver must refuse it and still get its answer out.
import http from 'node:http';
/** POSTs `bytes` in chunks without a length (the server learns the size only as it reads); resolves with the answer, or the error. */
export function postChunked(
  url: string,
  bytes: number,
  headers: Record<string, string> = {},
  agent?: http.Agent,
): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const write = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

/** POSTs a small body (on `agent`, e.g. a keep-alive one whose connection an earlier request used). */
export function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  agent?: http.Agent,
): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(body);
  });
}
