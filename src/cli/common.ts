/** What the client commands (pay, trigger, tail) share: where hamster-pg is, and reading its answers. */
import { ConfigError } from '../errors.js';

export const DEFAULT_URL = 'http://127.0.0.1:8083';

/** --url, else HAMSTER_PG_URL, else the seed's port on this machine. */
export function serviceUrl(flag: string | undefined): string {
  const url = flag ?? process.env.HAMSTER_PG_URL ?? DEFAULT_URL;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new ConfigError(`Invalid value for --url: ${JSON.stringify(url)} — allowed: the base URL of hamster-pg, e.g. ${DEFAULT_URL}`);
  }
  return url.replace(/\/+$/, '');
}

/** A fetch whose refusal says where hamster-pg was looked for. */
export async function call(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new ConfigError(`Cannot reach hamster-pg at ${new URL(url).origin}${cause ? ` (${cause})` : ''} — is it running? (--url)`);
  }
}

/** The problem document's detail, or the status line. */
export async function problemText(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const p = JSON.parse(text) as { detail?: string; code?: string };
    return `${res.status} ${p.code ?? ''}: ${p.detail ?? text}`.trim();
  } catch {
    return `${res.status}: ${text}`;
  }
}

export interface Paint {
  (code: string, text: string): string;
}

export function painter(color: boolean): Paint {
  return (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
}

export function statusColor(status: string): string {
  return status === 'SUCCESS' || status === 'DELIVERED' ? '32' : status === 'FAILED' || status === 'DEAD' ? '31' : status === 'CANCELLED' ? '35' : '33';
}

/** The line saying how a webhook sent now went (`name` → url: delivered (200) in 12 ms; delivery DELIVERED). */
export function sentLine(
  paint: (code: string, text: string) => string,
  name: string,
  w: { url: string; delivered: boolean; responseCode: number | null; error: string | null; durationMs: number; state: string },
): string {
  const outcome = w.delivered ? paint('32', `delivered (${w.responseCode})`) : paint('31', `not delivered (${w.responseCode ?? w.error})`);
  return `  ${name} → ${w.url}: ${outcome} in ${w.durationMs} ms; delivery ${w.state}\n`;
}
