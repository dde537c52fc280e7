/** Reads hamster-pg's event stream (/api/events, Server-Sent Events). */
import type { HamsterEvent } from '../http/event-stream.js';

/** Yields events until the stream ends or `signal` aborts. */
export async function* readEvents(url: string, signal: AbortSignal): AsyncGenerator<HamsterEvent> {
  const res = await fetch(`${url}/api/events`, { signal, headers: { accept: 'text/event-stream' } });
  if (!res.ok || !res.body) throw new Error(`the event stream answered ${res.status}`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) type = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if ((type === 'payment' || type === 'webhook') && data) {
        yield { type, ...(JSON.parse(data) as object) } as HamsterEvent;
      }
    }
  }
}
