// Grouping model items (SLOs by service, alerts by service or file) in one
// pass: filtering the whole model once per key is quadratic, and a
// 10,000-SLO workspace has 2,000 services.

/** Items grouped by key: keys sorted (code unit order), items in their original order within a group. */
export function groupedBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
