/**
 * The net and net/url behaviour behind Prometheus's stripPort, stripDomain,
 * pathPrefix and externalURL functions.
 */

/** net.SplitHostPort; undefined where Go returns an error. */
export function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  const i = hostport.lastIndexOf(":");
  if (i < 0) return undefined; // missing port
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport[0] === "[") {
    // Expect the first ']' just before the last ':'.
    const end = hostport.indexOf("]");
    if (end < 0 || end + 1 !== i) return undefined;
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(":")) return undefined; // too many colons
  }
  if (hostport.slice(j).includes("[")) return undefined;
  if (hostport.slice(k).includes("]")) return undefined;
  return { host, port: hostport.slice(i + 1) };
}

/** net.JoinHostPort: IPv6 literals get brackets. */
export function joinHostPort(host: string, port: string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function isIPv4(s: string): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  // Go rejects leading zeros (they used to mean octal).
  return parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(s: string): boolean {
  let body = s;
  let groups = 8;
  const lastColon = body.lastIndexOf(":");
  if (body.includes(".")) {
    // An embedded IPv4 address takes the room of two groups.
    if (!isIPv4(body.slice(lastColon + 1))) return false;
    body = body.slice(0, lastColon + 1) + "0";
    groups = 7;
  }
  const halves = body.split("::");
  if (halves.length > 2) return false;
  const parse = (h: string) => (h === "" ? [] : h.split(":"));
  const all = halves.flatMap(parse);
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? all.length < groups : all.length === groups;
}

/** net.ParseIP(s) != nil. */
export function isIP(s: string): boolean {
  return isIPv4(s) || (s.includes(":") && isIPv6(s));
}

export interface GoURL {
  /** url.URL.Path: the decoded path. */
  path: string;
  /** url.URL.String(). */
  string: string;
}

/**
 * Enough of url.Parse for an external URL: scheme, authority, path. For a
 * well-formed URL Go's String() gives back the input, which we return as is.
 */
export function parseURL(raw: string): GoURL {
  const m = /^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?(?:\/\/[^/?#]*)?([^?#]*)/.exec(raw);
  let path = m?.[1] ?? "";
  try {
    path = decodeURIComponent(path);
  } catch {
    // Go would reject the URL; keep the raw path.
  }
  return { path, string: raw };
}
