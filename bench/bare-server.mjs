// The floor every figure is compared with: node:http parsing the same JSON
// and answering the same ACK, storing nothing.
import { createServer } from 'node:http';

let n = 0;
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
    const ack = JSON.stringify({
      status: 'PENDING',
      code: 'ACK_OK',
      transactionId: `DUMMY_20260205_${String(++n % 1e8).padStart(8, '0')}`,
      amount: body.amount,
      echo: body.echo ?? null,
      message: 'Payment request received and processing',
    });
    res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(ack) });
    res.end(ack);
  });
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
