export interface SyntheticOptions {
  nodes?: number;
  servicesPerNode?: number;
  incidentsPerNode?: number;
  now?: string;
  seed?: number;
}

/** Writes a synthetic homelab (inventory/, world/, chronicle/incidents.jsonl); returns the node names. */
export function writeSyntheticHomelab(dir: string, options?: SyntheticOptions): Promise<string[]>;
