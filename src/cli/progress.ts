/** A live "probes 12/40" line on a terminal; nothing at all in CI or when output is piped. */
export function progressWanted(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  return Boolean(stream.isTTY) && !env.CI && env.TERM !== 'dumb';
}

export function progressLine(
  write: (text: string) => void,
  label: string,
): { update: (done: number, total: number) => void; clear: () => void } {
  let shown = false;
  return {
    update(done, total) {
      shown = true;
      write(`\r${label} ${done}/${total}\x1b[K`);
    },
    clear() {
      if (shown) write('\r\x1b[K');
    },
  };
}
