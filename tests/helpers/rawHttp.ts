/**
 * An HTTP/1.1 client on a bare socket, for what fetch will not do: lie in Content-Length, stream a body of any
 * size without holding it, and notice that the server answered while the body was still being sent.
 */
import net from 'node:net';

export interface EarlyAnswer {
  status: number;
  /** The raw answer as far as it came (head and body). */
  answer: string;
  /** Body bytes written before the answer arrived. */
  sent: number;
}

/** Sends `head`, then `chunk` again and again (up to `totalBytes`) until the server answers. */
export function streamUntilAnswered(port: number, head: string, chunk: Buffer, totalBytes: number, timeoutMs = 15_000): Promise<EarlyAnswer> {
  return new Promise((resolve, reject) => {
    const client = net.connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      client.destroy();
      if (error) reject(error);
      else resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]), answer, sent });
    };
    const deadline = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms; ${sent} body bytes sent`)), timeoutMs);
    client.on('data', (data) => {
      answer += data.toString();
      const headEnd = answer.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(answer)?.[1];
      if (headEnd !== -1 && (length === undefined || Buffer.byteLength(answer) >= headEnd + 4 + Number(length))) finish();
    });
    // The server cuts the connection some time after answering; a write error then is expected.
    client.on('error', (error) => (answer === '' ? finish(error) : finish()));
    client.on('close', () => (answer === '' ? finish(new Error(`closed without an answer; ${sent} body bytes sent`)) : finish()));
    client.write(head);
    const pump = (): void => {
      if (done || answer !== '' || sent >= totalBytes) return;
      const piece = sent + chunk.length > totalBytes ? chunk.subarray(0, totalBytes - sent) : chunk;
      sent += piece.length;
      if (client.write(piece)) setImmediate(pump);
      else client.once('drain', pump);
    };
    pump();
  });
}
