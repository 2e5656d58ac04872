// Stable dashboard uids. Grafana keys provisioned dashboards, links (/d/<uid>)
// and stars by uid, so a uid must never change when nothing but the generator
// did; it is derived from the dashboard's kind and name alone.
import { createHash } from "node:crypto";

/** Grafana's limit; longer uids are rejected on provisioning. */
export const MAX_UID_LENGTH = 40;
const HASH_LENGTH = 8;

export type DashboardKind = "slo" | "overview" | "alerts" | "custom";

/**
 * `monac-<kind>-<name>` in Grafana's uid alphabet ([a-zA-Z0-9_-]). The kind is a
 * namespace: a service called "slos" cannot collide with the overview. Names
 * too long for 40 characters keep a readable prefix and end in a hash of the
 * full name, so two long names sharing a prefix still differ.
 */
export function dashboardUid(kind: DashboardKind, name: string): string {
  const slug = `monac-${kind}-${slugify(name)}`.replace(/-+$/, "");
  if (slug.length <= MAX_UID_LENGTH) return slug;
  const hash = createHash("sha256").update(`${kind}\0${name}`).digest("hex").slice(0, HASH_LENGTH);
  return `${slug.slice(0, MAX_UID_LENGTH - HASH_LENGTH - 1).replace(/-+$/, "")}-${hash}`;
}

function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** File name of a dashboard's JSON under out/grafana/dashboards. */
export function dashboardFileName(uid: string): string {
  return `${uid}.json`;
}
