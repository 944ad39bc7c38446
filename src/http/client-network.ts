// The networks a client is limited by: an IPv4 address as it is, an IPv6 address as its /64 for
// delays (one subscriber, one home or VM, is usually handed a whole /64 and could rotate through 2^64
// addresses) and as its /48 for its share of an account's hard lock (one allocation is often a /48,
// i.e. 65,536 /64s). IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as the IPv4 address they carry.

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The eight 16-bit groups of an IPv6 address, or null when `address` is not one. */
function ipv6Groups(address: string): number[] | null {
  const text = address.split("%")[0] ?? "";
  if (!/^[0-9a-f:.]+$/i.test(text) || !text.includes(":")) return null;
  let head = text;
  let tail = "";
  const doubleColon = text.indexOf("::");
  if (doubleColon !== -1) {
    if (text.indexOf("::", doubleColon + 1) !== -1) return null;
    head = text.slice(0, doubleColon);
    tail = text.slice(doubleColon + 2);
  }
  const parse = (part: string): number[] | null => {
    if (part === "") return [];
    const groups: number[] = [];
    const pieces = part.split(":");
    for (const [index, piece] of pieces.entries()) {
      const v4 = index === pieces.length - 1 ? IPV4.exec(piece) : null;
      if (v4) {
        const octets = v4.slice(1).map(Number);
        if (octets.some((octet) => octet > 255)) return null;
        const [a = 0, b = 0, c = 0, d = 0] = octets;
        groups.push((a << 8) | b, (c << 8) | d);
        continue;
      }
      if (!/^[0-9a-f]{1,4}$/i.test(piece)) return null;
      groups.push(Number.parseInt(piece, 16));
    }
    return groups;
  };
  const first = parse(head);
  const last = parse(tail);
  if (!first || !last) return null;
  const missing = 8 - first.length - last.length;
  if (doubleColon === -1 ? missing !== 0 : missing < 1) return null;
  return [...first, ...new Array(doubleColon === -1 ? 0 : missing).fill(0), ...last];
}

/** `a.b.c.d` for IPv4 (mapped too), the first `groups` groups of IPv6 as `…::/<bits>`, else the input. */
function networkOf(ip: string, groupCount: number): string {
  const address = ip.trim();
  if (IPV4.test(address)) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  const isMappedV4 = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (isMappedV4) {
    const [high = 0, low = 0] = groups.slice(6);
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return `${groups
    .slice(0, groupCount)
    .map((group) => group.toString(16))
    .join(":")}::/${groupCount * 16}`;
}

/**
 * The text that client limits (delays, `ClientInfo.limitHash`) are keyed by: `a.b.c.d` for IPv4,
 * `xxxx:xxxx:xxxx:xxxx::/64` for IPv6 (canonical lowercase hex), and the input unchanged when it is
 * neither (it is only ever hashed).
 */
export const limitNetworkOf = (ip: string): string => networkOf(ip, 4);

/**
 * The text a client's share of an account-wide hard lock (`ClientInfo.scopeHash`) is keyed by:
 * `a.b.c.d` for IPv4, `xxxx:xxxx:xxxx::/48` for IPv6.
 */
export const scopeNetworkOf = (ip: string): string => networkOf(ip, 3);
