// The HTTP side every floor shares — the bare server's and the durable
// floors' (floor-http.mjs): node:http parsing each POST's JSON and answering
// the seed's 202, with nothing imported beyond node:http so that the bare
// server starts as fast as Node does.
import { createServer } from 'node:http';

/** node:http on `port`: a GET answers OK; a POST's JSON body goes to `onPayment(body, res)`. */
export function listen(port, onPayment) {
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-length': '2' }).end('OK');
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      onPayment(body, res);
    });
  });
  server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

/** The seed's 202 for a payment. */
export function ack(res, tid, body) {
  const text = JSON.stringify({ status: 'PENDING', code: 'ACK_OK', transactionId: tid, amount: body.amount, echo: body.echo ?? null, message: 'Payment request received and processing' });
  res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
