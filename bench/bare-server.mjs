// The floor every figure is compared with: node:http parsing the same JSON
// and answering the same ACK, storing nothing.
import { ack, listen } from './ack-http.mjs';

let n = 0;
listen(process.argv[2] ?? 0, (body, res) => ack(res, `DUMMY_20260205_${String(++n % 1e8).padStart(8, '0')}`, body));
