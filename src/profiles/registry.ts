/**
 * Every profile this build speaks. Adding a PG is one folder under
 * src/profiles/ and one line here.
 */
import type { WebhookRenderer } from '../store/store.js';
import { hamsterWorldProfile } from './hamster-world/hamster-world.profile.js';
import type { Profile } from './profile.js';
import { portoneProfile } from './portone/portone.profile.js';
import { seedProfile } from './seed/seed.profile.js';

export const PROFILES = [seedProfile, hamsterWorldProfile, portoneProfile] as const satisfies readonly Profile[];

export type ProfileName = (typeof PROFILES)[number]['name'];
export const PROFILE_NAMES: readonly ProfileName[] = PROFILES.map((p) => p.name);

const byName = new Map<string, Profile>(PROFILES.map((p) => [p.name, p]));

export function profileNamed(name: string): Profile | undefined {
  return byName.get(name);
}

/** Renders each payment's webhook with the profile that took it. */
export const webhookRenderer: WebhookRenderer = {
  render(payment, event, context) {
    const profile = byName.get(payment.profile);
    if (!profile) throw new Error(`Payment ${payment.tid} was taken through profile ${payment.profile}, which this build does not speak`);
    return profile.webhookBody(payment, event, context);
  },
};
